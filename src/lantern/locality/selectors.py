"""Reads about localities: areas, measures, and profiles as the viewer may see them.

Profiles read the small tables `services.profiles_recompute` keeps (`AreaFigure`, `PlaceFigure`). Every viewer
needs aggregate access; one without small numbers gets the figures the recompute marked suppressed as empty,
suppressed cells, and nothing derived from them (rates, limits, verdicts, sentences). No person is in any of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import quantiles
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from lantern.access.policy import Action, Category, can, require
from lantern.accounts.models import User
from lantern.locality import stats
from lantern.locality.enums import LOCAL_KINDS, ROLLING_MONTHS, SOFT_MONTHS, SOFT_PER, AreaKind, SoftMeasure
from lantern.locality.models import Area, AreaFigure, Indicator, PlaceFigure
from lantern.locality.profiles import (
    SUPPRESSED,
    Cell,
    Funnel,
    FunnelPoint,
    Hotspot,
    MapArea,
    Measure,
    Profile,
    ProfileRow,
    Source,
    TrendPoint,
    Verdict,
)
from lantern.people import normalise

_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
HOTSPOTS = 10
TREND_POINTS = SOFT_MONTHS
SUMMARY_MAX = 6
SOFT_DENOMINATOR = "children aged 10 to 17"
BANDS = 5

# --- Wards for locations (used by intel) -------------------------------------------------------------------------


def ward_for_postcode(postcode: str) -> Area | None:
    try:
        sector = normalise.postcode_sector(normalise.normalise_postcode(postcode))
    except normalise.InvalidValue:
        return None
    for ward in Area.objects.wards():
        if sector in ward.postcode_sectors:
            return ward
    return None


def ward_in_text(text: str) -> Area | None:
    """The ward a free-text location names, by a postcode in it or by the ward's name."""
    for match in _POSTCODE.finditer(text):
        if ward := ward_for_postcode(match.group()):
            return ward
    lowered = text.lower()
    for ward in Area.objects.wards():
        if re.search(rf"\b{re.escape(ward.name.lower())}\b", lowered):
            return ward
    return None


# --- Areas and measures ------------------------------------------------------------------------------------------


def borough_name() -> str:
    return str(getattr(settings, "LANTERN_BOROUGH_NAME", "") or "The borough")


def areas(*, kind: str | None = None) -> QuerySet[Area]:
    """Areas of one kind (all when None), by kind and name. Not personal data: a map's outlines and names."""
    if kind is not None and kind not in AreaKind.values:
        raise ValidationError({"kind": f"Use one of {', '.join(AreaKind.values)}"})
    found = Area.objects.select_related("parent").order_by("kind", "name")
    return found.filter(kind=kind) if kind else found


def measures() -> list[Measure]:
    """Lantern's own counts first, then the imported indicators (not the population, which is their
    denominator)."""
    soft = [Measure(m.value, m.label, Source.SOFT, SOFT_PER, True, SOFT_DENOMINATOR) for m in SoftMeasure]
    hard = [
        Measure(i.code, i.name, Source.HARD, i.per, i.higher_is_worse, i.denominator_label)
        for i in Indicator.objects.filter(is_population=False).order_by("name")
    ]
    return soft + hard


def _method(measure: Measure) -> stats.Method:
    return stats.Method.POISSON if measure.source is Source.SOFT else stats.Method.WILSON


# --- Profiles ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fig:
    measure: str
    area_id: int | None
    period: str
    period_end: dt.date
    rolling: bool
    count: int | None
    denominator: int | None
    rate: float | None
    lower: float | None
    upper: float | None
    suppressed: bool


EMPTY = Cell(None, None, None, None, None)
HIDDEN = Cell(None, None, None, None, None, suppressed=True)


