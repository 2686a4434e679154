"""Intelligence over the JSON API: partners submit, read, triage, corroborate and request; the public reports."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards, no_personal_data
from lantern.intel import ratelimit, selectors, services
from lantern.intel.enums import MAX_SHORT, MAX_TEXT, Level
from lantern.intel.models import AccessRequest, IntelEntity, IntelReport, SanitisedReport
from lantern.people.selectors import person_for_change
from lantern.web.actor import signed_in_user

router = Router(tags=["intelligence"])
public_router = Router(tags=["public"], auth=None)

MAX_PAGE = 200


# --- Public ---------------------------------------------------------------------------------------------


class PublicReportIn(Schema):
    what: str = Field(description="What you saw or heard", max_length=MAX_TEXT * 2)
    where: str = Field(description="Where it happened", max_length=MAX_SHORT * 2)
    when: str = Field(description="YYYY-MM-DD or an ISO datetime", max_length=40)
    people: str | None = Field(default=None, max_length=MAX_SHORT * 2)
    vehicles: str | None = Field(default=None, max_length=MAX_SHORT * 2)
    contact: str | None = Field(default=None, max_length=MAX_SHORT * 2, description="Only if you want to be contacted")
    danger_now: bool = Field(default=False, description="A child is in danger right now (call 999 as well)")


class ReferenceOut(Schema):
    reference: str


class PublicAdditionIn(Schema):
    text: str = Field(max_length=MAX_TEXT * 2)


def client_address(request: HttpRequest) -> str:
    """Used only to count, salted and hashed (`ratelimit`); never stored or logged."""
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limited(request: HttpRequest) -> HttpResponse | None:
    retry_after = ratelimit.take(client_address(request))
    if retry_after is None:
        return None
    response = HttpResponse(
        b'{"detail": "Too many reports from here in a short time. Please wait a few minutes and try again. '
        b'If a child is in danger now, call 999."}',
        status=429,
        content_type="application/json",
    )
    response["Retry-After"] = str(retry_after)
    return response


@public_router.post(
    "/reports", response={201: ReferenceOut, 429: dict}, summary="Report a concern anonymously (no account needed)"
)
@no_personal_data  # receives a report, shows none back; nothing identifying the sender is stored
def public_report(request: HttpRequest, payload: PublicReportIn) -> Status[ReferenceOut] | HttpResponse:
    if limited := rate_limited(request):
        return limited
    occurred_on, occurred_time = services.parse_when(payload.when)
    report = services.public_report_submit(
        what=payload.what, where=payload.where, occurred_on=occurred_on, occurred_time=occurred_time,
        people=payload.people or "", vehicles=payload.vehicles or "", contact=payload.contact or "",
        danger_now=payload.danger_now,
    )  # fmt: skip
    return Status(201, ReferenceOut(reference=report.reference))


@public_router.post(
    "/reports/{reference}/additions", response={201: ReferenceOut, 429: dict}, summary="Add to your report"
)
@no_personal_data
def public_addition(
    request: HttpRequest, reference: str, payload: PublicAdditionIn
) -> Status[ReferenceOut] | HttpResponse:
    if limited := rate_limited(request):
        return limited
    addition = services.public_addition_add(reference=reference, text=payload.text)
    return Status(201, ReferenceOut(reference=addition.report.reference))


# --- Partners -------------------------------------------------------------------------------------------


class ReportIn(Schema):
    what: str = Field(max_length=MAX_TEXT * 2)
    when: str = Field(description="YYYY-MM-DD or an ISO datetime", max_length=40)
    where: str = Field(default="", max_length=MAX_SHORT * 2, description="A free location; resolved to a ward")
    place_id: int | None = None
    ward_id: int | None = None
    people: list[str] = Field(default_factory=list, max_length=50)
    vehicles: list[str] = Field(default_factory=list, max_length=50)
    phones: list[str] = Field(default_factory=list, max_length=50)
    knowledge: Literal["seen", "told_by_child", "third_party", "rumour"]
    urgency: Literal["immediate", "urgent", "soon", "information"]


class EntityOut(Schema):
    id: int
    kind: str
    text: str
    value: str
    origin: str
    confirmed: bool
    person_id: str | None
    place_id: int | None


class CorroborationOut(Schema):
    kind: str
    note: str
    agency: str
    on: dt.date


class ReportOut(Schema):
    id: int
    reference: str
    source: str
    received_at: dt.datetime
    level: str
    agency: str
    occurred_on: dt.date
    ward: str | None
    grade: str
    status: str
    text: str = Field(description="the full text, or the sanitised text at level 'sanitised'")
    risk: str | None = None
    triage_due_at: dt.datetime | None = None
    location: str | None = None
    knowledge: str | None = None
    urgency: str | None = None
    handling_conditions: str | None = None
    outcome: str | None = None
    weight_graded: float | None = None
    weight_now: float | None = None
    entities: list[EntityOut] = Field(default_factory=list)
    corroborations: list[CorroborationOut] = Field(default_factory=list)


class ReportItem(Schema):
    id: int
    reference: str
    source: str
    received_at: dt.datetime
    level: str
    agency: str
    grade: str
    text: str


class ReportList(Schema):
    items: list[ReportItem]
    count: int = Field(description=f"matching reports, counted up to {selectors.COUNT_CAP:,} (that many or more)")


def _item(listed: selectors.ListedReport) -> ReportItem:
    report = listed.report
    return ReportItem(
        id=report.pk, reference=report.reference, source=report.source, received_at=report.received_at,
        level=listed.level.value, agency=report.agency.code, grade=report.grade, text=listed.text,
    )  # fmt: skip


class ListParams(Schema):
    q: str = Field(default="", max_length=200, description="words to find in the text (all must match)")
    reference: str = Field(default="", max_length=20)
    limit: int = Field(default=selectors.PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


def _entity_out(entity: IntelEntity) -> EntityOut:
    return EntityOut(
        id=entity.pk, kind=entity.kind, text=entity.text, value=entity.value, origin=entity.origin,
        confirmed=entity.confirmed, person_id=str(entity.person_id) if entity.person_id else None,
        place_id=entity.place_id,
    )  # fmt: skip


def report_out(view: selectors.ReportView) -> ReportOut:
    report, full = view.report, view.level is Level.FULL
    text = report.what if full else (view.sanitised.text if view.sanitised else "")
    out = ReportOut(
        id=report.pk, reference=report.reference, source=report.source, received_at=report.received_at,
        level=view.level.value, agency=report.agency.code, occurred_on=report.occurred_on,
        ward=report.ward.name if report.ward else None, grade=report.grade, status=report.status, text=text,
        handling_conditions=report.handling_conditions or None,
        weight_graded=view.weight.graded if view.weight else None, weight_now=view.weight.now if view.weight else None,
        entities=[_entity_out(e) for e in view.entities],
        corroborations=[
            CorroborationOut(kind=c.kind, note=c.note, agency=c.agency.code, on=c.on)  # type: ignore[attr-defined]
            for c in view.corroborations
        ],
    )  # fmt: skip
    if full:
        out.risk, out.triage_due_at, out.location = report.risk, report.triage_due_at, report.location_text
        out.knowledge, out.urgency, out.outcome = report.knowledge, report.urgency, report.outcome or None
    return out


@router.post("/reports", response={201: ReportOut}, summary="Submit partner intelligence")
@guards(Category.INTELLIGENCE)
def submit(request: HttpRequest, payload: ReportIn) -> Status[ReportOut]:
    actor = signed_in_user(request)
    occurred_on, occurred_time = services.parse_when(payload.when)
    report = services.report_submit(
        actor=actor, what=payload.what, occurred_on=occurred_on, occurred_time=occurred_time,
        location_text=payload.where, place_id=payload.place_id, ward_id=payload.ward_id, people=payload.people,
        vehicles=payload.vehicles, phones=payload.phones, knowledge=payload.knowledge, urgency=payload.urgency,
    )  # fmt: skip
    view = selectors.ReportView(level=Level.FULL, report=report, entities=list(report.entities.all()))
    return Status(201, report_out(view))


@router.get("/reports", response=ReportList, summary="Intelligence the caller may read, newest first")
@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED)
def reports(request: HttpRequest, params: Query[ListParams]) -> ReportList:
    found, total = selectors.report_search(
        actor=signed_in_user(request), query=params.q, reference=params.reference, limit=params.limit,
        offset=params.offset,
    )  # fmt: skip
    return ReportList(
        items=[_item(i) for i in found],
        count=total,
    )


@router.get("/reports/{int:report_id}", response=ReportOut, summary="A report, in full or sanitised as allowed")
@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED, Category.INTELLIGENCE_EXISTENCE)
def report(request: HttpRequest, report_id: int) -> ReportOut:
    return report_out(selectors.report_get(actor=signed_in_user(request), report_id=report_id))


class GradeIn(Schema):
    source_evaluation: str = Field(description="1 Reliable, 2 Untested, 3 Not reliable", max_length=2)
    intelligence_assessment: str = Field(description="A to E", max_length=2)
    handling_code: str = Field(description="P or C", max_length=2)
    handling_conditions: str = Field(default="", max_length=MAX_TEXT)
    risk: Literal["high", "medium", "low"]


def _written(report: IntelReport) -> ReportOut:
    """The report as its triager may see it after a change; the change's own audit row covers this answer."""
    view = selectors.ReportView(
        level=Level.FULL, report=report, sanitised=SanitisedReport.objects.filter(report=report).first(),
        entities=list(report.entities.all()), weight=selectors.weight_of(report),
    )  # fmt: skip
    return report_out(view)


