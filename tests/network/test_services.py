"""The link table derived from records, reports and associations: the exact rows a rebuild writes, how merges,
report changes and new associations refresh it without a rebuild, and the background rebuild's queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lantern.access.policy import AccessDenied, NotVisible
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.intel.enums import EntityKind
from lantern.intel.models import IntelEntity
from lantern.intel.services import entity_add, entity_link, entity_remove
from lantern.network.enums import BuildStatus
from lantern.network.models import Association, GraphBuild, Link
from lantern.network.services import BuildBusy, association_record, graph_rebuild, graph_rebuild_request
from lantern.people.identity import person_merge, person_unmerge
from lantern.people.models import Person
from tests.factories import AgencyFactory, PersonFactory
from tests.network.conftest import (
    APR,
    FEB,
    JAN,
    MAR,
    MAY,
    PHONE_AMY_DEAN,
    PHONE_CONFIRMED,
    PHONE_GIVEN,
    PHONE_GUESSED,
    VEHICLE_DEAN,
    VEHICLE_ELI,
    World,
    associate,
    build_world,
    entity,
    key,
    person,
    record,
    report,
)

Row = tuple[str, str, str, dt.date, str, str, str, str | None, str | None]


def rows() -> set[Row]:
    """The link table as (source, target, kind, date, evidence kind, agency, evidence id, end people)."""
    return {
        (link.source, link.target, link.kind, link.on, link.evidence, link.agency.code,
         str(link.record_id or link.report_id or link.association_id),
         str(link.source_person_id) if link.source_person_id else None,
         str(link.target_person_id) if link.target_person_id else None)
        for link in Link.objects.select_related("agency")
    }  # fmt: skip


def world_rows(w: World) -> set[Row]:
    amy, dean, beth, eli, cara = (str(p.pk) for p in (w.amy, w.dean, w.beth, w.eli, w.cara))
    r, rid = f"report:{w.report.pk}", str(w.report.pk)
    return {
        (key(w.amy), f"phone:{PHONE_AMY_DEAN}", "phone", JAN, "agency_record", "csc", str(w.amy_record.pk), amy, None),
        (key(w.amy), f"place:{w.takeaway.pk}", "place", JAN, "agency_record", "csc", str(w.amy_record.pk), amy, None),
        (key(w.dean), f"phone:{PHONE_AMY_DEAN}", "phone", FEB, "agency_record", "police", str(w.dean_record.pk), dean,
         None),
        (key(w.dean), f"vehicle:{VEHICLE_DEAN}", "vehicle", FEB, "agency_record", "police", str(w.dean_record.pk),
         dean, None),
        (key(w.beth), f"vehicle:{VEHICLE_DEAN}", "vehicle", MAR, "agency_record", "csc", str(w.beth_record.pk), beth,
         None),
        (r, key(w.eli), "mentioned", APR, "intel_report", "police", rid, None, eli),
        (r, key(w.cara), "mentioned", APR, "intel_report", "police", rid, None, cara),
        (r, f"phone:{PHONE_GIVEN}", "mentioned", APR, "intel_report", "police", rid, None, None),
        (r, f"phone:{PHONE_CONFIRMED}", "mentioned", APR, "intel_report", "police", rid, None, None),
        (r, f"vehicle:{VEHICLE_ELI}", "mentioned", APR, "intel_report", "police", rid, None, None),
        (r, f"place:{w.park.pk}", "mentioned", APR, "intel_report", "police", rid, None, None),
        (key(w.eli), key(w.cara), "association", MAY, "association", "csc", str(w.seen_together.pk), eli, cara),
    }  # fmt: skip


# -- the rebuild ---------------------------------------------------------------------------------------------------
def test_a_rebuild_writes_exactly_the_links_the_records_reports_and_associations_state(world: World) -> None:
    Link.objects.all().delete()
    stages: list[tuple[str, int]] = []
    build = graph_rebuild(progress=lambda stage, done: stages.append((stage, done)))
    assert rows() == world_rows(world)
    # Not the phone found in the text and never confirmed, nor a person named but not linked to anyone.
    assert not Link.objects.filter(target=f"phone:{PHONE_GUESSED}").exists()
    assert Link.objects.filter(report=world.report).count() == 6  # the park once, though named twice
    assert (build.status, build.progress, build.stage) == (BuildStatus.DONE, 100, "writing")
    assert build.counts == {"links": 12, "nodes": 13}
    assert build.finished_at is not None
    assert stages == [("records", 5), ("reports", 11), ("associations", 12), ("writing", 12)]
    assert AuditEvent.objects.filter(action="create", object_type="network_build", object_id=str(build.pk)).exists()

    again = graph_rebuild()
    assert rows() == world_rows(world)
    assert again.counts == build.counts
    assert GraphBuild.objects.count() == 2


def test_a_submitted_or_confirmed_phone_is_linked_and_a_suggestion_only_once_confirmed(world: World) -> None:
    graph_rebuild()
    analyst = world.users["analyst1"]
    builds = GraphBuild.objects.count()

    entity_link(actor=analyst, entity=world.guessed)  # report_links_changed refreshes the report's links
    assert Link.objects.filter(report=world.report, target=f"phone:{PHONE_GUESSED}", on=APR).count() == 1
    entity_add(actor=analyst, report=world.report, kind=EntityKind.VEHICLE, text="km23 qrs")
    added = Link.objects.get(report=world.report, target="vehicle:KM23QRS")
    assert (added.kind, added.evidence, added.agency.code) == ("mentioned", "intel_report", "police")
    assert Link.objects.filter(report=world.report).count() == 8
    assert GraphBuild.objects.count() == builds  # refreshed row by row, not rebuilt
    before = rows()
    graph_rebuild()
    assert rows() == before  # and a rebuild agrees with the refresh

    entity_remove(actor=analyst, entity=IntelEntity.objects.get(report=world.report, value="KM23QRS"))
    assert not Link.objects.filter(target="vehicle:KM23QRS").exists()
    assert Link.objects.filter(report=world.report).count() == 7


def test_links_follow_a_merged_person_to_the_kept_one_and_come_back_on_unmerge(world: World) -> None:
    users = world.users
    fay = person("adult", "police", "Fay", "Test")
    fay_record = record(fay, "police", FEB, phones=("+447700900305",))
    named = report("police", users["cse1"], MAR)
    entity(named, EntityKind.PERSON, "Fay", who=fay, confirmed=True)
    with_amy = associate(fay, world.amy, users["cse1"], MAY, handling="C")
    graph_rebuild()
    fay_rows = {r for r in rows() if str(fay.pk) in (r[7], r[8])}
    assert len(fay_rows) == 3
    before = rows()

    merge = person_merge(actor=users["cse1"], kept=world.dean, absorbed=fay, reason="Same man, two records")
    dean, amy = str(world.dean.pk), str(world.amy.pk)
    assert not Link.objects.filter(source=key(fay)).exists()
    assert not Link.objects.filter(target=key(fay)).exists()
    assert {r for r in rows() if r[6] in {str(fay_record.pk), str(named.pk), str(with_amy.pk)}} == {
        (key(world.dean), "phone:+447700900305", "phone", FEB, "agency_record", "police", str(fay_record.pk), dean,
         None),
        (f"report:{named.pk}", key(world.dean), "mentioned", MAR, "intel_report", "police", str(named.pk), None, dean),
        (key(world.dean), key(world.amy), "association", MAY, "association", "police", str(with_amy.pk), dean, amy),
    }  # fmt: skip
    merged = rows()
    graph_rebuild()
    assert rows() == merged  # the refresh the merge caused is what a rebuild gives

    person_unmerge(actor=users["cse1"], merge=merge, reason="Different men after all")
    assert rows() == before
    assert Person.objects.get(pk=fay.pk).status == "active"


def test_an_association_of_a_person_with_themselves_through_a_merge_is_no_link(world: World) -> None:
    graph_rebuild()
    person_merge(actor=world.users["cse1"], kept=world.eli, absorbed=world.dean, reason="Same man")
    assert not Link.objects.filter(kind="association", source=key(world.eli), target=key(world.eli)).exists()
    both = associate(world.eli, world.dean, world.users["cse1"], MAY)
    graph_rebuild()
    assert not Link.objects.filter(association=both).exists()


# -- associations --------------------------------------------------------------------------------------------------
def valid(w: World, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "actor": w.users["sw1"], "person_a": w.amy, "person_b": w.dean, "kind": "associate",
        "observed_on": timezone.localdate() - dt.timedelta(days=3), "note": "Seen with him at the takeaway twice.",
        "handling_code": "P",
    }  # fmt: skip
    values.update(changes)
    return values


def test_an_association_is_recorded_linked_at_once_and_audited(world: World) -> None:
    values = valid(world, note="  Seen with him at the takeaway twice.  ")
    made = association_record(**values)
    assert (made.agency.code, made.recorded_by.username, made.note, made.kind) == (
        "csc",
        "sw1",
        "Seen with him at the takeaway twice.",
        "associate",
    )
    link = Link.objects.get(association=made)
    assert (link.source, link.target, link.kind, link.on, link.agency.code) == (
        key(world.amy),
        key(world.dean),
        "association",
        values["observed_on"],
        "csc",
    )
    audit = AuditEvent.objects.get(action="create", object_type="association", object_id=str(made.pk))
    assert (audit.actor_username, audit.outcome) == ("sw1", "success")
    assert str(world.amy.pk) in audit.detail
    assert str(world.dean.pk) in audit.detail


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"person_b": "amy"}, "person_b", "Choose two different people"),
        ({"observed_on": "tomorrow"}, "observed_on", "The date must be today or in the past"),
        ({"observed_on": None}, "observed_on", "Enter the date the association was seen or known"),
        ({"note": "   "}, "note", "Enter what was seen or known, and by whom"),
        ({"note": "x" * 4001}, "note", "What was seen or known, and by whom must be 4,000 characters or fewer"),
        (
            {"handling_code": "X"},
            "handling_code",
            "Choose whether partners may see it (P) or only under conditions (C)",
        ),
        ({"kind": "friend"}, "kind", "Choose what kind of association this is"),
    ],
    ids=["same-person", "future-date", "no-date", "no-note", "long-note", "bad-handling-code", "bad-kind"],
)
def test_a_bad_association_names_the_field_and_writes_nothing(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    resolved = {
        name: world.amy if value == "amy" else timezone.localdate() + dt.timedelta(days=1) if value == "tomorrow"
        else value
        for name, value in changes.items()
    }  # fmt: skip
    associations, links, audits = Association.objects.count(), Link.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        association_record(**valid(world, **resolved))
    assert refused.value.message_dict == {field: [message]}
    assert (Association.objects.count(), Link.objects.count(), AuditEvent.objects.count()) == (
        associations,
        links,
        audits,
    )


def test_every_problem_with_an_association_is_named_at_once(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        association_record(**valid(world, person_b=world.amy, kind="", observed_on=None, note="", handling_code=""))
    assert set(refused.value.message_dict) == {"person_b", "kind", "observed_on", "note", "handling_code"}


def test_an_association_needs_both_people_visible_and_a_role_that_writes_records(world: World) -> None:
    hidden = PersonFactory(kind="adult", owning_agency=AgencyFactory(code="elsewhere"))  # an agency sharing nothing
    with pytest.raises(NotVisible):
        association_record(**valid(world, person_b=hidden))
    with pytest.raises(AccessDenied):
        association_record(**valid(world, actor=world.users["board1"]))
    assert Association.objects.count() == 1
    assert AuditEvent.objects.filter(outcome="denied", actor_username="board1", object_type="agency_record").exists()


# -- the background rebuild ------------------------------------------------------------------------------------------
def test_a_rebuild_request_is_refused_to_roles_that_may_not_start_one(org: dict[str, User]) -> None:
    for username in ("sw1", "cse1", "sw3", "nurse1", "board1", "admin1"):
        with pytest.raises(AccessDenied):
            graph_rebuild_request(actor=org[username])
        assert AuditEvent.objects.filter(actor_username=username, outcome="denied", object_type="network").exists()
    assert not GraphBuild.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_queued_rebuild_is_done_by_the_worker_and_a_second_is_refused_meanwhile() -> None:
    ensure_organisation()
    users = {u.username: u for u in User.objects.select_related("agency")}
    world = build_world(users)
    Link.objects.all().delete()

    build = graph_rebuild_request(actor=users["tm1"])
    assert (build.status, build.started_by) == (BuildStatus.QUEUED, users["tm1"])
    assert DBTaskResult.objects.count() == 1
    for username in ("tm1", "analyst1"):
        with pytest.raises(BuildBusy, match=f"build {build.pk} is already queued"):
            graph_rebuild_request(actor=users[username])
    assert GraphBuild.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="network_build", actor_username="tm1").count() == 1

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    build.refresh_from_db()
    assert (build.status, build.progress, build.error) == (BuildStatus.DONE, 100, "")
    assert build.counts == {"links": 12, "nodes": 13}
    assert rows() == world_rows(world)
    assert graph_rebuild_request(actor=users["analyst1"]).status == BuildStatus.QUEUED  # free again once done
