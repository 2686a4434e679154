"""Statutory casework over the JSON API: the caller's cases and work lists, one case with its deadlines and
story, and one POST per step of the workflow. Reads go through `selectors` (which check access and audit),
writes through `services` (which check access, enforce the statutory rules and audit); a refused rule is a 422
naming the field at fault, and nothing is saved in part.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards
from lantern.accounts.models import Agency, User
from lantern.cases import selectors, services
from lantern.cases.enums import (
    MAX_TEXT,
    AttendeeAgencyKind,
    ConferenceDecision,
    ConferenceKind,
    CseIndicator,
    Participation,
    PlanCategory,
    ReferralDecision,
    S47Outcome,
    SourceKind,
    Stage,
    StrategyOutcome,
)
from lantern.cases.models import (
    Assessment,
    Case,
    MissingEpisode,
    ProtectionPlan,
    Reassurance,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
)
from lantern.people.selectors import person_for_change
from lantern.web.actor import signed_in_user

router = Router(tags=["cases"])

MAX_PAGE = 200
PAGE = 50
TEXT = MAX_TEXT * 2  # the services give the friendly message at MAX_TEXT; the schema only stops absurd bodies
SHORT = 200

# --- Shapes ---------------------------------------------------------------------------------------------------


class DueOut(Schema):
    key: str = Field(description="stable id of the piece of work, e.g. 'referral:12'")
    label: str
    rule: str = Field(description="the rulebook id that sets the timescale, e.g. WT-REF-DECIDE-1")
    due_at: dt.datetime
    days_left: int = Field(description="working days to the due day: 0 when due today, negative when overdue")
    status: Literal["overdue", "due soon", "on time"]


class CaseItem(Schema):
    id: int
    child_id: UUID
    child_display_name: str
    stage: str
    lead_practitioner: str | None = Field(description="username")
    next_due: DueOut | None


class CaseList(Schema):
    items: list[CaseItem]
    count: int


class EventOut(Schema):
    at: dt.datetime
    kind: str
    title: str
    detail: str
    by: str
    child_words: str


class StepOut(Schema):
    kind: Literal[
        "referral", "strategy_discussion", "s47_enquiry", "assessment", "cp_plan", "missing_episode", "reassurance"
    ]
    id: int
    at: dt.datetime
    status: str = Field(description="where the step stands, e.g. 'awaiting decision', 'held: s47'")


class CaseOut(Schema):
    id: int
    child_id: UUID
    child_display_name: str
    agency: str
    team: str | None
    stage: str
    stage_label: str
    lead_practitioner: str | None
    cse_concern: bool
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    closure_reason: str
    last_activity_at: dt.datetime
    deadlines: list[DueOut] = Field(description="open statutory work, soonest first")
    steps: list[StepOut] = Field(description="the steps a POST can act on, by id")
    timeline: list[EventOut] = Field(description="everything recorded, newest first")


class WorkItem(DueOut):
    case_id: int
    child_display_name: str
    lead_practitioner: str | None


class WorkerOut(Schema):
    name: str
    overdue: int
    due_soon: int
    on_time: int


class WorkOut(Schema):
    items: list[WorkItem] = Field(description="overdue first, then due soon, then on time; each soonest first")
    count: int
    overdue: int
    due_soon: int
    on_time: int


class TeamWorkOut(WorkOut):
    workers: list[WorkerOut]


class Written(Schema):
    id: int = Field(description="the created or changed record")
    case_id: int
    stage: str = Field(description="the case's stage after the step")


# --- Helpers --------------------------------------------------------------------------------------------------


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time sent without an offset is London time, as practitioners give it."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())


def _due_out(item: selectors.DueItem, now: dt.datetime) -> DueOut:
    return DueOut(
        key=item.key, label=item.label, rule=item.rule, due_at=item.due_at, days_left=item.days_left(),
        status=item.status(now),  # type: ignore[arg-type]
    )  # fmt: skip


def _username(user: User | None) -> str | None:
    return user.username if user else None


def _written(record: Model, case: Case) -> Status[Written]:
    return Status(201, Written(id=record.pk, case_id=case.pk, stage=case.stage))


def _colleague(actor: User, username: str | None, field: str) -> User | None:
    """A practitioner named by username, from the caller's own agency (the only one whose cases they work)."""
    if not username:
        return None
    user = User.objects.filter(username=username, agency=actor.agency).first() if actor.agency else None
    if user is None:
        raise ValidationError({field: f"No practitioner '{username}' in your agency: check the username"})
    return user


