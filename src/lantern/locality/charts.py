"""Pictures of a locality profile as inline SVG geometry: the choropleth map, trend lines and the funnel plot.

Drawn on the server from the boundaries and figures, so no tile server, CDN or script is needed, and every
picture sits beside a table of the same numbers. Suppressed figures are never drawn as values: an area whose
figure is suppressed is shaded as "suppressed", a suppressed point is left out of a line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lantern.locality.profiles import Funnel, MapArea, TrendPoint, Verdict

BANDS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
"""Five blues from light (lowest) to dark (highest); dark bands take white labels."""
NO_FIGURE = "#f3f2f1"
HIGHLIGHT = "#ffdd00"  # the GOV.UK focus yellow marks the area a profile is about
MAP_WIDTH = 640
TREND_WIDTH, TREND_HEIGHT = 640, 260
FUNNEL_WIDTH, FUNNEL_HEIGHT = 640, 320
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_RIGHT = 64, 48, 16, 16


# --- Map ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapShape:
    area: MapArea
    path: str
    fill: str
    label_x: float
    label_y: float
    current: bool


@dataclass(frozen=True)
class MapPicture:
    shapes: list[MapShape]
    width: int
    height: int


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """Every ring of a Polygon or MultiPolygon (holes included: the even-odd fill rule cuts them out)."""
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def map_picture(areas: Sequence[MapArea], *, current: str | None = None) -> MapPicture | None:
    """Project the boundaries onto a page (equirectangular, shrunk east-west by the cosine of the middle
    latitude, which is true enough at a borough's size), one path per area."""
    drawn = [(a, _rings(a.boundary)) for a in areas if a.boundary]
    points = [p for _, rings in drawn for ring in rings for p in ring]
    if not points:
        return None
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x, span_y = max((east - west) * squeeze, 1e-9), max(north - south, 1e-9)
    scale = (MAP_WIDTH - 2) / span_x
    height = round(span_y * scale) + 2

    def xy(point: Sequence[float]) -> tuple[float, float]:
        return 1 + (point[0] - west) * squeeze * scale, 1 + (north - point[1]) * scale

    shapes = []
    for area, rings in drawn:
        parts, xs, ys = [], [], []
        for ring in rings:
            projected = [xy(p) for p in ring]
            xs += [x for x, _ in projected]
            ys += [y for _, y in projected]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + "Z")
        fill = BANDS[area.band] if area.band is not None else NO_FIGURE
        shapes.append(MapShape(area, "".join(parts), fill, sum(xs) / len(xs), sum(ys) / len(ys), area.code == current))
    return MapPicture(shapes, MAP_WIDTH, height)


def legend(areas: Sequence[MapArea]) -> list[tuple[str, float, float]]:
    """(colour, lowest rate, highest rate) of each band drawn on the map, lowest band first."""
    ranges: dict[int, list[float]] = {}
    for area in areas:
        if area.band is not None and area.cell.rate is not None:
            ranges.setdefault(area.band, []).append(area.cell.rate)
    return [(BANDS[band], min(rates), max(rates)) for band, rates in sorted(ranges.items())]


# --- Axes shared by the line and funnel charts ----------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    value: float
    label: str
    position: float


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _span_ticks(low: float, high: float, start: float, end: float, count: int = 5) -> list[Tick]:
    """Ticks from a round number at or below `low` to one at or above `high`, placed between `start` and `end`."""
    step = _nice_step(max(high - low, 1.0), count)
    first, last = step * math.floor(low / step), step * math.ceil(high / step)
    if last <= first:
        last = first + step
    values = [first + step * k for k in range(round((last - first) / step) + 1)]
    return [Tick(v, f"{v:g}", start + (end - start) * (v - first) / (last - first)) for v in values]


def _ticks(top: float, start: float, end: float, count: int = 5) -> list[Tick]:
    """Ticks from 0 to just above `top`, placed between `start` (value 0) and `end` (the last tick)."""
    step = _nice_step(top if top > 0 else 1, count)
    last = step * math.ceil((top if top > 0 else 1) / step)
    values = [step * k for k in range(round(last / step) + 1)]
    return [Tick(v, f"{v:g}", start + (end - start) * v / last) for v in values]


# --- Trend ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    points: str  # SVG polyline points; a suppressed or missing figure breaks the line
    dots: list[tuple[float, float]]
    colour: str
    dashed: bool


@dataclass(frozen=True)
class TrendPicture:
    lines: list[Line]
    y_ticks: list[Tick]
    x_labels: list[Tick]
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    plot_right: int


