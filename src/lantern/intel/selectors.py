"""Reads about intelligence, always through `access`: a report is read in full, sanitised, or known only to
exist, as the policy allows, and every read is audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lantern.access.policy import (
    AccessDenied,
    Action,
    Category,
    Decision,
    can,
    explain_refusal,
    refuse_missing,
    require,
    role_of,
    scope,
    scope_filter,
)
from lantern.audit.selectors import looks_at
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.intel import search
from lantern.intel.enums import EntityKind, Level, RequestStatus, Risk, Status, SubmitterStatus
from lantern.intel.enums import Outcome as IntelOutcome
from lantern.intel.models import (
    AccessRequest,
    IntelEntity,
    IntelExistence,
    IntelReport,
    SanitisedReport,
)
from lantern.intel.rules import Weight, intel_weight
from lantern.people import normalise
from lantern.people.models import Merge, Person, Place
from lantern.people.selectors import person_for_change

if TYPE_CHECKING:
    from lantern.accounts.models import User
    from lantern.audit.models import AuditEvent  # noqa: TID251 - a type only: rows come from lantern.audit

PAGE = 50
COUNT_CAP = 1_000


@dataclass
class ReportView:
    """A report as one reader may see it. At `sanitised` and `existence` levels only the fields those levels
    carry are filled in for templates and the API: `report` is then never shown as such."""

    level: Level
    report: IntelReport
    sanitised: SanitisedReport | None = None
    entities: list[IntelEntity] = field(default_factory=list)
    corroborations: list[object] = field(default_factory=list)
    weight: Weight | None = None
    pending_requests: list[AccessRequest] = field(default_factory=list)
    my_request: AccessRequest | None = None


class ExistenceOnly(AccessDenied):
    """The reader may know the report exists (its agency, grade and date) and ask for it, but not read it."""

    def __init__(self, view: ReportView, reason: str) -> None:
        super().__init__(Decision(allowed=False, visible=True, reason=reason), Category.INTELLIGENCE, Action.VIEW)
        self.view = view


def weight_of(report: IntelReport, *, today: dt.date | None = None) -> Weight | None:
    if not report.is_graded or report.grading_scheme != "3x5x2":
        return None
    return intel_weight(
        source_evaluation=report.source_evaluation,
        assessment=report.intelligence_assessment,
        occurred_on=report.occurred_on,
        corroborations=[(c.kind, c.on) for c in report.corroborations.all()],
        today=today or timezone.localdate(),
    )


def _report_row(report_id: object) -> IntelReport | None:
    try:
        return (
            IntelReport.objects.select_related("agency", "submitted_by", "place", "ward", "graded_by")
            .filter(pk=int(str(report_id)))
            .first()
        )
    except ValueError:
        return None


def level_of(actor: User, report: IntelReport) -> tuple[Level | None, SanitisedReport | None]:
    """The most the actor may see of a report, without auditing (callers audit what they show)."""
    if can(actor, Action.VIEW, report):
        return Level.FULL, SanitisedReport.objects.filter(report=report).first()
    sanitised = SanitisedReport.objects.filter(report=report).first()
    if sanitised is not None and can(actor, Action.VIEW, sanitised):
        return Level.SANITISED, sanitised
    if can(actor, Action.VIEW, report.as_existence):
        return Level.EXISTENCE, None
    return None, None


def report_get(*, actor: User, report_id: object, purpose: str = "view intelligence") -> ReportView:
    report = _report_row(report_id)
    if report is None:
        refuse_missing(actor, Action.VIEW, IntelReport.AUDIT_TYPE, report_id, purpose=purpose)
    level, sanitised = level_of(actor, report)
    if level is None:
        require(actor, Action.VIEW, report, purpose=purpose)  # audits and answers "not found"
    assert level is not None  # noqa: S101
    view = ReportView(level=level, report=report, sanitised=sanitised)
    if level is Level.EXISTENCE:
        view.my_request = AccessRequest.objects.filter(report=report, requester=actor).first()
        audit_record(
            actor=actor, action=AuditAction.DENIED, target=report.as_existence, purpose=purpose,
            outcome=Outcome.DENIED, detail={"attempted": "view", "shown": "existence"},
        )  # fmt: skip
        reason = explain_refusal(role_of(actor), Category.INTELLIGENCE, Action.VIEW)
        raise ExistenceOnly(view, f"{reason} You may ask {report.agency.name} to release it.")
    view.corroborations = list(report.corroborations.select_related("agency"))
    view.weight = weight_of(report)
    entities = report.entities.select_related("person", "place")
    view.entities = list(entities if level is Level.FULL else entities.filter(confirmed=True))
    if can(actor, Action.SHARE, report):
        view.pending_requests = list(
            report.access_requests.filter(status=RequestStatus.PENDING).select_related("requester__agency")
        )
    audit_record(
        actor=actor, action=AuditAction.VIEW, target=report if level is Level.FULL else sanitised, purpose=purpose,
        outcome=Outcome.SUCCESS, detail={"level": level.value},
    )  # fmt: skip
    return view


def _require_known(actor: User, action: Action, report: IntelReport, *, purpose: str) -> None:
    """Require `action` on a report. A reader who may know the report exists at any level (its sanitised version
    included) is told why they are refused (403); anyone else is answered "not found" (404). Audited."""
    if can(actor, action, report):
        return
    level, _ = level_of(actor, report)
    if level is None:
        require(actor, action, report, purpose=purpose)  # audits, then "not found"
    audit_record(
        actor=actor, action=AuditAction.DENIED, target=report, purpose=purpose, outcome=Outcome.DENIED,
        detail={"attempted": action.value, "category": Category.INTELLIGENCE.value},
    )  # fmt: skip
    decision = Decision(
        allowed=False, visible=True, reason=explain_refusal(role_of(actor), Category.INTELLIGENCE, action)
    )
    raise AccessDenied(decision, Category.INTELLIGENCE, action, report)


def report_for_change(*, actor: User, report_id: object, purpose: str) -> IntelReport:
    """A report the actor is about to triage (services check again, and audit the change)."""
    report = _report_row(report_id)
    if report is None:
        refuse_missing(actor, Action.UPDATE, IntelReport.AUDIT_TYPE, report_id, purpose=purpose)
    _require_known(actor, Action.UPDATE, report, purpose=purpose)
    return report


def report_for_reader(*, actor: User, report_id: object, purpose: str) -> IntelReport:
    """A report the actor may read in full or sanitised, or know exists (for corroboration and requests)."""
    report = _report_row(report_id)
    if report is None:
        refuse_missing(actor, Action.VIEW, IntelReport.AUDIT_TYPE, report_id, purpose=purpose)
    level, _ = level_of(actor, report)
    if level is None:
        require(actor, Action.VIEW, report, purpose=purpose)
    return report


# --- Lists ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    report: IntelReport
    late: bool
    due_soon: bool


def triage_queue(*, actor: User) -> list[QueueItem]:
    """Reports waiting for triage that the actor may triage: high risk first, then oldest first, late ones
    marked (LANTERN-INTEL-24H)."""
    require(actor, Action.UPDATE, Category.INTELLIGENCE, purpose="intelligence triage queue")
    waiting = scope(actor, IntelReport.objects.filter(status=Status.NEW), Action.UPDATE).select_related("agency")
    now = timezone.now()
    order = {Risk.HIGH: 0, Risk.MEDIUM: 1, Risk.LOW: 2}
    reports = sorted(waiting, key=lambda r: (r.routed_at is None, order[Risk(r.risk)], r.received_at))
    audit_record(
        actor=actor, action=AuditAction.SEARCH, object_type=IntelReport.AUDIT_TYPE, purpose="intelligence triage queue",
        outcome=Outcome.SUCCESS, detail={"waiting": len(reports)},
    )  # fmt: skip
    soon = now + dt.timedelta(hours=4)
    return [QueueItem(r, late=r.triage_due_at < now, due_soon=now <= r.triage_due_at < soon) for r in reports]


def awaiting_outcome(*, actor: User) -> QuerySet[IntelReport]:
    return scope(actor, IntelReport.objects.filter(status=Status.TRIAGED), Action.UPDATE).order_by("graded_at")


def readable(actor: User) -> tuple[QuerySet[IntelReport], QuerySet[SanitisedReport]]:
    """The reports the actor may read in full, and the sanitised versions of the others they may read. Built
    from the policy's conditions on the rows themselves (`scope_filter`, the condition `scope` applies), so
    a search over a million reports is one indexed query rather than a semi-join over the table."""
    full = IntelReport.objects.filter(scope_filter(actor, IntelReport, Action.VIEW))
    sanitised = SanitisedReport.objects.filter(scope_filter(actor, SanitisedReport, Action.VIEW)).exclude(
        scope_filter(actor, IntelReport, Action.VIEW, through="report__")
    )
    return full, sanitised


@dataclass(frozen=True)
class ListedReport:
    report: IntelReport
    level: Level
    text: str  # the report's text at the level the reader may see it


def report_search(
    *, actor: User, query: str = "", reference: str = "", limit: int = PAGE, offset: int = 0
) -> tuple[list[ListedReport], int]:
    """Reports the actor may read, newest first, matching every word of `query` (full text where they may
    read it in full, the sanitised text otherwise) and the reference if given, and how many match (up to
    COUNT_CAP, which means "that many or more"). One audit row."""
    require(actor, Action.SEARCH, Category.INTELLIGENCE_EXISTENCE, purpose="intelligence search")
    full, sanitised = readable(actor)
    if reference:
        full = full.filter(reference=reference.strip().upper())
        sanitised = sanitised.filter(report__reference=reference.strip().upper())
    if query:
        matches = search.matching(query)
        full = full.filter(matches) if matches is not None else full.none()
        words = search.words(query)
        condition = Q()
        for word in words:
            condition &= Q(text__icontains=word)
        sanitised = sanitised.filter(condition) if words else sanitised.none()
    # Counted up to COUNT_CAP, unordered (so the full-text index answers): past that a number helps no one, and
    # counting every match of a common word means reading most of the table.
    total = min(full.order_by()[:COUNT_CAP].count() + sanitised.order_by()[:COUNT_CAP].count(), COUNT_CAP)
    shown_full = list(full.select_related("agency").order_by("-received_at")[: offset + limit])
    shown_sanitised = list(
        sanitised.select_related("report__agency").order_by("-report__received_at")[: offset + limit]
    )
    merged = [ListedReport(r, Level.FULL, r.what) for r in shown_full] + [
        ListedReport(s.report, Level.SANITISED, s.text) for s in shown_sanitised
    ]
    merged.sort(key=lambda item: item.report.received_at, reverse=True)
    page = merged[offset : offset + limit]
    audit_record(
        actor=actor, action=AuditAction.SEARCH, object_type=IntelReport.AUDIT_TYPE, purpose="intelligence search",
        outcome=Outcome.SUCCESS, detail={"query": query, "reference": reference, "results": total},
    )  # fmt: skip
    return page, total


def my_submissions(*, actor: User) -> list[tuple[IntelReport, SubmitterStatus]]:
    """What the actor submitted, with the outcome category they are told (never the detail)."""
    reports = list(IntelReport.objects.filter(submitted_by=actor).order_by("-received_at")[:200])
    audit_record(
        actor=actor, action=AuditAction.VIEW, object_type=IntelReport.AUDIT_TYPE, purpose="my intelligence submissions",
        outcome=Outcome.SUCCESS, detail={"shown": len(reports)},
    )  # fmt: skip
    return [(r, submitter_status(r)) for r in reports]


def submitter_status(report: IntelReport) -> SubmitterStatus:
    return {
        IntelOutcome.NO_FURTHER_ACTION: SubmitterStatus.NO_FURTHER_ACTION,
        IntelOutcome.SHARED: SubmitterStatus.SHARED,
        IntelOutcome.REFERRAL: SubmitterStatus.REFERRAL,
        IntelOutcome.STRATEGY: SubmitterStatus.REFERRAL,
    }.get(IntelOutcome(report.outcome) if report.outcome else None, SubmitterStatus.LOGGED)  # type: ignore[arg-type]


def report_viewers(*, actor: User, report: IntelReport) -> list[AuditEvent]:
    """Who has looked at the report or its sanitised version, or shared it: for its submitter."""
    if report.submitted_by_id != actor.pk:
        return []
    objects = [(IntelReport.AUDIT_TYPE, str(report.pk))]
    sanitised = SanitisedReport.objects.filter(report=report).values_list("pk", flat=True).first()
    if sanitised is not None:
        objects.append((SanitisedReport.AUDIT_TYPE, str(sanitised)))
    return looks_at(actor=actor, objects=objects)


def requests_to_decide(*, actor: User) -> list[AccessRequest]:
    """Pending requests for reports the actor's agency holds and the actor may release."""
    reports = scope(actor, IntelReport.objects.all(), Action.SHARE)
    pending = list(
        AccessRequest.objects.filter(status=RequestStatus.PENDING, report__in=reports.values("pk"))
        .select_related("report", "requester__agency")
        .order_by("created_at")
    )
    audit_record(
        actor=actor, action=AuditAction.SEARCH, object_type="intel_request", purpose="requests for intelligence",
        outcome=Outcome.SUCCESS, detail={"pending": len(pending)},
    )  # fmt: skip
    return pending