def _agency(code: str | None) -> Agency | None:
    if not code:
        return None
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ValidationError({"source_agency": f"No agency with the code '{code}'"})
    return agency


def _step(request: HttpRequest, model: type[Model], step_id: int, purpose: str) -> tuple[User, Any]:
    actor = signed_in_user(request)
    return actor, selectors.step_for_change(actor=actor, model=model, step_id=step_id, purpose=purpose)


def _case(request: HttpRequest, case_id: int, purpose: str) -> tuple[User, Case]:
    actor = signed_in_user(request)
    return actor, selectors.case_for_change(actor=actor, case_id=case_id, purpose=purpose)


# --- Reads ----------------------------------------------------------------------------------------------------


class ListParams(Schema):
    mine: bool = Field(default=False, description="only the cases I lead")
    stage: Stage | None = None
    limit: int = Field(default=PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get("", response=CaseList, summary="Open cases the caller may see, newest first")
@guards(Category.CASE)
def cases(request: HttpRequest, params: Query[ListParams]) -> CaseList:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.CASE, purpose="list open cases")
    total, page = selectors.case_list(
        actor=actor, mine=params.mine, stage=params.stage or "", limit=params.limit, offset=params.offset
    )
    now = timezone.now()
    items = []
    for case in page:
        due = selectors.deadlines_for(case)
        items.append(
            CaseItem(
                id=case.pk, child_id=case.child_id, child_display_name=case.child.display_name, stage=case.stage,
                lead_practitioner=_username(case.lead_practitioner), next_due=_due_out(due[0], now) if due else None,
            )
        )  # fmt: skip
    return CaseList(items=items, count=total)


def _steps(case: Case) -> list[StepOut]:
    steps: list[StepOut] = []
    for r in case.referrals.all():
        status = f"decided: {r.decision}" if r.decision else "awaiting decision"
        steps.append(StepOut(kind="referral", id=r.pk, at=r.received_at, status=status))
    for s in case.strategy_discussions.all():
        status = f"held: {s.outcome}" if s.held_at else "to hold"
        steps.append(StepOut(kind="strategy_discussion", id=s.pk, at=s.concerns_identified_at, status=status))
    for e in case.enquiries.all():
        status = f"outcome: {e.outcome}" if e.outcome else "under way"
        steps.append(StepOut(kind="s47_enquiry", id=e.pk, at=e.started_at, status=status))
    for a in case.assessments.all():
        steps.append(StepOut(kind="assessment", id=a.pk, at=a.recorded_at, status=a.status))
    for p in case.plans.all():
        status = f"ended {p.ended_on:%Y-%m-%d}" if p.ended_on else "in force"
        steps.append(StepOut(kind="cp_plan", id=p.pk, at=_noon(p.started_on), status=status))
    for m in case.missing_episodes.all():
        if m.rhi_held_at or m.rhi_declined_reason:
            status = "return interview recorded"
        else:
            status = "return interview due" if m.returned_at else "missing"
        steps.append(StepOut(kind="missing_episode", id=m.pk, at=m.missing_from, status=status))
    for promise in case.reassurances.all():
        flagged = promise.flagged and promise.acknowledged_at is None
        status = promise.status + (", flagged to the manager" if flagged else "")
        steps.append(StepOut(kind="reassurance", id=promise.pk, at=_noon(promise.given_on), status=status))
    return steps