@router.post("/reports/{int:report_id}/grade", response=ReportOut, summary="Grade under 3x5x2 and set the risk")
@guards(Category.INTELLIGENCE)
def grade(request: HttpRequest, report_id: int, payload: GradeIn) -> ReportOut:
    actor = signed_in_user(request)
    report = selectors.report_for_change(actor=actor, report_id=report_id, purpose="grade intelligence")
    services.report_grade(actor=actor, report=report, **payload.dict())
    return _written(report)


class SanitisedIn(Schema):
    text: str = Field(max_length=MAX_TEXT * 2)


@router.put("/reports/{int:report_id}/sanitised", response=ReportOut, summary="Write the sanitised version")
@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED)
def sanitise(request: HttpRequest, report_id: int, payload: SanitisedIn) -> ReportOut:
    actor = signed_in_user(request)
    report = selectors.report_for_change(actor=actor, report_id=report_id, purpose="sanitise intelligence")
    services.report_sanitise(actor=actor, report=report, text=payload.text)
    return _written(report)


class OutcomeIn(Schema):
    outcome: Literal["nfa", "shared", "referral", "strategy"]
    reason: str = Field(default="", max_length=MAX_TEXT)


@router.post("/reports/{int:report_id}/outcome", response=ReportOut, summary="Record the outcome")
@guards(Category.INTELLIGENCE)
def outcome(request: HttpRequest, report_id: int, payload: OutcomeIn) -> ReportOut:
    actor = signed_in_user(request)
    report = selectors.report_for_change(actor=actor, report_id=report_id, purpose="record intelligence outcome")
    services.report_outcome(actor=actor, report=report, outcome=payload.outcome, reason=payload.reason)
    return _written(report)


