"""Writes of the network app: recording an association between two people, and keeping the link table (the
graph) in step with the records, reports and associations it is derived from.

The link table is rebuilt whole by `graph_rebuild` (a background task with progress, run by `lantern
network-rebuild`, the page's button and `lantern serve` every LANTERN_NETWORK_REBUILD_MINUTES) and refreshed row by row
when a report's links, an imported record's phones and vehicles, a merge or an association change (`links_refresh`),
so a new link is seen at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from lantern.access.policy import Action, Category, Draft, require
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.intel.enums import EntityKind, EntityOrigin
from lantern.intel.models import IntelEntity, IntelReport
from lantern.network.enums import ACTIVE_BUILD_STATUSES, AssociationKind, BuildStatus, EvidenceKind, LinkKind
from lantern.network.models import Association, GraphBuild, Link
from lantern.people.enums import PersonStatus
from lantern.people.models import Merge, Person, Phone, PlaceMention, SourceRecord, Vehicle
from lantern.validation import Errors, checked_text, refuse_if_any

if TYPE_CHECKING:
    from lantern.accounts.models import User

Progress = Callable[[str, int], None]
Current = Callable[[UUID | None], UUID | None]
BATCH = 5000


class BuildBusy(Exception):  # noqa: N818 - a state, answered 409
    def __init__(self, build: GraphBuild) -> None:
        super().__init__(f"Network build {build.pk} is already {build.get_status_display().lower()}: wait for it.")
        self.build = build


def person_key(person_id: object) -> str:
    return f"person:{person_id}"


# -- deriving links --------------------------------------------------------------------------------------------
def _current_people() -> Current:
    """Follow merges not undone to the person who holds the records now; None for anyone not active. Reports and
    associations keep the person they named, so a merge is seen here rather than by rewriting them."""
    absorbed_into = dict(Merge.objects.filter(undone_at__isnull=True).values_list("absorbed_id", "kept_id"))
    active = set(Person.objects.filter(status=PersonStatus.ACTIVE).values_list("pk", flat=True))

    def current(person_id: UUID | None) -> UUID | None:
        seen = 0
        while person_id is not None and person_id in absorbed_into and seen < 50:
            person_id, seen = absorbed_into[person_id], seen + 1
        return person_id if person_id in active else None

    return current


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _only(ids: Collection[object] | None, field: str) -> Q:
    """All rows when `ids` is None (a rebuild), else those whose `field` is one of them (a refresh)."""
    return Q() if ids is None else Q(**{f"{field}__in": list(ids)})


def _record_links(record_ids: Collection[object] | None) -> Iterator[Link]:
    """A person's phone, vehicle and places, as an agency's record of them says."""
    parts = (
        (Phone, "number", "phone", LinkKind.PHONE),
        (Vehicle, "vrm", "vehicle", LinkKind.VEHICLE),
        (PlaceMention, "place_id", "place", LinkKind.PLACE),
    )
    for model, field, prefix, kind in parts:
        rows = (
            model.objects.filter(_only(record_ids, "record_id"), record__person__status=PersonStatus.ACTIVE)
            .values_list(field, "record_id", "record__person_id", "record__agency_id", "record__recorded_at")
            .order_by("pk")
        )
        for value, record_id, person_id, agency_id, recorded_at in rows.iterator(chunk_size=BATCH):
            yield Link(
                source=person_key(person_id), target=f"{prefix}:{value}", kind=kind, on=_day(recorded_at),
                evidence=EvidenceKind.RECORD, agency_id=agency_id, record_id=record_id, source_person_id=person_id,
            )  # fmt: skip


def _report_links(report_ids: Collection[object] | None, current: Current) -> Iterator[Link]:
    """Who and what a report names: the people an analyst linked, the phones and vehicles its submitter gave or
    an analyst confirmed (not the unconfirmed guesses read from its text), and its places."""
    given = Q(confirmed=True) | Q(origin=EntityOrigin.SUBMITTED)
    named = (
        IntelEntity.objects.filter(_only(report_ids, "report_id"))
        .filter(
            Q(kind=EntityKind.PERSON, person__isnull=False)
            | Q(kind=EntityKind.PLACE, place__isnull=False)
            | (Q(kind__in=[EntityKind.PHONE, EntityKind.VEHICLE]) & given)
        )
        .values_list("report_id", "kind", "value", "person_id", "place_id", "report__agency_id", "report__occurred_on")
        .order_by("report_id", "pk")
    )
    places = (
        IntelReport.objects.filter(_only(report_ids, "pk"), place__isnull=False)
        .values_list("pk", "place_id", "agency_id", "occurred_on")
        .order_by("pk")
    )
    seen: set[tuple[int, str]] = set()
    rows: Iterator[tuple[int, str, str, UUID | None, int | None, int, dt.date]] = named.iterator(chunk_size=BATCH)
    place_rows = ((pk, EntityKind.PLACE, "", None, place, agency, on) for pk, place, agency, on in places.iterator())
    for report_id, kind, value, person_id, place_id, agency_id, occurred_on in (*rows, *place_rows):
        person = current(person_id) if kind == EntityKind.PERSON else None
        if kind == EntityKind.PERSON:
            if person is None:
                continue
            target = person_key(person)
        elif kind == EntityKind.PLACE:
            target = f"place:{place_id}"
        else:
            target = f"{kind}:{value}"
        if (report_id, target) in seen:
            continue
        seen.add((report_id, target))
        yield Link(
            source=f"report:{report_id}", target=target, kind=LinkKind.MENTIONED, on=occurred_on,
            evidence=EvidenceKind.REPORT, agency_id=agency_id, report_id=report_id, target_person_id=person,
        )  # fmt: skip


def _association_links(ids: Collection[object] | None, current: Current) -> Iterator[Link]:
    rows = Association.objects.filter(_only(ids, "pk")).values_list(
        "pk", "person_a_id", "person_b_id", "agency_id", "observed_on"
    )
    for pk, a_id, b_id, agency_id, observed_on in rows.iterator(chunk_size=BATCH):
        a, b = current(a_id), current(b_id)
        if a is None or b is None or a == b:
            continue
        yield Link(
            source=person_key(a), target=person_key(b), kind=LinkKind.ASSOCIATION, on=observed_on,
            evidence=EvidenceKind.ASSOCIATION, agency_id=agency_id, association_id=pk, source_person_id=a,
            target_person_id=b,
        )  # fmt: skip


def _write(links: Iterator[Link]) -> int:
    written, batch = 0, []
    for link in links:
        batch.append(link)
        if len(batch) >= BATCH:
            Link.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    Link.objects.bulk_create(batch)
    return written + len(batch)


def links_refresh(
    *, records: Collection[object] = (), reports: Collection[object] = (), associations: Collection[object] = ()
) -> int:
    """Re-derive the links whose evidence is one of these rows (after it changed); returns how many there are."""
    with transaction.atomic():
        Link.objects.filter(
            Q(record_id__in=list(records)) | Q(report_id__in=list(reports)) | Q(association_id__in=list(associations))
        ).delete()
        current = _current_people()
        written = _write(_record_links(records))
        written += _write(_report_links(reports, current))
        return written + _write(_association_links(associations, current))


def links_refresh_people(person_ids: Collection[UUID]) -> int:
    """After a merge or unmerge: every link whose evidence is about these people, by their records, the reports
    naming them and their associations."""
    ids = list(person_ids)
    touching = Link.objects.filter(Q(source_person_id__in=ids) | Q(target_person_id__in=ids))
    records = set(SourceRecord.objects.filter(person_id__in=ids).values_list("pk", flat=True))
    records |= set(touching.exclude(record_id=None).values_list("record_id", flat=True))
    reports = set(IntelEntity.objects.filter(person_id__in=ids).values_list("report_id", flat=True))
    reports |= set(touching.exclude(report_id=None).values_list("report_id", flat=True))
    associations = set(
        Association.objects.filter(Q(person_a_id__in=ids) | Q(person_b_id__in=ids)).values_list("pk", flat=True)
    )
    return links_refresh(records=records, reports=reports, associations=associations)


# -- the whole graph, in the background --------------------------------------------------------------------------
def graph_rebuild_request(*, actor: User) -> GraphBuild:
    """Queue a rebuild for the background worker, unless one is already queued or running."""
    require(actor, Action.CREATE, Category.NETWORK, purpose="rebuild the network")
    with transaction.atomic():
        busy = GraphBuild.objects.select_for_update().filter(status__in=ACTIVE_BUILD_STATUSES).first()
        if busy is None:
            build = _build_start(actor=actor)
            transaction.on_commit(lambda: graph_rebuild_task.enqueue(build.pk))
            return build
    raise BuildBusy(busy)


def _build_start(*, actor: User | None) -> GraphBuild:
    build = GraphBuild.objects.create(started_by=actor)
    audit_record(
        actor=actor, username="" if actor else "lantern network", action=AuditAction.CREATE,
        object_type=GraphBuild.AUDIT_TYPE, object_id=str(build.pk), purpose="rebuild the network",
        outcome=Outcome.SUCCESS,
    )  # fmt: skip
    return build


def graph_rebuild(*, actor: User | None = None, progress: Progress | None = None) -> GraphBuild:
    """Rebuild the link table now (the CLI and the demo), recorded as a build like the page's."""
    return graph_rebuild_execute(build=_build_start(actor=actor), progress=progress)