@router.get("/{int:case_id}", response=CaseOut, summary="A case: its stage, deadlines, steps and story")
@guards(Category.CASE)
def case_detail(request: HttpRequest, case_id: int) -> CaseOut:
    case = selectors.case_get(actor=signed_in_user(request), case_id=case_id)
    now = timezone.now()
    return CaseOut(
        id=case.pk, child_id=case.child_id, child_display_name=case.child.display_name, agency=case.agency.code,
        team=case.team.name if case.team else None, stage=case.stage, stage_label=Stage(case.stage).label,
        lead_practitioner=_username(case.lead_practitioner), cse_concern=case.cse_concern, opened_at=case.opened_at,
        closed_at=case.closed_at, closure_reason=case.closure_reason, last_activity_at=case.last_activity_at,
        deadlines=[_due_out(i, now) for i in selectors.deadlines_for(case)], steps=_steps(case),
        timeline=[EventOut(**asdict(e)) for e in selectors.timeline(case)],
    )  # fmt: skip


class PageParams(Schema):
    limit: int = Field(default=PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


def _work(work: selectors.WorkList, params: PageParams) -> dict[str, Any]:
    now = timezone.now()
    ordered = work.overdue + work.due_soon + work.on_time
    items = [
        WorkItem(
            **_due_out(i, now).dict(), case_id=i.case.pk, child_display_name=i.case.child.display_name,
            lead_practitioner=_username(i.case.lead_practitioner),
        )
        for i in ordered[params.offset : params.offset + params.limit]
    ]  # fmt: skip
    return {
        "items": items,
        "count": work.count,
        "overdue": len(work.overdue),
        "due_soon": len(work.due_soon),
        "on_time": len(work.on_time),
    }


@router.get("/work", response=WorkOut, summary="My work: what is due on the cases I lead")
@guards(Category.CASE)
def my_work(request: HttpRequest, params: Query[PageParams]) -> WorkOut:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.CASE, purpose="my work")
    return WorkOut(**_work(selectors.my_work(actor=actor), params))


@router.get("/team-work", response=TeamWorkOut, summary="My team's work, and each worker's share (team managers)")
@guards(Category.CASE)
def team_work(request: HttpRequest, params: Query[PageParams]) -> TeamWorkOut:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.CASE, purpose="team work")
    work, per_worker = selectors.team_work(actor=actor)
    workers = [
        WorkerOut(name=name, overdue=len(w.overdue), due_soon=len(w.due_soon), on_time=len(w.on_time))
        for name, w in per_worker.items()
    ]
    return TeamWorkOut(**_work(work, params), workers=workers)


# --- Referrals and contacts -----------------------------------------------------------------------------------


class ReferralIn(Schema):
    child: UUID = Field(description="the child's person id")
    received_at: dt.datetime
    source_kind: SourceKind
    source_agency: str | None = Field(default=None, max_length=40, description="agency code, if from an agency")
    source_person: str = Field(max_length=SHORT * 2, description="name and role of the person who gave it")
    concerns: str = Field(max_length=TEXT)
    cse_indicators: list[CseIndicator] = Field(default_factory=list, max_length=len(CseIndicator))
    names_exploiting_adults: bool = False


@router.post("/referrals", response={201: Written}, summary="Record a referral (opens the child's case)")
@guards(Category.CASE, Category.PERSON)
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[Written]:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Category.CASE, purpose="record a referral")
    child = person_for_change(actor=actor, person_id=payload.child, action=Action.VIEW, purpose="record a referral")
    referral = services.referral_record(
        actor=actor, child=child, received_at=_aware(payload.received_at), source_kind=payload.source_kind,
        source_agency=_agency(payload.source_agency), source_person=payload.source_person,
        concerns=payload.concerns, cse_indicators=list(payload.cse_indicators),
        names_exploiting_adults=payload.names_exploiting_adults,
    )  # fmt: skip
    return _written(referral, referral.case)


