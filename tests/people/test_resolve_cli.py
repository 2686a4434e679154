"""`lantern resolve --input IN.csv --output OUT.csv`: standalone, CSV in and out, broken files named by line."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.people.linkage import INPUT_COLUMNS, generate_records

HEADER = ",".join(INPUT_COLUMNS)


def _resolve(source: Path, target: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command("resolve", "--input", str(source), "--output", str(target), *extra, stdout=out)
    return out.getvalue()


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    data = generate_records(1500, seed=11)
    source = tmp_path / "records.csv"
    data.write_csv(source)
    return source, data.truth


def test_resolves_a_generated_file_with_every_record_once(generated: tuple[Path, dict[str, str]], tmp_path: Path):
    source, truth = generated
    target = tmp_path / "persons.csv"
    printed = _resolve(source, target)
    rows = _read(target)
    assert rows[0] == ["record_id", "person_id"]
    ids = [row[0] for row in rows[1:]]
    assert sorted(ids) == sorted(truth)
    assert len(ids) == len(set(ids))
    persons = {row[1] for row in rows[1:]}
    assert len(persons) < len(ids)
    assert f"Resolved {len(truth):,} records into {len(persons):,} persons" in printed
    assert "Invalid fields (used as far as possible, no record dropped): phone " in printed


def test_invalid_fields_are_reported_by_field_and_the_record_kept(tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_text(
        HEADER + "\n"
        "a1,police,Jade,Holt,,2010-02-30,F,07700 9001,KM4 7Q,AB12 CD\n"
        "a2,school,Jade,Holt,,2010-02-03,F,07700 900123,KM4 7QT,\n"
        "a3,health,Sam,Reid,,,,,,\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    printed = _resolve(source, target)
    assert [row[0] for row in _read(target)[1:]] == ["a1", "a2", "a3"]
    assert "dob 1, phone 1, postcode 1, vrm 1." in printed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "agency,given_name,family_name,aliases,dob,sex,phone,postcode,vrm\ncsc,A,B,,,,,,\n",
            "line 1: no record_id column",
            id="no-record-id-column",
        ),
        pytest.param(
            HEADER + "\nr1,csc,Ann,Lee,,,,,,\nr2,csc,Bo,Lee,,,,,,\nr1,police,Ann,Lee,,,,,,\n",
            "line 4: record_id 'r1' already used at line 2",
            id="duplicate-record-id",
        ),
        pytest.param(
            "record_id,agency,given_name,family_name,dob,sex,phone,postcode,vrm,colour\nr1,csc,A,B,,,,,,blue\n",
            "line 1: missing columns: aliases; unexpected columns: colour",
            id="wrong-column-set",
        ),
        pytest.param(
            HEADER + "\nr1,csc,Ann,Lee,,,,,,\nr2,csc,Bo,Lee,,,\n",
            "line 3: expected 10 fields, found 7",
            id="short-row",
        ),
        pytest.param(
            HEADER + "\nr1,csc,Ann,Lee,,,,,,\n,csc,Bo,Lee,,,,,,\n",
            "line 3: empty record_id",
            id="empty-record-id",
        ),
        pytest.param(
            HEADER + '\nr1,csc,Ann,Lee,,,,,,\nr2,csc,"Bo,Lee,,,,,,\n',
            "line 3: not readable as CSV",
            id="unterminated-quote",
        ),
        pytest.param("", "line 1: the file is empty", id="empty-file"),
    ],
)
def test_a_broken_file_is_an_error_naming_the_line(tmp_path: Path, content: str, message: str):
    source = tmp_path / "broken.csv"
    source.write_text(content, encoding="utf-8")
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=message):
        _resolve(source, target)
    assert not target.exists()


def test_a_file_that_is_not_utf8_is_an_error_naming_the_line(tmp_path: Path):
    source = tmp_path / "latin1.csv"
    source.write_bytes((HEADER + "\nr1,csc,Ann,Lee,,,,,,\nr2,csc,Zoë,Lee,,,,,,\n").encode("latin-1"))
    with pytest.raises(CommandError, match=r"line 3: not UTF-8 text \(byte 0xeb\)"):
        _resolve(source, tmp_path / "out.csv")


def test_a_missing_input_file_is_an_error(tmp_path: Path):
    with pytest.raises(CommandError, match="no such file"):
        _resolve(tmp_path / "absent.csv", tmp_path / "out.csv")


def test_spark_engine_says_spark_is_not_installed(tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_text(HEADER + "\nr1,csc,Ann,Lee,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Spark is not installed"):
        _resolve(source, tmp_path / "out.csv", "--engine", "spark")


def test_the_lantern_console_command_runs_it_without_a_database(tmp_path: Path):
    data = generate_records(400, seed=5)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    data.write_csv(source)
    env = {**os.environ, "LANTERN_HOME": str(tmp_path), "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    done = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "resolve", "--input", str(source), "--output", str(target)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(_read(target)) == data.records.num_rows + 1
