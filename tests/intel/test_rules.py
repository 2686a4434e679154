"""The rulebook's intelligence rules, tested by their ids: INT-3X5X2, INT-5X5X5-LEGACY, LANTERN-INTEL-24H."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from lantern.intel.rules import INT_3X5X2, INT_5X5X5_LEGACY, LANTERN_INTEL_24H, intel_weight

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(("source", "assessment", "handling"), list(itertools.product("123", "ABCDE", "P")), ids=str)
def test_INT_3X5X2_accepts_every_grade_of_the_model(source: str, assessment: str, handling: str) -> None:
    INT_3X5X2.validate(source_evaluation=source, assessment=assessment, handling_code=handling, conditions="")
    assert INT_3X5X2.code(source, assessment, handling) == f"{source}{assessment}{handling}"


@pytest.mark.parametrize(
    ("source", "assessment", "handling", "field"),
    [
        ("4", "A", "P", "source_evaluation"),  # 3x5x2 has three source grades
        ("A", "1", "P", "source_evaluation"),  # 5x5x5's axes are the other way round
        ("0", "A", "P", "source_evaluation"),
        ("1", "F", "P", "intelligence_assessment"),
        ("1", "a", "P", "intelligence_assessment"),
        ("1", "A", "X", "handling_code"),
        ("1", "A", "1", "handling_code"),
        ("", "", "", "source_evaluation"),
    ],
)
def test_INT_3X5X2_refuses_what_is_not_in_the_model(source: str, assessment: str, handling: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        INT_3X5X2.validate(source_evaluation=source, assessment=assessment, handling_code=handling, conditions="")
    assert field in refused.value.message_dict


def test_INT_3X5X2_handling_code_C_requires_its_conditions() -> None:
    with pytest.raises(ValidationError) as refused:
        INT_3X5X2.validate(source_evaluation="2", assessment="B", handling_code="C", conditions="   ")
    assert refused.value.message_dict == {
        "handling_conditions": ["Handling code C needs its conditions: say how this may be shared"]
    }
    INT_3X5X2.validate(source_evaluation="2", assessment="B", handling_code="C", conditions="Police only")


def test_INT_3X5X2_handling_code_P_takes_no_conditions() -> None:
    with pytest.raises(ValidationError) as refused:
        INT_3X5X2.validate(source_evaluation="1", assessment="A", handling_code="P", conditions="Police only")
    assert "handling_conditions" in refused.value.message_dict


def test_INT_5X5X5_LEGACY_keeps_its_own_axes() -> None:
    INT_5X5X5_LEGACY.validate(source="B", intelligence="2", handling="4")
    assert INT_5X5X5_LEGACY.SOURCE["E"] == "Untested source"
    assert INT_5X5X5_LEGACY.INTELLIGENCE["5"] == "Suspected to be false or malicious"
    assert INT_5X5X5_LEGACY.HANDLING["4"] == "Originating agency only"
    for bad in (("1", "B", "4"), ("F", "2", "4"), ("B", "6", "4"), ("B", "2", "6")):
        with pytest.raises(ValidationError):
            INT_5X5X5_LEGACY.validate(source=bad[0], intelligence=bad[1], handling=bad[2])


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_LANTERN_INTEL_24H_high_risk_is_due_24_clock_hours_after_submission() -> None:
    received = at("2026-12-24 16:30")
    assert LANTERN_INTEL_24H.due(received_at=received, risk="high") == at("2026-12-25 16:30")  # Christmas counts


def test_LANTERN_INTEL_24H_high_risk_counts_clock_hours_across_the_clocks_going_back() -> None:
    received = at("2026-10-24 12:00")  # BST; the clocks go back at 02:00 on Sunday 25 October
    due = LANTERN_INTEL_24H.due(received_at=received, risk="high")
    # Subtracting two London times with the same tzinfo ignores the change of offset: compare in UTC.
    assert (due.astimezone(dt.UTC) - received.astimezone(dt.UTC)).total_seconds() == 24 * 3600
    assert due.astimezone(LONDON).hour == 11  # 24 real hours after noon BST is 11:00 GMT


@pytest.mark.parametrize(
    ("received", "due_day"),
    [
        ("2026-11-23 09:00", "2026-11-30"),  # Monday: five working days later is the next Monday
        ("2026-11-21 10:00", "2026-11-27"),  # a Saturday: Monday is day 1
        ("2025-12-19 15:00", "2025-12-30"),  # over Christmas: 22, 23, 24, 29, 30 December (25, 26 bank holidays)
        ("2026-12-23 11:00", "2027-01-04"),  # Christmas on a Friday: Monday 28 December is the Boxing Day substitute
        ("2026-03-31 11:00", "2026-04-09"),  # Easter 2026: Good Friday 3 April, Easter Monday 6 April
    ],
)
def test_LANTERN_INTEL_24H_other_intelligence_is_due_in_5_working_days(received: str, due_day: str) -> None:
    due = LANTERN_INTEL_24H.due(received_at=at(received), risk="medium")
    assert due.date() == dt.date.fromisoformat(due_day)
    assert (due.hour, due.minute) == (23, 59)


def test_weight_halves_with_age_and_a_sighting_restarts_it() -> None:
    occurred = dt.date(2026, 1, 1)
    fresh = intel_weight(source_evaluation="1", assessment="A", occurred_on=occurred, corroborations=[], today=occurred)
    assert (fresh.graded, fresh.now) == (1.0, 1.0)
    aged = intel_weight(
        source_evaluation="1", assessment="A", occurred_on=occurred, corroborations=[], today=dt.date(2026, 6, 30)
    )
    assert aged.now == pytest.approx(0.5)
    seen = intel_weight(
        source_evaluation="1", assessment="A", occurred_on=occurred,
        corroborations=[("seen_too", dt.date(2026, 6, 30))], today=dt.date(2026, 6, 30),
    )  # fmt: skip
    assert seen.now == pytest.approx(1.0)
    contradicted = intel_weight(
        source_evaluation="2", assessment="C", occurred_on=occurred,
        corroborations=[("contradicted", occurred)], today=occurred,
    )  # fmt: skip
    assert contradicted.graded == pytest.approx(0.36)
    assert contradicted.now == pytest.approx(0.18)
    stale = intel_weight(
        source_evaluation="1", assessment="A", occurred_on=occurred,
        corroborations=[("seen_too", dt.date(2026, 6, 30)), ("out_of_date", dt.date(2026, 7, 1))],
        today=dt.date(2026, 6, 30),
    )  # fmt: skip
    assert stale.now == pytest.approx(0.25)
    false = intel_weight(source_evaluation="1", assessment="E", occurred_on=occurred, corroborations=[], today=occurred)
    assert false.now == 0.0


def test_CAL_COUNT_WD_matches_the_rulebook_example() -> None:
    """CAL-COUNT-WD: referral Fri 19 Dec 2025: +1 WD Mon 22 Dec; +15 WD Wed 14 Jan 2026; +45 WD Wed 25 Feb 2026."""
    from lantern.calendar.workdays import add_working_days

    start = dt.date(2025, 12, 19)
    assert add_working_days(start, 1) == dt.date(2025, 12, 22)
    assert add_working_days(start, 15) == dt.date(2026, 1, 14)
    assert add_working_days(start, 45) == dt.date(2026, 2, 25)