def _segments(xs: Sequence[float], ys: Sequence[float | None], y_of: Any) -> tuple[str, list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    dots: list[tuple[float, float]] = []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if current:
                runs.append(current)
            current = []
            continue
        point = (x, y_of(y))
        current.append(point)
        dots.append(point)
    if current:
        runs.append(current)
    return " M ".join(" L ".join(f"{px:.1f},{py:.1f}" for px, py in run) for run in runs), dots


def trend_picture(points: Sequence[TrendPoint], *, area_label: str, borough_label: str) -> TrendPicture | None:
    """The area's rate (solid) and the borough's (dashed) per period; None when nothing can be drawn."""
    area_rates = [p.area.rate for p in points]
    borough_rates = [p.borough.rate for p in points] if area_label != borough_label else [None] * len(points)
    known = [r for r in (*area_rates, *borough_rates) if r is not None]
    if not points or not known:
        return None
    bottom, right = TREND_HEIGHT - MARGIN_BOTTOM, TREND_WIDTH - MARGIN_RIGHT
    y_ticks = _ticks(max(known), bottom, MARGIN_TOP)
    top_value = y_ticks[-1].value

    def y_of(value: float) -> float:
        return bottom - (bottom - MARGIN_TOP) * value / top_value

    count = len(points)
    xs = [MARGIN_LEFT + (right - MARGIN_LEFT) * (i / (count - 1) if count > 1 else 0.5) for i in range(count)]
    every = max(1, math.ceil(count / 6))
    x_labels = [Tick(i, points[i].period, xs[i]) for i in range(0, count, every)]
    lines = []
    path, dots = _segments(xs, area_rates, y_of)
    lines.append(Line(area_label, path, dots, "#1d70b8", dashed=False))
    if any(r is not None for r in borough_rates):
        path, dots = _segments(xs, borough_rates, y_of)
        lines.append(Line(borough_label, path, dots, "#505a5f", dashed=True))
    return TrendPicture(lines, y_ticks, x_labels, TREND_WIDTH, TREND_HEIGHT, MARGIN_LEFT, bottom, right)


# --- Funnel --------------------------------------------------------------------------------------------------

VERDICT_COLOURS = {
    Verdict.HIGHER: "#d4351c",
    Verdict.LOWER: "#1d70b8",
    Verdict.SIMILAR: "#505a5f",
    Verdict.NOT_COMPARED: "#b1b4b6",
}


@dataclass(frozen=True)
class FunnelDot:
    code: str
    name: str
    x: float
    y: float
    colour: str
    current: bool
    verdict: Verdict


@dataclass(frozen=True)
class FunnelPicture:
    dots: list[FunnelDot]
    average_y: float | None
    limit_paths: dict[str, str]  # lower95, upper95, lower998, upper998
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    plot_right: int


def _path(points: Iterable[tuple[float, float]]) -> str:
    return " L ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def funnel_picture(funnel: Funnel, *, current: str | None = None) -> FunnelPicture | None:
    """Each area's rate against its denominator, the borough rate across, and the 95% (dashed) and 99.8%
    (solid) control limits narrowing as the denominator grows. Suppressed areas are not plotted."""
    plotted = [p for p in funnel.points if p.cell.rate is not None and p.cell.denominator]
    if not plotted or funnel.borough_rate is None:
        return None
    bottom, right = FUNNEL_HEIGHT - MARGIN_BOTTOM, FUNNEL_WIDTH - MARGIN_RIGHT
    max_x = max([p.cell.denominator or 0 for p in plotted] + [lim.denominator for lim in funnel.limits])
    rates = [p.cell.rate or 0.0 for p in plotted] + [funnel.borough_rate]
    within = [lim for lim in funnel.limits if lim.denominator <= max_x]
    # The limits shoot up at tiny denominators: the y axis stops a little above the highest area instead.
    top = max(rates) * 1.25
    # The x axis spans the denominators drawn (areas and limits), not from zero: a borough's wards are of a size.
    min_x = min([p.cell.denominator or 0 for p in plotted] + [lim.denominator for lim in within])
    x_ticks, y_ticks = _span_ticks(min_x, max_x, MARGIN_LEFT, right), _ticks(top, bottom, MARGIN_TOP)
    x_low, x_high, y_top = x_ticks[0].value, x_ticks[-1].value, y_ticks[-1].value

    def x_of(value: float) -> float:
        return MARGIN_LEFT + (right - MARGIN_LEFT) * (value - x_low) / (x_high - x_low)

    def y_of(value: float) -> float:
        return bottom - (bottom - MARGIN_TOP) * min(max(value, 0.0), y_top) / y_top

    limits = {
        name: _path((x_of(lim.denominator), y_of(getattr(lim, name))) for lim in within)
        for name in ("lower95", "upper95", "lower998", "upper998")
    }
    dots = [
        FunnelDot(
            p.code,
            p.name,
            x_of(p.cell.denominator or 0),
            y_of(p.cell.rate or 0.0),
            VERDICT_COLOURS[p.verdict],
            p.code == current,
            p.verdict,
        )
        for p in plotted
    ]
    return FunnelPicture(
        dots,
        y_of(funnel.borough_rate),
        limits,
        x_ticks,
        y_ticks,
        FUNNEL_WIDTH,
        FUNNEL_HEIGHT,
        MARGIN_LEFT,
        bottom,
        right,
    )
