"""Geometry for intelligence charts drawn as inline SVG: a report's weight, and intelligence over time.
Every chart sits beside a table of the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

from lantern.intel.rules import Weight

LABEL_WIDTH = 200
PLOT_WIDTH = 300
ROW = 30
BAR = 18


@dataclass(frozen=True)
class HBar:
    label: str
    value: str
    y: float
    width: float
    text_y: float


@dataclass(frozen=True)
class WeightChart:
    bars: list[HBar]
    width: int
    height: int
    plot_x: int


def weight_chart(weight: Weight) -> WeightChart:
    """The weight the grading gives and the weight now, after ageing and corroboration, out of 100."""
    rows = [("From the grading", weight.percent_graded), ("Now, after age and corroboration", weight.percent_now)]
    bars = [
        HBar(label, f"{value}%", i * ROW + (ROW - BAR) / 2, max(PLOT_WIDTH * value / 100, 1.0), i * ROW + ROW / 2 + 5)
        for i, (label, value) in enumerate(rows)
    ]
    return WeightChart(bars=bars, width=LABEL_WIDTH + PLOT_WIDTH + 50, height=len(rows) * ROW, plot_x=LABEL_WIDTH)


@dataclass(frozen=True)
class Column:
    month: str
    x: float
    readable_y: float
    readable_height: float
    elsewhere_y: float
    elsewhere_height: float
    label_y: float
    show_label: bool


@dataclass(frozen=True)
class TimelineChart:
    columns: list[Column]
    width: int
    height: int
    plot_height: int
    column_width: float
    largest: int


TIMELINE_PLOT_HEIGHT = 140
TIMELINE_WIDTH = 560


def timeline_chart(months: list[tuple[str, int, int]]) -> TimelineChart | None:
    """Stacked monthly columns: reports the reader may read, and reports held elsewhere."""
    if not months:
        return None
    largest = max(r + e for _, r, e in months) or 1
    step = TIMELINE_WIDTH / len(months)
    width = max(min(step * 0.8, 40), 2)
    scale = TIMELINE_PLOT_HEIGHT / largest
    label_every = max(1, len(months) // 8)
    columns = []
    for index, (month, readable, elsewhere) in enumerate(months):
        readable_height, elsewhere_height = readable * scale, elsewhere * scale
        column = Column(
            month=month, x=index * step + (step - width) / 2,
            readable_y=TIMELINE_PLOT_HEIGHT - readable_height, readable_height=readable_height,
            elsewhere_y=TIMELINE_PLOT_HEIGHT - readable_height - elsewhere_height,
            elsewhere_height=elsewhere_height, label_y=TIMELINE_PLOT_HEIGHT + 16,
            show_label=index % label_every == 0,
        )  # fmt: skip
        columns.append(column)
    return TimelineChart(
        columns=columns, width=TIMELINE_WIDTH, height=TIMELINE_PLOT_HEIGHT + 24, plot_height=TIMELINE_PLOT_HEIGHT,
        column_width=width, largest=largest,
    )  # fmt: skip