STAGES = ("records", "reports", "associations", "writing")


def graph_rebuild_execute(*, build: GraphBuild, progress: Progress | None = None) -> GraphBuild:
    """Derive every link, then swap the table's contents in one transaction, so readers see the old graph or the
    new one and never half of either. Progress is written to the build row as each stage ends."""

    def stage(name: str, done: int) -> None:
        build.stage = name
        build.progress = round(100 * (STAGES.index(name) + 1) / len(STAGES)) if name in STAGES else build.progress
        build.save(update_fields=["stage", "progress"])
        if progress is not None:
            progress(name, done)

    build.status = BuildStatus.RUNNING
    build.save(update_fields=["status"])
    try:
        current = _current_people()
        links = list(_record_links(None))
        stage("records", len(links))
        links += _report_links(None, current)
        stage("reports", len(links))
        links += _association_links(None, current)
        stage("associations", len(links))
        with transaction.atomic():
            Link.objects.all().delete()
            written = _write(iter(links))
        stage("writing", written)
        nodes = {link.source for link in links} | {link.target for link in links}
        build.counts = {"links": written, "nodes": len(nodes)}
        build.status, build.finished_at = BuildStatus.DONE, timezone.now()
        build.save(update_fields=["counts", "status", "finished_at"])
    except Exception as error:
        build.status, build.error, build.finished_at = BuildStatus.FAILED, str(error)[:2000], timezone.now()
        build.save(update_fields=["status", "error", "finished_at"])
        raise
    return build