class DecisionIn(Schema):
    decision: ReferralDecision
    reasons: str = Field(default="", max_length=TEXT, description="required for no further action")
    decided_at: dt.datetime | None = Field(default=None, description="defaults to now")
    manager_reason: str = Field(default="", max_length=TEXT, description="a team manager's reason for NFA on CSE")
    lead_practitioner: str | None = Field(default=None, max_length=150, description="username to allocate")
    immediate_risk: bool = False


@router.post("/referrals/{int:referral_id}/decision", response={201: Written}, summary="Decide on a referral")
@guards(Category.CASE)
def referral_decision(request: HttpRequest, referral_id: int, payload: DecisionIn) -> Status[Written]:
    actor, referral = _step(request, Referral, referral_id, "decide a referral")
    services.referral_decide(
        actor=actor, referral=referral, decision=payload.decision, reasons=payload.reasons,
        decided_at=_aware(payload.decided_at), manager_reason=payload.manager_reason,
        lead_practitioner=_colleague(actor, payload.lead_practitioner, "lead_practitioner"),
        immediate_risk=payload.immediate_risk,
    )  # fmt: skip
    return _written(referral, referral.case)


class ContactIn(Schema):
    received_at: dt.datetime
    source_kind: SourceKind
    source_agency: str | None = Field(default=None, max_length=40)
    source_person: str = Field(max_length=SHORT * 2)
    summary: str = Field(max_length=TEXT)
    cse_indicators: list[CseIndicator] = Field(default_factory=list, max_length=len(CseIndicator))


@router.post("/{int:case_id}/contacts", response={201: Written}, summary="Record further information on a case")
@guards(Category.CASE)
def contact(request: HttpRequest, case_id: int, payload: ContactIn) -> Status[Written]:
    actor, case = _case(request, case_id, "record a contact")
    made = services.contact_record(
        actor=actor, case=case, received_at=_aware(payload.received_at), source_kind=payload.source_kind,
        source_agency=_agency(payload.source_agency), source_person=payload.source_person, summary=payload.summary,
        cse_indicators=list(payload.cse_indicators),
    )  # fmt: skip
    return _written(made, case)


# --- Strategy discussions and s47 enquiries -------------------------------------------------------------------


class StrategyRequestIn(Schema):
    concerns_identified_at: dt.datetime
    reason: str = Field(max_length=TEXT)
    immediate_risk: bool = False
    cse_risk: bool = False


@router.post("/{int:case_id}/strategy-discussions", response={201: Written}, summary="Request a strategy discussion")
@guards(Category.CASE)
def strategy_request(request: HttpRequest, case_id: int, payload: StrategyRequestIn) -> Status[Written]:
    actor, case = _case(request, case_id, "request a strategy discussion")
    discussion = services.strategy_request(
        actor=actor, case=case, concerns_identified_at=_aware(payload.concerns_identified_at), reason=payload.reason,
        immediate_risk=payload.immediate_risk, cse_risk=payload.cse_risk,
    )  # fmt: skip
    return _written(discussion, case)


class AttendeeIn(Schema):
    agency_kind: AttendeeAgencyKind
    name: str = Field(max_length=SHORT)
    role: str = Field(default="", max_length=SHORT)


class StrategyRecordIn(Schema):
    held_at: dt.datetime
    attendees: list[AttendeeIn] = Field(max_length=50, description="social care, police and health at least")
    outcome: StrategyOutcome
    outcome_reasons: str = Field(max_length=TEXT)
    cse_risk: bool | None = None
    manager_reason: str = Field(default="", max_length=TEXT)
    lead_practitioner: str | None = Field(default=None, max_length=150, description="username to lead the s47")