class _Figures:
    """The figures a profile needs, indexed by measure, area and period."""

    def __init__(self, rows: Iterable[_Fig], *, full: bool) -> None:
        self.full = full
        self.by: dict[str, dict[int | None, dict[str, _Fig]]] = defaultdict(lambda: defaultdict(dict))
        for row in rows:
            self.by[row.measure][row.area_id][row.period] = row

    def get(self, measure: str, area: int | None, period: str) -> _Fig | None:
        return self.by.get(measure, {}).get(area, {}).get(period)

    def cell(self, figure: _Fig | None) -> Cell:
        if figure is None:
            return EMPTY
        if figure.suppressed and not self.full:
            return HIDDEN
        return Cell(figure.count, figure.denominator, figure.rate, figure.lower, figure.upper)

    def series(self, measure: str, area: int | None) -> list[_Fig]:
        """The area's figures over time (not the twelve-month rows), oldest first."""
        found = [f for f in self.by.get(measure, {}).get(area, {}).values() if not f.rolling]
        return sorted(found, key=lambda f: f.period_end)

    def latest(self, measure: str, area: int | None) -> _Fig | None:
        """A profile row's figure: the twelve months together for soft counts, else the latest period."""
        held = self.by.get(measure, {}).get(area, {})
        rolling = [f for f in held.values() if f.rolling]
        if rolling:
            return max(rolling, key=lambda f: f.period_end)
        series = self.series(measure, area)
        return series[-1] if series else None


def _area_for(area_code: str | None) -> Area | None:
    if area_code is None:
        return None
    area = Area.objects.select_related("parent").filter(code=area_code).first()
    if area is None:
        raise ValidationError({"area": f"No area with code “{area_code}”: use a ward or LSOA code from the areas list"})
    if area.kind not in LOCAL_KINDS:
        raise ValidationError(
            {"area": f"{area.name} ({area.code}) is a comparator, not an area of the borough: use a ward or LSOA code"}
        )
    return area


def _load(*, area: Area | None, map_ward: int | None, full: bool) -> _Figures:
    wanted = Q(area__isnull=True) | Q(area__kind=AreaKind.WARD)
    if area is not None:
        wanted |= Q(area_id=area.pk)
    if map_ward is not None:
        wanted |= Q(area__parent_id=map_ward)
    rows = AreaFigure.objects.filter(wanted).values_list(
        "measure", "area_id", "period", "period_end", "rolling", "count", "denominator", "rate", "lower", "upper",
        "suppressed",
    )  # fmt: skip
    return _Figures((_Fig(*row) for row in rows), full=full)


def _verdict(cell: Cell, borough: Cell, measure: Measure) -> Verdict:
    """Only figures the viewer sees are compared, so a verdict never gives away a suppressed count."""
    if cell.suppressed or borough.suppressed or cell.rate is None or borough.rate is None:
        return Verdict.NOT_COMPARED
    if cell.count is not None and cell.denominator:
        method = _method(measure)
        if method is stats.Method.WILSON and cell.count > cell.denominator:
            method = stats.Method.POISSON
        return stats.verdict(cell.rate, cell.denominator, borough.rate, per=measure.per, method=method)
    if cell.lower is not None and cell.upper is not None:  # published value and interval, no count
        if cell.lower > borough.rate:
            return Verdict.HIGHER
        if cell.upper < borough.rate:
            return Verdict.LOWER
        return Verdict.SIMILAR
    return Verdict.NOT_COMPARED


