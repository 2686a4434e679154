"""England working days (CAL-WORKING-DAY) and counting in them (CAL-COUNT-WD), in Europe/London.

Bank holidays come from the `holidays` package (England, substitute days included); it also lists the real
date of a holiday that falls at a weekend, which changes nothing here because weekends are never working days.

Three settings, read at call time so a deployment (or a test) can change them:
- `LANTERN_EXTRA_BANK_HOLIDAYS`: one-off bank holidays proclaimed after the `holidays` release in use
  (CAL-WORKING-DAY: "keep an override list for future proclamations");
- `LANTERN_CLOSURE_DAYS`: the local authority's closure ("concession") days, which CAL-WORKING-DAY says "are
  not excluded unless configured";
- `LANTERN_WD_START_IS_DAY_ZERO`: CAL-COUNT-WD's convention (True: the start is day 0) or the alternative
  (False: a start on a working day is day 1); the rulebook says "keep day-0/day-1 as a config flag".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LONDON = ZoneInfo("Europe/London")


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


@cache
def _parse_days(name: str, raw: tuple[str | dt.date, ...]) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for item in raw:
        if isinstance(item, dt.date):
            days.add(item.date() if isinstance(item, dt.datetime) else item)
            continue
        try:
            days.add(dt.date.fromisoformat(item.strip()))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not a date (use YYYY-MM-DD, comma-separated)") from None
    return frozenset(days)


def _configured_days(name: str) -> frozenset[dt.date]:
    raw: Iterable[str | dt.date] = getattr(settings, name, None) or ()
    if isinstance(raw, str):  # a single date, or a comma-separated string, set directly in settings
        raw = raw.split(",")
    return _parse_days(name, tuple(item for item in raw if not isinstance(item, str) or item.strip()))


def extra_bank_holidays() -> frozenset[dt.date]:
    """LANTERN_EXTRA_BANK_HOLIDAYS: bank holidays added by proclamation, beyond what `holidays` knows."""
    return _configured_days("LANTERN_EXTRA_BANK_HOLIDAYS")


def closure_days() -> frozenset[dt.date]:
    """LANTERN_CLOSURE_DAYS: days the local authority is closed, which are then not working days."""
    return _configured_days("LANTERN_CLOSURE_DAYS")


def start_is_day_zero() -> bool:
    """LANTERN_WD_START_IS_DAY_ZERO (default True): CAL-COUNT-WD's "E's date is day 0"."""
    return bool(getattr(settings, "LANTERN_WD_START_IS_DAY_ZERO", True))


def bank_holidays(year: int) -> frozenset[dt.date]:
    """The England and Wales bank holidays of `year` that fall on a weekday (the days off, substitutes
    included), with any configured extra ones."""
    return frozenset(
        day for day in _bank_holidays(year) | extra_bank_holidays() if day.year == year and day.weekday() < 5
    )


def _is_working_day(day: dt.date, not_working: frozenset[dt.date]) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in not_working


def is_working_day(day: dt.date) -> bool:
    """CAL-WORKING-DAY: Monday to Friday, not an England and Wales bank holiday (nor a configured extra bank
    holiday or closure day)."""
    return _is_working_day(day, extra_bank_holidays() | closure_days())


def add_working_days(start: dt.date, days: int) -> dt.date:
    """CAL-COUNT-WD: the start is day 0 and the deadline is the Nth working day after it; a start on a
    non-working day makes the next working day day 1. With LANTERN_WD_START_IS_DAY_ZERO off, a start on a
    working day is itself day 1 (so 1 working day is due the same day)."""
    if days < 0:
        raise ValueError("count forwards only")
    return _counted(start, days, extra_bank_holidays() | closure_days(), start_is_day_zero())


@lru_cache(maxsize=65_536)
def _counted(start: dt.date, days: int, not_working: frozenset[dt.date], day_zero: bool) -> dt.date:
    # Remembered with the settings it was counted under: a work list counts from the same few hundred days again
    # and again, and a changed setting is a different key.
    if days and not day_zero and _is_working_day(start, not_working):
        days -= 1
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if _is_working_day(day, not_working):
            counted += 1
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a day in London, for a deadline that falls due "by the end of" it."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def working_days_due(start: dt.datetime, days: int) -> dt.datetime:
    """When something started at `start` is due if it must be done within `days` working days."""
    return end_of_day(add_working_days(start.astimezone(LONDON).date(), days))
