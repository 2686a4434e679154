from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lantern.accounts.models import Agency, User
from lantern.demo.generator import ensure_organisation
from lantern.people.models import Person
from lantern.screening import services
from lantern.screening.models import Indicator
from tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db: None) -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.select_related("agency", "team")}


@pytest.fixture
def child(org: dict[str, User]) -> Person:
    """A 15-year-old held by children's social care (born 17 May 2011)."""
    return PersonFactory(owning_agency=Agency.objects.get(code="csc"))


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def raise_(actor: User, child: Person, kind: str, *, days: int = 10, **extra: Any) -> Indicator:
    values: dict[str, Any] = {
        "observed_on": days_ago(days), "evidence": "other", "detail": f"Synthetic: {kind} seen by {actor.username}.",
    }  # fmt: skip
    values.update(extra)
    return services.indicator_raise(actor=actor, child=child, kind=kind, **values)
