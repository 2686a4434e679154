"""Geometry for the team's work chart, drawn as inline SVG beside a table of the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 180
PLOT_WIDTH = 320
ROW = 44
BAR = 16


@dataclass(frozen=True)
class WorkerBars:
    name: str
    overdue: int
    due_soon: int
    label_y: float
    overdue_y: float
    overdue_width: float
    due_soon_y: float
    due_soon_width: float

    @property
    def overdue_text(self) -> tuple[float, float]:
        return LABEL_WIDTH + self.overdue_width + 4, self.overdue_y + BAR - 3

    @property
    def due_soon_text(self) -> tuple[float, float]:
        return LABEL_WIDTH + self.due_soon_width + 4, self.due_soon_y + BAR - 3


@dataclass(frozen=True)
class TeamChart:
    rows: list[WorkerBars]
    width: int
    height: int
    plot_x: int
    largest: int


def team_chart(counts: list[tuple[str, int, int]]) -> TeamChart | None:
    """Two bars per worker, overdue above due soon, on one scale; None when there is nothing to draw."""
    if not counts:
        return None
    largest = max(max(overdue, soon) for _, overdue, soon in counts) or 1
    scale = PLOT_WIDTH / largest
    rows = [
        WorkerBars(
            name=name,
            overdue=overdue,
            due_soon=soon,
            label_y=i * ROW + ROW / 2 + 5,
            overdue_y=i * ROW + 4,
            overdue_width=max(overdue * scale, 1.0),
            due_soon_y=i * ROW + 4 + BAR + 2,
            due_soon_width=max(soon * scale, 1.0),
        )
        for i, (name, overdue, soon) in enumerate(counts)
    ]
    return TeamChart(rows=rows, width=LABEL_WIDTH + PLOT_WIDTH + 40, height=len(rows) * ROW, plot_x=LABEL_WIDTH,
                     largest=largest)  # fmt: skip
