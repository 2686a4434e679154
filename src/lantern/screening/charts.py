"""Geometry for the risk history: the decided level as a step line over time, on four bands (at risk to
serious), drawn as inline SVG beside a table of the same decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lantern.screening.enums import LEVEL_ORDER, Level

LABEL_WIDTH = 110
PLOT_WIDTH = 430
BAND = 36
TOP = 8
AXIS = 26


@dataclass(frozen=True)
class BandRow:
    label: str
    y: float
    text_y: float
    fill: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class HistoryChart:
    bands: list[BandRow]
    points: list[Point]
    path: str
    width: int
    height: int
    plot_x: int
    plot_width: int
    axis_y: float
    first_label: str
    last_label: str


FILLS = {Level.AT_RISK: "#f3f2f1", Level.MODERATE: "#fff7bf", Level.SIGNIFICANT: "#fcd6c3", Level.SERIOUS: "#f6d7d2"}


def _y(level: str) -> float:
    index = LEVEL_ORDER.index(Level(level))
    return TOP + (len(LEVEL_ORDER) - 1 - index) * BAND + BAND / 2


def history_chart(decisions: Sequence[tuple[dt.datetime, str]], now: dt.datetime) -> HistoryChart | None:
    """A step line through each decided level, held until the next decision and on to `now`; None with no
    decisions to draw."""
    if not decisions:
        return None
    start = decisions[0][0]
    span = max((now - start).total_seconds(), 86_400.0)

    def x(moment: dt.datetime) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * min(max((moment - start).total_seconds() / span, 0.0), 1.0)

    points = [Point(x(at), _y(level), Level(level).label) for at, level in decisions]
    path = f"M {points[0].x:.1f} {points[0].y:.1f}"
    for point in points[1:]:
        path += f" H {point.x:.1f} V {point.y:.1f}"
    path += f" H {x(now):.1f}"
    bands = [
        BandRow(label=level.label, y=TOP + (len(LEVEL_ORDER) - 1 - i) * BAND,
                text_y=TOP + (len(LEVEL_ORDER) - 1 - i) * BAND + BAND / 2 + 5, fill=FILLS[level])
        for i, level in enumerate(LEVEL_ORDER)
    ]  # fmt: skip
    axis_y = TOP + len(LEVEL_ORDER) * BAND
    return HistoryChart(
        bands=bands, points=points, path=path, width=LABEL_WIDTH + PLOT_WIDTH + 10, height=int(axis_y + AXIS),
        plot_x=LABEL_WIDTH, plot_width=PLOT_WIDTH, axis_y=axis_y, first_label=f"{start:%-d %b %Y}",
        last_label=f"{now:%-d %b %Y}",
    )  # fmt: skip
