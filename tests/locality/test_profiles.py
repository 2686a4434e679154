"""Profiles: the figures equal counts made independently, small numbers are suppressed for those without small
numbers (with secondary suppression), and the CSV, funnels, map and summary agree with them."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from lantern.accounts.models import User
from lantern.cases.models import MissingEpisode
from lantern.intel.models import IntelReport
from lantern.locality.models import AreaFigure, PlaceFigure
from lantern.locality.profiles import SUPPRESSED, Cell, Profile, Verdict
from lantern.locality.selectors import profile, profile_csv
from lantern.locality.services import profiles_recompute
from tests.locality.world import CHILD_FAMILY_NAME, INTEL, MISSING, PLACE, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    built = build_world()
    profiles_recompute()
    return built


def user(name: str) -> User:
    return User.objects.get(username=name)


def row(view: Profile, measure: str):
    return next(r for r in view.rows if r.measure.code == measure)


def point(view: Profile, measure: str, ward: str) -> Cell:
    funnel = next(f for f in view.funnels if f.measure.code == measure)
    return next(p.cell for p in funnel.points if p.name == ward)


def test_soft_counts_equal_independent_counts(world: World) -> None:
    view = profile(actor=user("analyst1"))
    assert view.suppressed_view is False
    in_wards = IntelReport.objects.filter(ward__isnull=False).count()
    assert row(view, "intel-reports").borough.count == in_wards == sum(INTEL.values())
    for name, ward in world.wards.items():
        independent = IntelReport.objects.filter(ward=ward).count()
        assert point(view, "intel-reports", name).count == independent == INTEL[name]
        assert point(view, "missing-episodes", name).count == MISSING[name]
    # The child with no address is counted nowhere: the borough is the sum of its wards.
    assert MissingEpisode.objects.count() == sum(MISSING.values()) + 1
    assert row(view, "missing-episodes").borough.count == sum(MISSING.values())


def test_rates_use_the_children_living_there(world: World) -> None:
    view = profile(actor=user("analyst1"))
    ashby = point(view, "intel-reports", "Ashby Marsh")  # 400 + 600 children in its two LSOAs
    assert (ashby.denominator, ashby.rate) == (1000, 12.0)
    assert ashby.lower < 12.0 < ashby.upper
    brindle = point(view, "intel-reports", "Brindle")
    assert (brindle.denominator, brindle.rate) == (500, 6.0)
    crowfield = point(view, "intel-reports", "Crowfield")  # no population imported: no rate
    assert (crowfield.count, crowfield.denominator, crowfield.rate) == (0, None, None)


def test_hard_figures_add_lsoas_up_to_wards_and_the_borough(world: World) -> None:
    view = profile(actor=user("analyst1"))
    conceptions = row(view, "conceptions-under-18")
    assert conceptions.period == "2025-10"
    assert (conceptions.borough.count, conceptions.borough.denominator) == (20, 300)
    assert (
        point(view, "conceptions-under-18", "Ashby Marsh").count,
        point(view, "conceptions-under-18", "Brindle").count,
    ) == (13, 7)
    ward = profile(actor=user("analyst1"), area_code="E05990001", map_measure="conceptions-under-18")
    assert [(m.code, m.period, m.cell.count) for m in ward.map_areas] == [
        ("E01990001", "2025-10", 1), ("E01990002", "2025-10", 12),
    ]  # fmt: skip
    assert [m.band for m in ward.map_areas] == [0, 4]


def test_small_numbers_and_what_would_give_them_away_are_suppressed(world: World) -> None:
    board = profile(actor=user("board1"))
    assert board.suppressed_view is True
    intel = {name: point(board, "intel-reports", name) for name in world.wards}
    assert intel["Brindle"].suppressed  # 3: primary
    assert intel["Ashby Marsh"].suppressed  # 12: 15 - 12 would give Brindle's 3 away
    assert (intel["Crowfield"].count, intel["Crowfield"].suppressed) == (0, False)  # zero is shown
    assert row(board, "intel-reports").borough.count == 15
    hidden = intel["Brindle"]
    assert (hidden.count, hidden.denominator, hidden.rate, hidden.lower, hidden.upper) == (None,) * 5
    missing = {name: point(board, "missing-episodes", name) for name in world.wards}
    assert [missing[n].suppressed for n in ("Ashby Marsh", "Brindle", "Crowfield")] == [False, True, True]
    assert missing["Ashby Marsh"].count == 7
    # The analyst sees them all.
    full = profile(actor=user("analyst1"))
    assert not any(p.cell.suppressed for f in full.funnels for p in f.points)


def test_a_wards_trend_is_suppressed_with_its_twelve_month_total(world: World) -> None:
    view = profile(actor=user("board1"), area_code="E05990002")  # Brindle
    trend = view.trends["intel-reports"]
    assert len(trend) == 24
    assert trend[-1].area.suppressed
    assert trend[-1].borough.count == 15
    assert row(view, "intel-reports").area.suppressed  # its twelve months: 3
    assert row(view, "intel-reports").verdict is Verdict.NOT_COMPARED
    # LSOA figures of 1 and 3 in Ashby Marsh, and their neighbours, are hidden on its map.
    ashby = profile(actor=user("board1"), area_code="E05990001", map_measure="conceptions-under-18")
    assert [(m.code, m.cell.suppressed) for m in ashby.map_areas] == [("E01990001", True), ("E01990002", True)]
    assert all(m.band is None for m in ashby.map_areas)


def test_hotspots_rank_places_and_hide_small_counts(world: World) -> None:
    full = profile(actor=user("analyst1"))
    assert [(h.place, h.ward, h.reports.count) for h in full.hotspots] == [(PLACE, "Ashby Marsh", 4)]
    board = profile(actor=user("board1"))
    assert board.hotspots[0].place == PLACE
    assert board.hotspots[0].reports.suppressed
    assert PlaceFigure.objects.get().reports == 4


def test_summary_is_plain_english_and_quotes_no_suppressed_number(world: World) -> None:
    full = profile(actor=user("analyst1"))
    board = profile(actor=user("board1"))
    for view in (full, board):
        assert 3 <= len(view.summary) <= 6
        assert all(sentence.endswith(".") for sentence in view.summary)
    assert any("(4 reports)" in sentence for sentence in full.summary)
    text = " ".join(board.summary)
    assert "(4 reports)" not in text
    assert "“c”" in text


def test_csv_one_row_per_measure_area_and_period_with_c_for_suppressed(world: World) -> None:
    board = list(csv.DictReader(io.StringIO(profile_csv(profile(actor=user("board1"))))))
    keys = [(r["measure"], r["area_code"], r["period"]) for r in board]
    assert len(keys) == len(set(keys))
    brindle = next(r for r in board if r["measure"] == "intel-reports" and r["area_name"] == "Brindle")
    assert [brindle[c] for c in ("count", "denominator", "rate", "lower_95", "upper_95")] == [SUPPRESSED] * 5
    assert not [r for r in board if r["count"] not in ("", SUPPRESSED) and 1 <= int(r["count"]) <= 5]
    full = list(csv.DictReader(io.StringIO(profile_csv(profile(actor=user("analyst1"))))))
    assert any(r["count"] == "3" for r in full)
    assert CHILD_FAMILY_NAME not in profile_csv(profile(actor=user("analyst1")))


def test_recompute_replaces_everything_and_unknown_codes_are_invalid(world: World) -> None:
    before = AreaFigure.objects.count()
    assert profiles_recompute().figures == before == AreaFigure.objects.count()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="No area with code"):
        profile(actor=user("analyst1"), area_code="E05000000")
    with pytest.raises(ValidationError, match="No measure"):
        profile(actor=user("analyst1"), map_measure="nope")


def test_screenings_count_children_at_significant_or_serious_risk_by_home_ward(world: World) -> None:
    from lantern.screening.models import LevelDecision, Screening

    sw1 = user("sw1")
    for child, level in zip(world.children[:3], ("significant", "at_risk", "serious"), strict=True):
        screening = Screening.objects.create(child=child, agency=sw1.agency)
        LevelDecision.objects.create(
            screening=screening, score=12, computed_level=level, level=level, reasoning="Synthetic.", decided_by=sw1
        )
    profiles_recompute()
    view = profile(actor=user("analyst1"))
    # Ashby Marsh's child is significant, Brindle's at risk (not counted), Crowfield's serious.
    assert [point(view, "screenings", name).count for name in ("Ashby Marsh", "Brindle", "Crowfield")] == [1, 0, 1]
    assert [p.area.count for p in view.trends["screenings"][-2:]] == [0, 2]


def test_the_recompute_command(world: World, capsys) -> None:
    from django.core.management import call_command

    call_command("locality-recompute")
    out = capsys.readouterr().out
    assert "Recomputed 6 measures" in out
    assert "suppressed for viewers without small numbers" in out