@router.post(
    "/strategy-discussions/{int:discussion_id}/record", response={201: Written}, summary="Record a strategy discussion"
)
@guards(Category.CASE)
def strategy_record(request: HttpRequest, discussion_id: int, payload: StrategyRecordIn) -> Status[Written]:
    actor, discussion = _step(request, StrategyDiscussion, discussion_id, "record a strategy discussion")
    services.strategy_record(
        actor=actor, discussion=discussion, held_at=_aware(payload.held_at),
        attendees=[services.Attendee(a.agency_kind, a.name, a.role) for a in payload.attendees],
        outcome=payload.outcome, outcome_reasons=payload.outcome_reasons, cse_risk=payload.cse_risk,
        manager_reason=payload.manager_reason,
        lead_practitioner=_colleague(actor, payload.lead_practitioner, "lead_practitioner"),
    )  # fmt: skip
    return _written(discussion, discussion.case)


class S47OutcomeIn(Schema):
    outcome: S47Outcome
    reasons: str = Field(max_length=TEXT)
    outcome_at: dt.datetime | None = Field(default=None, description="defaults to now")


@router.post("/enquiries/{int:enquiry_id}/outcome", response={201: Written}, summary="Record a s47 outcome")
@guards(Category.CASE)
def s47_outcome(request: HttpRequest, enquiry_id: int, payload: S47OutcomeIn) -> Status[Written]:
    actor, enquiry = _step(request, Section47Enquiry, enquiry_id, "record a s47 outcome")
    services.s47_complete(
        actor=actor, enquiry=enquiry, outcome=payload.outcome, reasons=payload.reasons,
        outcome_at=_aware(payload.outcome_at),
    )  # fmt: skip
    return _written(enquiry, enquiry.case)


# --- Assessments ----------------------------------------------------------------------------------------------


class ContributionIn(Schema):
    text: str = Field(max_length=TEXT)


@router.post(
    "/assessments/{int:assessment_id}/contributions", response={201: Written}, summary="Contribute to an assessment"
)
@guards(Category.CASE)
def assessment_contribute(request: HttpRequest, assessment_id: int, payload: ContributionIn) -> Status[Written]:
    actor, assessment = _step(request, Assessment, assessment_id, "contribute to an assessment")
    made = services.assessment_contribute(actor=actor, assessment=assessment, text=payload.text)
    return _written(made, assessment.case)


class CompleteIn(Schema):
    summary: str = Field(max_length=TEXT)
    child_views: str = Field(max_length=TEXT, description="in the child's own words")
    overdue_reason: str = Field(default="", max_length=TEXT, description="required when past WT-ASSESS-45")


@router.post("/assessments/{int:assessment_id}/complete", response={201: Written}, summary="Complete an assessment")
@guards(Category.CASE)
def assessment_complete(request: HttpRequest, assessment_id: int, payload: CompleteIn) -> Status[Written]:
    actor, assessment = _step(request, Assessment, assessment_id, "complete an assessment")
    services.assessment_complete(
        actor=actor, assessment=assessment, summary=payload.summary, child_views=payload.child_views,
        overdue_reason=payload.overdue_reason,
    )  # fmt: skip
    return _written(assessment, assessment.case)


@router.post(
    "/assessments/{int:assessment_id}/authorise", response={201: Written}, summary="Authorise a completed assessment"
)
@guards(Category.CASE)
def assessment_authorise(request: HttpRequest, assessment_id: int) -> Status[Written]:
    actor, assessment = _step(request, Assessment, assessment_id, "authorise an assessment")
    services.assessment_authorise(actor=actor, assessment=assessment)
    return _written(assessment, assessment.case)


# --- Conferences and core groups ------------------------------------------------------------------------------


