"""`lantern import training FILE --agency CODE [--user USERNAME]`: an agency's learning-system export, all or
nothing with a row-level report (and exit status 1) when refused, the same file again adding nothing, recorded as
the named user or the agency's one system administrator."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.oversight.models import TrainingRecord

pytestmark = pytest.mark.django_db

GOOD = (
    "username,course,completed_on\nsw1,cse-awareness,2025-03-01\nSW2,cse-awareness,2021-01-10\n"
    "tm1,cse-leading,2024-06-30\n"
)


@pytest.fixture(autouse=True)
def _organisation(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_organisation()


def run(path: Path, *extra: str) -> str:
    out = StringIO()
    call_command("import", "training", str(path), *extra, stdout=out)
    return out.getvalue()


def test_a_file_is_imported_once_as_the_agencys_administrator(tmp_path: Path) -> None:
    path = tmp_path / "completions.csv"
    path.write_text(GOOD)
    assert run(path, "--agency", "csc") == "Imported CSE training for csc as admin1: 3 new, 0 already held.\n"
    assert run(path, "--agency", "csc") == "Imported CSE training for csc as admin1: 0 new, 3 already held.\n"
    held = set(TrainingRecord.objects.values_list("user__username", "course__code", "source", "recorded_by__username"))
    assert held == {("sw1", "cse-awareness", "imported", "admin1"), ("sw2", "cse-awareness", "imported", "admin1"),
                    ("tm1", "cse-leading", "imported", "admin1")}  # fmt: skip
    assert (
        AuditEvent.objects.filter(action="import", object_type="training_record", actor_username="admin1").count() == 3
    )


def test_a_named_manager_imports_and_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "completions.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    assert "as tm1: 3 new" in run(path, "--agency", "csc", "--user", "tm1")


def test_a_bad_file_is_refused_whole_with_each_rows_problem(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "completions.csv"
    path.write_text(GOOD + "cse1,cse-awareness,2025-01-01\nsw3,cse-101,2025-13-01\n")
    report = tmp_path / "problems.csv"
    with pytest.raises(CommandError, match=r"3 problem\(s\) on 2 line\(s\)\. Nothing was imported"):
        run(path, "--agency", "csc", "--errors", str(report))
    printed = capsys.readouterr().err
    assert f"{path}: line 5, username: No member of your agency's staff has the username 'cse1'" in printed
    assert f"{path}: line 6, course: Unknown course 'cse-101'" in printed
    rows = list(csv.reader(report.open()))
    assert rows[0] == ["line", "field", "message"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("5", "username"), ("6", "course"), ("6", "completed_on")]
    assert not TrainingRecord.objects.exists()


def test_a_missing_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "completions.csv"
    path.write_text("user,course,date\nsw1,cse-awareness,2025-03-01\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(path, "--agency", "csc")
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "Give --agency CODE"),
        (("--agency", "nowhere"), "No agency with code 'nowhere'"),
        (("--agency", "police"), r"Give --user USERNAME: who in police is importing \(nobody yet\)"),
        (("--agency", "csc", "--user", "cse1"), "No active user 'cse1' in csc"),
        (("--agency", "csc", "--user", "sw1"), "sw1 may not import CSE training: Your role"),
    ],
    ids=["no agency", "unknown agency", "no administrator", "user elsewhere", "not allowed"],
)
def test_who_imports_must_be_clear_and_allowed(tmp_path: Path, extra: tuple[str, ...], message: str) -> None:
    path = tmp_path / "completions.csv"
    path.write_text(GOOD)
    with pytest.raises(CommandError, match=message):
        run(path, *extra)
    assert not TrainingRecord.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "completions.csv"
    path.write_bytes("username,course,completed_on\nsw1,caf\xe9,2025-01-01\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"not a CSV saved as UTF-8\. Nothing was imported"):
        run(path, "--agency", "csc")