@task()
def graph_rebuild_task(build_id: int) -> dict[str, int]:
    """The background half of `graph_rebuild_request`, run by `lantern db_worker`."""
    build = graph_rebuild_execute(build=GraphBuild.objects.get(pk=build_id))
    return dict(build.counts)


# -- associations ------------------------------------------------------------------------------------------------
def association_record(
    *, actor: User, person_a: Person, person_b: Person, kind: str, observed_on: dt.date | None, note: str,
    handling_code: str,
) -> Association:  # fmt: skip
    """Record that two people are associated; the link appears in the network at once."""
    purpose = "record an association between two people"
    require(actor, Action.CREATE, Draft(Category.AGENCY_RECORD, actor.agency_id), purpose=purpose)
    for person in (person_a, person_b):
        require(actor, Action.VIEW, person, purpose=purpose)
    errors: Errors = {}
    if person_a.pk == person_b.pk:
        errors["person_b"] = "Choose two different people"
    if kind not in AssociationKind.values:
        errors["kind"] = "Choose what kind of association this is"
    if observed_on is None:
        errors["observed_on"] = "Enter the date the association was seen or known"
    elif observed_on > timezone.localdate():
        errors["observed_on"] = "The date must be today or in the past"
    if handling_code not in ("P", "C"):
        errors["handling_code"] = "Choose whether partners may see it (P) or only under conditions (C)"
    note = checked_text(errors, "note", note, "what was seen or known, and by whom", limit=4000)
    refuse_if_any(errors)
    assert observed_on is not None  # noqa: S101 - refused above
    with transaction.atomic():
        association = Association(
            person_a=person_a, person_b=person_b, kind=kind, observed_on=observed_on, note=note,
            agency=actor.agency, handling_code=handling_code, recorded_by=actor,
        )  # fmt: skip
        association.full_clean()
        association.save()
        links_refresh(associations=[association.pk])
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=association, purpose=purpose, outcome=Outcome.SUCCESS,
            detail={"person_a": str(person_a.pk), "person_b": str(person_b.pk), "kind": kind},
        )  # fmt: skip
    return association