def profile(*, actor: User, area_code: str | None = None, map_measure: str | None = None) -> Profile:
    """The borough's profile (``area_code`` None) or a ward's or LSOA's, as ``actor`` may see it."""
    require(actor, Action.VIEW, Category.AGGREGATE, purpose="locality profile")
    full = can(actor, Action.VIEW, Category.SMALL_NUMBERS)
    area = _area_for(area_code)
    catalogue = measures()
    by_code = {m.code: m for m in catalogue}
    if map_measure is not None and map_measure not in by_code:
        raise ValidationError({"map_measure": f"No measure “{map_measure}”: use one of {', '.join(by_code)}"})
    wards = list(Area.objects.wards().order_by("name"))
    map_ward = None
    if area is not None:
        map_ward = area.pk if area.kind == AreaKind.WARD else area.parent_id
    figures = _load(area=area, map_ward=map_ward, full=full)
    area_id = area.pk if area is not None else None
    rows, trends, funnels = [], {}, []
    for measure in catalogue:
        mine = figures.latest(measure.code, area_id)
        if mine is None:
            continue
        own = figures.cell(mine)
        borough = figures.cell(figures.get(measure.code, None, mine.period))
        verdict = Verdict.NOT_COMPARED if area is None else _verdict(own, borough, measure)
        rows.append(ProfileRow(measure, mine.period, own, borough, verdict))
        trends[measure.code] = [
            TrendPoint(f.period, f.period_end, figures.cell(f), figures.cell(figures.get(measure.code, None, f.period)))
            for f in figures.series(measure.code, area_id)[-TREND_POINTS:]
        ]
        funnel = _funnel(measure, mine.period, wards, figures, borough)
        if funnel is not None:
            funnels.append(funnel)
    chosen = by_code.get(map_measure) if map_measure else _default_map_measure(rows)
    map_areas = _map(chosen, area, wards, figures) if chosen else []
    hotspots = _hotspots(area, full=full)
    profile = Profile(
        area_code=area.code if area else None,
        area_name=area.name if area else borough_name(),
        area_kind=area.kind if area else "borough",
        suppressed_view=not full,
        rows=rows,
        trends=trends,
        funnels=funnels,
        hotspots=hotspots,
        map_measure=chosen,
        map_areas=map_areas,
        summary=[],
        computed_at=AreaFigure.objects.aggregate(at=Max("computed_at"))["at"],
    )
    profile.summary = summary(profile)
    return profile


def _funnel(measure: Measure, period: str, wards: list[Area], figures: _Figures, borough: Cell) -> Funnel | None:
    points = []
    for ward in wards:
        figure = figures.get(measure.code, ward.pk, period)
        if figure is None:
            continue
        cell = figures.cell(figure)
        points.append(FunnelPoint(ward.code, ward.name, cell, _verdict(cell, borough, measure)))
    if not points:
        return None
    denominators = [p.cell.denominator for p in points if p.cell.denominator and p.cell.count is not None]
    limits: list[Any] = []
    if borough.rate is not None and denominators:
        limits = stats.funnel_limits(borough.rate, denominators, per=measure.per, method=_method(measure))
    return Funnel(measure, period, borough.rate, points, limits)


def _default_map_measure(rows: list[ProfileRow]) -> Measure | None:
    for row in rows:
        if row.measure.code == SoftMeasure.INTEL_REPORTS:
            return row.measure
    return rows[0].measure if rows else None


def _bands(rates: list[float]) -> list[float]:
    """Cut points between quintiles of the rates on the map."""
    distinct = sorted(set(rates))
    if len(distinct) < 2:
        return []
    return quantiles(rates, n=BANDS, method="inclusive")


def _map(measure: Measure, area: Area | None, wards: list[Area], figures: _Figures) -> list[MapArea]:
    """The borough's wards; for a ward or LSOA, the LSOAs of its ward where boundaries and figures are held (the
    wards when the measure is not counted by LSOA)."""
    shown: list[Area] = wards
    if area is not None:
        ward_id = area.pk if area.kind == AreaKind.WARD else area.parent_id
        lsoas = list(Area.objects.lsoas().filter(parent_id=ward_id).exclude(boundary=None).order_by("name"))
        if any(figures.latest(measure.code, lsoa.pk) is not None for lsoa in lsoas):
            shown = lsoas
    cells = []
    periods = {}
    for shape in shown:
        figure = figures.latest(measure.code, shape.pk)
        cells.append((shape, figures.cell(figure)))
        periods[shape.pk] = figure.period if figure else ""
    cuts = _bands([c.rate for _, c in cells if c.rate is not None and not c.suppressed])
    drawn = []
    for shape, cell in cells:
        band = None
        if cell.rate is not None and not cell.suppressed:
            band = min(bisect_right(cuts, cell.rate), BANDS - 1) if cuts else 0
        drawn.append(MapArea(shape.code, shape.name, shape.kind, shape.boundary, cell, band, periods[shape.pk]))
    return drawn


