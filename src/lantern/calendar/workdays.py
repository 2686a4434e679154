"""England working days (CAL-WORKING-DAY) and counting in them (CAL-COUNT-WD), in Europe/London.

Bank holidays come from the `holidays` package (England, substitute days included); it also lists the real
date of a holiday that falls at a weekend, which changes nothing here because weekends are never working days.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    """CAL-WORKING-DAY: Monday to Friday, not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """CAL-COUNT-WD: the start is day 0 and the deadline is the Nth working day after it; a start on a
    non-working day makes the next working day day 1."""
    if days < 0:
        raise ValueError("count forwards only")
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a day in London, for a deadline that falls due "by the end of" it."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def working_days_due(start: dt.datetime, days: int) -> dt.datetime:
    """When something started at `start` is due if it must be done within `days` working days."""
    return end_of_day(add_working_days(start.astimezone(LONDON).date(), days))
