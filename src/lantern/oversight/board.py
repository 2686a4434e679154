"""The partnership board's figures: what is happening across Kestrelmoor, with no person in it.

Each panel is one selector taking the viewer and the period, reading with annotations and value lists (never a
model instance per row), so the page, its CSV and the API say the same thing. Every count is shown as the viewer
may see it: a viewer without Category.SMALL_NUMBERS sees counts of 1 to 5 as "c", and so is any figure that would
let one be worked out from a total shown beside it (`lantern.locality.suppression`, the DfE's practice; zeros are
shown). A share is given only where neither count behind it is hidden.

Timeliness counts each piece of work a rulebook timescale times in the month it fell due, for the agency whose work
it is: done on time, done late, or not done. Work never done does not vanish: it is late in the month it fell due
(still open and overdue while its case or plan is open). Work not yet due is not counted. Due dates come only from
`lantern.calendar.deadlines.due`; intelligence triage's from the due moment stored when the report came in, which
the rule's own unit (`lantern.intel.rules.LANTERN_INTEL_24H`) set.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case as Choose
from django.db.models import CharField, Count, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from lantern.access.policy import Action, Category, can, require
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, User
from lantern.calendar.deadlines import RULES, Basis, due
from lantern.calendar.workdays import LONDON, end_of_day
from lantern.cases.enums import ConferenceDecision, ConferenceKind, ReferralDecision, S47Outcome, SourceKind
from lantern.cases.models import (
    Assessment,
    Conference,
    CoreGroupMeeting,
    MissingEpisode,
    ProtectionPlan,
    Reassurance,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
)
from lantern.intel.enums import Outcome as IntelOutcome
from lantern.intel.enums import Source
from lantern.intel.models import IntelReport
from lantern.locality.profiles import SUPPRESSED, Profile
from lantern.locality.selectors import profile as locality_profile
from lantern.locality.suppression import Line, suppress
from lantern.oversight.enums import COMPARATOR_RULES, GeographicLevel
from lantern.oversight.models import ComparatorFigure
from lantern.oversight.selectors import training_coverage
from lantern.oversight.voice import FeedbackSummary, feedback_summary
from lantern.screening.enums import LEVEL_ORDER, Level
from lantern.screening.models import Indicator, LevelDecision, Screening

Count_ = int | str
"""A count as the viewer may see it: the number, or "c" where it is suppressed."""

PERIOD_MONTHS = 12
QUARTERS = 8
ALL = ""  # the key of "every agency" rows
ACTED_ON = (IntelOutcome.SHARED, IntelOutcome.REFERRAL, IntelOutcome.STRATEGY)
"""An intelligence report is acted on when triage records an outcome other than no further action."""


# --- Who is looking, and over what period --------------------------------------------------------------------


def _viewer(actor: User, purpose: str) -> bool:
    """Check the actor may see aggregates; True when they may also see small numbers."""
    require(actor, Action.VIEW, Category.AGGREGATE, purpose=purpose)
    return can(actor, Action.VIEW, Category.SMALL_NUMBERS)


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Period:
    """Whole calendar months the figures cover: the last 12 months, or one calendar quarter."""

    key: str
    label: str
    months: tuple[dt.date, ...]  # the first day of each

    @property
    def first(self) -> dt.date:
        return self.months[0]

    @property
    def last(self) -> dt.date:
        return _next_month(self.months[-1]) - dt.timedelta(days=1)

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=LONDON)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(_next_month(self.months[-1]), dt.time.min, tzinfo=LONDON)


def _months_back(month: dt.date, count: int) -> tuple[dt.date, ...]:
    months = [month.replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return tuple(months)


def periods(today: dt.date | None = None) -> list[Period]:
    """What the board may choose: the last 12 months (the default), or one of the last eight quarters."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    year_months = _months_back(this_month, PERIOD_MONTHS)
    choices = [Period("12m", f"The last 12 months ({year_months[0]:%B %Y} to {today:%B %Y})", year_months)]
    quarter_start = this_month.replace(month=3 * ((today.month - 1) // 3) + 1)
    for _ in range(QUARTERS):
        months = (quarter_start, _next_month(quarter_start), _next_month(_next_month(quarter_start)))
        number = (quarter_start.month - 1) // 3 + 1
        so_far = " (so far)" if quarter_start <= today < _next_month(months[-1]) else ""
        label = f"{months[0]:%B} to {months[-1]:%B %Y}{so_far}"
        choices.append(Period(f"{quarter_start.year}-Q{number}", label, months))
        quarter_start = _months_back(quarter_start, 4)[0]
    return choices


def period_for(key: str | None, today: dt.date | None = None) -> Period:
    """The period a page or API call asks for (the last 12 months when it names none)."""
    choices = periods(today)
    if not key:
        return choices[0]
    for period in choices:
        if period.key == key:
            return period
    known = ", ".join(p.key for p in choices)
    raise ValidationError({"period": f"Choose the last 12 months or one of the last 8 quarters: {known}"})


def _month_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, LONDON).date().replace(day=1)


def _agency_names() -> dict[str, str]:
    return dict(Agency.objects.values_list("code", "name"))


def _share(part: Count_, whole: Count_) -> float | None:
    return part / whole if isinstance(part, int) and isinstance(whole, int) and whole else None


def percent(part: Count_, whole: Count_) -> str:
    """A share as the page shows it: "c" when a count behind it is hidden, "none" when there is nothing to share."""
    if not isinstance(part, int) or not isinstance(whole, int):
        return SUPPRESSED
    return f"{part / whole:.0%}" if whole else "none"


def _shown(counts: dict[Hashable, int], lines: Sequence[Line], *, full: bool) -> dict[Hashable, Count_]:
    hidden = set() if full else suppress(dict(counts), lines)
    return {key: SUPPRESSED if key in hidden else n for key, n in counts.items()}


# --- 1. Timeliness for each rule, by the month work fell due and the agency whose work it is -----------------


class Timing(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"


TOTAL = "total"


@dataclass
class _Tally:
    """Work counted as it is read: the month it fell due, whose it is, and how it went."""

    period: Period
    now: dt.datetime
    counts: Counter[tuple[dt.date, str, Timing]] = field(default_factory=Counter)
    _due: dict[tuple[str, object], dt.datetime] = field(default_factory=dict)

    def due_at(self, rule_id: str, start: dt.date | dt.datetime) -> dt.datetime:
        """deadlines.due, once per rule and start day (a day rule's due date depends on the day alone)."""
        if RULES[rule_id].basis is Basis.HOURS:
            return due(rule_id, start).due_at()
        day = timezone.localtime(start, LONDON).date() if isinstance(start, dt.datetime) else start
        key = (rule_id, day)
        if key not in self._due:
            self._due[key] = due(rule_id, day).due_at()
        return self._due[key]

    def add(self, agency: str, due_at: dt.datetime, done_at: dt.datetime | None, *, still_open: bool) -> None:
        month = _month_of(due_at)
        if not self.period.first <= month <= self.period.months[-1]:
            return
        if done_at is not None:
            timing = Timing.ON_TIME if done_at <= due_at else Timing.LATE
        elif due_at >= self.now:
            return  # not due yet
        else:
            timing = Timing.OVERDUE if still_open else Timing.LATE
        self.counts[(month, agency, timing)] += 1


def _day_start(day: dt.date) -> dt.datetime:
    """A step recorded by its date alone (a conference, a core group) was done some time that day."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def _ref_decide(t: _Tally) -> None:
    rows = Referral.objects.values_list("case__agency__code", "received_at", "decided_at", "case__closed_at")
    for agency, received_at, decided_at, closed_at in rows.order_by():
        t.add(agency, t.due_at("WT-REF-DECIDE-1", received_at), decided_at, still_open=closed_at is None)


def _strategy(t: _Tally) -> None:
    rows = StrategyDiscussion.objects.values_list(
        "case__agency__code", "concerns_identified_at", "immediate_risk", "held_at", "case__closed_at"
    )
    for agency, identified_at, immediate, held_at, closed_at in rows.order_by():
        if immediate:
            # LOCAL-STRAT-3: where the child is at immediate risk the discussion is due "today", as the case says.
            due_at = end_of_day(timezone.localtime(identified_at, LONDON).date())
        else:
            due_at = t.due_at("LOCAL-STRAT-3", identified_at)
        t.add(agency, due_at, held_at, still_open=closed_at is None)


def _s47(t: _Tally) -> None:
    rows = Section47Enquiry.objects.values_list("case__agency__code", "started_at", "outcome_at", "case__closed_at")
    for agency, started_at, outcome_at, closed_at in rows.order_by():
        t.add(agency, t.due_at("LOCAL-S47-15", started_at), outcome_at, still_open=closed_at is None)


def _icpc(t: _Tally) -> None:
    """An initial conference is owed once the enquiry's outcome calls for one (or one was held)."""
    first = Conference.objects.filter(enquiry=OuterRef("pk"), kind=ConferenceKind.INITIAL).order_by("held_on")
    rows = (
        Section47Enquiry.objects.annotate(icpc_on=Subquery(first.values("held_on")[:1]))
        .filter(Q(icpc_on__isnull=False) | Q(outcome=S47Outcome.ICPC))
        .values_list("case__agency__code", "started_at", "icpc_on", "case__closed_at")
    )
    for agency, started_at, icpc_on, closed_at in rows.order_by():
        done = _day_start(icpc_on) if icpc_on else None
        t.add(agency, t.due_at("WT-ICPC-15", started_at), done, still_open=closed_at is None)


def _assessment(t: _Tally) -> None:
    rows = Assessment.objects.annotate(received_at=F("referral__received_at")).values_list(
        "case__agency__code", "received_at", "authorised_at", "case__closed_at"
    )
    for agency, received_at, authorised_at, closed_at in rows.order_by():
        t.add(agency, t.due_at("WT-ASSESS-45", received_at), authorised_at, still_open=closed_at is None)


def _owed_on_plan(
    t: _Tally, rule_id: str, agency: str, start: dt.date, done_on: dt.date | None, *, ended_on: dt.date | None,
    closed: bool,
) -> None:  # fmt: skip
    """Plan work is owed while the plan lasts: a plan that ended before the step fell due owed nothing."""
    due_at = t.due_at(rule_id, start)
    if done_on is None and ended_on is not None and ended_on <= timezone.localtime(due_at, LONDON).date():
        return
    done = _day_start(done_on) if done_on else None
    t.add(agency, due_at, done, still_open=ended_on is None and not closed)


def _plans() -> Iterable[tuple[int, str, dt.date, dt.date | None, dt.datetime | None, dt.date | None, dt.date | None]]:
    """Each plan: its id, agency, start and end, when its case closed, its first review and first core group."""
    return (
        ProtectionPlan.objects.annotate(
            first_review=Min("reviews__held_on", filter=Q(reviews__kind=ConferenceKind.REVIEW)),
            first_core=Min("core_groups__held_on"),
        )
        .values_list("pk", "case__agency__code", "started_on", "ended_on", "case__closed_at", "first_review",
                     "first_core")
        .order_by()
    )  # fmt: skip


def _first_review(t: _Tally) -> None:
    for _, agency, started_on, ended_on, closed_at, review_on, _ in _plans():
        _owed_on_plan(t, "WT-RCPC-3M", agency, started_on, review_on, ended_on=ended_on, closed=closed_at is not None)


def _first_core_group(t: _Tally) -> None:
    for _, agency, started_on, ended_on, closed_at, _, core_on in _plans():
        _owed_on_plan(t, "WT-CORE-10", agency, started_on, core_on, ended_on=ended_on, closed=closed_at is not None)


def _chain(t: _Tally, rule_id: str, rows: Iterable[tuple[int, str, dt.date, dt.date | None, bool, bool]]) -> None:
    """Meetings that must follow one another on a plan: each is due the rule's time after the one before, while
    the plan lasts (`rows`: plan, agency, held on, plan ended on, case closed, ends the chain; by plan and date)."""
    rows = list(rows)
    for index, (plan, agency, held_on, ended_on, closed, last) in enumerate(rows):
        if last:
            continue
        following = rows[index + 1] if index + 1 < len(rows) and rows[index + 1][0] == plan else None
        _owed_on_plan(t, rule_id, agency, held_on, following[2] if following else None, ended_on=ended_on,
                      closed=closed)  # fmt: skip


def _further_reviews(t: _Tally) -> None:
    reviews = (
        Conference.objects.filter(kind=ConferenceKind.REVIEW, plan__isnull=False)
        .values_list("plan_id", "case__agency__code", "held_on", "plan__ended_on", "case__closed_at", "decision")
        .order_by("plan_id", "held_on", "pk")
    )
    _chain(t, "WT-RCPC-6M", ((plan, agency, held_on, ended_on, closed_at is not None, decision ==
                              ConferenceDecision.END_PLAN)
                             for plan, agency, held_on, ended_on, closed_at, decision in reviews))  # fmt: skip


def _core_groups(t: _Tally) -> None:
    meetings = CoreGroupMeeting.objects.values_list(
        "plan_id", "plan__case__agency__code", "held_on", "plan__ended_on", "plan__case__closed_at"
    ).order_by("plan_id", "held_on", "pk")
    _chain(t, "LOCAL-CORE-4W", ((plan, agency, held_on, ended_on, closed_at is not None, False)
                                for plan, agency, held_on, ended_on, closed_at in meetings))  # fmt: skip


def _return_interviews(t: _Tally) -> None:
    rows = MissingEpisode.objects.values_list("case__agency__code", "returned_at", "rhi_held_at", "case__closed_at")
    for agency, returned_at, held_at, closed_at in rows.order_by():
        if returned_at is None:
            continue  # still missing: the 72 hours have not started
        # rhi_held_at is when the interview was held, or offered and declined: either meets the rule.
        t.add(agency, t.due_at("MISS-RHI-72H", returned_at), held_at, still_open=closed_at is None)


def _reassurances(t: _Tally) -> None:
    rows = Reassurance.objects.filter(flagged=True).values_list(
        "case__agency__code", "recorded_at", "acknowledged_at", "case__closed_at"
    )
    for agency, recorded_at, acknowledged_at, closed_at in rows.order_by():
        t.add(agency, t.due_at("LANTERN-REASSURE", recorded_at), acknowledged_at, still_open=closed_at is None)


def _intel_triage(t: _Tally) -> None:
    """Counted by the database: tens of thousands of reports. Triage is the triaging agency's work: the analyst's
    who graded it, or, while it waits, the agency that triages (LANTERN_PUBLIC_REPORTS_AGENCY)."""
    timing = Choose(
        When(graded_at__isnull=False, graded_at__lte=F("triage_due_at"), then=Value(Timing.ON_TIME.value)),
        When(graded_at__isnull=False, then=Value(Timing.LATE.value)),
        When(triage_due_at__lt=t.now, then=Value(Timing.OVERDUE.value)),
        default=Value(""),
    )
    rows = (
        IntelReport.objects.filter(triage_due_at__gte=t.period.start_at, triage_due_at__lt=t.period.until)
        .annotate(
            month=TruncMonth("triage_due_at", tzinfo=LONDON),
            agency_code=Coalesce(
                "graded_by__agency__code", Value(settings.LANTERN_PUBLIC_REPORTS_AGENCY), output_field=CharField()
            ),
            timing=timing,
        )
        .exclude(timing="")
        .values_list("month", "agency_code", "timing")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for month, agency, how, n in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        t.counts[(day, agency, Timing(how))] += n


@dataclass(frozen=True)
class TimedRule:
    """A rulebook timescale the board sees: when it starts, what meets it, and how it is counted."""

    rule: str
    starts: str
    done: str
    tally: Callable[[_Tally], None] = field(repr=False)
    note: str = ""
    named: str = ""  # where the rulebook's title names only part of what is counted

    @property
    def title(self) -> str:
        return self.named or RULES[self.rule].title


TIMED_RULES: tuple[TimedRule, ...] = (
    TimedRule("WT-REF-DECIDE-1", "the referral is received", "the decision on it is recorded", _ref_decide),
    TimedRule("LOCAL-STRAT-3", "concerns are identified", "the strategy discussion is held", _strategy,
              "Due the same day where the child is at immediate risk."),
    TimedRule("LOCAL-S47-15", "the section 47 enquiry starts", "its outcome is recorded", _s47),
    TimedRule("WT-ICPC-15", "the section 47 enquiry starts (its strategy discussion)",
              "the initial child protection conference is held", _icpc,
              "Counted once the enquiry's outcome calls for a conference, or one is held."),
    TimedRule("WT-ASSESS-45", "the referral is received", "the assessment is authorised", _assessment,
              "An assessment is concluded when a manager authorises it, not when the social worker completes it."),
    TimedRule("WT-RCPC-3M", "the child protection plan starts", "the first review conference is held", _first_review),
    TimedRule("WT-RCPC-6M", "a review conference is held", "the next review conference is held", _further_reviews,
              "Not owed after a review that ends the plan, or once the plan has ended."),
    TimedRule("WT-CORE-10", "the child protection plan starts", "the first core group meets", _first_core_group),
    TimedRule("LOCAL-CORE-4W", "a core group meets", "the next core group meets", _core_groups,
              "Not owed once the plan has ended."),
    TimedRule("MISS-RHI-72H", "the child returns from missing", "the return interview is held, or offered and "
              "declined", _return_interviews),
    TimedRule("LANTERN-INTEL-24H", "intelligence is received", "it is triaged (graded)", _intel_triage,
              "High-risk intelligence within 24 hours; the rest within 5 working days.", "Intelligence triaged"),
    TimedRule("LANTERN-REASSURE", "a reassurance is given after earlier ones broke",
              "the team manager reviews it", _reassurances),
)  # fmt: skip
TIMED: dict[str, TimedRule] = {r.rule: r for r in TIMED_RULES}


@dataclass(frozen=True)
class TimingRow:
    """How the work under a rule went: in one month (or the whole period, `month` None), for one agency (or every
    agency, `agency` "")."""

    month: dt.date | None
    agency: str
    agency_name: str
    on_time: Count_
    late: Count_
    overdue: Count_
    total: Count_

    @property
    def share(self) -> float | None:
        """Done on time, of all the work that fell due."""
        return _share(self.on_time, self.total)

    @property
    def percent(self) -> str:
        return percent(self.on_time, self.total)


@dataclass(frozen=True)
class Published:
    """A figure the DfE published for England, a region or the local authority."""

    measure: str
    rule: str
    period: str
    level: str
    area_code: str
    area_name: str
    within: int | None
    total: int | None

    @property
    def share(self) -> float | None:
        return self.within / self.total if self.within is not None and self.total else None

    @property
    def percent(self) -> str:
        return f"{self.share:.0%}" if self.share is not None else "not published"

    @property
    def year_ending(self) -> int:
        """The year (ending 31 March) of the file's time_period: 2025, or 202425."""
        return int(self.period[:4]) + (1 if len(self.period) == 6 else 0)


@dataclass(frozen=True)
class RuleTimeliness:
    rule: str
    title: str
    starts: str
    done: str
    note: str
    whole: TimingRow  # the period, every agency
    months: list[TimingRow]  # each month, every agency
    agencies: list[TimingRow]  # the period, each agency
    rows: list[TimingRow]  # each month and agency (the agency rows alone when one agency does all the work)
    published: list[Published]  # England's, the region's and our authority's latest figures, where the DfE has one


def _cube(
    counts: Counter[tuple[dt.date, str, Timing]], months: Sequence[dt.date], agencies: Sequence[str], *, full: bool
) -> dict[Hashable, Count_]:
    """Every figure of one rule with its totals by month, agency and timing, suppressed together so a hidden
    figure cannot be worked out along any of them."""
    rows: list[dt.date | None] = [*months, None]
    groups = [*agencies, ALL]
    timings = [*(how.value for how in Timing), TOTAL]
    figures: dict[Hashable, int] = {}
    for month in rows:
        for agency in groups:
            for timing in Timing:
                figures[(month, agency, timing.value)] = sum(
                    n for (m, a, how), n in counts.items()
                    if (month is None or m == month) and agency in (ALL, a) and how == timing
                )  # fmt: skip
            figures[(month, agency, TOTAL)] = sum(figures[(month, agency, how.value)] for how in Timing)
    lines = [Line((m, a, TOTAL), [(m, a, how.value) for how in Timing]) for m in rows for a in groups]
    lines += [Line((m, ALL, how), [(m, a, how) for a in agencies]) for m in rows for how in timings]
    lines += [Line((None, a, how), [(m, a, how) for m in months]) for a in groups for how in timings]
    return _shown(figures, lines, full=full)


def _rule_timeliness(rule: TimedRule, period: Period, *, full: bool, names: dict[str, str],
                     published: list[Published]) -> RuleTimeliness:  # fmt: skip
    tally = _Tally(period=period, now=timezone.now())
    rule.tally(tally)
    agencies = sorted({agency for _, agency, _ in tally.counts}, key=lambda code: names.get(code, code))
    cells = _cube(tally.counts, period.months, agencies, full=full)
    timings = [*(how.value for how in Timing), TOTAL]

    def row(month: dt.date | None, agency: str) -> TimingRow:
        name = names.get(agency, agency) if agency else "All agencies"
        return TimingRow(month, agency, name, *(cells[(month, agency, key)] for key in timings))

    detail = [row(m, a) for m in period.months for a in (agencies if len(agencies) > 1 else [])]
    return RuleTimeliness(
        rule=rule.rule, title=rule.title, starts=rule.starts, done=rule.done, note=rule.note,
        whole=row(None, ALL), months=[row(m, ALL) for m in period.months], agencies=[row(None, a) for a in agencies],
        rows=detail, published=[p for p in published if p.rule == rule.rule],
    )  # fmt: skip


def board_timeliness(*, actor: User, period: Period, rules: Sequence[str] | None = None) -> list[RuleTimeliness]:
    """Each rule's work in the period, by month and agency: on time, late, still open and overdue."""
    full = _viewer(actor, "partnership board: timeliness")
    names = _agency_names()
    published = _latest_published()
    chosen = [TIMED[r] for r in rules] if rules is not None else TIMED_RULES
    return [_rule_timeliness(rule, period, full=full, names=names, published=published) for rule in chosen]


def board_rhi(*, actor: User, period: Period) -> RuleTimeliness:
    """Return home interviews within 72 hours, by month: MISS-RHI-72H's own figures."""
    return board_timeliness(actor=actor, period=period, rules=["MISS-RHI-72H"])[0]


# --- 8. England's and the region's figures -------------------------------------------------------------------


def _published_rows() -> list[Published]:
    wanted = Q(level=GeographicLevel.NATIONAL) | Q(area_code=settings.LANTERN_REGION_CODE)
    if settings.LANTERN_LA_CODE:
        wanted |= Q(area_code=settings.LANTERN_LA_CODE.upper())
    rows = ComparatorFigure.objects.filter(wanted).values_list(
        "measure", "period", "level", "area_code", "area_name", "within", "total"
    )
    order = {GeographicLevel.LOCAL_AUTHORITY: 0, GeographicLevel.REGIONAL: 1, GeographicLevel.NATIONAL: 2}
    found = [
        Published(measure, COMPARATOR_RULES[measure], period, level, code, name, within, total)
        for measure, period, level, code, name, within, total in rows.order_by()
    ]
    return sorted(found, key=lambda p: (p.measure, -p.year_ending, order[GeographicLevel(p.level)]))


def _latest_published() -> list[Published]:
    rows = _published_rows()
    latest: dict[str, int] = {}
    for row in rows:
        latest.setdefault(row.measure, row.year_ending)
    return [row for row in rows if row.year_ending == latest[row.measure]]


def board_comparators(*, actor: User) -> list[Published]:
    """Every year held of England's, the region's (LANTERN_REGION_CODE) and our authority's (LANTERN_LA_CODE)
    published figures, newest first. Published by the DfE, so shown as published."""
    _viewer(actor, "partnership board: England's and the region's figures")
    return _published_rows()


# --- 2. CSE referrals, screenings and strategy discussions by source -----------------------------------------


@dataclass(frozen=True)
class SourceRow:
    source: str  # a cases.SourceKind, or "total"
    label: str
    referrals: Count_
    cse_referrals: Count_
    screenings: Count_
    strategy_discussions: Count_


SOURCE_COLUMNS = ("referrals", "cse_referrals", "screenings", "strategy_discussions")
AGENCY_SOURCE = {AgencyKind.PARTNERSHIP.value: SourceKind.OTHER.value}
"""An agency's kind is the source it stands for; the partnership itself raises as "other"."""
CSE_REFERRAL = ~Q(cse_indicators=[]) | Q(names_exploiting_adults=True)
"""A CSE referral: it names CSE indicators or adults exploiting children."""


def board_referrals(*, actor: User, period: Period) -> list[SourceRow]:
    """Referrals received (and those about CSE), CSE screenings started and strategy discussions called in the
    period, by who the concern came from; a screening's source is the agency that raised its first indicator."""
    full = _viewer(actor, "partnership board: referrals, screenings and strategy discussions")
    within = {"gte": period.start_at, "lt": period.until}
    figures: Counter[tuple[str, str]] = Counter()
    referrals = (
        Referral.objects.filter(received_at__gte=within["gte"], received_at__lt=within["lt"])
        .values_list("source_kind")
        .annotate(n=Count("pk"), cse=Count("pk", filter=CSE_REFERRAL))
        .order_by()
    )
    for source, n, cse in referrals:
        figures[(source, "referrals")] += n
        figures[(source, "cse_referrals")] += cse
    first = Indicator.objects.filter(screening=OuterRef("pk")).order_by("raised_at", "pk")
    screenings = (
        Screening.objects.annotate(
            started_at=Subquery(first.values("raised_at")[:1]), kind=Subquery(first.values("agency__kind")[:1])
        )
        .filter(started_at__gte=within["gte"], started_at__lt=within["lt"])
        .values_list("kind", flat=True)
        .order_by()
    )
    for kind, n in Counter(screenings).items():
        figures[(AGENCY_SOURCE.get(kind, kind), "screenings")] += n
    discussions = (
        StrategyDiscussion.objects.filter(
            concerns_identified_at__gte=within["gte"], concerns_identified_at__lt=within["lt"]
        )
        .values_list("referral__source_kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for source, n in discussions:
        figures[(source or SourceKind.OTHER.value, "strategy_discussions")] += n
    sources = list(SourceKind)
    counts: dict[Hashable, int] = {(s.value, c): figures[(s.value, c)] for s in sources for c in SOURCE_COLUMNS}
    counts.update({(TOTAL, c): sum(figures[(s.value, c)] for s in sources) for c in SOURCE_COLUMNS})
    lines = [Line((TOTAL, c), [(s.value, c) for s in sources]) for c in SOURCE_COLUMNS]
    cells = _shown(counts, lines, full=full)
    labels = [(s.value, s.label) for s in sources] + [(TOTAL, "All sources")]
    return [SourceRow(key, label, *(cells[(key, c)] for c in SOURCE_COLUMNS)) for key, label in labels]


# --- 3. Intelligence submitted and acted on, by agency --------------------------------------------------------


@dataclass(frozen=True)
class IntelRow:
    key: str  # an agency's code, "public", or "total"
    label: str
    submitted: Count_
    triaged: Count_
    outcome: Count_  # triage outcome recorded
    acted_on: Count_  # an outcome other than no further action
    no_further_action: Count_

    @property
    def share_acted_on(self) -> float | None:
        """Acted on, of the reports whose outcome is recorded."""
        return _share(self.acted_on, self.outcome)

    @property
    def percent_acted_on(self) -> str:
        return percent(self.acted_on, self.outcome)


INTEL_COLUMNS = ("submitted", "triaged", "outcome", "acted_on", "no_further_action")
PUBLIC = "public"


def board_intelligence(*, actor: User, period: Period) -> list[IntelRow]:
    """Intelligence received in the period from each agency (and the public), how much was triaged, and what it
    led to. Every partner agency is listed, so an agency that shares nothing shows as 0."""
    full = _viewer(actor, "partnership board: intelligence by agency")
    source = Choose(When(source=Source.PUBLIC, then=Value(PUBLIC)), default=F("agency__code"), output_field=CharField())
    rows = (
        IntelReport.objects.filter(received_at__gte=period.start_at, received_at__lt=period.until)
        .annotate(sharer=source)
        .values_list("sharer")
        .annotate(
            n_submitted=Count("pk"),
            n_triaged=Count("pk", filter=Q(graded_at__isnull=False)),
            n_outcome=Count("pk", filter=~Q(outcome="")),
            n_acted_on=Count("pk", filter=Q(outcome__in=ACTED_ON)),
            n_no_further_action=Count("pk", filter=Q(outcome=IntelOutcome.NO_FURTHER_ACTION)),
        )
        .order_by()
    )
    found = {key: dict(zip(INTEL_COLUMNS, values, strict=True)) for key, *values in rows}
    agencies = list(Agency.objects.exclude(kind=AgencyKind.PARTNERSHIP).order_by("name").values_list("code", "name"))
    labels = [*agencies, (PUBLIC, "Members of the public")]
    keys = [key for key, _ in labels] + [k for k in found if k not in {key for key, _ in labels}]
    counts: dict[Hashable, int] = {(k, c): found.get(k, {}).get(c, 0) for k in keys for c in INTEL_COLUMNS}
    counts.update({(TOTAL, c): sum(counts[(k, c)] for k in keys) for c in INTEL_COLUMNS})
    lines = [Line((TOTAL, c), [(k, c) for k in keys]) for c in INTEL_COLUMNS]
    lines += [Line((k, "outcome"), [(k, "acted_on"), (k, "no_further_action")]) for k in [*keys, TOTAL]]
    cells = _shown(counts, lines, full=full)
    names = dict(labels)
    return [
        IntelRow(k, names.get(k, k) if k != TOTAL else "All sources", *(cells[(k, c)] for c in INTEL_COLUMNS))
        for k in [*keys, TOTAL]
    ]


# --- 4. Referrals with CSE indicators closed with no further action --------------------------------------------


@dataclass(frozen=True)
class NfaRow:
    month: dt.date | None  # None: the whole period
    decided: Count_
    closed_nfa: Count_

    @property
    def share(self) -> float | None:
        return _share(self.closed_nfa, self.decided)

    @property
    def percent(self) -> str:
        return percent(self.closed_nfa, self.decided)


def board_nfa(*, actor: User, period: Period) -> list[NfaRow]:
    """Of the referrals naming CSE indicators decided in each month, how many were closed with no further action
    (only a team manager may, with a reason). The last row is the whole period."""
    full = _viewer(actor, "partnership board: CSE referrals closed with no further action")
    rows = (
        Referral.objects.exclude(cse_indicators=[])
        .exclude(decision="")
        .filter(decided_at__gte=period.start_at, decided_at__lt=period.until)
        .annotate(month=TruncMonth("decided_at", tzinfo=LONDON))
        .values_list("month")
        .annotate(decided=Count("pk"), nfa=Count("pk", filter=Q(decision=ReferralDecision.NFA)))
        .order_by()
    )
    found = {(m.date() if isinstance(m, dt.datetime) else m): (d, n) for m, d, n in rows}
    counts: dict[Hashable, int] = {}
    for month in period.months:
        counts[(month, "decided")], counts[(month, "nfa")] = found.get(month, (0, 0))
    for column in ("decided", "nfa"):
        counts[(None, column)] = sum(counts[(m, column)] for m in period.months)
    lines = [Line((None, c), [(m, c) for m in period.months]) for c in ("decided", "nfa")]
    cells = _shown(counts, lines, full=full)
    return [NfaRow(m, cells[(m, "decided")], cells[(m, "nfa")]) for m in [*period.months, None]]


# --- 6. Children at each screening level over time -------------------------------------------------------------


@dataclass(frozen=True)
class LevelRow:
    month: dt.date
    at_risk: Count_
    moderate: Count_
    significant: Count_
    serious: Count_
    total: Count_


def board_screening_levels(*, actor: User, period: Period) -> list[LevelRow]:
    """At the end of each month (today, for this month), how many children's latest screening level was each
    SCR-LEVELS level: each child counted once, at their level then."""
    full = _viewer(actor, "partnership board: children at each screening level")
    now = timezone.now()
    decisions = (
        LevelDecision.objects.filter(decided_at__lt=period.until)
        .values_list("screening_id", "level", "decided_at")
        .order_by("decided_at", "pk")
    )
    current: dict[int, str] = {}
    counts: dict[Hashable, int] = {}
    pending = iter(decisions)
    upcoming = next(pending, None)
    for month in period.months:
        moment = min(dt.datetime.combine(_next_month(month), dt.time.min, tzinfo=LONDON), now)
        while upcoming is not None and upcoming[2] < moment:
            current[upcoming[0]] = upcoming[1]
            upcoming = next(pending, None)
        tally = Counter(current.values())
        for level in LEVEL_ORDER:
            counts[(month, level.value)] = tally[level.value]
        counts[(month, TOTAL)] = len(current)
    lines = [Line((m, TOTAL), [(m, level.value) for level in LEVEL_ORDER]) for m in period.months]
    cells = _shown(counts, lines, full=full)
    return [LevelRow(m, *(cells[(m, key)] for key in (*(lv.value for lv in Level), TOTAL))) for m in period.months]


# --- 9. CSE training coverage by agency and role ---------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRow:
    agency: str
    agency_name: str
    role: str
    role_label: str
    staff: Count_
    current: Count_  # every course the role needs is current (lapsing soon included)
    lapsing: Count_
    lapsed: Count_
    never: Count_

    @property
    def share(self) -> float | None:
        return _share(self.current, self.staff)

    @property
    def percent(self) -> str:
        return percent(self.current, self.staff)


def board_training(*, actor: User) -> list[TrainingRow]:
    """Staff holding every CSE course their role needs, by agency and role, suppressed like every board figure (a
    count of one or two in a small team names the people in it)."""
    full = _viewer(actor, "partnership board: CSE training coverage")
    names = _agency_names()
    coverage = training_coverage(actor=actor)
    columns = ("staff", "current", "lapsing", "lapsed", "never")
    counts: dict[Hashable, int] = {(c.agency, c.role, col): getattr(c, col) for c in coverage for col in columns}
    lines = [Line((c.agency, c.role, "staff"), [(c.agency, c.role, k) for k in ("current", "lapsed", "never")])
             for c in coverage]  # fmt: skip
    cells = _shown(counts, lines, full=full)
    return [
        TrainingRow(c.agency, names.get(c.agency, c.agency), c.role, c.role.label,
                    *(cells[(c.agency, c.role, col)] for col in columns))
        for c in coverage
    ]  # fmt: skip


# --- 7. The locality map ----------------------------------------------------------------------------------------


def board_map(*, actor: User) -> Profile:
    """The borough's locality profile, whose ward map the board page draws (suppressed by the locality app)."""
    return locality_profile(actor=actor)


# --- 10. Voice and feedback ------------------------------------------------------------------------------------


def board_voice(*, actor: User, period: Period) -> FeedbackSummary:
    """What practitioners and young people told the board in the period (the voice part's own counts)."""
    return feedback_summary(actor=actor, since=period.first, until=period.last)


# --- Everything as CSV ------------------------------------------------------------------------------------------

CSV_COLUMNS = ("panel", "measure", "month", "group", "figure", "value")
WHOLE = "whole period"


def _month_text(month: dt.date | None) -> str:
    return month.strftime("%Y-%m") if month else WHOLE


def _share_text(share: float | None, *counts: Count_) -> str:
    """A share in the CSV: 3 decimal places, "c" if a count behind it is hidden, empty if nothing fell due."""
    if any(not isinstance(n, int) for n in counts):
        return SUPPRESSED
    return f"{share:.3f}" if share is not None else ""


Writer = Any  # a csv writer


def _csv_timing(writer: Writer, panel: str, rule: str, row: TimingRow) -> None:
    group = row.agency or "all"
    for name in ("on_time", "late", "overdue", "total"):
        writer.writerow([panel, rule, _month_text(row.month), group, name, getattr(row, name)])
    writer.writerow([panel, rule, _month_text(row.month), group, "share_on_time",
                     _share_text(row.share, row.on_time, row.total)])  # fmt: skip


def _csv_comparators(writer: Writer, figures: list[Published]) -> None:
    for figure in figures:
        for name in ("within", "total"):
            value = getattr(figure, name)
            writer.writerow(["comparators", figure.rule, figure.period, figure.area_code, name,
                             "" if value is None else value])  # fmt: skip
        share = "" if figure.share is None else f"{figure.share:.3f}"
        writer.writerow(["comparators", figure.rule, figure.period, figure.area_code, "share_within", share])


def _csv_sources(writer: Writer, sources: list[SourceRow], sharers: list[IntelRow]) -> None:
    for source in sources:
        for name in SOURCE_COLUMNS:
            writer.writerow(["referrals", "", WHOLE, source.source, name, getattr(source, name)])
    for sharer in sharers:
        for name in INTEL_COLUMNS:
            writer.writerow(["intelligence", "", WHOLE, sharer.key, name, getattr(sharer, name)])
        writer.writerow(["intelligence", "", WHOLE, sharer.key, "share_acted_on",
                         _share_text(sharer.share_acted_on, sharer.acted_on, sharer.outcome)])  # fmt: skip


def _csv_children(writer: Writer, nfas: list[NfaRow], levels: list[LevelRow]) -> None:
    for nfa in nfas:
        for name in ("decided", "closed_nfa"):
            writer.writerow(["cse_referrals_nfa", "", _month_text(nfa.month), "all", name, getattr(nfa, name)])
        writer.writerow(["cse_referrals_nfa", "", _month_text(nfa.month), "all", "share_nfa",
                         _share_text(nfa.share, nfa.decided, nfa.closed_nfa)])  # fmt: skip
    for row in levels:
        for name in (*(level.value for level in LEVEL_ORDER), TOTAL):
            writer.writerow(["screening_levels", "", _month_text(row.month), "all", name, getattr(row, name)])


def _csv_map(writer: Writer, profile: Profile) -> None:
    measure = profile.map_measure.code if profile.map_measure else ""
    for area in profile.map_areas:
        cell = area.cell
        count = SUPPRESSED if cell.suppressed else ("" if cell.count is None else cell.count)
        rate = SUPPRESSED if cell.suppressed else ("" if cell.rate is None else f"{cell.rate:.3f}")
        writer.writerow(["map", measure, area.period, area.code, "count", count])
        writer.writerow(["map", measure, area.period, area.code, "rate", rate])


def _csv_people(writer: Writer, staff: list[TrainingRow], voice: FeedbackSummary) -> None:
    for row in staff:
        for name in ("staff", "current", "lapsing", "lapsed", "never"):
            writer.writerow(["training", "", "now", f"{row.agency}/{row.role}", name, getattr(row, name)])
    for name in ("received", "answered", "published"):
        writer.writerow(["voice", "", WHOLE, "all", name, getattr(voice, name)])
    for group, rows in (("channel", voice.by_channel), ("theme", voice.by_theme)):
        for label, value in rows:
            writer.writerow(["voice", "", WHOLE, f"{group}:{label}", "received", value])
    for month, value in voice.monthly:
        writer.writerow(["voice", "", _month_text(month), "all", "received", value])


def board_csv(*, actor: User, period: Period) -> str:
    """Every figure on the board page for the period, one per line, suppressed as the page shows it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rules = board_timeliness(actor=actor, period=period)
    for rule in rules:
        for row in [*rule.months, *rule.rows, *rule.agencies, rule.whole]:
            _csv_timing(writer, "timeliness", rule.rule, row)
    _csv_comparators(writer, board_comparators(actor=actor))
    _csv_sources(writer, board_referrals(actor=actor, period=period), board_intelligence(actor=actor, period=period))
    _csv_children(writer, board_nfa(actor=actor, period=period), board_screening_levels(actor=actor, period=period))
    rhi = next(rule for rule in rules if rule.rule == "MISS-RHI-72H")
    for row in [*rhi.months, rhi.whole]:
        _csv_timing(writer, "return_interviews", rhi.rule, row)
    _csv_map(writer, board_map(actor=actor))
    _csv_people(writer, board_training(actor=actor), board_voice(actor=actor, period=period))
    return out.getvalue()
