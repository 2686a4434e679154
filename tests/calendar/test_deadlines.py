"""Every timescale rule in the rulebook (sections A, B, G), tested by its id at its boundaries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.exceptions import ImproperlyConfigured

from lantern.calendar.deadlines import (
    NATIONAL_WITHOUT_NUMBER,
    NOT_TIMESCALES,
    RULES,
    Basis,
    Deadline,
    NoNationalNumberError,
    Status,
    UnknownRule,
    add_months,
    due,
    rule,
)
from lantern.calendar.workdays import end_of_day

LONDON = ZoneInfo("Europe/London")
D = dt.date
RULEBOOK = Path(__file__).resolve().parents[2].parent / "shared" / "rules" / "statutory.md"
ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2020, 2030))


def at(text: str) -> dt.datetime:
    """A London wall-clock time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def _working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`, counted straight from the `holidays` package."""
    days = (start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and day not in ENGLAND)


# (rule, start, due): for every rule, starts over Christmas (2025; 2026, Christmas on a Friday; 2027, on a
# Saturday; 2022, on a Sunday), over Easter (Good Friday and Easter Monday), across substitute and one-off bank
# holidays, on a Saturday, and across the clock changes.
BOUNDARIES = [
    # WT-REF-DECIDE-1: 1 WD.
    ("WT-REF-DECIDE-1", D(2025, 12, 19), D(2025, 12, 22)),  # rulebook example: Fri 19 Dec -> Mon 22 Dec
    ("WT-REF-DECIDE-1", D(2025, 12, 24), D(2025, 12, 29)),  # 25, 26 bank holidays, 27-28 weekend
    ("WT-REF-DECIDE-1", D(2026, 12, 24), D(2026, 12, 29)),  # Christmas Fri: Mon 28 is Boxing Day's substitute
    ("WT-REF-DECIDE-1", D(2027, 12, 24), D(2027, 12, 29)),  # Christmas Sat: Mon 27 and Tue 28 are substitutes
    ("WT-REF-DECIDE-1", D(2022, 12, 23), D(2022, 12, 28)),  # Christmas Sun: Mon 26 Boxing Day, Tue 27 substitute
    ("WT-REF-DECIDE-1", D(2026, 4, 2), D(2026, 4, 7)),  # Good Friday 3 April, Easter Monday 6 April
    ("WT-REF-DECIDE-1", D(2021, 12, 31), D(2022, 1, 4)),  # New Year Sat: Mon 3 January substitute
    ("WT-REF-DECIDE-1", D(2022, 12, 30), D(2023, 1, 3)),  # New Year Sun: Mon 2 January substitute
    ("WT-REF-DECIDE-1", D(2026, 11, 21), D(2026, 11, 23)),  # a Saturday: Monday is day 1
    ("WT-REF-DECIDE-1", at("2025-12-19 23:30"), D(2025, 12, 22)),  # a time of day changes nothing
    # WT-ASSESS-45: 45 WD.
    ("WT-ASSESS-45", D(2025, 12, 19), D(2026, 2, 25)),  # rulebook example
    # Fri 18 Dec 2026: Dec 21-24 (4), [25 Christmas, 28 Boxing Day's substitute] Dec 29-31 (7), [1 Jan]
    # Jan 4-29, four weeks (27), Feb 1-19, three weeks (42), Mon 22 (43), Tue 23 (44), Wed 24 Feb 2027 (45).
    ("WT-ASSESS-45", D(2026, 12, 18), D(2027, 2, 24)),
    # Mon 16 Mar 2026: Mar 17-31 (11), Apr 1-2 (13), [Good Friday 3, Easter Monday 6] Apr 7-30 (31), May 1
    # (32), [early May 4] May 5-21 (45).
    ("WT-ASSESS-45", D(2026, 3, 16), D(2026, 5, 21)),
    # WT-ICPC-15: 15 WD.
    ("WT-ICPC-15", D(2025, 12, 19), D(2026, 1, 14)),  # rulebook example
    # Thu 23 Dec 2027: Fri 24 (1), [Christmas Sat: Mon 27, Tue 28] Dec 29-31 (4), [New Year Sat: Mon 3 Jan]
    # Jan 4-7 (8), Jan 10-14 (13), Mon 17 (14), Tue 18 Jan 2028 (15).
    ("WT-ICPC-15", D(2027, 12, 23), D(2028, 1, 18)),
    ("WT-ICPC-15", D(2026, 3, 30), D(2026, 4, 22)),  # Mar 31-Apr 2 (3), [3, 6 April] Apr 7-22 (15)
    # WT-RCPC-3M and WT-RCPC-6M: CAL-MONTHS, never moved to a working day.
    ("WT-RCPC-3M", D(2026, 11, 30), D(2027, 2, 28)),
    ("WT-RCPC-3M", D(2027, 11, 30), D(2028, 2, 29)),  # leap year
    ("WT-RCPC-3M", D(2026, 8, 15), D(2026, 11, 15)),  # a Saturday start, a Sunday deadline
    ("WT-RCPC-3M", D(2026, 9, 25), D(2026, 12, 25)),  # due on Christmas Day: not moved
    ("WT-RCPC-6M", D(2026, 8, 31), D(2027, 2, 28)),
    ("WT-RCPC-6M", D(2027, 8, 31), D(2028, 2, 29)),  # leap year
    ("WT-RCPC-6M", D(2026, 10, 3), D(2027, 4, 3)),  # due on a Saturday: not moved
    # WT-CORE-10: 10 WD.
    ("WT-CORE-10", D(2022, 12, 20), D(2023, 1, 6)),  # Dec 21-23 (3), [26, 27] 28-30 (6), [2 Jan] Jan 3-6 (10)
    ("WT-CORE-10", D(2027, 3, 24), D(2027, 4, 9)),  # Mar 25 (1), [Good Friday 26, Easter Monday 29] 30 Mar-9 Apr
    # MISS-RHI-72H: 72 real hours, Europe/London.
    ("MISS-RHI-72H", at("2026-12-24 16:30"), at("2026-12-27 16:30")),  # Christmas and the weekend count
    ("MISS-RHI-72H", at("2026-10-23 18:00"), at("2026-10-26 17:00")),  # clocks back Sun 25 Oct: 18:00 -> 17:00
    ("MISS-RHI-72H", at("2027-03-26 18:00"), at("2027-03-29 19:00")),  # clocks forward Sun 28 Mar: 18:00 -> 19:00
    ("MISS-RHI-72H", D(2026, 12, 25), at("2026-12-28 00:00")),  # a date is 00:00 London
    # LOCAL-STRAT-3: 3 WD.
    ("LOCAL-STRAT-3", D(2025, 12, 23), D(2025, 12, 30)),  # 24 (1), [25, 26, weekend] 29 (2), 30 (3)
    ("LOCAL-STRAT-3", D(2026, 4, 2), D(2026, 4, 9)),  # [Good Friday, weekend, Easter Monday] 7, 8, 9
    ("LOCAL-STRAT-3", D(2026, 11, 21), D(2026, 11, 25)),  # a Saturday: Mon 23 is day 1
    # LOCAL-S47-15: 15 WD.
    ("LOCAL-S47-15", D(2027, 3, 22), D(2027, 4, 14)),  # Mar 23-25 (3), [26, 29 Easter] Mar 30-Apr 14 (15)
    ("LOCAL-S47-15", D(2025, 12, 19), D(2026, 1, 14)),
    # LOCAL-CPVISIT-10: 10 WD.
    ("LOCAL-CPVISIT-10", D(2026, 12, 18), D(2027, 1, 6)),  # Dec 21-24 (4), [25, 28] 29-31 (7), [1 Jan] 4-6 (10)
    ("LOCAL-CPVISIT-10", D(2022, 12, 22), D(2023, 1, 10)),  # 23 (1), [26, 27] 28-30 (4), [2 Jan] 3-6 (8), 9, 10
    # LOCAL-CORE-4W: 28 calendar days.
    ("LOCAL-CORE-4W", D(2026, 12, 18), D(2027, 1, 15)),
    ("LOCAL-CORE-4W", D(2026, 11, 21), D(2026, 12, 19)),  # Saturday to Saturday: not moved
    ("LOCAL-CORE-4W", D(2028, 2, 10), D(2028, 3, 9)),  # across 29 February
    # LOCAL-OVERSIGHT-20: 20 WD.
    ("LOCAL-OVERSIGHT-20", D(2026, 12, 14), D(2027, 1, 14)),  # Dec 15-24 (8), [25, 28] 29-31 (11), [1] 4-14 (20)
    ("LOCAL-OVERSIGHT-20", D(2022, 9, 12), D(2022, 10, 11)),  # the State Funeral, Mon 19 Sep 2022, is skipped
    # LOCAL-DRIFT-10: 10 WD.
    ("LOCAL-DRIFT-10", D(2027, 12, 24), D(2028, 1, 12)),  # [27, 28] Dec 29-31 (3), [3 Jan] Jan 4-12 (10)
    ("LOCAL-DRIFT-10", D(2023, 5, 2), D(2023, 5, 17)),  # the Coronation, Mon 8 May 2023, is skipped
    # LANTERN-INTEL-24H: 24 real hours.
    ("LANTERN-INTEL-24H", at("2026-12-24 16:30"), at("2026-12-25 16:30")),  # Christmas counts
    ("LANTERN-INTEL-24H", at("2026-10-24 12:00"), at("2026-10-25 11:00")),  # clocks back: 12:00 -> 11:00
    ("LANTERN-INTEL-24H", at("2027-03-27 12:00"), at("2027-03-28 13:00")),  # clocks forward: 12:00 -> 13:00
    # LANTERN-REASSURE: the same day.
    ("LANTERN-REASSURE", D(2026, 12, 25), D(2026, 12, 25)),
    ("LANTERN-REASSURE", at("2026-12-19 23:59"), D(2026, 12, 19)),  # a Saturday night: still that day
]


def _id(row: tuple[str, dt.date, dt.date]) -> str:
    return f"{row[0]}-from-{row[1].isoformat()}"


def test_every_rule_has_boundary_cases() -> None:
    assert {row[0] for row in BOUNDARIES} == set(RULES)


@pytest.mark.parametrize(("rule_id", "start", "expected"), BOUNDARIES, ids=[_id(row) for row in BOUNDARIES])
def test_boundaries(rule_id: str, start: dt.date, expected: dt.date) -> None:
    """Due exactly on `expected`: the day (or second) before is not yet due, the day (or second) after is late."""
    deadline = due(rule_id, start)
    timescale = RULES[rule_id]
    assert deadline.rule == rule_id
    assert deadline.basis == timescale.basis
    assert deadline.due == expected
    assert type(deadline.due) is type(expected)
    if timescale.basis is Basis.HOURS:
        assert isinstance(deadline.due, dt.datetime)
        assert isinstance(deadline.start, dt.datetime)
        assert deadline.due.tzinfo == LONDON
        assert deadline.due.utcoffset() == expected.utcoffset()  # the same wall clock, in the same offset
        elapsed = deadline.due.astimezone(dt.UTC) - deadline.start.astimezone(dt.UTC)
        assert elapsed == dt.timedelta(hours=timescale.amount)  # real hours, whatever the clocks did
        assert deadline.due_at() == deadline.due
        return
    assert not isinstance(deadline.due, dt.datetime)
    # Due by the end of that day in London: a second later is the next day, and late.
    assert deadline.due_at() == end_of_day(expected)
    after = deadline.due_at() + dt.timedelta(seconds=1)
    assert (after.date(), after.time()) == (expected + dt.timedelta(days=1), dt.time(0))
    day = start.date() if isinstance(start, dt.datetime) else start
    the_day_before = expected - dt.timedelta(days=1)
    if timescale.basis is Basis.WORKING_DAYS:
        # The due day is the first on which N working days have passed: a working day, with N - 1 before it.
        assert expected.weekday() < 5
        assert expected not in ENGLAND
        assert _working_days_between(day, expected) == timescale.amount
        assert _working_days_between(day, the_day_before) == timescale.amount - 1
        assert _working_days_between(day, expected + dt.timedelta(days=1)) >= timescale.amount
    elif timescale.basis is Basis.CALENDAR_DAYS:
        assert (expected - day).days == timescale.amount
    else:
        assert add_months(day, timescale.amount) == expected
        assert expected.month == (day.month - 1 + timescale.amount) % 12 + 1  # never runs into the next month


def test_CAL_COUNT_WD_rulebook_example() -> None:
    """CAL-COUNT-WD: "referral Fri 19 Dec 2025: +1 WD Mon 22 Dec; +15 WD Wed 14 Jan 2026; +45 WD Wed 25 Feb 2026"."""
    referral = D(2025, 12, 19)
    assert due("WT-REF-DECIDE-1", referral).due == D(2025, 12, 22)
    assert due("WT-ICPC-15", referral).due == D(2026, 1, 14)
    assert due("WT-ASSESS-45", referral).due == D(2026, 2, 25)


def test_WT_ASSESS_45_day_one_counts_the_start(settings) -> None:
    """With LANTERN_WD_START_IS_DAY_ZERO off, Fri 18 Dec 2026 is itself day 1: due Tue 23 Feb 2027, one earlier."""
    settings.LANTERN_WD_START_IS_DAY_ZERO = False
    assert due("WT-ASSESS-45", D(2026, 12, 18)).due == D(2027, 2, 23)
    assert due("WT-REF-DECIDE-1", D(2026, 12, 18)).due == D(2026, 12, 18)
    assert due("WT-REF-DECIDE-1", D(2026, 12, 19)).due == D(2026, 12, 21)  # a Saturday start is unaffected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2027, 8, 31), 6, D(2028, 2, 29)),
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2026, 10, 31), 3, D(2027, 1, 31)),  # across a year end
        (D(2026, 2, 28), 3, D(2026, 5, 28)),  # 28 February is a corresponding date, not "the last day"
        (D(2026, 3, 15), 12, D(2027, 3, 15)),
        (D(2026, 3, 15), 0, D(2026, 3, 15)),
    ],
)
def test_CAL_MONTHS_corresponding_date_else_last_day(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("rule_id", "start", "due_text", "start_text"),
    [
        # A naive time is London time; an aware one is converted to London.
        ("MISS-RHI-72H", dt.datetime(2026, 6, 1, 12), "2026-06-04T12:00:00+01:00", "2026-06-01T12:00:00+01:00"),  # noqa: DTZ001
        (
            "MISS-RHI-72H",
            dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC),
            "2026-06-04T13:00:00+01:00",
            "2026-06-01T13:00:00+01:00",
        ),
        # 01:30 on 29 March 2026 never happened in London (the clocks went from 01:00 to 02:00): read as 02:30.
        ("MISS-RHI-72H", dt.datetime(2026, 3, 29, 1, 30), "2026-04-01T02:30:00+01:00", "2026-03-29T02:30:00+01:00"),  # noqa: DTZ001
        ("MISS-RHI-72H", D(2026, 10, 24), "2026-10-26T23:00:00+00:00", "2026-10-24T00:00:00+01:00"),
    ],
)
def test_CAL_HOURS_start_times(rule_id: str, start: dt.datetime, due_text: str, start_text: str) -> None:
    deadline = due(rule_id, start)
    assert deadline.as_json() == {"rule": rule_id, "start": start_text, "due": due_text, "basis": "hours"}


def test_deadline_as_json_and_due_at() -> None:
    deadline = due("WT-ASSESS-45", D(2026, 12, 18))
    assert deadline == Deadline(
        rule="WT-ASSESS-45", start=D(2026, 12, 18), due=D(2027, 2, 24), basis=Basis.WORKING_DAYS
    )
    assert deadline.as_json() == {
        "rule": "WT-ASSESS-45",
        "start": "2026-12-18",
        "due": "2027-02-24",
        "basis": "working_days",
    }
    assert deadline.due_at().isoformat() == "2027-02-24T23:59:59+00:00"
    timed = due("WT-ICPC-15", at("2026-06-01 09:15"))
    assert timed.as_json()["start"] == "2026-06-01T09:15:00+01:00"
    assert timed.due_at().isoformat() == "2026-06-22T23:59:59+01:00"


@pytest.mark.parametrize(
    ("rule_id", "setting", "value", "start", "expected"),
    [
        ("LOCAL-STRAT-3", "LANTERN_STRATEGY_WORKING_DAYS", 1, D(2025, 12, 23), D(2025, 12, 24)),
        ("LOCAL-STRAT-3", "LANTERN_STRATEGY_WORKING_DAYS", 0, D(2025, 12, 23), D(2025, 12, 23)),  # "today"
        ("LOCAL-S47-15", "LANTERN_S47_WORKING_DAYS", 10, D(2027, 3, 22), D(2027, 4, 7)),
        ("LOCAL-CPVISIT-10", "LANTERN_CP_VISIT_WORKING_DAYS", 15, D(2026, 12, 18), D(2027, 1, 13)),
        ("LOCAL-CORE-4W", "LANTERN_CORE_GROUP_WEEKS", 2, D(2026, 12, 18), D(2027, 1, 1)),  # weeks: 14 days
        ("LOCAL-OVERSIGHT-20", "LANTERN_OVERSIGHT_WORKING_DAYS", 5, D(2026, 12, 14), D(2026, 12, 21)),
        ("LOCAL-DRIFT-10", "LANTERN_DRIFT_WORKING_DAYS", 1, D(2027, 12, 24), D(2027, 12, 29)),
    ],
)
def test_LOCAL_rules_take_their_number_from_their_setting(
    settings, rule_id: str, setting: str, value: int, start: dt.date, expected: dt.date
) -> None:
    assert RULES[rule_id].setting == setting
    assert getattr(settings, setting) * (7 if setting.endswith("_WEEKS") else 1) == RULES[rule_id].amount
    setattr(settings, setting, value)
    assert due(rule_id, start).due == expected


@pytest.mark.parametrize("value", [-1, "3", 2.5, True])
def test_LOCAL_rules_refuse_a_setting_that_is_not_a_count(settings, value: object) -> None:
    settings.LANTERN_STRATEGY_WORKING_DAYS = value
    with pytest.raises(ImproperlyConfigured, match="LANTERN_STRATEGY_WORKING_DAYS"):
        due("LOCAL-STRAT-3", D(2026, 1, 5))


def test_only_LOCAL_rules_have_a_setting() -> None:
    for timescale in RULES.values():
        assert (timescale.setting is not None) == (timescale.status == Status.LOCAL), timescale.id


@pytest.mark.parametrize(("national", "local"), sorted(NATIONAL_WITHOUT_NUMBER.items()))
def test_national_rules_without_a_number_name_the_local_rule(national: str, local: str) -> None:
    assert local in RULES
    assert national not in RULES
    with pytest.raises(NoNationalNumberError, match=f"{national} sets no national number.*{local}"):
        due(national, D(2026, 1, 5))
    with pytest.raises(ValueError, match=local):
        rule(national)


@pytest.mark.parametrize("unknown", ["WT-ASSESS-46", "wt-assess-45", "", "CAL-MONTHS"])
def test_an_unknown_rule_lists_the_known_ones(unknown: str) -> None:
    with pytest.raises(UnknownRule) as refused:
        due(unknown, D(2026, 1, 5))
    assert isinstance(refused.value, ValueError)
    for known in RULES:
        assert known in str(refused.value)


def test_rule_returns_the_registered_rule() -> None:
    for rule_id, timescale in RULES.items():
        assert rule(rule_id) is timescale
        assert timescale.id == rule_id


# --- Against the rulebook itself -----------------------------------------------------------------------

ENTRY = re.compile(r"^\d+\.\s+\*\*([A-Z][A-Z0-9-]+?)\.?\*\*(.*)$", re.MULTILINE)


def _rulebook_entries() -> dict[str, tuple[str, str]]:
    """{rule id: (its entry's text, its section heading)} for sections A, B, F and G."""
    if not RULEBOOK.exists():
        pytest.skip(f"the rulebook is not at {RULEBOOK}")
    entries: dict[str, tuple[str, str]] = {}
    for section in re.split(r"^## ", RULEBOOK.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        heading = section.splitlines()[0]
        if heading[:2] not in {"A.", "B.", "F.", "G."}:
            continue
        for match in ENTRY.finditer(section):
            entries[match.group(1)] = (" ".join(match.group(2).replace("**", "").split()), heading)
    return entries


def test_every_rulebook_id_in_A_B_F_G_is_a_timescale_a_national_rule_without_a_number_or_not_a_timescale() -> None:
    ids = set(_rulebook_entries())
    assert len(ids) == 24  # 10 in A, 1 in B, 5 in F, 8 in G
    assert not set(RULES) & set(NATIONAL_WITHOUT_NUMBER)
    assert not set(RULES) & NOT_TIMESCALES
    assert ids - set(RULES) - set(NATIONAL_WITHOUT_NUMBER) - NOT_TIMESCALES == set()
    assert set(RULES) | set(NATIONAL_WITHOUT_NUMBER) | NOT_TIMESCALES == ids  # and nothing made up


@pytest.mark.parametrize("rule_id", list(RULES))
def test_each_rule_quotes_the_rulebook(rule_id: str) -> None:
    """Each rule's docstring starts with its id and status and quotes the rulebook's wording."""
    entry, heading = _rulebook_entries()[rule_id]
    timescale = RULES[rule_id]
    assert timescale.doc.startswith(f"{rule_id} (")
    status = "Service standard" if timescale.status == Status.SERVICE_STANDARD else str(timescale.status)
    assert status in entry + heading
    assert status.lower() in timescale.doc.lower()
    quoted = timescale.doc.split('"')[1]
    assert len(quoted) > 30
    assert quoted in entry
    n = timescale.amount
    wordings = {
        Basis.WORKING_DAYS: [f"{n} WD", f"{n} working day"],
        Basis.MONTHS: [f"{n} calendar months", f"{n} months"],
        Basis.HOURS: [f"{n} clock hours"],
        Basis.CALENDAR_DAYS: [f"{n // 7} weeks"] if n else ["the same day"],
    }[timescale.basis]
    assert any(wording in entry for wording in wordings), wordings
