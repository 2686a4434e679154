"""Reads about screenings, always through `access`: one child's screening with its indicators, the level the
indicators give today and why, the risk history, and the open tasks.

`assess` is the arithmetic of the rulebook (SCR-INDICATORS, SCR-RECENCY, SCR-LEVELS) over a screening's rows:
it always counts every indicator, whoever is reading, because understating risk was the Rochdale failure.
What a reader is shown of it is decided separately (`visible_indicators`): sexual-health detail stays with
health, and a reader who may not see it is told only that health holds information that counts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from lantern.access.policy import Action, Category, refuse_missing, require, require_row, scope
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.calendar.workdays import LONDON, end_of_day
from lantern.cases.models import MissingEpisode
from lantern.screening.enums import SCREENING_TRIGGERS, IndicatorKind, Level
from lantern.screening.models import Indicator, LevelDecision, Screening, ScreeningTask
from lantern.screening.rules import SCR_INDICATORS, SCR_LEVELS, SCR_RECENCY, Counted


def _screenings() -> QuerySet[Screening]:
    return Screening.objects.select_related("child", "agency")


def screening_get(*, actor: User, screening_id: object, purpose: str = "view a CSE screening") -> Screening:
    screening = require_row(actor, Action.VIEW, _screenings(), screening_id, purpose=purpose)
    audit_record(actor=actor, action=AuditAction.VIEW, target=screening, purpose=purpose, outcome=Outcome.SUCCESS)
    return screening


def screening_for_change(*, actor: User, screening_id: object, purpose: str) -> Screening:
    return require_row(actor, Action.UPDATE, _screenings(), screening_id, purpose=purpose)


def screening_of_child(child_id: object) -> Screening | None:
    """The child's screening, if there is one (no access decision: callers check before showing anything)."""
    try:
        return _screenings().filter(child_id=uuid.UUID(str(child_id))).first()
    except ValueError:
        return None


def task_for_change(*, actor: User, task_id: object, purpose: str) -> ScreeningTask:
    """A task a write is about; access is decided on its screening (a missing task is refused as one the actor
    may not know exists)."""
    try:
        row = ScreeningTask.objects.select_related("screening__child", "screening__agency").filter(pk=int(str(task_id)))
        task = row.first()
    except ValueError:
        task = None
    if task is None:
        refuse_missing(actor, Action.UPDATE, ScreeningTask.AUDIT_TYPE, task_id, purpose=purpose)
    require(actor, Action.UPDATE, task.screening, purpose=purpose)
    return task


# --- The arithmetic --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One indicator as the score counts it today."""

    indicator: Indicator
    counted: Counted
    episodes: int | None  # going missing: the episodes in 90 days its band was set by

    @property
    def band_reason(self) -> str:
        kind = IndicatorKind(self.indicator.kind)
        if kind == IndicatorKind.MISSING:
            times = f"{self.episodes} episode{'s' if self.episodes != 1 else ''}"
            return f"{times} in 90 days: {'significant' if self.counted.band == 'S' else 'moderate'}"
        return "significant" if self.counted.band == "S" else "moderate"


@dataclass(frozen=True)
class Assessment:
    """The score and level the indicators give on a day, with every line that went into it."""

    on: dt.date
    score: int
    level: Level
    lines: list[Line] = field(default_factory=list)

    @property
    def needs_strategy(self) -> bool:
        return self.level in SCR_LEVELS.NEEDS_STRATEGY

    @property
    def disclosure(self) -> bool:
        return any(line.indicator.kind in SCR_INDICATORS.STRAIGHT_TO_STRATEGY for line in self.lines)

    def reasoning(self, *, show_score: bool = True) -> str:
        """How the level was reached, in plain words. Sexual-health detail is named only as information health
        holds (its weight is in the score, never spelled out), so the sentence may be shown to every reader who
        may see the screening; `show_score=False` leaves out the total, which would give that weight away."""
        counting = [line for line in self.lines if line.counted.weight]
        parts, health = [], 0
        for line in counting:
            if line.indicator.category == Category.SEXUAL_HEALTH:
                health += 1
                continue
            parts.append(f"{IndicatorKind(line.indicator.kind).label.lower()} {line.counted.weight}")
        if health:
            parts.append("information health holds (it counts; the detail stays with health)")
        dropped = len(self.lines) - len(counting)
        said = f"Score {self.score}" if show_score else "The indicators"
        said += f" from {'; '.join(parts)}" if parts else " (no indicator counts today)"
        said += f". {SCR_LEVELS.range_label(self.level)} is {self.level.label.lower()} (rule SCR-LEVELS)."
        if not show_score:
            said = said.replace(f". {SCR_LEVELS.range_label(self.level)} is", ": the level is", 1)
        if dropped:
            said += f" {dropped} older indicator{'s no longer count' if dropped != 1 else ' no longer counts'}"
            said += " (rule SCR-RECENCY)."
        if self.needs_strategy:
            said += " Significant or serious: a strategy discussion is needed (rule LOCAL-STRAT-3)."
        return said


def _missing_days(child_id: uuid.UUID) -> list[dt.date]:
    starts = MissingEpisode.objects.filter(case__child_id=child_id).values_list("missing_from", flat=True)
    return [timezone.localtime(moment, LONDON).date() for moment in starts]


