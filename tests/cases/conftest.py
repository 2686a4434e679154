from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lantern.accounts.models import Agency, User
from lantern.cases import services
from lantern.cases.models import Case, Referral
from lantern.cases.services import Attendee
from lantern.demo.generator import ensure_organisation
from lantern.people.models import Person
from tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Each test makes the twelve demo users afresh; PBKDF2 for each would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db: None) -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.select_related("agency", "team")}


@pytest.fixture
def child(org: dict[str, User]) -> Person:
    return PersonFactory(owning_agency=Agency.objects.get(code="csc"))


def ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


def refer(actor: User, child: Person, **changes: Any) -> Referral:
    values: dict[str, Any] = {
        "received_at": ago(hours=2),
        "source_kind": "health",
        "source_agency": Agency.objects.get(code="health"),
        "source_person": "Sexual health nurse, outreach clinic",
        "concerns": "Seen with older men in cars outside the clinic; says she has a boyfriend of 24.",
        "cse_indicators": ["cars", "older_boyfriend"],
        "names_exploiting_adults": True,
    }
    values.update(changes)
    return services.referral_record(actor=actor, child=child, **values)


FULL_TABLE = (
    Attendee("social_care", "Sam Social Worker", "Social worker"),
    Attendee("police", "DC Morgan", "CSE officer"),
    Attendee("health", "Nurse Patel", "Sexual health"),
)


def to_s47(org: dict[str, User], child: Person) -> Case:
    """A referral taken through its decision and a strategy discussion to a s47 enquiry, by sw1."""
    referral = refer(org["sw1"], child, received_at=ago(days=3))
    services.referral_decide(
        actor=org["sw1"], referral=referral, decision="strategy", reasons="CSE risk", decided_at=ago(days=3),
        lead_practitioner=org["sw1"],
    )  # fmt: skip
    discussion = referral.case.strategy_discussions.get()
    services.strategy_record(
        actor=org["sw1"], discussion=discussion, held_at=ago(days=2), attendees=FULL_TABLE, outcome="s47",
        outcome_reasons="Reasonable cause to suspect significant harm",
    )  # fmt: skip
    case = Case.objects.get(pk=referral.case_id)
    assert case.stage == "s47"
    return case
