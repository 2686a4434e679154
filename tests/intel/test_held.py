"""'Held elsewhere': intelligence a practitioner may not read is shown as existing (holder, grade, date) and can
be asked for; the holder releases it (in full or sanitised, to that one person, for a time) or refuses, each
audited with the lawful basis. Corroboration sits beside a report without changing it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.access.models import AccessGrant
from lantern.access.policy import AccessDenied, NotVisible
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.cases.models import Notification
from lantern.demo.generator import ensure_organisation
from lantern.intel import selectors, services
from lantern.intel.enums import Level, RequestStatus
from lantern.intel.models import IntelReport

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def users(db: None) -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def report(users: dict[str, User]) -> IntelReport:
    """A youth worker's report on a car, graded C by the analyst, with a sanitised version."""
    made = services.report_submit(
        actor=users["youth1"], what="Youth1 saw girls getting into YX19 KLM at the park.", occurred_on=YESTERDAY,
        knowledge="seen", urgency="soon", location_text="The park", vehicles=["YX19 KLM"],
    )  # fmt: skip
    services.report_grade(
        actor=users["analyst1"], report=made, source_evaluation="1", intelligence_assessment="A", handling_code="C",
        handling_conditions="Strategy group only", risk="medium",
    )  # fmt: skip
    services.report_sanitise(actor=users["analyst1"], report=made, text="Girls seen getting into YX19 KLM.")
    return made


def test_a_report_is_read_in_full_sanitised_or_known_to_exist_by_the_rules(
    users: dict[str, User], report: IntelReport
) -> None:
    assert selectors.report_get(actor=users["youth1"], report_id=report.pk).level is Level.FULL
    assert selectors.report_get(actor=users["analyst1"], report_id=report.pk).level is Level.FULL
    # Handling code C: partners with an agreement know it exists, and who holds it, but cannot read it.
    for name in ("sw1", "dsl1"):
        with pytest.raises(selectors.ExistenceOnly) as refused:
            selectors.report_get(actor=users[name], report_id=report.pk)
        assert "Kestrelmoor Youth Service" in str(refused.value)
    with pytest.raises(NotVisible):
        selectors.report_get(actor=users["board1"], report_id=report.pk)
    services.report_grade(actor=users["analyst1"], report=report, source_evaluation="1",
                          intelligence_assessment="A", handling_code="P", risk="medium")  # fmt: skip
    assert selectors.report_get(actor=users["sw1"], report_id=report.pk).level is Level.SANITISED
    with pytest.raises(selectors.ExistenceOnly):  # schools and youth services exchange no records
        selectors.report_get(actor=users["dsl1"], report_id=report.pk)


def test_a_vehicle_lookup_shows_what_is_held_elsewhere_without_its_content(
    users: dict[str, User], report: IntelReport
) -> None:
    held = selectors.held_on(actor=users["sw1"], vrm="YX19KLM")
    assert held.readable == []
    assert [(r.pk, r.agency.code, r.grade) for r in held.elsewhere] == [(report.pk, "youth", "1AC")]
    assert selectors.held_on(actor=users["youth1"], vrm="YX19KLM").readable[0].level is Level.FULL
    assert selectors.held_on(actor=users["sw1"], vrm="AB12CDE").elsewhere == []


def test_asking_releasing_and_refusing_are_audited_with_the_lawful_basis(
    users: dict[str, User], report: IntelReport
) -> None:
    asked = services.access_request_create(actor=users["sw1"], report=report, reason="Strategy discussion tomorrow.")
    with pytest.raises(ValidationError):
        services.access_request_create(actor=users["sw1"], report=report, reason="Again.")
    with pytest.raises(AccessDenied):  # only the holding agency releases
        services.access_request_decide(actor=users["analyst1"], request=asked, decision="release",
                                       reason="Yes.", lawful_basis="Article 6(1)(e)")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.access_request_decide(actor=users["youth1"], request=asked, decision="release", reason="Yes.",
                                       lawful_basis="")  # fmt: skip
    assert "lawful_basis" in refused.value.message_dict
    services.access_request_decide(
        actor=users["youth1"], request=asked, decision="release_sanitised", reason="For the strategy discussion.",
        lawful_basis="UK GDPR Article 6(1)(e); Children Act 1989 s47",
    )  # fmt: skip
    asked.refresh_from_db()
    assert asked.status == RequestStatus.RELEASED_SANITISED
    assert selectors.report_get(actor=users["sw1"], report_id=report.pk).level is Level.SANITISED
    with pytest.raises(selectors.ExistenceOnly):  # released to sw1 alone
        selectors.report_get(actor=users["sw2"], report_id=report.pk)
    share = AuditEvent.objects.get(action="share", object_type="intel_report", object_id=str(report.pk))
    assert "Children Act 1989 s47" in share.detail
    # The release lasts a set time.
    AccessGrant.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(selectors.ExistenceOnly):
        selectors.report_get(actor=users["sw1"], report_id=report.pk)

    refused_request = services.access_request_create(actor=users["dsl1"], report=report, reason="Pupil named.")
    services.access_request_decide(actor=users["youth1"], request=refused_request, decision="refuse",
                                   reason="It would identify the source.", lawful_basis="")  # fmt: skip
    assert not AccessGrant.objects.filter(user=users["dsl1"]).exists()