def _hotspots(area: Area | None, *, full: bool) -> list[Hotspot]:
    places = PlaceFigure.objects.select_related("place", "ward")
    if area is not None:
        places = places.filter(ward_id=area.pk if area.kind == AreaKind.WARD else area.parent_id)
    found = []
    for figure in places.order_by("-reports", "-latest", "place__name")[:HOTSPOTS]:
        hidden = figure.suppressed and not full
        cell = HIDDEN if hidden else Cell(figure.reports, None, None, None, None)
        found.append(
            Hotspot(
                place=figure.place.name,
                kind=figure.place.get_kind_display(),
                ward=figure.ward.name if figure.ward else "",
                reports=cell,
                latest=None if hidden else figure.latest,  # the day of the one report among few could point at it
            )
        )
    return found


# --- Summary -----------------------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:,.1f}"


def _per(measure: Measure) -> str:
    return {1: "", 100: "%", 1000: " per 1,000", 10_000: " per 10,000", 100_000: " per 100,000"}.get(
        measure.per, f" per {measure.per:,}"
    )


def _rate_of(measure: Measure) -> str:
    name = measure.name
    return "rate of " + (name if name[:2].isupper() else name[0].lower() + name[1:])


def summary(profile: Profile) -> list[str]:
    """Three to six sentences in plain English, from the figures the viewer sees: a suppressed figure is never
    quoted (the sentence says what it can without it, or is left out)."""
    sentences: list[str] = []
    place = profile.area_name
    if profile.area_code is None:
        sentences.append(_borough_opening(profile))
        outliers = [
            (funnel.measure, point)
            for funnel in profile.funnels
            for point in funnel.points
            if point.verdict in (Verdict.HIGHER, Verdict.LOWER)
        ]
        worse = [(m, p) for m, p in outliers if (p.verdict is Verdict.HIGHER) == m.higher_is_worse]
        for measure, point in worse[:3]:
            funnel = next(f for f in profile.funnels if f.measure == measure)
            sentences.append(_comparison(point.name, point.verdict, measure, point.cell, funnel.borough_rate))
        if not outliers:
            sentences.append("No ward's rate is significantly different from the borough's on any measure.")
    else:
        kind = "ward" if profile.area_kind == AreaKind.WARD else "LSOA"
        sentences.append(f"{place} is a {kind} of {borough_name()}; its figures are compared with the borough's.")
        different = [r for r in profile.rows if r.verdict in (Verdict.HIGHER, Verdict.LOWER)]
        for row in different[:3]:
            sentences.append(_comparison(place, row.verdict, row.measure, row.area, row.borough.rate))
        if not different:
            sentences.append(f"{place} is not significantly different from the borough on any measure shown.")
    if (trend := _intel_trend(profile)) is not None:
        sentences.append(trend)
    if profile.hotspots:
        top = profile.hotspots[0]
        where = f" in {top.ward}" if top.ward and profile.area_code is None else ""
        count = (
            f" ({top.reports.count} report{'s' if top.reports.count != 1 else ''})"
            if top.reports.count is not None and not top.reports.suppressed
            else ""
        )
        sentences.append(f"The place most named in intelligence in the last 90 days is {top.place}{where}{count}.")
    if profile.suppressed_view and _any_suppressed(profile):
        sentences.append("Some counts are small enough to identify a child, so they are shown as “c”.")
    return sentences[:SUMMARY_MAX]


def _any_suppressed(profile: Profile) -> bool:
    cells = [cell for r in profile.rows for cell in (r.area, r.borough)]
    cells += [p.cell for f in profile.funnels for p in f.points]
    cells += [m.cell for m in profile.map_areas] + [h.reports for h in profile.hotspots]
    return any(cell.suppressed for cell in cells)


