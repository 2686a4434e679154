"""Section H of the rulebook, rule by rule, at its boundaries: each test is named after the rule it checks."""

from __future__ import annotations

import datetime as dt

import pytest

from lantern.screening.enums import IndicatorKind, Level
from lantern.screening.rules import SCR_INDICATORS, SCR_LEVELS, SCR_RECENCY, SCR_TRIGGERS

TODAY = dt.date(2026, 11, 20)


# --- SCR-INDICATORS -------------------------------------------------------------------------------------------


def test_SCR_INDICATORS_has_the_thirteen_indicators_with_their_weights() -> None:
    assert len(SCR_INDICATORS.BANDS) == 13 == len(IndicatorKind)
    significant = {k for k, band in SCR_INDICATORS.BANDS.items() if band == "S"}
    assert significant == {
        IndicatorKind.ADULTS_OF_CONCERN, IndicatorKind.CARS, IndicatorKind.STI_PREGNANCY, IndicatorKind.ONLINE,
        IndicatorKind.OLDER_BOYFRIEND, IndicatorKind.DISCLOSURE,
    }  # fmt: skip
    assert SCR_INDICATORS.weight(IndicatorKind.CARS) == 5
    assert SCR_INDICATORS.weight(IndicatorKind.GIFTS) == 2
    assert {IndicatorKind.DISCLOSURE} == SCR_INDICATORS.STRAIGHT_TO_STRATEGY


@pytest.mark.parametrize(("episodes", "weight"), [(0, 2), (2, 2), (3, 5), (7, 5)])
def test_SCR_INDICATORS_going_missing_is_significant_from_three_episodes(episodes: int, weight: int) -> None:
    assert SCR_INDICATORS.weight(IndicatorKind.MISSING, missing_episodes=episodes) == weight


def test_SCR_INDICATORS_episodes_in_90_days_count_from_the_day_90_days_before() -> None:
    starts = [TODAY - dt.timedelta(days=90), TODAY - dt.timedelta(days=91), TODAY, TODAY + dt.timedelta(days=1)]
    assert SCR_INDICATORS.episodes_in_window(starts, on=TODAY) == 2


def test_SCR_INDICATORS_under_16_turns_on_the_16th_birthday() -> None:
    born = dt.date(2010, 11, 20)
    assert SCR_INDICATORS.under_16(born, dt.date(2026, 11, 19))
    assert not SCR_INDICATORS.under_16(born, dt.date(2026, 11, 20))
    assert SCR_INDICATORS.under_16(None, TODAY)  # an unknown date of birth never understates risk


# --- SCR-RECENCY ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("observed", "weight"),
    [
        (TODAY, 5),
        (dt.date(2026, 5, 20), 5),  # exactly 6 months ago: within the last 6 months
        (dt.date(2026, 5, 19), 1),  # a day more than 6 months
        (dt.date(2025, 11, 20), 1),  # exactly 12 months ago: still 6 to 12 months
        (dt.date(2025, 11, 19), 0),  # a day more than 12 months: no longer counts
    ],
)
def test_SCR_RECENCY_weight_at_exactly_6_and_12_months(observed: dt.date, weight: int) -> None:
    assert SCR_RECENCY.weight(5, observed_on=observed, current=False, on=TODAY) == weight


def test_SCR_RECENCY_a_current_indicator_counts_in_full_however_old() -> None:
    assert SCR_RECENCY.weight(5, observed_on=dt.date(2020, 1, 1), current=True, on=TODAY) == 5


def test_SCR_RECENCY_months_are_calendar_months_at_a_month_end() -> None:
    # 31 August less 6 months is 28 February (CAL-MONTHS): that day still counts in full.
    assert SCR_RECENCY.weight(2, observed_on=dt.date(2026, 2, 28), current=False, on=dt.date(2026, 8, 31)) == 2
    assert SCR_RECENCY.weight(2, observed_on=dt.date(2026, 2, 27), current=False, on=dt.date(2026, 8, 31)) == 1


def test_SCR_RECENCY_says_why_in_plain_words() -> None:
    counted = SCR_RECENCY.count(5, "S", observed_on=dt.date(2026, 3, 1), current=False, on=TODAY)
    assert counted.weight == 1
    assert counted.reason == "seen 8 months ago, 6 to 12 months ago: counts 1 instead of 5"
    old = SCR_RECENCY.count(2, "M", observed_on=dt.date(2024, 1, 1), current=False, on=TODAY)
    assert old.weight == 0
    assert "kept in the history" in old.reason


# --- SCR-LEVELS -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, Level.AT_RISK),
        (5, Level.AT_RISK),
        (6, Level.MODERATE),
        (10, Level.MODERATE),
        (11, Level.SIGNIFICANT),
        (15, Level.SIGNIFICANT),
        (16, Level.SERIOUS),
        (40, Level.SERIOUS),
    ],
)
def test_SCR_LEVELS_score_boundaries_5_6_10_11_15_16(score: int, level: Level) -> None:
    assert SCR_LEVELS.level_for(score) == level


def test_SCR_LEVELS_significant_and_serious_need_a_strategy_discussion() -> None:
    assert {Level.SIGNIFICANT, Level.SERIOUS} == SCR_LEVELS.NEEDS_STRATEGY