class EntityIn(Schema):
    kind: Literal["person", "vehicle", "phone", "place"]
    text: str = Field(max_length=200)


class EntityLinkIn(Schema):
    person_id: str | None = None


@router.post("/reports/{int:report_id}/entities", response={201: EntityOut}, summary="Add a mention")
@guards(Category.INTELLIGENCE)
def add_entity(request: HttpRequest, report_id: int, payload: EntityIn) -> Status[EntityOut]:
    actor = signed_in_user(request)
    report = selectors.report_for_change(actor=actor, report_id=report_id, purpose="link intelligence")
    return Status(
        201, _entity_out(services.entity_add(actor=actor, report=report, kind=payload.kind, text=payload.text))
    )


@router.post("/entities/{int:entity_id}/link", response=EntityOut, summary="Confirm a mention, linking a person")
@guards(Category.INTELLIGENCE, Category.PERSON)
def link_entity(request: HttpRequest, entity_id: int, payload: EntityLinkIn) -> EntityOut:
    actor = signed_in_user(request)
    entity = selectors.entity_for_change(actor=actor, entity_id=entity_id)
    person = None
    if payload.person_id:
        person = person_for_change(
            actor=actor, person_id=payload.person_id, action=Action.VIEW, purpose="link intelligence to a person"
        )
    return _entity_out(services.entity_link(actor=actor, entity=entity, person=person))


class CorroborateIn(Schema):
    kind: Literal["seen_too", "contradicted", "out_of_date"]
    note: str = Field(max_length=MAX_TEXT * 2)
    on: dt.date


@router.post(
    "/reports/{int:report_id}/corroborations", response={201: CorroborationOut}, summary="Corroborate a report"
)
@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED)
def corroborate(request: HttpRequest, report_id: int, payload: CorroborateIn) -> Status[CorroborationOut]:
    actor = signed_in_user(request)
    report = selectors.report_for_reader(actor=actor, report_id=report_id, purpose="corroborate intelligence")
    note = services.report_corroborate(actor=actor, report=report, kind=payload.kind, note=payload.note, on=payload.on)
    return Status(201, CorroborationOut(kind=note.kind, note=note.note, agency=note.agency.code, on=note.on))


class AccessRequestIn(Schema):
    reason: str = Field(max_length=MAX_TEXT * 2)


class AccessRequestOut(Schema):
    id: int
    report_id: int
    status: str
    requester: str
    reason: str
    decision_reason: str
    lawful_basis: str


