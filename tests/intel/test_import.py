"""`lantern import intel`: each row submitted as its submitter, all or nothing, idempotent, never an edit."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.intel.models import IntelEntity, IntelReport

pytestmark = pytest.mark.django_db

COLUMNS = (
    "report_id,submitted_by,what,when,where,people,vehicles,phones,knowledge,urgency,received_at,"
    "grading_scheme,grade,handling_conditions"
)
HEADER = COLUMNS + "\n"
GOOD = (
    'Y-1,youth1,"Girl got into a silver car outside the chip shop, driver known as Tiny",2024-03-04,'
    "Kestrelmoor bus station,Tiny;Mo,AB12 CDE,07700 900123,seen,soon,2024-03-05T09:30,,,\n"
    'Y-2,youth1,"She said she stays at a flat above the takeaway at weekends",2024-02-10T21:15,High Street,,,'
    '07700 900456;07700 900457,told_by_child,information,2024-02-12T10:00,3x5x2,2bc,"Police and CSC only"\n'
    'Y-3,youth1,"Older males seen giving alcohol to children in the park",2019-06-01,Memorial park,,,,'
    "third_party,information,2019-06-03T16:45,5x5x5,B24,\n"
)


def write(tmp_path: Path, text: str, name: str = "intel.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, *extra: str, agency: str = "youth") -> None:
    call_command("import", "intel", str(path), *extra, agency=agency)


@pytest.fixture
def youth(settings):
    # The demo users' passwords are hashed as they are made; a fast hasher keeps each test's world cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return ensure_organisation()["youth"]


def snapshot() -> list[tuple]:
    return sorted(
        (
            r.source_ref, r.reference, r.what, r.occurred_on, r.occurred_time, r.location_text, r.people_text,
            r.phones_text, r.received_at, r.grading_scheme, r.source_evaluation, r.intelligence_assessment,
            r.handling_code, r.status,
            tuple(sorted(r.entities.values_list("kind", "value"))),
        )
        for r in IntelReport.objects.all()
    )  # fmt: skip


def test_a_valid_file_imports_each_row_as_its_submitter(youth, tmp_path, capsys) -> None:
    run(write(tmp_path, HEADER + GOOD))
    assert "3 new (2 with a historic grade), 0 unchanged" in capsys.readouterr().out
    report = IntelReport.objects.get(agency=youth, source_ref="Y-1")
    youth1 = User.objects.get(username="youth1")
    assert (report.source, report.submitted_by, report.status) == ("partner", youth1, "new")
    assert (report.occurred_on, report.occurred_time) == (dt.date(2024, 3, 4), None)
    assert timezone.localtime(report.received_at).replace(tzinfo=None) == dt.datetime(2024, 3, 5, 9, 30)  # noqa: DTZ001
    assert (report.location_text, report.people_text, report.vehicles_text) == (
        "Kestrelmoor bus station", "Tiny; Mo", "AB12 CDE",
    )  # fmt: skip
    submitted = set(report.entities.filter(origin="submitted").values_list("kind", "value"))
    assert submitted == {("person", "Tiny"), ("person", "Mo"), ("vehicle", "AB12CDE"), ("phone", "+447700900123")}
    phones = IntelEntity.objects.filter(report__source_ref="Y-2", kind="phone").values_list("value", flat=True)
    assert sorted(phones) == ["+447700900456", "+447700900457"]
    assert IntelReport.objects.get(source_ref="Y-2").occurred_time == dt.time(21, 15)
    created = AuditEvent.objects.filter(action="create", object_type="intel_report")
    assert created.count() == 3
    assert set(created.values_list("actor_username", flat=True)) == {"youth1"}
    summary = AuditEvent.objects.get(action="import")
    assert (summary.actor_username, summary.purpose) == ("import:youth", "intelligence import")
    assert json.loads(summary.detail) == {"created": 3, "unchanged": 0, "graded": 2}


def test_a_3x5x2_grade_is_stored_triaged_with_its_conditions(youth, tmp_path) -> None:
    run(write(tmp_path, HEADER + GOOD))
    report = IntelReport.objects.get(source_ref="Y-2")
    assert (report.grading_scheme, report.grade, report.handling_conditions) == ("3x5x2", "2BC", "Police and CSC only")
    assert (report.status, report.graded_by, report.graded_at) == ("triaged", None, report.received_at)


def test_a_5x5x5_grade_is_kept_as_recorded(youth, tmp_path) -> None:
    run(write(tmp_path, HEADER + GOOD))
    report = IntelReport.objects.get(source_ref="Y-3")
    assert report.grading_scheme == "5x5x5"
    assert (report.source_evaluation, report.intelligence_assessment, report.handling_code) == ("B", "2", "4")
    assert report.grade == "B24 (5x5x5)"
    assert (report.status, report.graded_by, report.graded_at) == ("triaged", None, report.received_at)
    graded = AuditEvent.objects.get(action="update", object_id=str(report.pk))
    assert graded.actor_username == "import:youth"


def test_running_the_same_file_again_changes_nothing(youth, tmp_path, capsys) -> None:
    path = write(tmp_path, HEADER + GOOD.replace(",2024-03-05T09:30,", ",,"))  # one row stamped on import
    run(path)
    before, entities, audited = snapshot(), IntelEntity.objects.count(), AuditEvent.objects.count()
    run(path)
    assert "0 new, 3 unchanged" in capsys.readouterr().out
    assert snapshot() == before
    assert IntelEntity.objects.count() == entities
    assert AuditEvent.objects.count() == audited + 1  # the second run's summary, nothing else
    assert AuditEvent.objects.filter(action="import").count() == 2


def test_a_grade_given_later_in_lantern_does_not_make_the_row_differ(youth, tmp_path, capsys) -> None:
    path = write(tmp_path, HEADER + GOOD)
    run(path)
    IntelReport.objects.filter(source_ref="Y-1").update(
        grading_scheme="3x5x2", source_evaluation="1", intelligence_assessment="A", handling_code="P",
        graded_by=User.objects.get(username="analyst1"), status="closed",
    )  # fmt: skip
    run(path)
    assert "0 new, 3 unchanged" in capsys.readouterr().out


def test_a_submitter_who_has_since_left_does_not_stop_a_re_run(youth, tmp_path, capsys) -> None:
    path = write(tmp_path, HEADER + GOOD)
    run(path)
    User.objects.filter(username="youth1").update(is_active=False)
    run(path)
    assert "0 new, 3 unchanged" in capsys.readouterr().out


def test_new_rows_are_added_beside_unchanged_ones(youth, tmp_path, capsys) -> None:
    run(write(tmp_path, HEADER + GOOD))
    extra = "Y-4,youth1,Boy seen with new phone and cash,2024-04-01,Kestrelmoor bus station,,,,seen,urgent,,,,\n"
    run(write(tmp_path, HEADER + GOOD + extra, "v2.csv"))
    assert "1 new, 3 unchanged" in capsys.readouterr().out
    assert IntelReport.objects.get(source_ref="Y-4").risk == "high"


def test_an_imported_row_that_has_changed_is_an_error_not_an_edit(youth, tmp_path, capsys) -> None:
    run(write(tmp_path, HEADER + GOOD))
    before = snapshot()
    changed = GOOD.replace("in the park", "in the car park").replace(",B24,", ",C24,")
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(write(tmp_path, HEADER + changed, "v2.csv"))
    err = capsys.readouterr().err
    assert (
        "line 4, report_id: Y-3 was already imported with different content (what, grade); "
        "intelligence is never edited after submission"
    ) in err
    assert snapshot() == before


TOMORROW = (dt.date.today() + dt.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("bad_row", "field", "says"),
    [
        (f"Y-9,youth1,Seen at the gates,{TOMORROW},School gates,,,,seen,soon,,,,\n", "when", "today or in the past"),
        ("Y-9,youth1,Seen at the gates,2024-13-01,School gates,,,,seen,soon,,,,\n", "when", "YYYY-MM-DD"),
        ("Y-9,youth1,Seen at the gates,2024-03-01,School gates,,,12345,seen,soon,,,,\n", "phones", "not a phone"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,NOT A MARK!,,seen,soon,,,,\n", "vehicles", "registration mark"),
        ("Y-9,youth1,,2024-03-01,School gates,,,,seen,soon,,,,\n", "what", "Enter what was seen or heard"),
        ("Y-9,youth1,Seen at the gates,2024-03-01,,,,,seen,soon,,,,\n", "where", "Enter where it happened"),
        ("Y-9,youth1,Seen at the gates,2024-03-01,School gates,,,,heard,soon,,,,\n", "knowledge", "told_by_child"),
        ("Y-9,youth1,Seen at the gates,2024-03-01,School gates,,,,seen,now,,,,\n", "urgency", "immediate"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,,3x5x2,4AP,\n", "grade", "“4AP” cannot be used"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,,3x5x2,2BC,\n", "handling_conditions", "needs"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,,3x5x2,2BPX,\n", "grade", "not a grade"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,,5x5x5,2BP,\n", "grade", "like B24"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,,4x4,2BP,\n", "grading_scheme", "3x5x2 or 5x5x5"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,,,2BP,\n", "grading_scheme", "3x5x2 or 5x5x5"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,2024-02-01T10:00,,,\n", "received_at", "before"),
        ("Y-9,youth1,Seen,2024-03-01,School gates,,,,seen,soon,yesterday,,,\n", "received_at", "ISO"),
        ("Y-9,cse1,Seen,2024-03-01,School gates,,,,seen,soon,,,,\n", "submitted_by", "belongs to police, not youth"),
        ("Y-9,board1,Seen,2024-03-01,School gates,,,,seen,soon,,,,\n", "submitted_by", "belongs to board, not"),
        ("Y-9,nobody,Seen,2024-03-01,School gates,,,,seen,soon,,,,\n", "submitted_by", "No user “nobody”"),
        (",youth1,Seen,2024-03-01,School gates,,,,seen,soon,,,,\n", "report_id", "agency's own reference"),
        ("Y-1,youth1,Seen,2024-03-01,School gates,,,,seen,soon,,,,\n", "report_id", "repeats line 2"),
    ],
    ids=[
        "future date", "impossible date", "phone", "mark", "empty what", "no where", "unknown knowledge",
        "unknown urgency", "3x5x2 source 4", "C without conditions", "grade too long", "5x5x5 digit first",
        "unknown scheme", "grade without scheme", "received before it happened", "received unreadable",
        "police user", "board user", "unknown user", "no reference", "repeated reference",
    ],
)  # fmt: skip
def test_one_bad_row_stops_the_whole_import(youth, tmp_path, capsys, bad_row: str, field: str, says: str) -> None:
    audited = AuditEvent.objects.count()
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match=r"1 problem\(s\) on 1 line\(s\). Nothing was imported"):
        run(write(tmp_path, HEADER + GOOD + bad_row), "--errors", str(report))
    assert IntelReport.objects.count() == 0
    assert IntelEntity.objects.count() == 0
    assert AuditEvent.objects.count() == audited
    err = capsys.readouterr().err
    assert f"line 5, {field}: " in err
    assert says in err
    assert report.read_text(encoding="utf-8").splitlines()[1].startswith(f"5,{field},")


@pytest.fixture
def board_member_at_youth(youth):
    """Someone at the agency whose role may not submit intelligence."""
    return User.objects.create(username="board9", agency=youth, role="board_member")


def test_a_submitter_who_may_not_submit_intelligence_stops_the_import(board_member_at_youth, tmp_path, capsys):
    bad = "Y-9,board9,Seen,2024-03-01,School gates,,,,seen,soon,,,,\n"
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(write(tmp_path, HEADER + GOOD + bad))
    err = capsys.readouterr().err
    assert "line 5, submitted_by: “board9” (Partnership board member) may not submit intelligence" in err
    assert IntelReport.objects.count() == 0


def test_an_inactive_submitter_stops_the_import(youth, tmp_path, capsys) -> None:
    User.objects.filter(username="youth1").update(is_active=False)
    with pytest.raises(CommandError, match="3 problem"):
        run(write(tmp_path, HEADER + GOOD))
    assert "line 2, submitted_by: “youth1”'s account is not active" in capsys.readouterr().err


def test_every_problem_in_the_file_is_reported_at_once(youth, tmp_path, capsys) -> None:
    bad = (
        "Y-8,youth1,,2024-13-01,School gates,,,07700 12,rumour,soon,,,,\n"
        "Y-9,youth1,Seen at the gates,2024-03-01,School gates,,,,seen,later,,,,\n"
    )
    with pytest.raises(CommandError, match=r"4 problem\(s\) on 2 line\(s\)"):
        run(write(tmp_path, HEADER + bad + GOOD))
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in err] == [
        "line 2, what",
        "line 2, when",
        "line 2, phones",
        "line 3, urgency",
    ]
    assert "separated by “;”" in err[2]
    assert IntelReport.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("report_id,submitted_by,what\nY-1,youth1,Seen\n", "line 1: the header has no when, where, knowledge, urgency"),
        (f"{COLUMNS},shoe_size\n", "line 1: unknown column(s) shoe_size"),
        (f"{COLUMNS},what\n", "line 1: column(s) what appear more than once"),
        ("", "line 1: the file is empty"),
        (HEADER + GOOD + "Y-4,youth1,Seen\n", "line 5: 3 values where the header has 14 columns"),
        (HEADER + GOOD.replace("2024-03-04,", "2024-03-04,extra,", 1), "line 2: 15 values where the header has 14"),
        (HEADER + 'Y-1,youth1,"never closed,2024-03-04\n\n', "line 2: the row cannot be read as CSV"),
        (HEADER + 'Y-1,youth1,"quoted"then,2024-03-04\n', "line 2: the row cannot be read as CSV"),
    ],
    ids=[
        "missing columns", "unknown column", "repeated column", "empty", "short row", "long row", "open quote",
        "text after quote",
    ],
)  # fmt: skip
def test_a_broken_file_is_refused_with_the_line(youth, tmp_path, text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(write(tmp_path, text))
    assert IntelReport.objects.count() == 0


def test_a_row_spanning_lines_is_named_by_the_line_it_starts_on(youth, tmp_path, capsys) -> None:
    text = HEADER + 'Y-1,youth1,"First line\nsecond line",2024-03-04,,,,,seen,soon,,,,\n'
    with pytest.raises(CommandError):
        run(write(tmp_path, text))
    assert "line 2, where: Enter where it happened" in capsys.readouterr().err


def test_a_file_that_is_not_utf8_is_refused(youth, tmp_path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + GOOD).encode() + "Y-4,youth1,Zoë,2024-03-01,Park,,,,seen,soon,,,,\n".encode("latin-1"))
    with pytest.raises(CommandError, match="line 5: the file is not UTF-8 text"):
        run(path)


def test_a_large_file_shows_progress_and_still_imports(youth, tmp_path, monkeypatch, capsys) -> None:
    command = importlib.import_module("lantern.people.management.commands.import")
    monkeypatch.setattr(command, "PROGRESS_FROM", 1)
    run(write(tmp_path, HEADER + GOOD))
    assert "3 new" in capsys.readouterr().out