class ConferenceIn(Schema):
    kind: ConferenceKind
    held_on: dt.date
    chair: str = Field(max_length=SHORT)
    decision: ConferenceDecision
    reasons: str = Field(max_length=TEXT)
    participation: Participation
    participation_note: str = Field(default="", max_length=TEXT)
    child_views: str = Field(default="", max_length=TEXT)
    plan_category: PlanCategory | Literal[""] = ""
    visit_interval_working_days: int | None = Field(default=None, ge=0, le=1000)
    seen_alone_exception: str = Field(default="", max_length=TEXT)


@router.post("/{int:case_id}/conferences", response={201: Written}, summary="Record a child protection conference")
@guards(Category.CASE)
def conference(request: HttpRequest, case_id: int, payload: ConferenceIn) -> Status[Written]:
    actor, case = _case(request, case_id, "record a child protection conference")
    made = services.conference_record(actor=actor, case=case, **payload.dict())
    return _written(made, case)


class CoreGroupIn(Schema):
    held_on: dt.date
    attendees: str = Field(max_length=TEXT, description="who attended, with their agencies")
    participation: Participation
    participation_note: str = Field(default="", max_length=TEXT)
    child_views: str = Field(default="", max_length=TEXT)
    notes: str = Field(default="", max_length=TEXT)


@router.post("/plans/{int:plan_id}/core-groups", response={201: Written}, summary="Record a core group meeting")
@guards(Category.CASE)
def core_group(request: HttpRequest, plan_id: int, payload: CoreGroupIn) -> Status[Written]:
    actor, plan = _step(request, ProtectionPlan, plan_id, "record a core group meeting")
    made = services.core_group_record(actor=actor, plan=plan, **payload.dict())
    return _written(made, plan.case)


# --- Visits and missing episodes ------------------------------------------------------------------------------


class VisitIn(Schema):
    visited_at: dt.datetime
    child_seen: bool
    seen_alone: bool = False
    child_words: str = Field(default="", max_length=TEXT, description="required when the child was seen")
    not_seen_reason: str = Field(default="", max_length=TEXT, description="required when the child was not seen")
    notes: str = Field(default="", max_length=TEXT)


@router.post("/{int:case_id}/visits", response={201: Written}, summary="Record a visit")
@guards(Category.CASE)
def visit(request: HttpRequest, case_id: int, payload: VisitIn) -> Status[Written]:
    actor, case = _case(request, case_id, "record a visit")
    values = payload.dict()
    values["visited_at"] = _aware(payload.visited_at)
    return _written(services.visit_record(actor=actor, case=case, **values), case)


class MissingIn(Schema):
    missing_from: dt.datetime
    returned_at: dt.datetime | None = None
    circumstances: str = Field(default="", max_length=TEXT)


@router.post("/{int:case_id}/missing-episodes", response={201: Written}, summary="Record a missing episode")
@guards(Category.CASE)
def missing(request: HttpRequest, case_id: int, payload: MissingIn) -> Status[Written]:
    actor, case = _case(request, case_id, "record a missing episode")
    episode = services.missing_record(
        actor=actor, case=case, missing_from=_aware(payload.missing_from), returned_at=_aware(payload.returned_at),
        circumstances=payload.circumstances,
    )  # fmt: skip
    return _written(episode, case)


class ReturnIn(Schema):
    returned_at: dt.datetime


@router.post(
    "/missing-episodes/{int:episode_id}/return", response={201: Written}, summary="Record a return from missing"
)
@guards(Category.CASE)
def missing_return(request: HttpRequest, episode_id: int, payload: ReturnIn) -> Status[Written]:
    actor, episode = _step(request, MissingEpisode, episode_id, "record a return from missing")
    services.missing_returned(actor=actor, episode=episode, returned_at=_aware(payload.returned_at))
    return _written(episode, episode.case)


class ReturnInterviewIn(Schema):
    held_at: dt.datetime
    by: str = Field(max_length=SHORT, description="who held or offered the interview")
    summary: str = Field(default="", max_length=TEXT, description="required unless declined")
    child_words: str = Field(default="", max_length=TEXT)
    declined_reason: str = Field(default="", max_length=TEXT)