class DecisionIn(Schema):
    decision: Literal["release", "release_sanitised", "refuse"]
    reason: str = Field(max_length=MAX_TEXT)
    lawful_basis: str = Field(default="", max_length=MAX_TEXT)


def _request_out(row: AccessRequest) -> AccessRequestOut:
    return AccessRequestOut(
        id=row.pk, report_id=row.report_id, status=row.status, requester=row.requester.username, reason=row.reason,
        decision_reason=row.decision_reason, lawful_basis=row.lawful_basis,
    )  # fmt: skip


@router.post(
    "/reports/{int:report_id}/access-requests", response={201: AccessRequestOut}, summary="Ask to see a report"
)
@guards(Category.INTELLIGENCE_EXISTENCE)
def request_access(request: HttpRequest, report_id: int, payload: AccessRequestIn) -> Status[AccessRequestOut]:
    actor = signed_in_user(request)
    report = selectors.report_for_reader(actor=actor, report_id=report_id, purpose="request access to intelligence")
    return Status(201, _request_out(services.access_request_create(actor=actor, report=report, reason=payload.reason)))


@router.post("/access-requests/{int:request_id}/decision", response=AccessRequestOut, summary="Release or refuse")
@guards(Category.INTELLIGENCE)
def decide_request(request: HttpRequest, request_id: int, payload: DecisionIn) -> AccessRequestOut:
    actor = signed_in_user(request)
    row = selectors.request_for_decision(actor=actor, request_id=request_id)
    decided = services.access_request_decide(
        actor=actor, request=row, decision=payload.decision, reason=payload.reason, lawful_basis=payload.lawful_basis
    )
    return _request_out(decided)


class QueueItemOut(Schema):
    id: int
    reference: str
    source: str
    received_at: dt.datetime
    risk: str
    triage_due_at: dt.datetime
    late: bool
    routed: bool


class QueueOut(Schema):
    items: list[QueueItemOut]
    count: int


@router.get("/triage", response=QueueOut, summary="Reports waiting for triage: high risk and oldest first")
@guards(Category.INTELLIGENCE)
def triage(request: HttpRequest) -> QueueOut:
    queue = selectors.triage_queue(actor=signed_in_user(request))
    return QueueOut(
        items=[
            QueueItemOut(
                id=i.report.pk,
                reference=i.report.reference,
                source=i.report.source,
                received_at=i.report.received_at,
                risk=i.report.risk,
                triage_due_at=i.report.triage_due_at,
                late=i.late,
                routed=i.report.routed_at is not None,
            )
            for i in queue
        ],
        count=len(queue),
    )


class HeldParams(Schema):
    person: str = Field(default="", description="a person's id")
    vrm: str = Field(default="", max_length=12)
    phone: str = Field(default="", max_length=20)
    place: str = Field(default="", max_length=12, description="a place's id")


class ElsewhereOut(Schema):
    id: int
    agency: str
    grade: str
    occurred_on: dt.date


class HeldOut(Schema):
    readable: list[ReportItem]
    held_elsewhere: list[ElsewhereOut]


@router.get(
    "/held", response=HeldOut, summary="Intelligence on a person, vehicle, phone or place, and where else it is held"
)
@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED, Category.INTELLIGENCE_EXISTENCE)
def held(request: HttpRequest, params: Query[HeldParams]) -> HeldOut:
    actor = signed_in_user(request)
    subject = selectors.subject_of(
        actor=actor, person=params.person, vrm=params.vrm, phone=params.phone, place=params.place
    )
    found = selectors.held_on(actor=actor, **subject)
    return HeldOut(
        readable=[_item(i) for i in found.readable],
        held_elsewhere=[
            ElsewhereOut(id=r.pk, agency=r.agency.code, grade=r.grade, occurred_on=r.occurred_on)
            for r in found.elsewhere
        ],
    )


class SubmissionOut(Schema):
    id: int
    reference: str
    received_at: dt.datetime
    status: str


class SubmissionList(Schema):
    items: list[SubmissionOut]
    count: int


@router.get("/mine", response=SubmissionList, summary="What I submitted, and what became of it (the category only)")
@guards(Category.INTELLIGENCE)
def mine(request: HttpRequest) -> SubmissionList:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Category.INTELLIGENCE, purpose="my intelligence submissions")
    rows = selectors.my_submissions(actor=actor)
    return SubmissionList(
        items=[
            SubmissionOut(id=r.pk, reference=r.reference, received_at=r.received_at, status=s.value) for r, s in rows
        ],
        count=len(rows),
    )
