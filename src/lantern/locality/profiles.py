"""Locality profiles: each area's hard data beside Lantern's own soft counts, as the viewer may see them.

These are the types pages, the API and the CSV export share. Every figure is a `Cell`; a cell a viewer may not
see in full (a count of 1 to 5, or one that would let such a count be worked out from a total) arrives
suppressed, so no template or serializer has to remember to hide it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SUPPRESSED = "c"
"""How a suppressed figure is shown, as in the DfE's children's social care statistics ("confidential")."""


class Source(StrEnum):
    HARD = "hard"  # imported indicators (public health, education, police returns)
    SOFT = "soft"  # Lantern's own counts: intelligence, missing episodes, CSE screenings


class Verdict(StrEnum):
    """An area against the borough, by the funnel plot's 99.8% control limits (the public-health convention:
    95% limits are drawn too, but only outside 99.8% is an area called significantly different)."""

    HIGHER = "higher"
    SIMILAR = "similar"
    LOWER = "lower"
    NOT_COMPARED = "not_compared"  # suppressed, or no denominator


@dataclass(frozen=True)
class Measure:
    """Something counted per area and period: an `Indicator`, or one of Lantern's soft counts (codes
    ``intel-reports``, ``missing-episodes``, ``screenings``), whose denominator is the children aged 10 to 17."""

    code: str
    name: str
    source: Source
    per: int
    higher_is_worse: bool
    denominator_label: str


@dataclass(frozen=True)
class Cell:
    """One count and its rate per ``Measure.per`` with a 95% confidence interval, as this viewer may see it.
    When ``suppressed`` every number is None."""

    count: int | None
    denominator: int | None
    rate: float | None
    lower: float | None
    upper: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class ProfileRow:
    """A measure's latest period for the area, beside the borough's."""

    measure: Measure
    period: str
    area: Cell
    borough: Cell
    verdict: Verdict


@dataclass(frozen=True)
class TrendPoint:
    period: str
    period_end: dt.date
    area: Cell
    borough: Cell


@dataclass(frozen=True)
class FunnelLimit:
    """The control limits around the borough rate at one denominator, for drawing the funnel's curves."""

    denominator: int
    lower95: float
    upper95: float
    lower998: float
    upper998: float


@dataclass(frozen=True)
class FunnelPoint:
    code: str
    name: str
    cell: Cell
    verdict: Verdict


@dataclass(frozen=True)
class Funnel:
    """Every ward's rate for one measure and period plotted against its denominator, with the borough rate and
    limits."""

    measure: Measure
    period: str
    borough_rate: float | None
    points: list[FunnelPoint]
    limits: list[FunnelLimit]


@dataclass(frozen=True)
class Hotspot:
    """A place ranked by the intelligence reports made at or naming it in the recent window."""

    place: str
    kind: str
    ward: str
    reports: Cell
    latest: dt.date | None


@dataclass(frozen=True)
class MapArea:
    """An area to draw on the choropleth: its boundary and the figure that colours it. ``band`` is 0 (lowest)
    to 4 (highest) by quintile of the rates on the map, or None when the figure is suppressed or missing."""

    code: str
    name: str
    kind: str
    boundary: dict[str, Any] | None
    cell: Cell
    band: int | None
    period: str = ""  # the period of the figure that colours it


@dataclass
class Profile:
    """The borough's profile (``area_code`` None) or one area's."""

    area_code: str | None
    area_name: str
    area_kind: str
    suppressed_view: bool  # the viewer sees small numbers suppressed
    rows: list[ProfileRow]
    trends: dict[str, list[TrendPoint]]
    funnels: list[Funnel]
    hotspots: list[Hotspot]
    map_measure: Measure | None
    map_areas: list[MapArea]  # the borough's wards; for a ward, its LSOAs where boundaries are held
    summary: list[str]  # short sentences in plain English
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    computed_at: dt.datetime | None = None  # when the figures were last recomputed (None: never)
