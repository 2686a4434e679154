"""A whole generated Kestrelmoor: its people and records, and its intelligence, wards and places, which are
deterministic, synthetic, and keep the intel services' rules.

One module-scoped borough serves every test (a full generation takes seconds): it is made twice, the first time
rolled back, to show the same seed gives the same intelligence; the second stays, inside a transaction that is
rolled back when the module ends, so no other test sees it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.db.models import Count, F

from lantern.audit.models import AuditEvent
from lantern.demo import generator
from lantern.intel.enums import URGENCY_RISK, EntityKind, Outcome, Status, Urgency
from lantern.intel.models import AccessRequest, CorroborationNote, IntelEntity, IntelReport, SanitisedReport
from lantern.intel.rules import LANTERN_INTEL_24H
from lantern.intel.services import normalise_reference, source_clues
from lantern.locality.models import Area
from lantern.people.enums import PlaceKind
from lantern.people.models import Address, Alias, Person, Phone, Place, SourceRecord, Vehicle
from lantern.people.normalise import (
    DRAMA_PREFIXES,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    postcode_sector,
)

pytestmark = pytest.mark.django_db

SEED = 3
CURRENT_VRM = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z]{3}")
DRAMA_E164 = re.compile(r"\+447700900\d{3}")
DRAMA_PHONE = re.compile(r"07700 ?900\d{3}")
ANY_UK_MOBILE = re.compile(r"\b07\d{3} ?\d{6}\b")


@dataclass(frozen=True)
class Borough:
    counts: dict[str, int]
    first: str  # fingerprint of the intelligence from the first (rolled back) generation
    second: str


def fingerprint() -> str:
    """A digest of everything seed-dependent in the intelligence (database ids left out: they are not)."""
    reports = IntelReport.objects.order_by("reference").values_list(
        "reference", "source", "agency__code", "submitted_by__username", "received_at", "occurred_on", "what",
        "location_text", "place__name", "ward__code", "status", "source_evaluation", "intelligence_assessment",
        "handling_code", "graded_at", "outcome",
    )  # fmt: skip
    entities = IntelEntity.objects.order_by("report__reference", "kind", "value").values_list(
        "report__reference", "kind", "value", "origin", "confirmed", "person_id", "place__name"
    )
    others = (
        list(SanitisedReport.objects.order_by("report__reference").values_list("report__reference", "text")),
        list(CorroborationNote.objects.order_by("report__reference", "kind").values_list("report__reference", "kind")),
        list(
            AccessRequest.objects.order_by("report__reference").values_list("report__reference", "requester__username")
        ),
        list(Place.objects.order_by("name").values_list("name", "postcode", "latitude", "longitude", "ward__code")),
    )
    return hashlib.sha256(repr((list(reports), list(entities), others)).encode()).hexdigest()


@pytest.fixture(scope="module")
def borough(django_db_setup, django_db_blocker) -> Iterator[Borough]:
    with django_db_blocker.unblock():
        with transaction.atomic():
            generator.generate(scale=1, seed=SEED)
            first = fingerprint()
            transaction.set_rollback(True)
        with transaction.atomic():
            counts = generator.generate(scale=1, seed=SEED)
            yield Borough(counts=counts, first=first, second=fingerprint())
            transaction.set_rollback(True)


def test_same_seed_same_intelligence(borough: Borough) -> None:
    assert borough.first == borough.second
    assert IntelReport.objects.count() == borough.counts["intel_reports"] == generator.INTEL_PER_SCALE


def test_people_counts_and_only_drama_phones(borough: Borough) -> None:
    counts = borough.counts
    assert counts["records"] >= generator.RECORDS_PER_SCALE
    assert counts["people"] == counts["records"]  # each agency's record stands alone until linkage joins them
    assert Person.objects.filter(kind="child").exists()
    assert Person.objects.filter(kind="adult").exists()
    numbers = set(Phone.objects.values_list("number", flat=True))
    assert numbers
    assert all(n.startswith(DRAMA_PREFIXES) for n in numbers)
    summaries = list(SourceRecord.objects.values_list("summary", flat=True))
    assert all(DRAMA_PHONE.fullmatch(p) for s in summaries for p in ANY_UK_MOBILE.findall(s))
    assert not SourceRecord.objects.filter(category="sexual_health").exclude(agency__code="health").exists()


def test_agencies_records_overlap_like_real_ones(borough: Borough) -> None:
    assert Alias.objects.filter(kind="street_name").exists()
    assert Alias.objects.filter(kind="diminutive").exists()
    assert SourceRecord.objects.filter(dob_year__isnull=False, dob_day__isnull=True).exists()  # partial dates
    assert Vehicle.objects.exists()
    assert Address.objects.exists()
    # The same phone in several agencies' records: the fragments the linkage run will join.
    shared = Phone.objects.values("number").annotate(agencies=Count("record__agency", distinct=True))
    assert shared.filter(agencies__gte=3).exists()


def test_counts_are_returned_and_audited(borough: Borough) -> None:
    assert borough.counts["wards"] == Area.objects.wards().count() == 12
    assert borough.counts["places"] == Place.objects.count() >= 40
    event = AuditEvent.objects.filter(object_type="demo").latest("seq")
    detail = json.loads(event.detail)
    assert {k: detail[k] for k in ("intel_reports", "wards", "places")} == {
        k: borough.counts[k] for k in ("intel_reports", "wards", "places")
    }


def test_twelve_wards_share_every_sector_once(borough: Borough) -> None:
    sectors = [s for ward in Area.objects.wards() for s in ward.postcode_sectors]
    expected = [f"KM{outward} {digit}" for outward in range(1, 10) for digit in range(10)]
    assert sorted(sectors) == sorted(expected)  # all 90, none twice
    for ward in Area.objects.wards():
        assert 54.0 <= (ward.latitude or 0) <= 54.12  # open North Sea
        assert 1.0 <= (ward.longitude or 0) <= 1.25


def test_places_of_every_kind_sit_in_their_wards(borough: Borough) -> None:
    places = list(Place.objects.select_related("ward"))
    assert {p.kind for p in places} == set(PlaceKind.values)
    for place in places:
        assert place.ward is not None
        assert normalise_postcode(place.postcode) == place.postcode
        assert postcode_sector(place.postcode) in place.ward.postcode_sectors
        assert abs((place.latitude or 0) - (place.ward.latitude or 0)) < 0.02
        assert abs((place.longitude or 0) - (place.ward.longitude or 0)) < 0.02


def test_reports_from_every_partner_and_the_public(borough: Borough) -> None:
    by_agency = Counter(IntelReport.objects.filter(source="partner").values_list("agency__code", flat=True))
    assert set(by_agency) == set(generator.PARTNERS)
    public = IntelReport.objects.filter(source="public")
    assert 0.15 < public.count() / IntelReport.objects.count() < 0.25
    assert not public.filter(submitted_by__isnull=False).exists()
    assert not public.exclude(agency__code="police").exists()
    assert not public.exclude(knowledge="").exists()
    assert public.exclude(contact="").exists()
    assert public.filter(contact="").exists()
    partner = IntelReport.objects.filter(source="partner")
    assert not partner.exclude(submitted_by__agency=F("agency")).exists()
    assert not partner.filter(knowledge="").exists()
    assert partner.filter(urgency=Urgency.IMMEDIATE).exists()
    assert not IntelReport.objects.filter(received_at__date__gt=generator.ANCHOR_DATE).exists()
    assert not IntelReport.objects.filter(occurred_on__gt=F("received_at__date")).exists()


def test_references_risk_and_deadlines_as_the_services_set_them(borough: Borough) -> None:
    rows = list(IntelReport.objects.values_list("reference", "received_at", "risk", "urgency", "triage_due_at"))
    assert len({r[0] for r in rows}) == len(rows)
    for reference, received_at, risk, urgency, due in rows:
        assert normalise_reference(reference) == reference
        assert due == LANTERN_INTEL_24H.due(received_at=received_at, risk=risk)
        if urgency:
            assert risk == URGENCY_RISK[Urgency(urgency)]
    routed = IntelReport.objects.filter(routed_at__isnull=False)
    assert set(routed.values_list("urgency", flat=True)) == {Urgency.IMMEDIATE}


def test_only_drama_phones_and_valid_marks(borough: Borough) -> None:
    phones = list(IntelEntity.objects.filter(kind=EntityKind.PHONE).values_list("value", flat=True))
    assert phones
    assert all(DRAMA_E164.fullmatch(p) for p in phones)
    vehicles = list(IntelEntity.objects.filter(kind=EntityKind.VEHICLE).values_list("value", flat=True))
    assert vehicles
    assert all(CURRENT_VRM.fullmatch(v) and normalise_vrm(v) == v for v in vehicles)
    for what, phones_text, contact in IntelReport.objects.values_list("what", "phones_text", "contact"):
        assert all(DRAMA_PHONE.fullmatch(p) for p in ANY_UK_MOBILE.findall(f"{what} {contact}"))
        assert all(DRAMA_E164.fullmatch(normalise_phone(p)) for p in phones_text.split("; ") if p)


def test_entities_recur_with_a_heavy_tail(borough: Borough) -> None:
    for kind in (EntityKind.VEHICLE, EntityKind.PHONE, EntityKind.PLACE, EntityKind.PERSON):
        reports = (
            IntelEntity.objects.filter(kind=kind)
            .values("value")
            .annotate(n=Count("report", distinct=True))
            .values_list("n", flat=True)
        )
        counts = sorted(reports, reverse=True)
        assert counts[0] >= 10, kind  # the same car, phone, place or name again and again
        if kind in (EntityKind.VEHICLE, EntityKind.PHONE):
            assert sum(1 for n in counts if n <= 2) > sum(1 for n in counts if n >= 10), kind  # most rarely


def test_entities_as_the_services_and_an_analyst_leave_them(borough: Borough) -> None:
    duplicates = IntelEntity.objects.values("report", "kind", "value").annotate(n=Count("pk")).filter(n__gt=1)
    assert not duplicates.exists()
    assert not IntelEntity.objects.filter(kind=EntityKind.PLACE, place__isnull=True).exists()
    assert set(IntelEntity.objects.values_list("origin", flat=True)) == {"submitted", "suggested", "analyst"}
    linked = IntelEntity.objects.filter(person__isnull=False)
    assert linked.exists()
    assert not linked.filter(confirmed=False).exists()
    assert not linked.exclude(kind=EntityKind.PERSON).exists()
    assert not linked.filter(report__status=Status.NEW).exists()  # analysts link while triaging
    assert not IntelEntity.objects.filter(origin="analyst").exclude(added_by__username="analyst1").exists()
    # A demo person's given name is in the text of the reports linked to them.
    for written, given_name in linked.values_list("text", "person__given_name")[:200]:
        assert written == given_name or written in generator.STREET_NAMES
    with_place = IntelReport.objects.filter(place__isnull=False)
    assert with_place.count() > IntelReport.objects.count() // 2
    assert not with_place.exclude(ward=F("place__ward")).exists()
    assert not IntelReport.objects.filter(source="public", place__isnull=False).exists()


def test_triage_state(borough: Borough) -> None:
    reports = IntelReport.objects.all()
    graded = reports.exclude(grading_scheme="")
    assert 0.8 < graded.count() / reports.count() < 0.9
    assert not graded.exclude(grading_scheme="3x5x2").exists()
    assert not graded.exclude(graded_by__username="analyst1").exists()
    assert set(graded.values_list("source_evaluation", flat=True)) <= {"1", "2", "3"}
    assert set(graded.values_list("intelligence_assessment", flat=True)) <= set("ABCDE")
    assert not reports.filter(handling_code="C", handling_conditions="").exists()
    assert not reports.filter(handling_code="P").exclude(handling_conditions="").exists()
    assert 0.1 < graded.filter(handling_code="C").count() / graded.count() < 0.3
    assert graded.filter(graded_at__gt=F("triage_due_at")).exists()  # a few were late
    assert not graded.filter(graded_at__lt=F("received_at")).exists()
    ungraded = reports.filter(grading_scheme="")
    assert not ungraded.exclude(status=Status.NEW).exists()
    assert not reports.filter(status=Status.NEW).exclude(grading_scheme="").exists()
    newest_graded = graded.order_by("-received_at").values_list("received_at", flat=True).first()
    assert newest_graded is not None
    assert not ungraded.filter(received_at__lt=newest_graded).exists()  # the newest wait for triage
    closed = reports.filter(status=Status.CLOSED)
    assert closed.count() > graded.count() // 2
    assert not closed.filter(outcome="").exists()
    assert not closed.exclude(outcome_by__username="analyst1").exists()
    assert not reports.filter(outcome=Outcome.NO_FURTHER_ACTION, outcome_reason="").exists()
    assert not reports.filter(status=Status.TRIAGED).exclude(outcome="").exists()
    assert not reports.filter(outcome=Outcome.SHARED, handling_code="C", sanitised__isnull=True).exists()


def test_sanitised_versions_leave_out_the_source(borough: Borough) -> None:
    sanitised = list(SanitisedReport.objects.select_related("report__submitted_by", "created_by"))
    graded = IntelReport.objects.exclude(grading_scheme="").count()
    assert 0.5 < len(sanitised) / graded < 0.7
    named_source = [s for s in sanitised if "Reported by" in s.report.what]
    assert named_source
    for version in sanitised:
        assert version.report.grading_scheme
        assert version.created_by.username == "analyst1"
        text = version.text.lower()
        assert not any(clue.lower() in text for clue in source_clues(version.report))


def test_corroborations_and_access_requests_come_from_other_agencies(borough: Borough) -> None:
    notes = CorroborationNote.objects.all()
    assert notes.count() >= 5
    assert not notes.filter(agency=F("report__agency")).exists()
    assert not notes.exclude(by__agency=F("agency")).exists()
    assert not notes.filter(on__lt=F("report__occurred_on")).exists()
    requests = AccessRequest.objects.all()
    assert requests.count() >= 3
    assert set(requests.values_list("status", flat=True)) == {"pending"}
    assert set(requests.values_list("requester__username", flat=True)) <= {"dsl1", "youth1"}
    assert not requests.filter(report__agency=F("requester__agency")).exists()
    assert not requests.filter(reason="").exists()