def _borough_opening(profile: Profile) -> str:
    wards = len({p.code for f in profile.funnels for p in f.points})
    measured = len(profile.rows)
    if not measured:
        return f"{profile.area_name} has no locality figures yet: import indicators and recompute the profiles."
    return f"{profile.area_name}'s profile brings together {measured} measures across {wards} wards."


def _comparison(name: str, verdict: Verdict, measure: Measure, cell: Cell, borough_rate: float | None) -> str:
    direction = "higher" if verdict is Verdict.HIGHER else "lower"
    figures = ""
    if cell.rate is not None and borough_rate is not None and not cell.suppressed:
        unit = _per(measure)
        figures = f" ({_number(cell.rate)}{unit} against {_number(borough_rate)})"
    return f"{name}'s {_rate_of(measure)} is significantly {direction} than the borough's{figures}."


def _intel_trend(profile: Profile) -> str | None:
    points = profile.trends.get(SoftMeasure.INTEL_REPORTS.value, [])
    if len(points) < 2 * ROLLING_MONTHS:
        return None
    recent, before = points[-ROLLING_MONTHS:], points[-2 * ROLLING_MONTHS : -ROLLING_MONTHS]
    cells = [p.area for p in recent + before]
    if any(c.suppressed or c.count is None for c in cells):
        return None
    now = sum(p.area.count or 0 for p in recent)
    then = sum(p.area.count or 0 for p in before)
    change = "the same as" if now == then else "up from" if now > then else "down from"
    return (
        f"{profile.area_name} had {now:,} intelligence reports in the last 12 months, {change} {then:,} the year "
        "before."
    )


# --- CSV ---------------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "measure", "measure_name", "source", "per", "area_code", "area_name", "area_kind", "period", "period_end",
    "count", "denominator", "rate", "lower_95", "upper_95",
)  # fmt: skip


def _csv_values(cell: Cell) -> list[str]:
    if cell.suppressed:
        return [SUPPRESSED] * 5

    def text(value: float | int | None, digits: int | None = None) -> str:
        if value is None:
            return ""
        return f"{value:.{digits}f}" if digits is not None else str(value)

    return [text(cell.count), text(cell.denominator), text(cell.rate, 3), text(cell.lower, 3), text(cell.upper, 3)]


def profile_csv(profile: Profile) -> str:
    """One row per measure x area x period the profile holds; suppressed figures as "c" (as the DfE does)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    seen: set[tuple[str, str, str]] = set()
    own_code = profile.area_code or ""
    borough = ("", borough_name(), "borough")
    own = (own_code, profile.area_name, profile.area_kind)

    def row(measure: Measure, where: tuple[str, str, str], period: str, end: dt.date | None, cell: Cell) -> None:
        key = (measure.code, where[0], period)
        if key in seen:
            return
        seen.add(key)
        writer.writerow(
            [measure.code, measure.name, measure.source.value, measure.per, *where, period,
             end.isoformat() if end else "", *_csv_values(cell)]
        )  # fmt: skip

    ends = {(m, p.period): p.period_end for m, points in profile.trends.items() for p in points}
    for item in profile.rows:
        end = ends.get((item.measure.code, item.period))
        row(item.measure, own, item.period, end, item.area)
        row(item.measure, borough, item.period, end, item.borough)
        for point in profile.trends.get(item.measure.code, []):
            row(item.measure, own, point.period, point.period_end, point.area)
            row(item.measure, borough, point.period, point.period_end, point.borough)
    for funnel in profile.funnels:
        for dot in funnel.points:
            row(funnel.measure, (dot.code, dot.name, AreaKind.WARD.value), funnel.period, None, dot.cell)
    if profile.map_measure is not None:
        for shape in profile.map_areas:
            row(profile.map_measure, (shape.code, shape.name, shape.kind), shape.period, None, shape.cell)
    return out.getvalue()


def profile_filename(profile: Profile, *, today: dt.date | None = None) -> str:
    stamp = (today or timezone.localdate()).isoformat()
    return f"locality-profile-{profile.area_code or 'borough'}-{stamp}.csv"
