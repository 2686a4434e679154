"""Imports: all or nothing, a row-level report for every kind of bad input, and nothing imported twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.audit.models import AuditEvent
from lantern.locality.enums import AreaKind
from lantern.locality.imports import (
    boundaries_import,
    fingertips_import,
    indicator_values_import,
)
from lantern.locality.models import Area, ImportBatch, Indicator, IndicatorValue
from lantern.people.imports import FileError
from tests.locality.conftest import DATA, data

pytestmark = pytest.mark.django_db

HEADER = "indicator,area_code,period,numerator,denominator\n"


def snapshot() -> list[tuple]:
    return sorted(
        IndicatorValue.objects.values_list(
            "indicator__code", "area__code", "period", "period_start", "period_end", "numerator", "denominator",
            "value",
        )
    )  # fmt: skip


def run(text: str, *, replace: bool = False, name: str = "values.csv"):
    return indicator_values_import(actor=None, data=text.encode(), filename=name, replace=replace)


# --- Boundaries --------------------------------------------------------------------------------------------------


def test_ons_wards_and_lsoas_with_parents_by_point_in_polygon(borough) -> None:
    wards = {a.code: a for a in Area.objects.wards()}
    assert sorted(wards) == ["E05990001", "E05990002", "E05990003"]
    assert wards["E05990003"].boundary["type"] == "MultiPolygon"
    assert 1.0 < wards["E05990001"].longitude < 1.1
    assert 54.0 < wards["E05990001"].latitude < 54.05
    parents = dict(Area.objects.lsoas().values_list("code", "parent__code"))
    # The fourth LSOA lies in none of the borough's wards: left out, as a national file's other LSOAs would be.
    assert parents == {"E01990001": "E05990001", "E01990002": "E05990001", "E01990003": "E05990002"}


def test_boundaries_rerun_imports_nothing_and_a_new_file_updates_in_place(borough) -> None:
    again = boundaries_import(actor=None, data=data("wards.geojson"), filename="wards.geojson")
    assert again.already is not None
    assert not again.changed
    document = json.loads(data("wards.geojson"))
    document["features"][0]["properties"]["WD24NM"] = "Ashby Marsh and Fen"
    changed = boundaries_import(actor=None, data=json.dumps(document).encode(), filename="wards-2025.geojson")
    assert (changed.areas_created, changed.areas_updated, changed.unchanged) == (0, 1, 2)
    assert Area.objects.get(code="E05990001").name == "Ashby Marsh and Fen"
    assert Area.objects.wards().count() == 3


def test_lsoas_need_ward_boundaries_first(db) -> None:
    with pytest.raises(FileError, match="import the ward boundaries"):
        boundaries_import(actor=None, data=data("lsoas.geojson"), filename="lsoas.geojson")
    assert not Area.objects.exists()
    assert not ImportBatch.objects.exists()


def test_british_national_grid_is_converted_to_wgs84(db) -> None:
    result = boundaries_import(actor=None, data=data("wards_bng.geojson"), filename="bng.geojson")
    assert not result.errors
    assert "British National Grid" in result.skipped_why[0]
    ward = Area.objects.get(code="E05990009")
    # TQ 290 790 to TQ 310 810 is central London: about 51.49-51.51 N, 0.15-0.12 W.
    assert 51.48 < ward.latitude < 51.52
    assert -0.16 < ward.longitude < -0.11
    lon, lat = ward.boundary["coordinates"][0][0]
    assert -0.2 < lon < 0
    assert 51.4 < lat < 51.6


def test_other_coordinate_systems_are_refused_clearly(db) -> None:
    document = json.loads(data("wards.geojson"))
    document["crs"]["properties"]["name"] = "urn:ogc:def:crs:EPSG::3857"
    with pytest.raises(FileError, match=r"EPSG::3857.*WGS84.*British National Grid"):
        boundaries_import(actor=None, data=json.dumps(document).encode(), filename="mercator.geojson")


def test_bad_features_are_reported_by_feature_and_nothing_is_kept(db) -> None:
    document = json.loads(data("wards.geojson"))
    document["features"][1]["properties"]["WD24CD"] = "E05990001"  # a repeat
    document["features"][2]["geometry"] = {"type": "Point", "coordinates": [1.2, 54.0]}
    result = boundaries_import(actor=None, data=json.dumps(document).encode(), filename="bad.geojson")
    assert [(e.line, e.field) for e in result.errors] == [(2, "WD24CD"), (3, "geometry")]
    assert "already feature 1" in result.errors[0].message
    assert "Polygon or MultiPolygon" in result.errors[1].message
    assert not Area.objects.exists()
    assert not ImportBatch.objects.exists()


def test_files_that_are_not_ons_boundaries(db) -> None:
    with pytest.raises(FileError, match="not JSON"):
        boundaries_import(actor=None, data=b"{nope", filename="x.geojson")
    msoa = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"MSOA21CD": "E02000001"}}]}
    with pytest.raises(FileError, match=r"MSOA21CD.*ward \(WDyyCD\)"):
        boundaries_import(actor=None, data=json.dumps(msoa).encode(), filename="msoa.geojson")


# --- Lantern CSV -------------------------------------------------------------------------------------------------


def test_good_file_imports_with_periods_as_published(borough) -> None:
    result = run(data("indicators.csv").decode())
    assert not result.errors
    assert result.created == 12
    values = {(v[0], v[1], v[2]): v for v in snapshot()}
    month = values[("conceptions-under-18", "E01990002", "2025-10")]
    assert (str(month[3]), str(month[4]), month[5], month[6]) == ("2025-10-01", "2025-10-31", 12, 120)
    financial = values[("persistent-absence", "E05990001", "2024/25")]
    assert (str(financial[3]), str(financial[4])) == ("2024-04-01", "2025-03-31")
    three_years = values[("sti-diagnoses", "E05990003", "2021 - 23")]
    assert (str(three_years[3]), str(three_years[4]), three_years[6]) == ("2021-01-01", "2023-12-31", 1500)
    batch = ImportBatch.objects.get(kind="indicators")
    event = AuditEvent.objects.filter(action="import", object_type="locality_import").order_by("-seq").first()
    assert event.object_id == str(batch.pk)
    assert '"created":12' in event.detail


def test_same_file_again_imports_nothing(borough) -> None:
    run(data("indicators.csv").decode())
    before, events = snapshot(), AuditEvent.objects.count()
    again = run(data("indicators.csv").decode(), name="renamed.csv")
    assert again.already is not None
    assert again.created == 0
    assert snapshot() == before
    assert ImportBatch.objects.filter(kind="indicators").count() == 1
    assert AuditEvent.objects.count() == events


def test_another_file_with_the_same_figures_skips_them(borough) -> None:
    run(data("indicators.csv").decode())
    before = snapshot()
    overlap = HEADER + "conceptions-under-18,E01990001,2025-09,3,80\nconceptions-under-18,E01990001,2025-11,2,80\n"
    result = run(overlap)
    assert (result.created, result.unchanged, result.errors) == (1, 1, [])
    assert len(snapshot()) == len(before) + 1


@pytest.mark.parametrize(
    ("row", "field", "says"),
    [
        ("conceptions-under-18,E05000000,2025-09,3,80", "area_code", "No area with code “E05000000”"),
        ("teen-pregnancy,E01990001,2025-09,3,80", "indicator", "No indicator “teen-pregnancy”: use one of"),
        ("conceptions-under-18,E01990001,2025-09,-3,80", "numerator", "negative"),
        ("conceptions-under-18,E01990001,2025-09,3,-80", "denominator", "negative"),
        ("conceptions-under-18,E01990001,2025-09,81,80", "numerator", "above the denominator 80"),
        ("conceptions-under-18,E01990001,2025-09,three,80", "numerator", "“three” is not a number"),
        ("conceptions-under-18,E01990001,2025-09,2.5,80", "numerator", "not a whole number"),
        ("conceptions-under-18,E01990001,Sept 2025,3,80", "period", "2025-03 (a month)"),
        ("conceptions-under-18,E01990001,2025-13,3,80", "period", "no month 13"),
        ("conceptions-under-18,E01990001,2024/26,3,80", "period", "not a financial year"),
        ("conceptions-under-18,E01990001,2025-09,,80", "numerator", "Enter the count"),
    ],
)
def test_each_kind_of_bad_row_is_reported_and_nothing_is_imported(borough, row: str, field: str, says: str) -> None:
    good = "conceptions-under-18,E01990002,2025-09,9,120\n"
    result = run(HEADER + good + row + "\n")
    assert [(e.line, e.field) for e in result.errors] == [(3, field)]
    assert says in result.errors[0].message
    assert result.created == 0
    assert not IndicatorValue.objects.exists()
    assert not ImportBatch.objects.filter(kind="indicators").exists()


def test_unknown_indicator_lists_the_known_ones(borough) -> None:
    result = run(HEADER + "teen-pregnancy,E01990001,2025-09,3,80\n")
    assert "conceptions-under-18" in result.errors[0].message
    assert "sti-diagnoses" in result.errors[0].message


def test_duplicate_periods_in_a_file(borough) -> None:
    rows = "conceptions-under-18,E01990001,2025-09,3,80\nconceptions-under-18,E01990001, 2025-09 ,4,80\n"
    result = run(HEADER + rows)
    assert [(e.line, e.field) for e in result.errors] == [(3, "period")]
    assert "already on line 2" in result.errors[0].message
    assert not IndicatorValue.objects.exists()


def test_every_problem_in_the_file_is_reported_at_once(borough) -> None:
    rows = (
        "conceptions-under-18,E01990001,2025-09,3,80\n"
        "nope,E09999999,2025-09,3,80\n"
        "conceptions-under-18,E01990002,2025-09,-1,x\n"
    )
    result = run(HEADER + rows)
    assert [(e.line, e.field) for e in result.errors] == [
        (3, "indicator"), (3, "area_code"), (4, "numerator"), (4, "denominator"),
    ]  # fmt: skip


def test_broken_files_name_the_line(borough) -> None:
    with pytest.raises(FileError, match="line 1: the header has no denominator column"):
        run("indicator,area_code,period,numerator\n")
    with pytest.raises(FileError, match="line 1: unknown column"):
        run(HEADER.strip() + ",notes\n")
    with pytest.raises(FileError, match="line 3: 4 values"):
        run(HEADER + "conceptions-under-18,E01990001,2025-09,3,80\na,b,c,d\n")
    with pytest.raises(FileError, match="not UTF-8"):
        indicator_values_import(actor=None, data=HEADER.encode() + b"\xff\xfe\n", filename="x.csv")


def test_different_figures_are_conflicts_unless_replaced_and_replacing_is_audited(borough) -> None:
    run(data("indicators.csv").decode())
    before = snapshot()
    changed = HEADER + "conceptions-under-18,E01990001,2025-09,4,80\nconceptions-under-18,E01990001,2025-12,1,80\n"
    conflict = run(changed)
    assert [(e.line, e.field) for e in conflict.errors] == [(2, "indicator")]
    assert "already held as 3 of 80" in conflict.errors[0].message
    assert "--replace" in conflict.errors[0].message
    assert snapshot() == before
    replaced = run(changed, replace=True)
    assert (replaced.replaced, replaced.created, replaced.errors) == (1, 1, [])
    value = IndicatorValue.objects.get(indicator__code="conceptions-under-18", area__code="E01990001", period="2025-09")
    assert value.numerator == 4
    event = AuditEvent.objects.filter(action="import").order_by("-seq").first()
    assert '"replace":true' in event.detail
    assert "E01990001 2025-09: (3, 80" in event.detail


# --- Fingertips --------------------------------------------------------------------------------------------------


def test_fingertips_export_as_downloaded(borough) -> None:
    result = fingertips_import(actor=None, data=data("fingertips.csv"), filename="fingertips.csv")
    assert not result.errors
    assert (result.created, result.indicators_created, result.areas_created, result.skipped) == (6, 2, 3, 2)
    conceptions = Indicator.objects.get(fingertips_id=90813)
    assert (conceptions.name, conceptions.per, conceptions.source) == (
        "Under 18s conception rate / 1000", 1000, "OHID Fingertips",
    )  # fmt: skip
    assert Indicator.objects.get(fingertips_id=92196).per == 100_000
    kinds = dict(Area.objects.filter(code__in=["E92000001", "E12000001", "E06990001"]).values_list("code", "kind"))
    assert kinds == {"E92000001": AreaKind.ENGLAND, "E12000001": AreaKind.REGION, "E06990001": AreaKind.LOCAL_AUTHORITY}
    england = IndicatorValue.objects.get(indicator=conceptions, area__code="E92000001")
    assert (england.numerator, england.denominator, england.value, england.lower_ci, england.upper_ci) == (
        12982, 991021, 13.1, 12.9, 13.3,
    )  # fmt: skip
    # The deprivation-decile row and the ward the publisher suppressed are not held.
    assert not IndicatorValue.objects.filter(area__code="E05990002").exists()
    assert fingertips_import(actor=None, data=data("fingertips.csv"), filename="again.csv").already is not None


def test_fingertips_rows_for_unknown_local_areas_are_errors(borough) -> None:
    text = data("fingertips.csv").decode().replace("E05990001,Ashby Marsh,Ward", "E05999999,Nowhere,Ward")
    result = fingertips_import(actor=None, data=text.encode(), filename="ft.csv")
    assert [(e.line, e.field) for e in result.errors] == [(6, "Area Code")]
    assert not IndicatorValue.objects.exists()
    assert not Indicator.objects.filter(fingertips_id__isnull=False).exists()
    assert not Area.objects.filter(code="E92000001").exists()


def test_fingertips_area_types_lantern_does_not_hold(borough) -> None:
    text = data("fingertips.csv").decode().replace("E05990001,Ashby Marsh,Ward", "E02000001,X,MSOA")
    result = fingertips_import(actor=None, data=text.encode(), filename="ft.csv")
    assert [(e.line, e.field) for e in result.errors] == [(6, "Area Type")]


# --- The command -------------------------------------------------------------------------------------------------


def test_lantern_import_command_for_each_kind(db, tmp_path: Path, capsys) -> None:
    call_command("import", "boundaries", str(DATA / "wards.geojson"), "--no-recompute")
    call_command("import", "boundaries", str(DATA / "lsoas.geojson"), "--no-recompute")
    call_command("import", "indicators", str(DATA / "indicators.csv"))
    call_command("import", "fingertips", str(DATA / "fingertips.csv"), "--no-recompute")
    out = capsys.readouterr().out
    assert "3 areas new" in out
    assert "12 figures new" in out
    assert "Profiles recomputed" in out
    assert "1 LSOA(s) outside the borough's wards left out" in out
    call_command("import", "indicators", str(DATA / "indicators.csv"))
    assert "nothing to do" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "conceptions-under-18,E01990001,2025-09,-3,80\n")
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match=r"1 problem\(s\) on 1 line\(s\). Nothing was imported."):
        call_command("import", "indicators", str(bad), "--errors", str(report))
    assert report.read_text().splitlines()[1].startswith("2,numerator,")
    with pytest.raises(CommandError, match="Give --agency"):
        call_command("import", "records", str(bad))
