"""CAL-WORKING-DAY, CAL-SUBSTITUTE and CAL-COUNT-WD: England's working days and counting in them."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from lantern.calendar.workdays import add_working_days, bank_holidays, is_working_day

D = dt.date

# Easter Sunday, 2012-2028 (Good Friday is two days before, Easter Monday the day after).
EASTER = {
    2012: D(2012, 4, 8), 2013: D(2013, 3, 31), 2014: D(2014, 4, 20), 2015: D(2015, 4, 5), 2016: D(2016, 3, 27),
    2017: D(2017, 4, 16), 2018: D(2018, 4, 1), 2019: D(2019, 4, 21), 2020: D(2020, 4, 12), 2021: D(2021, 4, 4),
    2022: D(2022, 4, 17), 2023: D(2023, 4, 9), 2024: D(2024, 3, 31), 2025: D(2025, 4, 20), 2026: D(2026, 4, 5),
    2027: D(2027, 3, 28), 2028: D(2028, 4, 16),
}  # fmt: skip

# CAL-WORKING-DAY's "past one-offs": 2012 spring holiday moved to 4 June and the Diamond Jubilee on 5 June;
# 2020 early May holiday moved to Friday 8 May (VE Day); 2022 spring holiday moved to 2 June and the Platinum
# Jubilee on 3 June; the State Funeral on 19 September 2022; the Coronation on 8 May 2023.
ONE_OFFS = [D(2012, 6, 4), D(2012, 6, 5), D(2020, 5, 8), D(2022, 6, 2), D(2022, 6, 3), D(2022, 9, 19), D(2023, 5, 8)]
MOVED = {D(2012, 5, 28): D(2012, 6, 4), D(2020, 5, 4): D(2020, 5, 8), D(2022, 5, 30): D(2022, 6, 2)}


def _first_monday(year: int, month: int) -> dt.date:
    first = D(year, month, 1)
    return first + dt.timedelta(days=-first.weekday() % 7)


def _last_monday(year: int, month: int) -> dt.date:
    last = D(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=last.weekday())


def _official(year: int) -> set[dt.date]:
    """The days off gov.uk lists for `year`, rebuilt from CAL-SUBSTITUTE's rules and the one-offs."""
    new_year = D(year, 1, 1)
    new_year += dt.timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0))  # Sat -> Mon 3, Sun -> Mon 2
    christmas = D(year, 12, 25)
    christmas_days = {
        4: {D(year, 12, 25), D(year, 12, 28)},  # Friday: Boxing Day's substitute is Monday 28
        5: {D(year, 12, 27), D(year, 12, 28)},  # Saturday: Monday 27 for Christmas, Tuesday 28 for Boxing Day
        6: {D(year, 12, 26), D(year, 12, 27)},  # Sunday: Monday 26 is Boxing Day, Tuesday 27 for Christmas
    }.get(christmas.weekday(), {D(year, 12, 25), D(year, 12, 26)})
    days = {
        new_year,
        EASTER[year] - dt.timedelta(days=2),
        EASTER[year] + dt.timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
        *christmas_days,
    }
    days = {MOVED.get(day, day) for day in days}
    return days | {day for day in ONE_OFFS if day.year == year}


def test_CAL_WORKING_DAY_holidays_on_weekdays_equal_the_official_list_2012_to_2028() -> None:
    for year in range(2012, 2029):
        assert bank_holidays(year) == _official(year), year