def request_for_decision(*, actor: User, request_id: int) -> AccessRequest:
    request = AccessRequest.objects.select_related("report__agency", "requester__agency").filter(pk=request_id).first()
    if request is None:
        refuse_missing(actor, Action.SHARE, "intel_request", request_id, purpose="decide a request for intelligence")
    _require_known(actor, Action.SHARE, request.report, purpose="decide a request for intelligence")
    return request


# --- About an entity: what is held, timelines, counts ---------------------------------------------------


@dataclass(frozen=True)
class Held:
    """Intelligence on one person, vehicle or phone, split by what the reader may see of it."""

    readable: list[ListedReport]
    elsewhere: list[IntelExistence]  # existence only: agency, grade, date


def _joined_ids(person: Person) -> list[object]:
    """The person and anyone joined into them: intelligence linked before a merge still belongs to them."""
    absorbed = Merge.objects.filter(kept=person, undone_at__isnull=True).values_list("absorbed_id", flat=True)
    return [person.pk, *absorbed]


def entity_filter(*, person: Person | None = None, vrm: str = "", phone: str = "", place: Place | None = None) -> Q:
    if person is not None:
        return Q(entities__person_id__in=_joined_ids(person))
    if place is not None:
        return Q(place=place) | Q(entities__place=place)
    if vrm:
        return Q(entities__kind=EntityKind.VEHICLE, entities__value=vrm)
    return Q(entities__kind=EntityKind.PHONE, entities__value=phone)


