"""Horizontal bar charts as inline SVG geometry, for pages of aggregate figures. Every chart sits beside a table
of the same numbers, so nothing is only in the picture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 320
PLOT_WIDTH = 300
ROW = 30
BAR = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    plot_x: int
    value_x: int


def bar_chart(rows: Sequence[tuple[str, int]]) -> BarChart | None:
    """One bar per row, scaled to the largest value; None when there is nothing to draw."""
    if not rows or max(value for _, value in rows) == 0:
        return None
    top = max(value for _, value in rows)
    bars = [
        Bar(label, value, i * ROW + (ROW - BAR) / 2, max(PLOT_WIDTH * value / top, 1.0), i * ROW + ROW / 2 + 5)
        for i, (label, value) in enumerate(rows)
    ]
    return BarChart(
        bars=bars,
        width=LABEL_WIDTH + PLOT_WIDTH + 60,
        height=len(rows) * ROW,
        plot_x=LABEL_WIDTH,
        value_x=LABEL_WIDTH + PLOT_WIDTH + 8,
    )
