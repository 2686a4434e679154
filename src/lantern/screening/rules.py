"""The rulebook's CSE screening rules (section H), one small named unit per rule id.

Each unit quotes its rule and holds only arithmetic on plain values (dates, kinds, counts), so the boundaries
can be tested without a database: `tests/screening/test_rules.py` names each test after its rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lantern.calendar.deadlines import add_months
from lantern.screening.enums import LEVEL_ORDER, IndicatorKind, Level

K = IndicatorKind


class SCR_INDICATORS:  # noqa: N801 - named after the rule id
    """SCR-INDICATORS. "Indicators, each with a weight (S = significant 5, M = moderate 2): going missing (S if
    3+ episodes in 90 days, else M); association with adults or older young people of concern (S); unexplained
    gifts, money, phones, clothes (M); being picked up by cars or seen in cars with unknown adults (S); STI or
    pregnancy under 16 (S); sexual health clinic attendance under 16 (M); school absence or exclusion (M);
    substance misuse (M); self-harm or sudden change in mental health (M); online contact with unknown adults,
    images shared (S); older "boyfriend" (S); staying out late or overnight at unknown addresses (M); disclosure
    of sexual activity with adults (S, and straight to a strategy discussion)."

    Episodes "in 90 days" are those that began on or after the day 90 days before (the count the cases app
    shows as "missing in the last 90 days")."""

    ID = "SCR-INDICATORS"
    S = 5
    M = 2
    BANDS: Mapping[IndicatorKind, str] = MappingProxyType(
        {
            K.MISSING: "M",  # S with 3+ episodes in 90 days: see band()
            K.ADULTS_OF_CONCERN: "S",
            K.GIFTS: "M",
            K.CARS: "S",
            K.STI_PREGNANCY: "S",
            K.CLINIC: "M",
            K.SCHOOL: "M",
            K.SUBSTANCES: "M",
            K.MENTAL_HEALTH: "M",
            K.ONLINE: "S",
            K.OLDER_BOYFRIEND: "S",
            K.OVERNIGHT: "M",
            K.DISCLOSURE: "S",
        }
    )
    MISSING_EPISODES_FOR_S = 3
    WINDOW_DAYS = 90
    STRAIGHT_TO_STRATEGY = frozenset({K.DISCLOSURE})
    UNDER_16 = frozenset({K.STI_PREGNANCY, K.CLINIC})

    @classmethod
    def band(cls, kind: str, *, missing_episodes: int = 0) -> str:
        """'S' or 'M'."""
        if kind == K.MISSING:
            return "S" if missing_episodes >= cls.MISSING_EPISODES_FOR_S else "M"
        return cls.BANDS[IndicatorKind(kind)]

    @classmethod
    def weight(cls, kind: str, *, missing_episodes: int = 0) -> int:
        return cls.S if cls.band(kind, missing_episodes=missing_episodes) == "S" else cls.M

    @classmethod
    def episodes_in_window(cls, starts: Iterable[dt.date], *, on: dt.date) -> int:
        """Episodes that began in the 90 days up to `on` (from the day 90 days before, to `on`)."""
        since = on - dt.timedelta(days=cls.WINDOW_DAYS)
        return sum(1 for day in starts if since <= day <= on)

    @staticmethod
    def age_on(date_of_birth: dt.date, day: dt.date) -> int:
        return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))

    @classmethod
    def under_16(cls, date_of_birth: dt.date | None, day: dt.date) -> bool:
        """Under 16 on `day`. A child whose date of birth is not known is treated as under 16: the screening
        never understates risk for want of a date."""
        return date_of_birth is None or cls.age_on(date_of_birth, day) < 16


@dataclass(frozen=True)
class Counted:
    """What one indicator adds to the score today, and why, in plain words."""

    weight: int
    full: int
    band: str
    reason: str


def _months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` (CAL-MONTHS)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if add_months(earlier, months) > later:
        months -= 1
    return max(months, 0)


class SCR_RECENCY:  # noqa: N801 - named after the rule id
    """SCR-RECENCY. "An indicator counts at full weight if current or within the last 6 months, at weight 1 if
    6-12 months ago, and not at all after 12 months (it stays in the history)."

    Months are calendar months (CAL-MONTHS): an indicator seen exactly 6 months ago is still within the last 6
    months, and one seen exactly 12 months ago still counts 1; a day earlier, each drops a step."""

    ID = "SCR-RECENCY"
    FULL_MONTHS = 6
    COUNTED_MONTHS = 12
    REDUCED_WEIGHT = 1

    @classmethod
    def weight(cls, full: int, *, observed_on: dt.date, current: bool, on: dt.date) -> int:
        if current or observed_on >= add_months(on, -cls.FULL_MONTHS):
            return full
        if observed_on >= add_months(on, -cls.COUNTED_MONTHS):
            return min(cls.REDUCED_WEIGHT, full)
        return 0

    @classmethod
    def count(cls, full: int, band: str, *, observed_on: dt.date, current: bool, on: dt.date) -> Counted:
        weight = cls.weight(full, observed_on=observed_on, current=current, on=on)
        months = _months_between(observed_on, on)
        ago = "this month" if months == 0 else f"{months} month{'s' if months != 1 else ''} ago"
        if current:
            reason = f"still current: counts in full ({full})"
        elif weight == full:
            reason = f"seen {ago}, within the last 6 months: counts in full ({full})"
        elif weight:
            reason = f"seen {ago}, 6 to 12 months ago: counts {weight} instead of {full}"
        else:
            reason = f"seen {ago}, more than 12 months ago: no longer counts (kept in the history)"
        return Counted(weight=weight, full=full, band=band, reason=reason)


class SCR_LEVELS:  # noqa: N801 - named after the rule id
    """SCR-LEVELS. "Score 0-5 at risk, 6-10 moderate, 11-15 significant, 16+ serious. Significant or serious
    needs a strategy discussion (LOCAL-STRAT-3). A practitioner may move the level one step up or down only with
    a recorded reason; a move down from significant/serious needs a team manager's agreement."

    Lantern records the manager's agreement by having the team manager record the move down themselves."""

    ID = "SCR-LEVELS"
    LOWEST: Mapping[Level, int] = MappingProxyType(
        {Level.AT_RISK: 0, Level.MODERATE: 6, Level.SIGNIFICANT: 11, Level.SERIOUS: 16}
    )
    NEEDS_STRATEGY = frozenset({Level.SIGNIFICANT, Level.SERIOUS})

    @classmethod
    def level_for(cls, score: int) -> Level:
        if score < 0:
            raise ValueError("a screening score is never negative")
        return max((level for level, lowest in cls.LOWEST.items() if score >= lowest), key=LEVEL_ORDER.index)

    @staticmethod
    def steps(computed: str, decided: str) -> int:
        """How many steps `decided` is above (+) or below (-) `computed`."""
        return LEVEL_ORDER.index(Level(decided)) - LEVEL_ORDER.index(Level(computed))

    @classmethod
    def range_label(cls, level: str) -> str:
        lowest = cls.LOWEST[Level(level)]
        following = [v for v in cls.LOWEST.values() if v > lowest]
        return f"{lowest} to {min(following) - 1}" if following else f"{lowest} or more"

    @classmethod
    def judgement_problems(cls, *, computed: str, decided: str, reason: str, by_manager: bool) -> dict[str, str]:
        """Why the practitioner's decision may not stand, by field; empty when it may."""
        if decided not in Level.values:
            return {"level": "Choose the level: at risk, moderate, significant or serious"}
        steps = cls.steps(computed, decided)
        computed_label = Level(computed).label.lower()
        if abs(steps) > 1:
            return {
                "level": f"The score gives {computed_label}: your judgement may move the level one step up or down "
                "only (rule SCR-LEVELS)"
            }
        if steps and not reason.strip():
            return {
                "reason": f"Record your reason for moving the level from {computed_label} to "
                f"{Level(decided).label.lower()} (rule SCR-LEVELS)"
            }
        if steps < 0 and Level(computed) in cls.NEEDS_STRATEGY and not by_manager:
            return {
                "level": f"Moving the level down from {computed_label} needs a team manager's agreement: ask your "
                "team manager to record this decision (rule SCR-LEVELS)"
            }
        return {}


