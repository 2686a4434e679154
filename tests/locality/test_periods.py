from __future__ import annotations

import datetime as dt

import pytest

from lantern.locality.periods import PeriodError, months_back, parse_period


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2025-03", "2025-03", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        ("2024-02", "2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2024", "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024/25", "2024/25", dt.date(2024, 4, 1), dt.date(2025, 3, 31)),
        ("1999/00", "1999/00", dt.date(1999, 4, 1), dt.date(2000, 3, 31)),
        ("2021 - 23", "2021 - 23", dt.date(2021, 1, 1), dt.date(2023, 12, 31)),
        ("2021-23", "2021 - 23", dt.date(2021, 1, 1), dt.date(2023, 12, 31)),
        ("2020/21 - 22/23", "2020/21 - 22/23", dt.date(2020, 4, 1), dt.date(2023, 3, 31)),
        ("2024 Q2", "2024 Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        ("  2025-03 ", "2025-03", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ],
)
def test_periods_as_published(text: str, label: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Enter the period"),
        ("March 2025", "not a period Lantern can read"),
        ("2025-00", "no month 0"),
        ("2024/26", "not a financial year"),
        ("2021 - 20", "run of years"),
    ],
)
def test_unreadable_periods_say_what_would_do(text: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says):
        parse_period(text)


def test_months_back_across_a_new_year() -> None:
    assert months_back(dt.date(2026, 2, 14), 3) == [dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