def test_SCR_LEVELS_agreeing_with_the_score_needs_no_reason() -> None:
    assert SCR_LEVELS.judgement_problems(computed="moderate", decided="moderate", reason="", by_manager=False) == {}


def test_SCR_LEVELS_one_step_up_or_down_only_with_a_reason() -> None:
    assert set(SCR_LEVELS.judgement_problems(computed="moderate", decided="significant", reason="",
                                             by_manager=False)) == {"reason"}  # fmt: skip
    assert SCR_LEVELS.judgement_problems(computed="moderate", decided="significant", reason="Grooming online",
                                         by_manager=False) == {}  # fmt: skip
    assert SCR_LEVELS.judgement_problems(computed="moderate", decided="at_risk", reason="Moved away",
                                         by_manager=False) == {}  # fmt: skip


def test_SCR_LEVELS_two_steps_are_refused_even_with_a_reason() -> None:
    problems = SCR_LEVELS.judgement_problems(computed="at_risk", decided="significant", reason="Gut feeling",
                                             by_manager=True)  # fmt: skip
    assert "one step" in problems["level"]


def test_SCR_LEVELS_moving_down_from_significant_or_serious_needs_a_team_manager() -> None:
    for computed, decided in (("significant", "moderate"), ("serious", "significant")):
        refused = SCR_LEVELS.judgement_problems(computed=computed, decided=decided, reason="Safe now",
                                                by_manager=False)  # fmt: skip
        assert "team manager" in refused["level"]
        assert SCR_LEVELS.judgement_problems(computed=computed, decided=decided, reason="Safe now",
                                             by_manager=True) == {}  # fmt: skip
    # Moving up from significant is any practitioner's judgement, with a reason.
    assert SCR_LEVELS.judgement_problems(computed="significant", decided="serious", reason="Escalating",
                                         by_manager=False) == {}  # fmt: skip


# --- SCR-TRIGGERS ---------------------------------------------------------------------------------------------


def test_SCR_TRIGGERS_missing_two_versus_three_episodes_in_90_days() -> None:
    two = [TODAY - dt.timedelta(days=d) for d in (1, 50)]
    assert not SCR_TRIGGERS.missing(two, on=TODAY)
    assert SCR_TRIGGERS.missing([*two, TODAY - dt.timedelta(days=90)], on=TODAY)
    assert not SCR_TRIGGERS.missing([*two, TODAY - dt.timedelta(days=91)], on=TODAY)


@pytest.mark.parametrize(
    ("source", "assessment", "fires"),
    [("1", "A", True), ("2", "B", True), ("2", "C", True), ("3", "A", False), ("1", "D", False), ("1", "E", False)],
)
def test_SCR_TRIGGERS_intelligence_graded_A_B_or_C_from_any_source_but_3(
    source: str, assessment: str, fires: bool
) -> None:
    grade = {"scheme": "3x5x2", "source_evaluation": source, "assessment": assessment}
    assert SCR_TRIGGERS.intel_adult(**grade, children=1, adults=1) is fires
    assert not SCR_TRIGGERS.intel_adult(**grade, children=1, adults=0)


def test_SCR_TRIGGERS_historic_5x5x5_grades_open_no_task() -> None:
    assert not SCR_TRIGGERS.intel_adult(scheme="5x5x5", source_evaluation="A", assessment="1", children=1, adults=1)


def test_SCR_TRIGGERS_sti_or_pregnancy_under_16_only() -> None:
    born = dt.date(2010, 11, 20)
    assert SCR_TRIGGERS.sti_under_16("sti_pregnancy", date_of_birth=born, observed_on=dt.date(2026, 11, 19))
    assert not SCR_TRIGGERS.sti_under_16("sti_pregnancy", date_of_birth=born, observed_on=dt.date(2026, 11, 20))
    assert not SCR_TRIGGERS.sti_under_16("clinic", date_of_birth=born, observed_on=dt.date(2026, 1, 1))


def test_SCR_TRIGGERS_gifts_need_two_agencies_within_90_days() -> None:
    day = TODAY
    assert SCR_TRIGGERS.gifts([(1, day), (1, day - dt.timedelta(days=10))]) is None  # one agency twice
    assert SCR_TRIGGERS.gifts([(1, day), (2, day - dt.timedelta(days=91))]) is None  # too far apart
    pair = SCR_TRIGGERS.gifts([(1, day), (2, day - dt.timedelta(days=90))])
    assert pair == ((2, day - dt.timedelta(days=90)), (1, day))


def test_SCR_TRIGGERS_named_with_a_vehicle_or_place_already_in_intelligence() -> None:
    assert SCR_TRIGGERS.named_with_linked(child_named=True, linked_vehicles=1, linked_places=0)
    assert SCR_TRIGGERS.named_with_linked(child_named=True, linked_vehicles=0, linked_places=1)
    assert not SCR_TRIGGERS.named_with_linked(child_named=True, linked_vehicles=0, linked_places=0)
    assert not SCR_TRIGGERS.named_with_linked(child_named=False, linked_vehicles=2, linked_places=1)
