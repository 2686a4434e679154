"""Periods as publishers write them, read into the dates they cover.

2025-03        a month                      2025-03-01 to 2025-03-31
2024           a calendar year              2024-01-01 to 2024-12-31
2024/25        a financial year             2024-04-01 to 2025-03-31
2021 - 23      calendar years (Fingertips)  2021-01-01 to 2023-12-31
2020/21 - 22/23  financial years            2020-04-01 to 2023-03-31
2024 Q2        a quarter                    2024-04-01 to 2024-06-30
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

EXAMPLES = "2025-03 (a month), 2024 (a year), 2024/25 (a financial year) or 2021 - 23 (three years)"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL = re.compile(r"^(\d{4})/(\d{2})$")
_YEARS = re.compile(r"^(\d{4})\s*-\s*(\d{2})$")
_FINANCIAL_YEARS = re.compile(r"^(\d{4})/(\d{2})\s*-\s*(\d{2})/(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)


class PeriodError(ValueError):
    """The text is not a period Lantern can read; the message says what would be."""


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.start)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_label(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _century(start_year: int, short: int) -> int:
    """The four-digit year a two-digit end year means, given the start year: 2019/20 -> 2020, 1999/00 -> 2000."""
    year = start_year // 100 * 100 + short
    return year + 100 if year < start_year else year


def _following(start_year: int, short: int, text: str) -> int:
    end = _century(start_year, short)
    if end != start_year + 1:
        raise PeriodError(f"“{text}” is not a financial year: the second year must follow the first, like 2024/25")
    return end


def parse_period(raw: str) -> Period:  # noqa: PLR0911 - one return per published form, in the order above
    text = " ".join(raw.split())
    if not text:
        raise PeriodError(f"Enter the period, like {EXAMPLES}")
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            if year < _century(year, month) <= year + 10:  # 2021-23 written without spaces: years, not a month
                return Period(f"{year} - {match[2]}", dt.date(year, 1, 1), dt.date(_century(year, month), 12, 31))
            raise PeriodError(f"“{raw}” has no month {month}: use {EXAMPLES}")
        start = dt.date(year, month, 1)
        return Period(month_label(start), start, month_end(start))
    if match := _YEAR.match(text):
        year = int(match[1])
        return Period(text, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if match := _FINANCIAL.match(text):
        year = int(match[1])
        end = _following(year, int(match[2]), raw)
        return Period(text, dt.date(year, 4, 1), dt.date(end, 3, 31))
    if match := _YEARS.match(text):
        year = int(match[1])
        end = _century(year, int(match[2]))
        if not year < end <= year + 10:
            raise PeriodError(f"“{raw}” does not read as a run of years, like 2021 - 23")
        return Period(f"{year} - {match[2]}", dt.date(year, 1, 1), dt.date(end, 12, 31))
    if match := _FINANCIAL_YEARS.match(text):
        year = int(match[1])
        first_end = _following(year, int(match[2]), raw)
        last_start = _century(year, int(match[3]))
        last_end = _following(last_start, int(match[4]), raw)
        if not first_end <= last_end <= year + 10:
            raise PeriodError(f"“{raw}” does not read as a run of financial years, like 2020/21 - 22/23")
        return Period(f"{year}/{match[2]} - {match[3]}/{match[4]}", dt.date(year, 4, 1), dt.date(last_end, 3, 31))
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return Period(f"{year} Q{quarter}", start, month_end(dt.date(year, 3 * quarter, 1)))
    raise PeriodError(f"“{raw}” is not a period Lantern can read: use {EXAMPLES}")


def months_back(last: dt.date, count: int) -> list[dt.date]:
    """The first days of ``count`` months ending with the month of ``last``, oldest first."""
    year, month = last.year, last.month
    firsts = []
    for _ in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]