class SCR_TRIGGERS:  # noqa: N801 - named after the rule id
    """SCR-TRIGGERS. "A screening task opens automatically when: 3+ missing episodes in 90 days; a child is
    linked in intelligence graded A/B or C (any source grade but 3) to an adult of concern; an STI or pregnancy
    is recorded under 16; unexplained gifts or phones are reported by two different agencies within 90 days; a
    partner or public report names the child with a vehicle or place already linked to CSE intelligence."

    "Graded A/B or C (any source grade but 3)" is read on the 3x5x2 scale (INT-3X5X2): an intelligence
    assessment of A, B or C from a source evaluated 1 or 2. Historic 5x5x5 grades are never converted
    (INT-5X5X5-LEGACY), so they open no task. "Adult of concern" is a person recorded as an adult."""

    ID = "SCR-TRIGGERS"
    MISSING_EPISODES = 3
    WINDOW_DAYS = 90
    ASSESSMENTS = frozenset({"A", "B", "C"})
    EXCLUDED_SOURCE = "3"

    @classmethod
    def missing(cls, starts: Iterable[dt.date], *, on: dt.date) -> bool:
        """3 or more episodes began in the 90 days up to `on`."""
        return SCR_INDICATORS.episodes_in_window(starts, on=on) >= cls.MISSING_EPISODES

    @classmethod
    def intel_grade_counts(cls, *, scheme: str, source_evaluation: str, assessment: str) -> bool:
        return scheme == "3x5x2" and assessment in cls.ASSESSMENTS and source_evaluation in {"1", "2"}

    @classmethod
    def intel_adult(cls, *, scheme: str, source_evaluation: str, assessment: str, children: int, adults: int) -> bool:
        """A report so graded links at least one child and one adult of concern."""
        graded = cls.intel_grade_counts(scheme=scheme, source_evaluation=source_evaluation, assessment=assessment)
        return graded and children > 0 and adults > 0

    @staticmethod
    def sti_under_16(kind: str, *, date_of_birth: dt.date | None, observed_on: dt.date) -> bool:
        return kind == K.STI_PREGNANCY and SCR_INDICATORS.under_16(date_of_birth, observed_on)

    @classmethod
    def gifts(cls, reports: Iterable[tuple[int, dt.date]]) -> tuple[tuple[int, dt.date], tuple[int, dt.date]] | None:
        """Two reports of unexplained gifts or phones, by different agencies, within 90 days of each other:
        the latest such pair of (agency id, date), or None."""
        ordered = sorted(reports, key=lambda r: r[1])
        found = None
        for i, later in enumerate(ordered):
            for earlier in ordered[:i]:
                if earlier[0] != later[0] and (later[1] - earlier[1]).days <= cls.WINDOW_DAYS:
                    found = (earlier, later)
        return found

    @staticmethod
    def named_with_linked(*, child_named: bool, linked_vehicles: int, linked_places: int) -> bool:
        """The report names the child, and a vehicle or place in it is in other CSE intelligence already."""
        return child_named and (linked_vehicles + linked_places) > 0
