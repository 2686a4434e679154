"""`lantern deadline --rule RULE_ID --start YYYY-MM-DD[THH:MM]`: one JSON object, or exit 2 saying why."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.calendar.deadlines import RULES

LANTERN = Path(sys.executable).with_name("lantern")


def _deadline(*args: str) -> dict[str, str]:
    out = io.StringIO()
    call_command("deadline", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.mark.parametrize(
    ("rule", "start", "expected_start", "expected_due", "basis"),
    [
        # Fri 18 Dec 2026: Dec 21-24 (4), [25 Christmas, 28 Boxing Day's substitute] 29-31 (7), [1 Jan] Jan 4-29
        # (27), Feb 1-19 (42), Mon 22 (43), Tue 23 (44), Wed 24 Feb 2027 (45).
        ("WT-ASSESS-45", "2026-12-18", "2026-12-18", "2027-02-24", "working_days"),
        # A time given to a day rule: the date counts.
        ("WT-ICPC-15", "2025-12-19T16:45", "2025-12-19T16:45:00+00:00", "2026-01-14", "working_days"),
        ("WT-RCPC-3M", "2027-11-30", "2027-11-30", "2028-02-29", "months"),
        ("LOCAL-CORE-4W", "2026-12-18", "2026-12-18", "2027-01-15", "calendar_days"),
        # A date given to an hour rule is 00:00 London; 72 real hours across the clocks going back.
        ("MISS-RHI-72H", "2026-10-24", "2026-10-24T00:00:00+01:00", "2026-10-26T23:00:00+00:00", "hours"),
        ("MISS-RHI-72H", "2026-10-23T18:00", "2026-10-23T18:00:00+01:00", "2026-10-26T17:00:00+00:00", "hours"),
        ("LANTERN-INTEL-24H", "2026-06-01T09:00Z", "2026-06-01T10:00:00+01:00", "2026-06-02T10:00:00+01:00", "hours"),
    ],
)
def test_prints_one_json_object(rule: str, start: str, expected_start: str, expected_due: str, basis: str) -> None:
    printed = _deadline("--rule", rule, "--start", start)
    assert printed == {"rule": rule, "start": expected_start, "due": expected_due, "basis": basis}


@pytest.mark.parametrize("rule", list(RULES))
def test_every_rule_is_available(rule: str) -> None:
    printed = _deadline("--rule", rule, "--start", "2026-01-05T10:00")
    assert printed["rule"] == rule
    assert printed["basis"] == RULES[rule].basis


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "WT-ASSESS-46", "--start", "2026-12-18"], "unknown rule 'WT-ASSESS-46'; the known rules are: "),
        (["--rule", "WT-STRATEGY", "--start", "2026-12-18"], "WT-STRATEGY sets no national number.*LOCAL-STRAT-3"),
        (["--rule", "WT-ASSESS-45", "--start", "18/12/2026"], "not a date or time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
        (["--rule", "WT-ASSESS-45", "--start", "2026-02-30"], "'2026-02-30' is not a date or time"),
        (["--rule", "WT-ASSESS-45", "--start", "2026-12-18T25:00"], "is not a date or time"),
        (["--rule", "WT-ASSESS-45", "--start", "20261218"], "is not a date or time"),
        (["--rule", "WT-ASSESS-45"], "the following arguments are required: --start"),
    ],
)
def test_bad_input_is_an_error_with_exit_code_2(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        call_command("deadline", *args, stdout=io.StringIO())
    if "--start" in args:
        assert refused.value.returncode == 2


# --- As a program: `.venv/bin/lantern deadline ...` --------------------------------------------------------


def _lantern(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = [str(LANTERN)] if LANTERN.exists() else [sys.executable, "-m", "lantern.cli"]
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update({"LANTERN_HOME": str(tmp_path), **env})
    return subprocess.run([*command, *args], env=environment, capture_output=True, text=True, check=False, timeout=120)


def test_program_prints_the_deadline(tmp_path: Path) -> None:
    result = _lantern(tmp_path, "deadline", "--rule", "WT-ASSESS-45", "--start", "2026-12-18")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "rule": "WT-ASSESS-45",
        "start": "2026-12-18",
        "due": "2027-02-24",
        "basis": "working_days",
    }
    assert result.stdout.count("\n") == 1


def test_program_reads_the_calendar_from_the_environment(tmp_path: Path) -> None:
    result = _lantern(
        tmp_path,
        "deadline",
        "--rule",
        "WT-REF-DECIDE-1",
        "--start",
        "2026-12-24",
        LANTERN_EXTRA_BANK_HOLIDAYS="2026-12-29,2026-12-30",
        LANTERN_CLOSURE_DAYS="2026-12-31",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["due"] == "2027-01-04"
    day_one = _lantern(
        tmp_path, "deadline", "--rule", "WT-ASSESS-45", "--start", "2026-12-18", LANTERN_WD_START_IS_DAY_ZERO="0"
    )
    assert json.loads(day_one.stdout)["due"] == "2027-02-23"


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["--rule", "NO-SUCH-RULE", "--start", "2026-12-18"], "the known rules are: WT-REF-DECIDE-1, WT-ASSESS-45"),
        (["--rule", "WT-ASSESS-45", "--start", "tomorrow"], "use YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
        (["--rule", "WT-ASSESS-45"], "the following arguments are required: --start"),
    ],
)
def test_program_exits_2_on_bad_input(tmp_path: Path, args: list[str], stderr: str) -> None:
    result = _lantern(tmp_path, "deadline", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert stderr in result.stderr