def held_on(
    *,
    actor: User,
    person: Person | None = None,
    vrm: str = "",
    phone: str = "",
    place: Place | None = None,
    purpose: str = "intelligence held",
) -> Held:
    """What intelligence exists on a person, vehicle, phone or place: readable reports, and those the actor may
    only know exist ("held elsewhere"). Nothing at all of reports they may not know exist."""
    about = IntelReport.objects.filter(entity_filter(person=person, vrm=vrm, phone=phone, place=place)).distinct()
    full, sanitised = readable(actor)
    readable_full = list(full.filter(pk__in=about.values("pk")).select_related("agency").order_by("-occurred_on"))
    readable_sanitised = list(
        sanitised.filter(report__in=about.values("pk"))
        .select_related("report__agency")
        .order_by("-report__occurred_on")
    )
    seen = {r.pk for r in readable_full} | {s.report_id for s in readable_sanitised}
    existence = scope(actor, IntelExistence.objects.filter(pk__in=about.values("pk")), Action.VIEW)
    elsewhere = [r for r in existence.select_related("agency").order_by("-occurred_on") if r.pk not in seen]
    listed = [ListedReport(r, Level.FULL, r.what) for r in readable_full] + [
        ListedReport(s.report, Level.SANITISED, s.text) for s in readable_sanitised
    ]
    listed.sort(key=lambda item: item.report.occurred_on, reverse=True)
    audit_record(
        actor=actor, action=AuditAction.SEARCH, target=person, object_type="" if person else "intel_entity",
        object_id="" if person else (vrm or phone or f"place:{place.pk if place else ''}"), purpose=purpose,
        outcome=Outcome.SUCCESS,
        detail={"readable": len(listed), "held_elsewhere": len(elsewhere)},
    )  # fmt: skip
    return Held(readable=listed, elsewhere=elsewhere)


