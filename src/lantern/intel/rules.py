"""The rulebook's intelligence rules (section D, and rule 29), one small named unit per rule id."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from lantern.calendar.deadlines import add_hours
from lantern.calendar.workdays import working_days_due
from lantern.intel.enums import Assessment, Corroboration, HandlingCode, Risk, SourceEvaluation


class INT_3X5X2:  # noqa: N801 - named after the rule id
    """INT-3X5X2 (APP intelligence management, 3x5x2 current). Source evaluation is a digit: 1 Reliable,
    2 Untested, 3 Not reliable. Intelligence assessment is a letter: A Known directly to the source; B Known
    indirectly to the source but corroborated; C Known indirectly to the source; D Not known; E Suspected to
    be false. Handling code P (lawful sharing permitted) or C (lawful sharing permitted with conditions):
    "C requires non-empty conditions". Each axis is its own field, with the scheme beside it."""

    SCHEME = "3x5x2"

    @staticmethod
    def validate(*, source_evaluation: str, assessment: str, handling_code: str, conditions: str) -> None:
        errors: dict[str, str] = {}
        if source_evaluation not in SourceEvaluation.values:
            errors["source_evaluation"] = "Choose the source evaluation: 1 Reliable, 2 Untested or 3 Not reliable"
        if assessment not in Assessment.values:
            errors["intelligence_assessment"] = "Choose the intelligence assessment, a letter from A to E"
        if handling_code not in HandlingCode.values:
            errors["handling_code"] = "Choose the handling code: P (sharing permitted) or C (with conditions)"
        elif handling_code == HandlingCode.C and not conditions.strip():
            errors["handling_conditions"] = "Handling code C needs its conditions: say how this may be shared"
        elif handling_code == HandlingCode.P and conditions.strip():
            errors["handling_conditions"] = "Conditions go with handling code C; with P leave them empty"
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def code(source_evaluation: str, assessment: str, handling_code: str) -> str:
        """The grade as analysts write it: 1AP, 2CC."""
        return f"{source_evaluation}{assessment}{handling_code}"


class INT_5X5X5_LEGACY:  # noqa: N801 - named after the rule id
    """INT-5X5X5-LEGACY: historic grades are kept and shown as recorded, never converted to 3x5x2 (no
    official crosswalk exists) and never given to new intelligence."""

    SCHEME = "5x5x5"
    SOURCE = {
        "A": "Always reliable",
        "B": "Mostly reliable",
        "C": "Sometimes reliable",
        "D": "Unreliable",
        "E": "Untested source",
    }
    INTELLIGENCE = {
        "1": "Known to be true without reservation",
        "2": "Known personally to source but not to officer",
        "3": "Not personally known to source but corroborated",
        "4": "Cannot be judged",
        "5": "Suspected to be false or malicious",
    }
    HANDLING = {
        "1": "Other law-enforcement and prosecuting agencies (no special conditions)",
        "2": "UK non-prosecuting parties (authorisation and records needed)",
        "3": "Non-EEA law enforcement (special conditions)",
        "4": "Originating agency only",
        "5": "No further dissemination: refer to originator",
    }

    @classmethod
    def validate(cls, *, source: str, intelligence: str, handling: str) -> None:
        if source not in cls.SOURCE or intelligence not in cls.INTELLIGENCE or handling not in cls.HANDLING:
            raise ValidationError({"grading": "A 5x5x5 grade is a letter A-E, then digits 1-5 and 1-5, like B24"})


class LANTERN_INTEL_24H:  # noqa: N801 - named after the rule id
    """LANTERN-INTEL-24H: "Intelligence marked high risk is triaged within 24 clock hours of submission;
    other intelligence within 5 WD." Service standard."""

    HIGH_RISK_HOURS = 24
    OTHER_WORKING_DAYS = 5

    @classmethod
    def due(cls, *, received_at: dt.datetime, risk: str) -> dt.datetime:
        if risk == Risk.HIGH:
            return add_hours(received_at, cls.HIGH_RISK_HOURS)
        return working_days_due(received_at, cls.OTHER_WORKING_DAYS)


# --- Weight and ageing (a Lantern default: the rulebook sets no formula) ---------------------------------

SOURCE_WEIGHT = {"1": 1.0, "2": 0.6, "3": 0.2}
ASSESSMENT_WEIGHT = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.3, "E": 0.0}
HALF_LIFE_DAYS = 180


@dataclass(frozen=True)
class Weight:
    graded: float  # what the grading alone says, 0-1
    now: float  # after ageing and what other agencies said
    age_from: dt.date  # the date ageing counts from: the report, or its latest corroboration

    @property
    def percent_now(self) -> int:
        return round(self.now * 100)

    @property
    def percent_graded(self) -> int:
        return round(self.graded * 100)


def intel_weight(
    *,
    source_evaluation: str,
    assessment: str,
    occurred_on: dt.date,
    corroborations: Iterable[tuple[str, dt.date]],
    today: dt.date,
) -> Weight:
    """A report's weight: its grading (source x assessment), halving every HALF_LIFE_DAYS of age. Another
    agency seeing it too restarts the ageing from that day; a contradiction halves it; "out of date" ages it
    from the report's own date however recently it was corroborated, and at double speed."""
    graded = SOURCE_WEIGHT.get(source_evaluation, 0.5) * ASSESSMENT_WEIGHT.get(assessment, 0.5)
    age_from, factor, half_life = occurred_on, 1.0, float(HALF_LIFE_DAYS)
    stale = False
    for kind, day in corroborations:
        if kind == Corroboration.SEEN_TOO:
            age_from = max(age_from, day)
        elif kind == Corroboration.CONTRADICTED:
            factor *= 0.5
        elif kind == Corroboration.OUT_OF_DATE:
            stale = True
    if stale:
        age_from, half_life = occurred_on, half_life / 2
    age = max((today - age_from).days, 0)
    return Weight(graded=graded, now=graded * factor * math.pow(0.5, age / half_life), age_from=age_from)
