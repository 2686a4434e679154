"""Geometry for the evidence chart: one horizontal bar per comparison, from a zero line, scaled to fit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROW = 28
LABEL_WIDTH = 230
PLOT_WIDTH = 340
BAR_HEIGHT = 16

# The linkage model names its comparisons by column ("dob", "vrm"); people read these instead.
COMPARISON_LABELS = {
    "given name": "Given name",
    "family name": "Family name",
    "aliases": "Aliases",
    "dob": "Date of birth",
    "sex": "Sex",
    "phone": "Phone number",
    "postcode": "Postcode",
    "vrm": "Vehicle registration",
}


def comparison_label(name: str) -> str:
    """A readable label for a comparison: a known column's label, or the name with a capital letter."""
    key = name.strip().replace("_", " ")
    return COMPARISON_LABELS.get(key.lower(), key[:1].upper() + key[1:])


@dataclass(frozen=True)
class Bar:
    label: str
    level: str
    weight: float
    x: float
    y: float
    width: float
    text_y: float
    supports: bool


@dataclass(frozen=True)
class EvidenceChart:
    bars: list[Bar]
    zero_x: float
    width: int
    height: int


def evidence_chart(evidence: Iterable[Mapping[str, Any]]) -> EvidenceChart:
    items = [(comparison_label(str(e["comparison"])), str(e.get("level", "")), float(e["weight"])) for e in evidence]
    largest = max((abs(w) for _, _, w in items), default=1.0) or 1.0
    negatives = any(w < 0 for _, _, w in items)
    zero_x = LABEL_WIDTH + (PLOT_WIDTH / 2 if negatives else 0)
    scale = (PLOT_WIDTH / 2 if negatives else PLOT_WIDTH) / largest
    bars = []
    for index, (label, level, weight) in enumerate(items):
        width = abs(weight) * scale
        bars.append(Bar(
            label=label, level=level, weight=weight,
            x=zero_x if weight >= 0 else zero_x - width, y=index * ROW + (ROW - BAR_HEIGHT) / 2,
            width=max(width, 1.0), text_y=index * ROW + ROW / 2 + 5, supports=weight >= 0,
        ))  # fmt: skip
    return EvidenceChart(bars=bars, zero_x=zero_x, width=LABEL_WIDTH + PLOT_WIDTH + 10, height=max(len(items), 1) * ROW)