def test_another_agency_corroborates_without_editing_and_the_weight_shows_it(
    users: dict[str, User], report: IntelReport
) -> None:
    services.report_grade(actor=users["analyst1"], report=report, source_evaluation="1",
                          intelligence_assessment="A", handling_code="P", risk="medium")  # fmt: skip
    before = report.what
    services.report_corroborate(actor=users["sw1"], report=report, kind="seen_too", note="Seen again by us.",
                                on=timezone.localdate())  # fmt: skip
    with pytest.raises(ValidationError):  # the holder adds a new report instead
        services.report_corroborate(actor=users["youth1"], report=report, kind="seen_too", note="Us too.",
                                    on=timezone.localdate())  # fmt: skip
    view = selectors.report_get(actor=users["analyst1"], report_id=report.pk)
    report.refresh_from_db()
    assert report.what == before
    assert [c.agency.code for c in view.corroborations] == ["csc"]  # type: ignore[attr-defined]
    assert view.weight is not None
    assert view.weight.age_from == timezone.localdate()


def test_the_submitter_is_told_the_outcome_category_and_who_has_looked(
    users: dict[str, User], report: IntelReport
) -> None:
    selectors.report_get(actor=users["analyst1"], report_id=report.pk)
    services.report_outcome(actor=users["analyst1"], report=report, outcome="strategy", reason="")
    # LOCAL-STRAT-3 starts now: children's social care managers hear of it at once, without the report's content.
    (note,) = Notification.objects.filter(rule="LOCAL-STRAT-3", item_key=f"intel:{report.pk}")
    assert note.user.username == "tm1"
    assert report.reference in note.message
    assert report.what not in note.message
    ((mine, status),) = selectors.my_submissions(actor=users["youth1"])
    assert (mine.pk, status.label) == (report.pk, "Referral raised")
    viewers = selectors.report_viewers(actor=users["youth1"], report=report)
    assert "analyst1" in {event.actor_username for event in viewers}
    assert selectors.report_viewers(actor=users["sw1"], report=report) == []
    with pytest.raises(ValidationError) as refused:
        services.report_outcome(actor=users["analyst1"], report=report, outcome="nfa", reason="  ")
    assert "outcome_reason" in refused.value.message_dict


def test_counts_by_ward_and_place_count_reports_made_at_or_naming_a_place(users: dict[str, User]) -> None:
    from lantern.locality.models import Area
    from lantern.people.enums import PlaceKind
    from lantern.people.models import Place

    ward = Area.objects.create(code="count-ward", name="Count Heath", postcode_sectors=["KM5 1"])
    park = Place.objects.create(name="Count Park", kind=PlaceKind.PARK, ward=ward)
    shop = Place.objects.create(name="Count Chip Shop", kind=PlaceKind.TAKEAWAY, ward=ward)
    for place in (park, park, shop):
        services.report_submit(actor=users["youth1"], what="Seen there.", occurred_on=YESTERDAY, knowledge="seen",
                               urgency="soon", place_id=place.pk)  # fmt: skip
    named = services.report_submit(actor=users["youth1"], what="Seen.", occurred_on=YESTERDAY, knowledge="seen",
                                   urgency="soon", location_text="KM5 1AA")  # fmt: skip
    services.entity_add(actor=users["analyst1"], report=named, kind="place", text="count chip shop")
    assert selectors.counts_by_ward() == [{"ward__name": "Count Heath", "reports": 4}]
    assert selectors.counts_by_place() == [
        {"place": "Count Chip Shop", "ward": "Count Heath", "reports": 2},
        {"place": "Count Park", "ward": "Count Heath", "reports": 2},
    ]


def test_the_vehicle_page_names_people_whose_records_hold_the_mark(users: dict[str, User], report: IntelReport) -> None:
    from django.test import Client

    from lantern.people.models import Vehicle
    from tests.factories import PersonFactory, RecordFactory

    owner = PersonFactory(given_name="Vera", family_name="Testdriver", owning_agency=users["cse1"].agency)
    Vehicle.objects.create(record=RecordFactory(person=owner), vrm="YX19KLM")
    from lantern.people.search import index_people

    index_people([owner.pk])
    client = Client()
    client.force_login(users["sw1"])
    page = client.get("/intel/held/?vrm=yx19 klm").content.decode()
    assert "Vera Testdriver" in page
    assert "Kestrelmoor Youth Service" in page  # the report held elsewhere
    assert "Youth1 saw girls" not in page  # and not its content
