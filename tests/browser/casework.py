"""Synthetic people and records for the browser tests, made through the services as demo users would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lantern.access.models import BreakGlass
from lantern.access.services import break_glass_open
from lantern.accounts.models import User
from lantern.people.models import Person, SourceRecord
from lantern.people.selectors import person_get, record_get
from lantern.people.services import person_create, record_create

FAMILY_NAME = "Testperson"
SHARED_TITLE = "Synthetic referral for browser tests"
CLOSED_TITLE = "Synthetic closed note for browser tests"
BREAK_GLASS_REASON = "Synthetic emergency: testing the break-glass review page."


@dataclass(frozen=True)
class Casework:
    alpha: Person  # a child recorded by sw1, with a shared (P) and a closed (C) record
    bravo: Person  # a second child with the same family name, so a search finds two people
    shared_record: SourceRecord
    closed_record: SourceRecord
    break_glass: BreakGlass  # sw2 opened the closed record in an emergency; tm1 has to review it


def make_casework() -> Casework:
    """Needs the demo organisation (`ensure_organisation`) in place."""
    sw1 = User.objects.get(username="sw1")
    alpha = person_create(
        actor=sw1, kind="child", given_name="Alpha", family_name=FAMILY_NAME, date_of_birth=dt.date(2012, 3, 4)
    )
    bravo = person_create(
        actor=sw1, kind="child", given_name="Bravo", family_name=FAMILY_NAME, date_of_birth=dt.date(2013, 5, 6)
    )
    shared = record_create(
        actor=sw1,
        person=alpha,
        category="agency_record",
        title=SHARED_TITLE,
        summary="Invented for an automated test.\nNo real person.",
        handling_code="P",
    )
    closed = record_create(
        actor=sw1,
        person=alpha,
        category="agency_record",
        title=CLOSED_TITLE,
        summary="Invented for an automated test; kept within the agency.",
        handling_code="C",
    )
    # The police looking at sw1's child and shared record fill "Who looked at my records" and the audit log.
    cse1 = User.objects.get(username="cse1")
    person_get(actor=cse1, person_id=alpha.pk)
    record_get(actor=cse1, record_id=shared.pk)
    grant = break_glass_open(actor=User.objects.get(username="sw2"), target=closed, reason=BREAK_GLASS_REASON)
    return Casework(alpha=alpha, bravo=bravo, shared_record=shared, closed_record=closed, break_glass=grant)