@router.post(
    "/missing-episodes/{int:episode_id}/return-interview",
    response={201: Written},
    summary="Record the return home interview, held or declined",
)
@guards(Category.CASE)
def return_interview(request: HttpRequest, episode_id: int, payload: ReturnInterviewIn) -> Status[Written]:
    actor, episode = _step(request, MissingEpisode, episode_id, "record a return home interview")
    values = payload.dict()
    values["held_at"] = _aware(payload.held_at)
    services.rhi_record(actor=actor, episode=episode, **values)
    return _written(episode, episode.case)


# --- Reassurances, oversight, allocation, closure -------------------------------------------------------------


class ReassuranceIn(Schema):
    given_by: str = Field(max_length=SHORT)
    given_on: dt.date
    promise: str = Field(max_length=TEXT)
    is_safety_agreement: bool = False


@router.post("/{int:case_id}/reassurances", response={201: Written}, summary="Record a family reassurance")
@guards(Category.CASE)
def reassurance(request: HttpRequest, case_id: int, payload: ReassuranceIn) -> Status[Written]:
    actor, case = _case(request, case_id, "record a family reassurance")
    return _written(services.reassurance_record(actor=actor, case=case, **payload.dict()), case)


class ReassuranceOutcomeIn(Schema):
    status: Literal["held", "broken"]
    outcome_on: dt.date
    note: str = Field(max_length=TEXT)


@router.post(
    "/reassurances/{int:reassurance_id}/outcome", response={201: Written}, summary="Record whether a reassurance held"
)
@guards(Category.CASE)
def reassurance_outcome(request: HttpRequest, reassurance_id: int, payload: ReassuranceOutcomeIn) -> Status[Written]:
    actor, row = _step(request, Reassurance, reassurance_id, "record whether a reassurance held")
    services.reassurance_outcome(actor=actor, reassurance=row, **payload.dict())
    return _written(row, row.case)


class NoteIn(Schema):
    note: str = Field(max_length=TEXT)


@router.post(
    "/reassurances/{int:reassurance_id}/acknowledge",
    response={201: Written},
    summary="A team manager's decision on a flagged reassurance",
)
@guards(Category.CASE)
def reassurance_acknowledge(request: HttpRequest, reassurance_id: int, payload: NoteIn) -> Status[Written]:
    actor, row = _step(request, Reassurance, reassurance_id, "review a flagged reassurance")
    services.reassurance_acknowledge(actor=actor, reassurance=row, note=payload.note)
    return _written(row, row.case)


@router.post("/{int:case_id}/oversight", response={201: Written}, summary="Record management oversight")
@guards(Category.CASE)
def oversight(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[Written]:
    actor, case = _case(request, case_id, "record management oversight")
    return _written(services.oversight_record(actor=actor, case=case, note=payload.note), case)


class AllocateIn(Schema):
    practitioner: str = Field(max_length=150, description="username of the lead practitioner")


@router.post("/{int:case_id}/allocate", response={201: Written}, summary="Allocate the lead practitioner")
@guards(Category.CASE)
def allocate(request: HttpRequest, case_id: int, payload: AllocateIn) -> Status[Written]:
    actor, case = _case(request, case_id, "allocate a lead practitioner")
    practitioner = _colleague(actor, payload.practitioner, "practitioner")
    return _written(services.allocate(actor=actor, case=case, practitioner=practitioner), case)


class CloseIn(Schema):
    reason: str = Field(max_length=TEXT)


@router.post("/{int:case_id}/close", response={201: Written}, summary="Close a case (team managers)")
@guards(Category.CASE)
def close(request: HttpRequest, case_id: int, payload: CloseIn) -> Status[Written]:
    actor, case = _case(request, case_id, "close a case")
    return _written(services.case_close(actor=actor, case=case, reason=payload.reason), case)
