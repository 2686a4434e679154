"""A small Kestrelmoor network whose links, paths, communities and findings are known by hand.

Two clusters that nothing joins:

- Dean (an adult the police hold) shares phone 07700 900101 with Amy (a child social care holds) and is seen with
  vehicle KM21 ABC, which social care also records Beth with: Dean is linked to two children. Amy is recorded at
  the Station Takeaway.
- Police report 1 (handling P) names Eli and Cara, phones 07700 900202 (given by the submitter) and 07700 900204
  (found in the text and confirmed), not 07700 900203 (found in the text, not confirmed), vehicle KM22 XYZ (added
  by an analyst) and Ravens Park; social care recorded Eli and Cara seen together. Eli is linked to one child.

Each kind of evidence has its own date, from January to May 2025, so a window can take any of them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from lantern.accounts.models import Agency, User
from lantern.demo.generator import ensure_organisation
from lantern.intel.enums import EntityKind, EntityOrigin, Source, Status
from lantern.intel.models import IntelEntity, IntelReport
from lantern.intel.rules import LANTERN_INTEL_24H
from lantern.intel.services import new_reference
from lantern.network.models import Association
from lantern.people.models import Person, Phone, Place, PlaceMention, SourceRecord, Vehicle
from tests.factories import PersonFactory, RecordFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Each test makes the demo users afresh; PBKDF2 for each would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def person(kind: str, owner: str, given: str, family: str) -> Person:
    return PersonFactory(kind=kind, owning_agency=agency(owner), given_name=given, family_name=family,
                         date_of_birth=dt.date(2011, 5, 17) if kind == "child" else dt.date(1990, 2, 3))  # fmt: skip


def at(day: dt.date) -> dt.datetime:
    """Midday on the day, in Lantern's time zone, so the link's date is that day in any season."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def record(
    who: Person, holder: str, on: dt.date, *, phones: tuple[str, ...] = (), vehicles: tuple[str, ...] = (),
    places: tuple[Place, ...] = (), handling: str = "P", category: str = "agency_record", title: str = "",
) -> SourceRecord:  # fmt: skip
    made = RecordFactory(person=who, agency=agency(holder), handling_code=handling, category=category,
                         recorded_at=at(on), title=title or f"{holder} record of {who.given_name}")  # fmt: skip
    for number in phones:
        Phone.objects.create(record=made, number=number)
    for vrm in vehicles:
        Vehicle.objects.create(record=made, vrm=vrm)
    for place in places:
        PlaceMention.objects.create(record=made, place=place)
    return made


def report(
    holder: str, submitter: User, on: dt.date, *, handling: str = "P", place: Place | None = None
) -> IntelReport:
    now = timezone.now()
    graded = handling != ""
    return IntelReport.objects.create(
        reference=new_reference(), source=Source.PARTNER, agency=agency(holder), submitted_by=submitter,
        what="Synthetic: seen at the bus station with an older man.", occurred_on=on, location_text="Bus station",
        knowledge="seen", urgency="soon", risk="medium",
        triage_due_at=LANTERN_INTEL_24H.due(received_at=now, risk="medium"),
        status=Status.TRIAGED if graded else Status.NEW, grading_scheme="3x5x2" if graded else "",
        source_evaluation="2" if graded else "", intelligence_assessment="C" if graded else "",
        handling_code=handling, handling_conditions="Only for the CSE strategy group" if handling == "C" else "",
        place=place,
    )  # fmt: skip


def entity(
    on: IntelReport, kind: str, value: str, *, origin: str = EntityOrigin.SUBMITTED, confirmed: bool = False,
    who: Person | None = None, place: Place | None = None,
) -> IntelEntity:  # fmt: skip
    return IntelEntity.objects.create(report=on, kind=kind, text=value, value=value, origin=origin,
                                      confirmed=confirmed, person=who, place=place)  # fmt: skip


def associate(
    a: Person, b: Person, by: User, on: dt.date, *, handling: str = "P", kind: str = "seen_together"
) -> Association:
    return Association.objects.create(person_a=a, person_b=b, kind=kind, observed_on=on, handling_code=handling,
                                      note="Synthetic: seen together.", agency=by.agency, recorded_by=by)  # fmt: skip


def key(who: Person) -> str:
    return f"person:{who.pk}"


PHONE_AMY_DEAN = "+447700900101"
PHONE_GIVEN = "+447700900202"
PHONE_GUESSED = "+447700900203"
PHONE_CONFIRMED = "+447700900204"
VEHICLE_DEAN = "KM21ABC"
VEHICLE_ELI = "KM22XYZ"
JAN, FEB, MAR, APR, MAY = (dt.date(2025, month, 10) for month in range(1, 6))


@dataclass
class World:
    users: dict[str, User]
    amy: Person
    beth: Person
    cara: Person
    dean: Person
    eli: Person
    takeaway: Place
    park: Place
    amy_record: SourceRecord
    dean_record: SourceRecord
    beth_record: SourceRecord
    report: IntelReport
    guessed: IntelEntity
    seen_together: Association


@pytest.fixture
def org(db: None) -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.select_related("agency", "team")}


def build_world(users: dict[str, User]) -> World:
    takeaway = Place.objects.create(name="Station Takeaway", kind="takeaway")
    park = Place.objects.create(name="Ravens Park", kind="park")
    amy, beth, cara = (person("child", "csc", given, "Test") for given in ("Amy", "Beth", "Cara"))
    dean, eli = (person("adult", "police", given, "Test") for given in ("Dean", "Eli"))
    amy_record = record(amy, "csc", JAN, phones=(PHONE_AMY_DEAN,), places=(takeaway,))
    dean_record = record(dean, "police", FEB, phones=(PHONE_AMY_DEAN,), vehicles=(VEHICLE_DEAN,))
    beth_record = record(beth, "csc", MAR, vehicles=(VEHICLE_DEAN,))
    intel = report("police", users["cse1"], APR, place=park)
    entity(intel, EntityKind.PERSON, "Eli", who=eli, confirmed=True)
    entity(intel, EntityKind.PERSON, "Cara", who=cara, confirmed=True)
    entity(intel, EntityKind.PERSON, "a man called Gaz")  # named, not yet linked to anyone: no link
    entity(intel, EntityKind.PHONE, PHONE_GIVEN)
    guessed = entity(intel, EntityKind.PHONE, PHONE_GUESSED, origin=EntityOrigin.SUGGESTED)
    entity(intel, EntityKind.PHONE, PHONE_CONFIRMED, origin=EntityOrigin.SUGGESTED, confirmed=True)
    entity(intel, EntityKind.VEHICLE, VEHICLE_ELI, origin=EntityOrigin.ANALYST, confirmed=True)
    entity(intel, EntityKind.PLACE, "Ravens Park", place=park, confirmed=True)  # the report's own place as well
    seen_together = associate(eli, cara, users["sw1"], MAY)
    return World(users=users, amy=amy, beth=beth, cara=cara, dean=dean, eli=eli, takeaway=takeaway, park=park,
                 amy_record=amy_record, dean_record=dean_record, beth_record=beth_record, report=intel,
                 guessed=guessed, seen_together=seen_together)  # fmt: skip


@pytest.fixture
def world(org: dict[str, User]) -> World:
    return build_world(org)