def test_CAL_WORKING_DAY_the_past_one_offs_are_present() -> None:
    present = sorted(day for year in range(2012, 2029) for day in bank_holidays(year) if day in ONE_OFFS)
    assert present == ONE_OFFS
    assert not any(is_working_day(day) for day in ONE_OFFS)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2021, {D(2021, 12, 27), D(2021, 12, 28)}, id="2021-christmas-saturday"),
        pytest.param(2027, {D(2027, 12, 27), D(2027, 12, 28)}, id="2027-christmas-saturday"),
        pytest.param(2016, {D(2016, 12, 26), D(2016, 12, 27)}, id="2016-christmas-sunday"),
        pytest.param(2022, {D(2022, 12, 26), D(2022, 12, 27)}, id="2022-christmas-sunday"),
        pytest.param(2015, {D(2015, 12, 25), D(2015, 12, 28)}, id="2015-christmas-friday"),
        pytest.param(2020, {D(2020, 12, 25), D(2020, 12, 28)}, id="2020-christmas-friday"),
        pytest.param(2026, {D(2026, 12, 25), D(2026, 12, 28)}, id="2026-christmas-friday"),
        pytest.param(2025, {D(2025, 12, 25), D(2025, 12, 26)}, id="2025-christmas-thursday"),
    ],
)
def test_CAL_SUBSTITUTE_christmas(year: int, expected: set[dt.date]) -> None:
    assert {day for day in bank_holidays(year) if day >= D(year, 12, 24)} == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2022, D(2022, 1, 3), id="2022-new-year-saturday"),
        pytest.param(2023, D(2023, 1, 2), id="2023-new-year-sunday"),
        pytest.param(2028, D(2028, 1, 3), id="2028-new-year-saturday"),
        pytest.param(2026, D(2026, 1, 1), id="2026-new-year-thursday"),
    ],
)
def test_CAL_SUBSTITUTE_new_year(year: int, expected: dt.date) -> None:
    assert {day for day in bank_holidays(year) if day.month == 1} == {expected}
    assert not is_working_day(expected)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 4, 3), False),  # Good Friday
        (D(2026, 4, 6), False),  # Easter Monday
        (D(2026, 4, 7), True),
        (D(2026, 12, 28), False),  # Boxing Day's substitute
        (D(2026, 12, 26), False),  # Saturday (and Boxing Day itself)
        (D(2026, 12, 24), True),  # Christmas Eve is a working day
        (D(2026, 11, 21), False),  # an ordinary Saturday
    ],
)
def test_CAL_WORKING_DAY_days(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "day_zero", "day_one"),
    [
        # CAL-COUNT-WD's example: referral Fri 19 Dec 2025.
        pytest.param(D(2025, 12, 19), 1, D(2025, 12, 22), D(2025, 12, 19), id="friday-plus-1"),
        pytest.param(D(2025, 12, 19), 15, D(2026, 1, 14), D(2026, 1, 13), id="friday-plus-15"),
        pytest.param(D(2025, 12, 19), 45, D(2026, 2, 25), D(2026, 2, 24), id="friday-plus-45"),
        pytest.param(D(2026, 12, 18), 45, D(2027, 2, 24), D(2027, 2, 23), id="christmas-friday-plus-45"),
        # A start on a non-working day: the next working day is day 1 either way.
        pytest.param(D(2026, 11, 21), 5, D(2026, 11, 27), D(2026, 11, 27), id="saturday-plus-5"),
        pytest.param(D(2026, 12, 25), 1, D(2026, 12, 29), D(2026, 12, 29), id="christmas-day-plus-1"),
        pytest.param(D(2026, 4, 3), 1, D(2026, 4, 7), D(2026, 4, 7), id="good-friday-plus-1"),
        # Nothing to count: the same day.
        pytest.param(D(2026, 12, 18), 0, D(2026, 12, 18), D(2026, 12, 18), id="plus-0"),
    ],
)
def test_CAL_COUNT_WD_day_zero_and_day_one(
    settings, start: dt.date, days: int, day_zero: dt.date, day_one: dt.date
) -> None:
    settings.LANTERN_WD_START_IS_DAY_ZERO = True
    assert add_working_days(start, days) == day_zero
    settings.LANTERN_WD_START_IS_DAY_ZERO = False
    assert add_working_days(start, days) == day_one


def test_CAL_COUNT_WD_day_zero_is_the_default() -> None:
    assert add_working_days(D(2025, 12, 19), 1) == D(2025, 12, 22)


def test_CAL_COUNT_WD_counts_forwards_only() -> None:
    with pytest.raises(ValueError, match="forwards"):
        add_working_days(D(2026, 1, 5), -1)


def test_CAL_WORKING_DAY_an_extra_bank_holiday_is_not_a_working_day(settings) -> None:
    proclaimed = D(2026, 12, 29)
    assert is_working_day(proclaimed)
    settings.LANTERN_EXTRA_BANK_HOLIDAYS = ["2026-12-29"]
    assert not is_working_day(proclaimed)
    assert proclaimed in bank_holidays(2026)
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 30)  # 25, 28 and now 29 are bank holidays


def test_CAL_WORKING_DAY_closure_days_count_only_when_configured(settings) -> None:
    assert add_working_days(D(2026, 12, 24), 3) == D(2026, 12, 31)  # 29, 30, 31
    settings.LANTERN_CLOSURE_DAYS = ["2026-12-29", "2026-12-30", "2026-12-31"]
    assert add_working_days(D(2026, 12, 24), 3) == D(2027, 1, 6)  # 4, 5, 6 January
    assert not is_working_day(D(2026, 12, 30))
    assert D(2026, 12, 30) not in bank_holidays(2026)  # closed, but not a bank holiday


def test_CAL_WORKING_DAY_settings_given_as_one_string_or_as_dates(settings) -> None:
    settings.LANTERN_EXTRA_BANK_HOLIDAYS = "2026-12-29, 2026-12-30"
    settings.LANTERN_CLOSURE_DAYS = [D(2026, 12, 31)]
    assert add_working_days(D(2026, 12, 24), 1) == D(2027, 1, 4)


@pytest.mark.parametrize("name", ["LANTERN_EXTRA_BANK_HOLIDAYS", "LANTERN_CLOSURE_DAYS"])
def test_CAL_WORKING_DAY_a_bad_date_in_the_settings_is_named(settings, name: str) -> None:
    setattr(settings, name, ["2026-12-32"])
    with pytest.raises(ImproperlyConfigured, match=rf"{name}: '2026-12-32' is not a date"):
        is_working_day(D(2026, 12, 1))
