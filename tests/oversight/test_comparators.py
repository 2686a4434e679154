"""The DfE's "Children in need" files imported as downloaded: C2 (completed assessments by duration) and C4 (section
47s and initial child protection conferences), known by their header, old C4 releases with their rate columns,
GSS symbols stored empty, a broken file refused with each problem's line and column and nothing kept, the same
file twice changing nothing, a re-release updating, and the demo's illustrative files in the real layouts."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lantern.audit.models import AuditEvent
from lantern.demo.oversight import DEMO_AUTHORITIES, DEMO_REGIONS, _comparator_rows
from lantern.oversight.comparators import C2, C4, children_in_need_import, detect
from lantern.oversight.models import ComparatorFigure
from lantern.people.imports import FileError

pytestmark = pytest.mark.django_db

PLACE = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
    "new_la_code,la_name,category"
)
C2_HEADER = (
    f"{PLACE},Assessments_completed,Same_day,1-10_days,11-20_days,21-30_days,31-40_days,41-45_days,46-50_days,"
    "51-60_days,61+_days,25th_Percentile_days,Median_days,75th_Percentile_days"
)
C4_HEADER = (
    f"{PLACE},Section47,Section47_child,ICPC,ICPC_child,Duration_0-10_days,Duration_11-15_days,Duration_16-20_days,"
    "Duration_21+_days,Duration_25th_Percentile,Duration_median,Duration_75th_Percentile"
)
C4_OLD_HEADER = (
    f"{PLACE},Section47,Section47_rate,Section47_child,ICPC,ICPC_rate,ICPC_child,Duration_0-10_days,"
    "Duration_11-15_days,Duration_16-20_days,Duration_21+_days,Duration_25th_Percentile,Duration_median,"
    "Duration_75th_Percentile"
)
ENGLAND = "2025,Reporting year,National,E92000001,England,,,,,"
YORKSHIRE = "2025,Reporting year,Regional,E92000001,England,E12000003,Yorkshire and The Humber,,,"
NORTH_EAST = "2025,Reporting year,Regional,E92000001,England,E12000001,North East,,,"
OURS = (
    "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,901,E06900001,Kestrelmoor"
)
OTHER = (
    "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,370,E08000016,Barnsley"
)
C2_FILE = "\n".join([
    C2_HEADER,
    f"{ENGLAND},Duration of assessment,648830,116810,75590,112180,102260,131380,12270,37640,27860,27500,17,33,43",
    f"{YORKSHIRE},Duration of assessment,68150,9310,5600,10200,10770,13590,1310,4380,3290,3530,18,34,44",
    f"{NORTH_EAST},Duration of assessment,37420,3400,3720,5860,4560,6620,1130,2160,1420,1470,19,38,44",
    # Our authority, one band suppressed by the DfE: the count within 45 days cannot be known.
    f"{OURS},Duration of assessment,2100,356,252,357,336,420,c,105,84,105,16,31,42",
    f"{OTHER},Duration of assessment,2500,400,300,400,500,600,100,50,40,110,x,:,z",
]) + "\n"  # fmt: skip
C4_FILE = "\n".join([
    C4_HEADER,
    f"{ENGLAND},Section 47s and ICPCs,201000,187000,78000,75600,36660,24180,7800,9360,8,12,16",
    f"{YORKSHIRE},Section 47s and ICPCs,21000,19500,8400,8150,3950,2600,840,1010,8,12,16",
    f"{OURS},Section 47s and ICPCs,400,372,160,155,75,50,16,19,7,11,15",
]) + "\n"  # fmt: skip


@pytest.fixture(autouse=True)
def _our_authority(settings: Any) -> None:
    settings.LANTERN_LA_CODE = "E06900001"
    settings.LANTERN_REGION_CODE = "E12000003"


def held() -> dict[tuple[str, str, str], tuple[str, int | None, int | None]]:
    return {(f.measure, f.period, f.area_code): (f.level, f.within, f.total) for f in ComparatorFigure.objects.all()}


def test_c2_keeps_england_every_region_and_our_authority_with_suppressed_cells_empty() -> None:
    result = children_in_need_import(text=C2_FILE, filename="c2.csv", actor=None)
    assert not result.errors
    assert result.layout is C2
    assert (result.created, result.updated, result.unchanged, result.left_out) == (4, 0, 0, 1)
    assert held() == {
        ("assessment-45", "2025", "E92000001"): ("National", 116810 + 75590 + 112180 + 102260 + 131380 + 12270, 648830),
        ("assessment-45", "2025", "E12000003"): ("Regional", 9310 + 5600 + 10200 + 10770 + 13590 + 1310, 68150),
        ("assessment-45", "2025", "E12000001"): ("Regional", 3400 + 3720 + 5860 + 4560 + 6620 + 1130, 37420),
        ("assessment-45", "2025", "E06900001"): ("Local authority", None, 2100),
    }  # fmt: skip
    england = ComparatorFigure.objects.get(area_code="E92000001")
    assert (england.area_name, england.source) == ("England", "c2.csv")
    audit = AuditEvent.objects.get(action="import", object_type="comparator_figure")
    assert '"created":4' in audit.detail
    assert '"left_out":1' in audit.detail


def test_no_authority_is_kept_until_one_is_named(settings: Any) -> None:
    settings.LANTERN_LA_CODE = ""
    result = children_in_need_import(text=C2_FILE, filename="c2.csv", actor=None)
    assert (result.created, result.left_out) == (3, 2)
    assert not ComparatorFigure.objects.filter(level="Local authority").exists()


@pytest.mark.parametrize("header", [C4_HEADER, C4_OLD_HEADER], ids=["current", "with-rate-columns"])
def test_c4_within_15_days_is_the_first_two_duration_bands_of_all_four(header: str) -> None:
    text = C4_FILE
    if header == C4_OLD_HEADER:
        # The older layout has a rate after each count of enquiries and conferences.
        rows = list(csv.reader(io.StringIO(C4_FILE)))
        rows = [[*r[:12], "512.3" if i else r[11], *r[12:14], "199.0" if i else r[13], *r[14:]] for i, r in
                enumerate(rows)]  # fmt: skip
        rows[0] = header.split(",")
        text = "\n".join(",".join(r) for r in rows) + "\n"
    assert detect(next(csv.reader(io.StringIO(text)))) is C4
    result = children_in_need_import(text=text, filename="c4.csv", actor=None)
    assert not result.errors, result.errors
    assert held() == {
        ("icpc-15", "2025", "E92000001"): ("National", 36660 + 24180, 36660 + 24180 + 7800 + 9360),
        ("icpc-15", "2025", "E12000003"): ("Regional", 3950 + 2600, 3950 + 2600 + 840 + 1010),
        ("icpc-15", "2025", "E06900001"): ("Local authority", 75 + 50, 75 + 50 + 16 + 19),
    }


def test_every_gss_symbol_is_stored_empty_and_the_row_kept() -> None:
    for symbol in ("c", "x", "z", ":", "low", "u", "C"):
        ComparatorFigure.objects.all().delete()
        text = f"{C4_HEADER}\n{OURS},Section 47s and ICPCs,400,372,160,155,{symbol},50,16,19,x,x,x\n"
        result = children_in_need_import(text=text, filename="c4.csv", actor=None)
        assert not result.errors, symbol
        assert held() == {("icpc-15", "2025", "E06900001"): ("Local authority", None, None)}, symbol


def test_a_broken_file_is_refused_with_each_line_and_column_and_nothing_is_kept() -> None:
    broken = C2_FILE + "\n".join([
        f"{ENGLAND},Duration of assessment,10,1,1,1,1,1,1,1,1,1,1,1,1",  # England for 2025 again
        "2025,Reporting year,County,E92000001,England,,,,,,Duration of assessment,10,1,1,1,1,1,1,1,1,1,1,1,1",
        "25,Reporting year,Regional,E92000001,England,E1200000X,,,,,Duration of assessment,-4,1,one,1,1,1,1,1,1,1,1,"
        "1,1",
        f"{OURS[:-11]},Duration of assessment,10,,20,1,1,1,1,1,1,1,1,1,1",
    ]) + "\n"  # fmt: skip
    result = children_in_need_import(text=broken, filename="c2.csv", actor=None)
    problems = {(e.line, e.field) for e in result.errors}
    assert problems == {
        (7, "time_period"),
        (8, "geographic_level"),
        (9, "time_period"), (9, "region_code"), (9, "region_name"), (9, "Assessments_completed"), (9, "1-10_days"),
        (10, "la_name"), (10, "Same_day"),
    }  # fmt: skip
    assert "repeats line 2" in next(e.message for e in result.errors if e.line == 7)
    assert not ComparatorFigure.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_an_authoritys_part_bigger_than_its_whole_is_refused() -> None:
    text = f"{C4_HEADER}\n{OURS},x,1,1,1,1,100,50,0,0,7,11,15\n"
    assert not children_in_need_import(text=text, filename="c4.csv", actor=None).errors  # parts make the whole
    text = f"{C2_HEADER}\n{OURS},Duration of assessment,100,60,60,0,0,0,0,0,0,0,1,1,1\n"
    result = children_in_need_import(text=text, filename="c2.csv", actor=None)
    assert [(e.line, e.field) for e in result.errors] == [(2, "Assessments_completed")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("time_period,geographic_level\n2025,National\n", "not a Children in need C2"),
        (C2_HEADER.replace(",41-45_days", "") + "\n", "has no 41-45_days column"),
        (C2_HEADER + ",Same_day\n", "appear more than once"),
        (C2_HEADER + f"\n{ENGLAND},x,1\n", "line 2: 12 values where the header has 24 columns"),
    ],
    ids=["empty", "another-file", "missing-column", "repeated-column", "short-row"],
)
def test_a_file_that_is_not_c2_or_c4_is_refused_whole(text: str, message: str) -> None:
    with pytest.raises(FileError, match=message):
        children_in_need_import(text=text, filename="other.csv", actor=None)


def test_the_same_file_twice_changes_nothing_and_a_re_release_updates() -> None:
    children_in_need_import(text=C2_FILE, filename="c2.csv", actor=None)
    first = {f.pk: f.imported_at for f in ComparatorFigure.objects.all()}
    again = children_in_need_import(text=C2_FILE, filename="c2.csv", actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert {f.pk: f.imported_at for f in ComparatorFigure.objects.all()} == first
    revised = C2_FILE.replace("68150,9310", "68160,9320")  # the region's figures revised in a later release
    result = children_in_need_import(text=revised, filename="c2-revised.csv", actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    region = ComparatorFigure.objects.get(area_code="E12000003")
    assert (region.within, region.total, region.source) == (50790, 68160, "c2-revised.csv")
    assert AuditEvent.objects.filter(action="import", object_type="comparator_figure").count() == 3


def test_the_command_imports_and_refuses_with_a_report(tmp_path: Path) -> None:
    good = tmp_path / "c4.csv"
    good.write_text(C4_FILE, encoding="utf-8-sig")  # as Excel saves "CSV UTF-8", with a byte-order mark
    out = io.StringIO()
    call_command("import", "children-in-need", str(good), stdout=out)
    assert "3 figures new, 0 updated, 0 unchanged" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(C4_FILE + f"{NORTH_EAST},x,1,1,1,1,one,1,1,1,1,1,1\n", encoding="utf-8")
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", "children-in-need", str(bad), "--errors", str(report), stderr=io.StringIO())
    with report.open(newline="") as written:
        assert list(csv.reader(written)) == [
            ["line", "field", "message"],
            ["5", "Duration_0-10_days", "“one” is not a count or a GSS symbol (c, x, z, :, low, u)"],
        ]
    assert ComparatorFigure.objects.count() == 3
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="not a Children in need C2"):
        call_command("import", "children-in-need", str(other))


def test_the_demo_writes_the_dfe_layouts_with_every_region_and_invented_authorities() -> None:
    c2_rows, c4_rows = _comparator_rows(random.Random(3), 2025)
    for rows, layout in ((c2_rows, C2), (c4_rows, C4)):
        assert detect(list(rows[0])) is layout
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        assert not children_in_need_import(text=text.getvalue(), filename="demo.csv", actor=None).errors
    levels = [r["geographic_level"] for r in c2_rows]
    assert levels == ["National"] + ["Regional"] * len(DEMO_REGIONS) + ["Local authority"] * len(DEMO_AUTHORITIES)
    assert {r["region_code"] for r in c2_rows[1:10]} == {f"E1200000{n}" for n in range(1, 10)}
    # England's and the regions' figures are rounded to 10 as the DfE's are; a small authority's bands of 1 to 5
    # are suppressed.
    assert all(isinstance(v, int) and v % 10 == 0 for r in c2_rows[:10] for k, v in r.items() if k.endswith("_days")
               and "Percentile" not in k and "Median" not in k)  # fmt: skip
    assert "c" in [v for r in c4_rows for v in r.values()]