def assess(screening: Screening, *, on: dt.date | None = None) -> Assessment:
    """SCR-INDICATORS, SCR-RECENCY and SCR-LEVELS applied to every indicator raised by the end of `on`."""
    on = on or timezone.localdate()
    episodes = _missing_days(screening.child_id)
    lines = []
    indicators = screening.indicators.filter(raised_at__lte=end_of_day(on), observed_on__lte=on)
    for indicator in indicators.select_related("agency", "raised_by", "intel_report").order_by("-observed_on", "-pk"):
        count = None
        if indicator.kind == IndicatorKind.MISSING:
            window_end = on if indicator.current else indicator.observed_on
            count = max(indicator.missing_episodes or 0, SCR_INDICATORS.episodes_in_window(episodes, on=window_end))
        full = SCR_INDICATORS.weight(indicator.kind, missing_episodes=count or 0)
        band = SCR_INDICATORS.band(indicator.kind, missing_episodes=count or 0)
        counted = SCR_RECENCY.count(full, band, observed_on=indicator.observed_on, current=indicator.current, on=on)
        lines.append(Line(indicator=indicator, counted=counted, episodes=count))
    score = sum(line.counted.weight for line in lines)
    return Assessment(on=on, score=score, level=SCR_LEVELS.level_for(score), lines=lines)


# --- What a reader sees ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A screening as one reader may see it: every line they may see, and how many they may not."""

    assessment: Assessment
    lines: list[Line]
    withheld: int
    withheld_agencies: list[str]

    @property
    def shows_score(self) -> bool:
        """The score would give away the weight of what is withheld, so only a reader who sees every line
        sees it; everyone sees the level."""
        return self.withheld == 0


def visible_indicators(actor: User, screening: Screening, assessment: Assessment) -> Reading:
    """Call after `screening_get` (which checked and audited the screening): every screening indicator, and
    the sexual-health ones `access` lets the actor see."""
    health_rows = Indicator.objects.filter(screening=screening, category=Category.SEXUAL_HEALTH)
    allowed = set(scope(actor, health_rows, Action.VIEW).values_list("pk", flat=True))
    shown, withheld, agencies = [], 0, []
    for line in assessment.lines:
        indicator = line.indicator
        if indicator.category == Category.SEXUAL_HEALTH and indicator.pk not in allowed:
            withheld += 1
            if indicator.agency.name not in agencies:
                agencies.append(indicator.agency.name)
            continue
        shown.append(line)
    return Reading(assessment=assessment, lines=shown, withheld=withheld, withheld_agencies=agencies)


def history(screening: Screening) -> list[LevelDecision]:
    """The level decisions, oldest first: the child's risk history."""
    return list(screening.decisions.select_related("decided_by", "manager_agreed_by").order_by("decided_at", "pk"))


def latest_decision(screening: Screening) -> LevelDecision | None:
    return screening.decisions.order_by("-decided_at", "-pk").first()


@dataclass(frozen=True)
class TaskView:
    task: ScreeningTask

    @property
    def is_open(self) -> bool:
        """Open until done, or (for a strategy discussion asked for on the case) until the case holds it."""
        discussion = self.task.strategy_discussion
        return self.task.done_at is None and not (discussion is not None and discussion.held_at is not None)

    def overdue(self, now: dt.datetime | None = None) -> bool:
        return self.is_open and (now or timezone.now()) > self.task.due_at

    @property
    def due_on(self) -> dt.date:
        return timezone.localtime(self.task.due_at, LONDON).date()


def tasks_of(screening: Screening) -> list[TaskView]:
    rows = screening.tasks.select_related("strategy_discussion", "case", "done_by").order_by("-opened_at", "-pk")
    return [TaskView(task) for task in rows]


def open_strategy_task(screening: Screening) -> ScreeningTask | None:
    for view in tasks_of(screening):
        if view.is_open and view.task.rule == "LOCAL-STRAT-3":
            return view.task
    return None


# --- Lists -----------------------------------------------------------------------------------------------------


def screening_list(*, actor: User, limit: int, offset: int = 0) -> tuple[int, list[Screening]]:
    """A page of the screenings the actor may see, newest first, and how many; the read is audited."""
    found = scope(actor, _screenings(), Action.VIEW)
    total = found.count()
    audit_record(
        actor=actor, action=AuditAction.SEARCH, object_type="screening", purpose="list CSE screenings",
        outcome=Outcome.SUCCESS, detail={"count": total},
    )  # fmt: skip
    return total, list(found.order_by("-created_at", "-pk")[offset : offset + limit])


def open_tasks(*, actor: User) -> list[TaskView]:
    """Open tasks on the screenings the actor may decide (social care's list), soonest due first; audited."""
    screenings = scope(actor, Screening.objects.all(), Action.UPDATE)
    rows = ScreeningTask.objects.filter(screening__in=screenings, done_at__isnull=True).select_related(
        "screening__child", "strategy_discussion", "case"
    )
    views = [view for view in (TaskView(task) for task in rows.order_by("due_at", "pk")) if view.is_open]
    audit_record(
        actor=actor, action=AuditAction.SEARCH, object_type="screening_task", purpose="open screening tasks",
        outcome=Outcome.SUCCESS, detail={"count": len(views)},
    )  # fmt: skip
    return views


def screening_trigger_tasks_open(screening: Screening) -> Iterable[ScreeningTask]:
    return screening.tasks.filter(done_at__isnull=True, trigger__in=list(SCREENING_TRIGGERS))


# --- For the locality profiles ----------------------------------------------------------------------------------


def levels_on(*, on: dt.date) -> dict[uuid.UUID, str]:
    """Each screened child's level on a day: the level of their latest decision made on or before `on`, by child
    Person id (a UUID). Children with no decision by then are absent. Aggregate input only: NO ACCESS CHECK and
    no audit, so callers must publish nothing but aggregates from it (counts of children per level and area)."""
    rows = (
        LevelDecision.objects.filter(decided_at__lte=end_of_day(on))
        .order_by("screening_id", "decided_at", "pk")
        .values_list("screening__child_id", "level")
    )
    return dict(rows)