def timeline_months(held: Held) -> list[tuple[str, int, int]]:
    """(month, readable reports, held elsewhere) for a chart over time, oldest month first."""
    readable_months = Counter(item.report.occurred_on.strftime("%Y-%m") for item in held.readable)
    elsewhere_months = Counter(r.occurred_on.strftime("%Y-%m") for r in held.elsewhere)
    months = sorted(set(readable_months) | set(elsewhere_months))
    return [(m, readable_months[m], elsewhere_months[m]) for m in months]


def counts_by_ward(*, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Intelligence reports per ward (aggregates only: for locality profiles and screening)."""
    reports = IntelReport.objects.all()
    if since:
        reports = reports.filter(occurred_on__gte=since)
    return [dict(row) for row in reports.values("ward__name").annotate(reports=Count("pk")).order_by("-reports")]


def counts_by_place(*, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Intelligence reports per place, whether the report was made at the place or names it (aggregates only)."""
    reports = IntelReport.objects.all()
    if since:
        reports = reports.filter(occurred_on__gte=since)
    direct = reports.filter(place__isnull=False).values_list("pk", "place_id")
    named = IntelEntity.objects.filter(report__in=reports, place__isnull=False).values_list("report_id", "place_id")
    per_place = Counter(place for _, place in set(direct) | set(named))
    places = Place.objects.select_related("ward").in_bulk(list(per_place))
    rows = []
    for pk, count in per_place.items():
        ward = places[pk].ward
        rows.append({"place": places[pk].name, "ward": ward.name if ward else "", "reports": count})
    return sorted(rows, key=lambda row: (-row["reports"], row["place"]))


def entity_for_change(*, actor: User, entity_id: int) -> IntelEntity:
    entity = IntelEntity.objects.select_related("report").filter(pk=entity_id).first()
    if entity is None:
        refuse_missing(actor, Action.UPDATE, "intel_entity", entity_id, purpose="link intelligence")
    report_for_change(actor=actor, report_id=entity.report_id, purpose="link intelligence")
    return entity


class Subject(TypedDict):
    person: Person | None
    vrm: str
    phone: str
    place: Place | None


def subject_of(*, actor: User, person: str = "", vrm: str = "", phone: str = "", place: str = "") -> Subject:
    """Exactly one of a person (whom the actor may see), a registration mark, a phone number or a place."""
    given = [value for value in (person, vrm, phone, place) if value.strip()]
    if len(given) != 1:
        raise ValidationError({"subject": "Give one person, vehicle registration mark, phone number or place"})
    if person.strip():
        found = person_for_change(
            actor=actor, person_id=person.strip(), action=Action.VIEW, purpose="intelligence held"
        )
        return Subject(person=found, vrm="", phone="", place=None)
    if place.strip():
        spot = Place.objects.filter(pk=int(place)).first() if place.strip().isdigit() else None
        if spot is None:
            raise ValidationError({"place": "There is no such place"})
        return Subject(person=None, vrm="", phone="", place=spot)
    try:
        if vrm.strip():
            return Subject(person=None, vrm=normalise.normalise_vrm(vrm), phone="", place=None)
        return Subject(person=None, vrm="", phone=normalise.normalise_phone(phone), place=None)
    except normalise.InvalidValue as error:
        raise ValidationError({error.field: error.message}) from error
