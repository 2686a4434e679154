"""Writes about screenings: check access, validate every rule, change, audit — one transaction each.

- Any practitioner raises an indicator for a child they may see, for their own agency (SCR-INDICATORS); an STI,
  pregnancy or clinic attendance health raises is sexual-health detail and is created as such. The child's
  screening opens with the first indicator, held by the social-care agency that leads.
- Social care's registered social workers and managers decide the level: the score's level, or one step up or
  down with a recorded reason; a move down from significant or serious only by a team manager (SCR-LEVELS).
- Significant or serious, and any disclosure of sexual activity with adults, need a strategy discussion within
  LOCAL-STRAT-3 ("today" when the child is at immediate risk): asked for on the child's open case where the
  case allows it, else children's social care managers are told; the screening shows the due date either way.
A refusal raises ValidationError naming the field at fault; nothing is saved in part.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.calendar.deadlines import due
from lantern.calendar.workdays import end_of_day
from lantern.cases import services as cases
from lantern.cases import workflow
from lantern.cases.enums import Stage
from lantern.cases.models import Case
from lantern.intel.models import IntelReport
from lantern.intel.services import normalise_reference
from lantern.people.enums import PersonKind
from lantern.people.models import Person
from lantern.screening import selectors, triggers
from lantern.screening.enums import MAX_TEXT, SEXUAL_HEALTH_KINDS, Evidence, IndicatorKind, Level, Trigger
from lantern.screening.models import Indicator, LevelDecision, Screening, ScreeningTask
from lantern.screening.rules import SCR_INDICATORS, SCR_LEVELS
from lantern.validation import Errors, checked_text, refuse_if_any


def _text(errors: Errors, name: str, value: str, label: str, *, required: bool = True) -> str:
    return checked_text(errors, name, value, label, limit=MAX_TEXT, required=required)


def category_for(actor: User, kind: str) -> Category:
    """Sexual-health indicators health raises are sexual-health detail; every other indicator is screening."""
    agency = actor.agency
    if kind in SEXUAL_HEALTH_KINDS and agency is not None and agency.kind == AgencyKind.HEALTH:
        return Category.SEXUAL_HEALTH
    return Category.SCREENING


# --- Indicators ------------------------------------------------------------------------------------------------


def _check_indicator(
    errors: Errors,
    child: Person,
    *,
    kind: str,
    observed_on: dt.date | None,
    evidence: str,
    missing_episodes: int | None,
) -> None:
    if child.kind != PersonKind.CHILD:
        errors["child"] = "A screening is about a child or young person: choose a child"
    if kind not in IndicatorKind.values:
        errors["kind"] = "Choose the indicator from the list"
    if evidence not in Evidence.values:
        errors["evidence"] = "Choose what the indicator rests on"
    if observed_on is None:
        errors["observed_on"] = "Enter the date it was seen or happened"
    elif observed_on > timezone.localdate():
        errors["observed_on"] = "The date it was seen or happened must be today or in the past"
    elif child.date_of_birth and observed_on < child.date_of_birth:
        errors["observed_on"] = "The date it was seen or happened cannot be before the child was born"
    elif kind in SCR_INDICATORS.UNDER_16 and not SCR_INDICATORS.under_16(child.date_of_birth, observed_on):
        errors["kind"] = (
            f"{child.display_name} was 16 or over on that date: this indicator is for children under 16 (rule "
            "SCR-INDICATORS). Record what worries you under the indicator that fits it, such as association with "
            "adults of concern"
        )
    if missing_episodes is not None and (missing_episodes < 1 or missing_episodes > 99):
        errors["missing_episodes"] = "Enter the number of missing episodes, from 1 to 99"
    elif missing_episodes is not None and kind != IndicatorKind.MISSING:
        errors["missing_episodes"] = "The number of missing episodes goes with the indicator 'going missing'"


def _evidence_links(
    errors: Errors, actor: User, child: Person, *, intel_reference: str, case: Case | None
) -> IntelReport | None:
    report = None
    reference = normalise_reference(intel_reference) if intel_reference.strip() else ""
    if reference:
        report = IntelReport.objects.filter(reference=reference).first()
        if report is None or not (can(actor, Action.VIEW, report) or can(actor, Action.VIEW, report.as_existence)):
            errors["intel_reference"] = "No intelligence report you may know of has that reference"
            report = None
    if case is not None and case.child_id != child.pk:
        errors["case"] = "Choose one of this child's cases"
    return report


def indicator_raise(
    *,
    actor: User,
    child: Person,
    kind: str,
    observed_on: dt.date | None,
    evidence: str,
    detail: str,
    current: bool = False,
    intel_reference: str = "",
    case: Case | None = None,
    missing_episodes: int | None = None,
) -> Indicator:
    """An agency's indicator for a child (SCR-INDICATORS): opens the child's screening if need be, then the
    triggers it may fire (SCR-TRIGGERS) and, for a disclosure, the strategy discussion (LOCAL-STRAT-3)."""
    require(actor, Action.VIEW, child, purpose="raise a screening indicator")
    category = category_for(actor, kind)
    require(actor, Action.CREATE, Draft(category, actor.agency_id, parent=child), purpose="raise a screening indicator")
    errors: Errors = {}
    _check_indicator(errors, child, kind=kind, observed_on=observed_on, evidence=evidence,
                     missing_episodes=missing_episodes)  # fmt: skip
    detail = _text(errors, "detail", detail, "what was seen or said, and by whom")
    report = _evidence_links(errors, actor, child, intel_reference=intel_reference, case=case)
    refuse_if_any(errors)
    assert observed_on is not None  # noqa: S101 - checked above
    assert actor.agency is not None  # noqa: S101 - require() checked the agency
    if case is None and evidence == Evidence.CASE_EVENT:
        case = Case.objects.filter(child=child, closed_at__isnull=True).first()
    with transaction.atomic():
        screening, new = triggers.screening_for(child)
        indicator = Indicator.objects.create(
            screening=screening, kind=kind, category=category.value, agency=actor.agency, raised_by=actor,
            observed_on=observed_on, current=current, evidence=evidence, intel_report=report, case=case,
            missing_episodes=missing_episodes, detail=detail,
        )  # fmt: skip
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=indicator, purpose="raise a screening indicator",
            outcome=Outcome.SUCCESS,
            detail={"screening": screening.pk, "new_screening": new, "category": category.value},
        )  # fmt: skip
        triggers.check_indicator(indicator)
        if kind in SCR_INDICATORS.STRAIGHT_TO_STRATEGY:
            _require_strategy(
                actor, screening, trigger=Trigger.STRATEGY_DISCLOSURE, occurrence=f"indicator:{indicator.pk}",
                why="a disclosure of sexual activity with adults goes straight to a strategy discussion "
                "(rule SCR-INDICATORS)", at=timezone.now(), immediate_risk=False,
            )  # fmt: skip
    return indicator


# --- Level decisions -------------------------------------------------------------------------------------------


def _is_manager(actor: User, screening: Screening) -> bool:
    return actor.role == Role.TEAM_MANAGER and actor.agency_id == screening.agency_id


def level_decide(
    *, actor: User, screening: Screening, level: str = "", reason: str = "", immediate_risk: bool = False
) -> LevelDecision:
    """SCR-LEVELS: the level for the child now. Blank `level` accepts the score's level. Any open screening
    task is done by the decision; significant or serious needs a strategy discussion (LOCAL-STRAT-3)."""
    require(actor, Action.UPDATE, screening, purpose="decide a screening level")
    assessment = selectors.assess(screening)
    decided = level or assessment.level.value
    errors: Errors = {}
    reason = _text(errors, "reason", reason, "your reason", required=False)
    errors.update(
        SCR_LEVELS.judgement_problems(
            computed=assessment.level, decided=decided, reason=reason, by_manager=_is_manager(actor, screening)
        )
    )
    refuse_if_any(errors)
    moved_down = SCR_LEVELS.steps(assessment.level, decided) < 0
    now = timezone.now()
    with transaction.atomic():
        decision = LevelDecision.objects.create(
            screening=screening, score=assessment.score, computed_level=assessment.level, level=decided,
            reasoning=assessment.reasoning(), reason=reason, immediate_risk=immediate_risk,
            manager_agreed_by=actor if moved_down and assessment.level in SCR_LEVELS.NEEDS_STRATEGY else None,
            decided_by=actor, decided_at=now,
        )  # fmt: skip
        closed = selectors.screening_trigger_tasks_open(screening)
        done = [task.pk for task in closed]
        ScreeningTask.objects.filter(pk__in=done).update(
            done_by=actor, done_at=now, done_note=f"Screened: level decided {Level(decided).label.lower()}"
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=decision, purpose="decide a screening level",
            outcome=Outcome.SUCCESS,
            detail={"screening": screening.pk, "score": assessment.score, "computed": assessment.level.value,
                    "level": decided, "tasks_done": done},
        )  # fmt: skip
        if Level(decided) in SCR_LEVELS.NEEDS_STRATEGY:
            _require_strategy(
                actor, screening, trigger=Trigger.STRATEGY_LEVEL, occurrence=f"decision:{decision.pk}",
                why=f"the screening level is {Level(decided).label.lower()} (rule SCR-LEVELS)", at=now,
                immediate_risk=immediate_risk,
            )  # fmt: skip
    return decision


# --- The strategy discussion ---------------------------------------------------------------------------------


def _strategy_due(at: dt.datetime, *, immediate_risk: bool) -> dt.datetime:
    """LOCAL-STRAT-3 from when the concerns were identified; "today" for a child at immediate risk."""
    if immediate_risk:
        return end_of_day(timezone.localtime(at).date())
    return due("LOCAL-STRAT-3", at).due_at()


def _require_strategy(
    actor: User,
    screening: Screening,
    *,
    trigger: Trigger,
    occurrence: str,
    why: str,
    at: dt.datetime,
    immediate_risk: bool,
) -> ScreeningTask | None:
    """A strategy discussion is needed. Asked for on the child's open case where the actor may and the case
    allows it; otherwise the case's managers (or, with no case, children's social care managers of the agency
    holding the screening) are told. Nothing new while one is already awaited."""
    if selectors.open_strategy_task(screening) is not None:
        return None
    child = screening.child
    deadline = _strategy_due(at, immediate_risk=immediate_risk)
    when = "today (immediate risk)" if immediate_risk else f"by {timezone.localtime(deadline):%-d %B %Y}"
    case = Case.objects.filter(child=child, closed_at__isnull=True).first()
    discussion = None
    if case is not None and workflow.allowed(case.stage, Stage.STRATEGY) and can(actor, Action.UPDATE, case):
        discussion = cases.strategy_request(
            actor=actor, case=case, concerns_identified_at=at, reason=f"CSE screening: {why}",
            immediate_risk=immediate_risk, cse_risk=True,
        )  # fmt: skip
        deadline = _strategy_due(discussion.concerns_identified_at, immediate_risk=immediate_risk)
        note = f"Requested on case {case.pk}"
    else:
        if case is not None:
            managers = cases.managers_of(case)
            where = f"on case {case.pk} (at '{Stage(case.stage).label}')"
        else:
            managers = list(User.objects.filter(agency_id=screening.agency_id, role=Role.TEAM_MANAGER, is_active=True))
            where = "for a child with no open case: record the referral"
        cases.notify(
            managers, case=case, rule="LOCAL-STRAT-3", item_key=f"screening:{screening.pk}:{occurrence}"[:64],
            message=f"A CSE screening needs a strategy discussion {when} {where}: {why}. Open screening "
            f"{screening.pk}.",
        )  # fmt: skip
        note = "Managers told"
    task = ScreeningTask.objects.create(
        screening=screening, rule="LOCAL-STRAT-3", trigger=trigger, occurrence=occurrence[:80],
        reason=f"Strategy discussion needed {when}: {why}. {note}."[:500], opened_at=at, due_at=deadline,
        immediate_risk=immediate_risk, case=case, strategy_discussion=discussion,
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.CREATE, target=task, purpose="strategy discussion for a CSE screening",
        outcome=Outcome.SUCCESS,
        detail={"screening": screening.pk, "case": case.pk if case else None, "requested_on_case": bool(discussion)},
    )  # fmt: skip
    return task


# --- Tasks -----------------------------------------------------------------------------------------------------


def task_complete(*, actor: User, task: ScreeningTask, note: str) -> ScreeningTask:
    """Social care records what was done about a task (a strategy discussion arranged, the child screened)."""
    require(actor, Action.UPDATE, task.screening, purpose="complete a screening task")
    errors: Errors = {}
    if task.done_at is not None:
        errors["note"] = "This task has already been done"
    note = _text(errors, "note", note, "what was done")
    refuse_if_any(errors)
    with transaction.atomic():
        task.done_by, task.done_at, task.done_note = actor, timezone.now(), note
        task.save(update_fields=["done_by", "done_at", "done_note"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=task, purpose="complete a screening task",
            outcome=Outcome.SUCCESS, detail={"screening": task.screening_id},
        )  # fmt: skip
    return task
