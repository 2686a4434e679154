"""CSE screening over the JSON API: the screenings and tasks the caller may see, one child's screening with its
indicators, level, reasoning and history, and the writes (raise an indicator, decide the level, record a task
done). Reads go through `selectors` (which check access and audit), writes through `services`; a refused rule is
a 422 naming the field at fault, and nothing is saved in part.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards
from lantern.cases.models import Case
from lantern.people.selectors import person_for_change
from lantern.screening import selectors, services
from lantern.screening.enums import MAX_TEXT, Evidence, IndicatorKind, Level
from lantern.screening.models import LevelDecision, Screening
from lantern.web.actor import signed_in_user

router = Router(tags=["screening"])

MAX_PAGE = 200
PAGE = 50
TEXT = MAX_TEXT * 2  # the services give the friendly message at MAX_TEXT; the schema only stops absurd bodies


class IndicatorOut(Schema):
    id: int
    kind: str
    kind_label: str
    band: str = Field(description="S (significant, 5) or M (moderate, 2), rule SCR-INDICATORS")
    full_weight: int
    weight_now: int = Field(description="after SCR-RECENCY")
    why: str
    agency: str
    raised_by: str
    raised_at: dt.datetime
    observed_on: dt.date
    current: bool
    evidence: str
    intel_reference: str | None
    case_id: int | None
    detail: str


class DecisionOut(Schema):
    id: int
    decided_at: dt.datetime
    decided_by: str
    score: int | None = Field(description="withheld when health holds information the caller may not see")
    computed_level: Level
    level: Level
    reason: str
    manager_agreed_by: str | None
    immediate_risk: bool


class TaskOut(Schema):
    id: int
    screening_id: int
    child_id: UUID
    child_display_name: str
    rule: str
    trigger: str
    reason: str
    opened_at: dt.datetime
    due_at: dt.datetime
    immediate_risk: bool
    case_id: int | None
    open: bool
    overdue: bool
    done_at: dt.datetime | None
    done_note: str


class ScreeningOut(Schema):
    id: int
    child_id: UUID
    child_display_name: str
    agency: str
    level: Level = Field(description="the level the indicators give today (SCR-LEVELS)")
    score: int | None = Field(description="withheld when health holds information the caller may not see")
    reasoning: str = Field(description="how the level was reached, in plain words")
    decided_level: Level | None
    decided_at: dt.datetime | None
    needs_decision: bool
    health_holds_information: bool = Field(description="sexual-health information the caller may not see counts")
    strategy_due_at: dt.datetime | None = Field(description="a strategy discussion awaited (LOCAL-STRAT-3)")
    indicators: list[IndicatorOut]
    history: list[DecisionOut] = Field(description="level decisions, oldest first")
    tasks: list[TaskOut]


class ScreeningItem(Schema):
    id: int
    child_id: UUID
    child_display_name: str
    agency: str
    decided_level: Level | None


class ScreeningList(Schema):
    items: list[ScreeningItem]
    count: int


class TaskList(Schema):
    items: list[TaskOut]
    count: int


class Written(Schema):
    id: int = Field(description="the created or changed record")
    screening_id: int


def _task_out(view: selectors.TaskView, now: dt.datetime) -> TaskOut:
    task = view.task
    return TaskOut(
        id=task.pk, screening_id=task.screening_id, child_id=task.screening.child_id,
        child_display_name=task.screening.child.display_name, rule=task.rule, trigger=task.trigger,
        reason=task.reason, opened_at=task.opened_at, due_at=task.due_at, immediate_risk=task.immediate_risk,
        case_id=task.case_id, open=view.is_open, overdue=view.overdue(now), done_at=task.done_at,
        done_note=task.done_note,
    )  # fmt: skip


def _decision_out(decision: LevelDecision, *, shows_score: bool) -> DecisionOut:
    return DecisionOut(
        id=decision.pk, decided_at=decision.decided_at, decided_by=decision.decided_by.username,
        score=decision.score if shows_score else None, computed_level=Level(decision.computed_level),
        level=Level(decision.level), reason=decision.reason,
        manager_agreed_by=decision.manager_agreed_by.username if decision.manager_agreed_by else None,
        immediate_risk=decision.immediate_risk,
    )  # fmt: skip


def _line_out(line: selectors.Line) -> IndicatorOut:
    i = line.indicator
    return IndicatorOut(
        id=i.pk, kind=i.kind, kind_label=IndicatorKind(i.kind).label, band=line.counted.band,
        full_weight=line.counted.full, weight_now=line.counted.weight, why=f"{line.band_reason}; {line.counted.reason}",
        agency=i.agency.code, raised_by=i.raised_by.username, raised_at=i.raised_at, observed_on=i.observed_on,
        current=i.current, evidence=i.evidence, intel_reference=i.intel_report.reference if i.intel_report else None,
        case_id=i.case_id, detail=i.detail,
    )  # fmt: skip


def _screening_out(request: HttpRequest, screening: Screening) -> ScreeningOut:
    actor = signed_in_user(request)
    assessment = selectors.assess(screening)
    reading = selectors.visible_indicators(actor, screening, assessment)
    decisions = selectors.history(screening)
    latest = decisions[-1] if decisions else None
    strategy = selectors.open_strategy_task(screening)
    now = timezone.now()
    return ScreeningOut(
        id=screening.pk, child_id=screening.child_id, child_display_name=screening.child.display_name,
        agency=screening.agency.code, level=assessment.level,
        score=assessment.score if reading.shows_score else None,
        reasoning=assessment.reasoning(show_score=reading.shows_score),
        decided_level=Level(latest.level) if latest else None, decided_at=latest.decided_at if latest else None,
        needs_decision=latest is None or latest.computed_level != assessment.level,
        health_holds_information=bool(reading.withheld), strategy_due_at=strategy.due_at if strategy else None,
        indicators=[_line_out(line) for line in reading.lines],
        history=[_decision_out(d, shows_score=reading.shows_score) for d in decisions],
        tasks=[_task_out(view, now) for view in selectors.tasks_of(screening)],
    )  # fmt: skip


# --- Reads ----------------------------------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(default=PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get("", response=ScreeningList, summary="Screenings the caller may see, newest first")
@guards(Category.SCREENING)
def screenings(request: HttpRequest, params: Query[PageParams]) -> ScreeningList:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.SCREENING, purpose="list CSE screenings")
    total, page = selectors.screening_list(actor=actor, limit=params.limit, offset=params.offset)
    items = []
    for screening in page:
        latest = selectors.latest_decision(screening)
        items.append(
            ScreeningItem(
                id=screening.pk, child_id=screening.child_id, child_display_name=screening.child.display_name,
                agency=screening.agency.code, decided_level=Level(latest.level) if latest else None,
            )
        )  # fmt: skip
    return ScreeningList(items=items, count=total)


@router.get("/tasks", response=TaskList, summary="Open screening tasks on screenings the caller decides")
@guards(Category.SCREENING)
def tasks(request: HttpRequest, params: Query[PageParams]) -> TaskList:
    actor = signed_in_user(request)
    require(actor, Action.UPDATE, Category.SCREENING, purpose="open screening tasks")
    views = selectors.open_tasks(actor=actor)
    now = timezone.now()
    return TaskList(items=[_task_out(v, now) for v in views[params.offset : params.offset + params.limit]],
                    count=len(views))  # fmt: skip


@router.get("/{int:screening_id}", response=ScreeningOut, summary="A child's screening: level, reasons, history")
@guards(Category.SCREENING, Category.SEXUAL_HEALTH)
def screening_detail(request: HttpRequest, screening_id: int) -> ScreeningOut:
    screening = selectors.screening_get(actor=signed_in_user(request), screening_id=screening_id)
    return _screening_out(request, screening)


# --- Writes ---------------------------------------------------------------------------------------------------


class IndicatorIn(Schema):
    kind: IndicatorKind
    observed_on: dt.date
    evidence: Evidence
    detail: str = Field(max_length=TEXT, description="what was seen or said, and by whom")
    current: bool = Field(default=False, description="still happening: counts in full whatever its date")
    intel_reference: str = Field(default="", max_length=40, description="the intelligence report it rests on")
    case_id: int | None = Field(default=None, description="the child's case it rests on")
    missing_episodes: int | None = Field(default=None, description="going missing: episodes in the 90 days to then")


@router.post(
    "/children/{uuid:child_id}/indicators", response={201: Written}, summary="Raise a screening indicator for a child"
)
@guards(Category.SCREENING, Category.SEXUAL_HEALTH, Category.PERSON)
def indicator_raise(request: HttpRequest, child_id: UUID, payload: IndicatorIn) -> Status[Written]:
    actor = signed_in_user(request)
    child = person_for_change(
        actor=actor, person_id=child_id, action=Action.VIEW, purpose="raise a screening indicator"
    )
    case = Case.objects.filter(pk=payload.case_id, child=child).first() if payload.case_id else None
    indicator = services.indicator_raise(
        actor=actor, child=child, kind=payload.kind, observed_on=payload.observed_on, evidence=payload.evidence,
        detail=payload.detail, current=payload.current, intel_reference=payload.intel_reference,
        case=case, missing_episodes=payload.missing_episodes,
    )  # fmt: skip
    return Status(201, Written(id=indicator.pk, screening_id=indicator.screening_id))


class DecisionIn(Schema):
    level: Level | None = Field(default=None, description="blank: the level the score gives")
    reason: str = Field(default="", max_length=TEXT, description="needed when the level differs from the score's")
    immediate_risk: bool = False


@router.post("/{int:screening_id}/decisions", response={201: Written}, summary="Decide the screening level")
@guards(Category.SCREENING, Category.SEXUAL_HEALTH)
def decide(request: HttpRequest, screening_id: int, payload: DecisionIn) -> Status[Written]:
    actor = signed_in_user(request)
    screening = selectors.screening_for_change(
        actor=actor, screening_id=screening_id, purpose="decide a screening level"
    )
    decision = services.level_decide(
        actor=actor, screening=screening, level=payload.level or "", reason=payload.reason,
        immediate_risk=payload.immediate_risk,
    )  # fmt: skip
    return Status(201, Written(id=decision.pk, screening_id=screening.pk))


class TaskDoneIn(Schema):
    note: str = Field(max_length=TEXT)


@router.post("/tasks/{int:task_id}/done", response={201: Written}, summary="Record what was done about a task")
@guards(Category.SCREENING)
def task_done(request: HttpRequest, task_id: int, payload: TaskDoneIn) -> Status[Written]:
    actor = signed_in_user(request)
    task = selectors.task_for_change(actor=actor, task_id=task_id, purpose="complete a screening task")
    services.task_complete(actor=actor, task=task, note=payload.note)
    return Status(201, Written(id=task.pk, screening_id=task.screening_id))
