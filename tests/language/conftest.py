from __future__ import annotations

from typing import Any

import pytest

from lantern.accounts.models import User
from lantern.demo.generator import ensure_organisation
from lantern.language.defaults import seed_defaults
from lantern.language.models import Phrase


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Each test makes the twelve demo users afresh; PBKDF2 for each would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def guide(db: None) -> None:
    """The guide as the migration seeds it (a transactional test before this one may have emptied the table)."""
    seed_defaults(Phrase)


@pytest.fixture
def org(db: None) -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.select_related("agency", "team")}
