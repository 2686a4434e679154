"""`lantern import records`: all or nothing, idempotent, a row-level report naming line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.people.models import Identifier, Person, Phone, SourceRecord, Vehicle
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

HEADER = "record_id,kind,given_name,family_name,aliases,dob,sex,phone,postcode,vrm,nhs_number,title,summary\n"
GOOD = (
    "S-1,child,Chloe,Marsh,street_name:Clo;Chlo,2011-05-17,F,07700 900123,km4 7qt,ab12 cde,9434765919,"
    "Persistent absence,Missed 12 days\n"
    "S-2,child,Jade,Fenwick,,2010-03,F,+44 7700 900456,,,,Seen at the gates,Collected by car\n"
)


def write(tmp_path: Path, text: str, name: str = "records.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, agency: str = "school", *extra: str) -> None:
    call_command("import", "records", str(path), "--agency", agency, *extra)


@pytest.fixture
def school():
    return AgencyFactory(code="school")


def test_valid_file_imports_with_normalised_parts(school, tmp_path, capsys) -> None:
    run(write(tmp_path, HEADER + GOOD))
    assert "2 new, 0 changed, 0 unchanged" in capsys.readouterr().out
    chloe = SourceRecord.objects.get(agency=school, source_id="S-1")
    assert (chloe.given_name, chloe.dob_display, chloe.person.kind) == ("Chloe", "2011-05-17", "child")
    assert list(Phone.objects.filter(record=chloe).values_list("number", flat=True)) == ["+447700900123"]
    assert list(Vehicle.objects.filter(record=chloe).values_list("vrm", flat=True)) == ["AB12CDE"]
    assert list(chloe.addresses.values_list("postcode", flat=True)) == ["KM4 7QT"]
    assert sorted(chloe.aliases.values_list("name", "kind")) == [("Chlo", "nickname"), ("Clo", "street_name")]
    assert list(Identifier.objects.values_list("scheme", "value")) == [("nhs_number", "9434765919")]
    jade = SourceRecord.objects.get(source_id="S-2")
    assert (jade.dob_display, jade.person.date_of_birth) == ("2010-03", None)
    assert Person.objects.count() == 2


def snapshot() -> list[tuple]:
    return sorted(
        (
            r.source_id,
            r.given_name,
            r.family_name,
            r.dob_display,
            r.title,
            tuple(sorted(r.phones.values_list("number", flat=True))),
        )
        for r in SourceRecord.objects.all()
    )


def test_running_the_same_file_again_changes_nothing(school, tmp_path, capsys) -> None:
    path = write(tmp_path, HEADER + GOOD)
    run(path)
    before, people = snapshot(), sorted(Person.objects.values_list("pk", flat=True))
    run(path)
    assert "0 new, 0 changed, 2 unchanged" in capsys.readouterr().out
    assert snapshot() == before
    assert sorted(Person.objects.values_list("pk", flat=True)) == people


def test_a_changed_row_is_updated_in_place(school, tmp_path, capsys) -> None:
    run(write(tmp_path, HEADER + GOOD))
    run(write(tmp_path, HEADER + GOOD.replace("Missed 12 days", "Missed 15 days"), "v2.csv"))
    assert "0 new, 1 changed, 1 unchanged" in capsys.readouterr().out
    assert SourceRecord.objects.get(source_id="S-1").summary == "Missed 15 days"


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        ("S-3,child,Amy,Lowe,,2011-02-30,F,,,,,t,s\n", "dob"),
        ("S-3,child,Amy,Lowe,,,F,,,,9434765918,t,s\n", "nhs_number"),
        ("S-3,child,Amy,Lowe,,,F,12345,,,,t,s\n", "phone"),
        ("S-3,child,Amy,Lowe,,,F,,,NOT A MARK!,,t,s\n", "vrm"),
        ("S-3,child,Amy,Lowe,,,F,,ZZZ,,,t,s\n", "postcode"),
        ("S-3,teen,Amy,Lowe,,,F,,,,,t,s\n", "kind"),
        (",child,Amy,Lowe,,,F,,,,,t,s\n", "record_id"),
        ("S-1,child,Amy,Lowe,,,F,,,,,t,s\n", "record_id"),
    ],
    ids=["impossible date", "NHS check digit", "phone", "mark", "postcode", "kind", "no reference", "repeat"],
)
def test_one_bad_row_stops_the_whole_import(school, tmp_path, capsys, bad_row: str, field: str) -> None:
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(write(tmp_path, HEADER + GOOD + bad_row), "school", "--errors", str(report))
    assert SourceRecord.objects.count() == 0
    assert Person.objects.count() == 0
    assert f"line 4, {field}:" in capsys.readouterr().err
    assert report.read_text().splitlines()[1].startswith(f"4,{field},")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("given_name,family_name\nAmy,Lowe\n", "line 1: the header has no record_id column"),
        ("record_id,shoe_size\nS-1,5\n", "line 1: unknown column(s) shoe_size"),
        ("record_id,given_name\nS-1,Amy,extra\n", "line 2: more values than columns"),
    ],
)
def test_a_broken_file_is_refused_with_the_line(school, tmp_path, text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(write(tmp_path, text))
    assert SourceRecord.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(school, tmp_path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"record_id,given_name\nS-1,Zo\xeb\n")
    with pytest.raises(CommandError, match="line 2: the file is not UTF-8 text"):
        run(path)


def test_unknown_agency(tmp_path) -> None:
    with pytest.raises(CommandError, match="No agency with code 'nowhere'"):
        run(write(tmp_path, HEADER + GOOD), "nowhere")
