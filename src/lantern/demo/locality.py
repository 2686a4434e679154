"""Kestrelmoor's map and two years of its locality figures, written as the files a partnership would import.

The boundaries come out as ONS Open Geography GeoJSON (``WD24CD``/``WD24NM`` for wards, ``LSOA21CD``/
``LSOA21NM`` for LSOAs) and the figures as Lantern's indicator CSV, and the demo loads both through the same
importers an analyst uses, so the sample files under ``var/demo/`` are real inputs to try.

The wards tile a lattice over open sea: each ward is a cell of the 4 x 3 grid its centroid sits on, split
2 x 2 into LSOAs, with the lattice's corners and edges jittered so the map looks drawn rather than ruled.
Neighbours share every vertex, so the map has no gaps or overlaps. A few wards truly stand out in the figures
(`STAND_OUT`), where the demo's intelligence also gathers, so the choropleth and funnel plots show something.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from lantern.locality.catalogue import POPULATION
from lantern.locality.imports import ImportResult, boundaries_import, indicator_values_import
from lantern.locality.models import Area

LATTICE_JITTER = 0.2  # of half a ward's height or width: corners move this far at most
EDGE_JITTER = 0.1  # edge midpoints move this far across the edge
LSOA_LETTERS = "ABCD"
LSOA_CODE_PREFIX = "X01"  # no ONS code begins with X: these can never be mistaken for real LSOAs
MONTHS = 24
CHILDREN_PER_LSOA = (180, 320)  # children aged 10 to 17
RESIDENTS_PER_CHILD = 11

# Annual events per 1,000 of the indicator's denominator, and that denominator as a share of the children aged
# 10 to 17, for the indicators counted every month.
MONTHLY: dict[str, tuple[float, float]] = {
    "conceptions-under-18": (14.0, 0.19),
    "conceptions-under-16": (3.0, 0.19),
    "sti-diagnoses": (22.0, 0.37),
    "self-harm-admissions": (4.0, 1.0),
    "camhs-referrals": (45.0, 1.0),
    "suspensions": (90.0, 0.85),
    "missing-education": (12.0, 1.0),
    "missing-from-home": (25.0, 1.0),
    "substance-misuse": (6.0, 1.0),
}
# Proportions per 1,000 published once a school year.
YEARLY: dict[str, tuple[float, float]] = {
    "persistent-absence": (190.0, 0.85),
    "ks4-below-standard": (350.0, 0.12),
}
# What rises with exploitation in a ward: the review's teenage pregnancies, infections, mental health, absence
# and runaways. Other indicators move much less.
EXPLOITATION_LINKED = frozenset(
    {
        "conceptions-under-18",
        "conceptions-under-16",
        "sti-diagnoses",
        "self-harm-admissions",
        "missing-education",
        "missing-from-home",
        "persistent-absence",
    }
)
STAND_OUT: dict[str, float] = {"Merrowgate": 3.0, "Quillbrook": 2.4, "Tarnwick Vale": 1.5, "Gannet Rise": 0.45}
"""How many times the borough's usual rate each ward's exploitation-linked figures run at. Merrowgate and
Quillbrook hold the takeaways the demo's intelligence names most; Gannet Rise is quieter than the rest."""
RISING = "Merrowgate"  # its figures climb over the two years, so its trend chart tells a story


@dataclass(frozen=True)
class Lsoa:
    code: str
    name: str
    ward: Area
    ring: list[tuple[float, float]]
    children: int


class _Lattice:
    """Lattice points (row i, column j) two per ward each way, jittered the same way for every seed."""

    def __init__(self, south: float, west: float, height: float, width: float) -> None:
        self.south, self.west, self.height, self.width = south, west, height, width

    def point(self, i: int, j: int) -> tuple[float, float]:
        spot = random.Random(f"kestrelmoor lattice {i} {j}")
        lat = self.south + i * self.height + spot.uniform(-1, 1) * LATTICE_JITTER * self.height
        lon = self.west + j * self.width + spot.uniform(-1, 1) * LATTICE_JITTER * self.width
        return round(lon, 5), round(lat, 5)

    def midpoint(self, a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
        first, second = sorted((a, b))
        spot = random.Random(f"kestrelmoor edge {first} {second}")
        (lon1, lat1), (lon2, lat2) = self.point(*first), self.point(*second)
        lon, lat = (lon1 + lon2) / 2, (lat1 + lat2) / 2
        if first[0] == second[0]:  # an east-west edge wobbles north or south
            lat += spot.uniform(-1, 1) * EDGE_JITTER * self.height
        else:
            lon += spot.uniform(-1, 1) * EDGE_JITTER * self.width
        return round(lon, 5), round(lat, 5)

    def ring(self, corners: Sequence[tuple[int, int]]) -> list[tuple[float, float]]:
        """A closed ring, anticlockwise as RFC 7946 asks, through the lattice points with each edge's midpoint."""
        ring: list[tuple[float, float]] = []
        for index, corner in enumerate(corners):
            ring.append(self.point(*corner))
            ring.append(self.midpoint(corner, corners[(index + 1) % len(corners)]))
        ring.append(ring[0])
        return ring


def _block(i: int, j: int, size: int) -> list[tuple[int, int]]:
    """The lattice points round a size x size block of cells with its south-west corner at (i, j), anticlockwise."""
    south = [(i, j + k) for k in range(size)]
    east = [(i + k, j + size) for k in range(size)]
    north = [(i + size, j + size - k) for k in range(size)]
    west = [(i + size - k, j) for k in range(size)]
    return south + east + north + west


def _lattice_for(wards: Sequence[Area], step: tuple[float, float]) -> tuple[_Lattice, dict[str, tuple[int, int]]]:
    lat0 = min(w.latitude or 0.0 for w in wards)
    lon0 = min(w.longitude or 0.0 for w in wards)
    cell = {
        w.code: (round(((w.latitude or 0.0) - lat0) / step[0]), round(((w.longitude or 0.0) - lon0) / step[1]))
        for w in wards
    }
    lattice = _Lattice(lat0 - step[0] / 2, lon0 - step[1] / 2, step[0] / 2, step[1] / 2)
    return lattice, cell


def lsoas(wards: Sequence[Area], step: tuple[float, float]) -> list[Lsoa]:
    """Four LSOAs per ward, named as the ONS names them (the borough, a three-digit number, a letter)."""
    lattice, cell = _lattice_for(wards, step)
    found = []
    for number, ward in enumerate(sorted(wards, key=lambda w: cell[w.code]), start=1):
        row, column = cell[ward.code]
        spot = random.Random(f"kestrelmoor lsoas {ward.code}")
        for index, (di, dj) in enumerate(((0, 0), (0, 1), (1, 1), (1, 0))):
            corners = _block(2 * row + di, 2 * column + dj, 1)
            found.append(
                Lsoa(
                    code=f"{LSOA_CODE_PREFIX}{number:03d}{index + 1:03d}",
                    name=f"Kestrelmoor {number:03d}{LSOA_LETTERS[index]}",
                    ward=ward,
                    ring=lattice.ring(corners),
                    children=spot.randint(*CHILDREN_PER_LSOA),
                )
            )
    return found


def ward_rings(wards: Sequence[Area], step: tuple[float, float]) -> dict[str, list[tuple[float, float]]]:
    lattice, cell = _lattice_for(wards, step)
    return {ward.code: lattice.ring(_block(2 * cell[ward.code][0], 2 * cell[ward.code][1], 2)) for ward in wards}


def _feature(code_key: str, name_key: str, code: str, name: str, ring: list[tuple[float, float]]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {code_key: code, name_key: name},
        "geometry": {"type": "Polygon", "coordinates": [[list(point) for point in ring]]},
    }


def boundaries_geojson(wards: Sequence[Area], step: tuple[float, float]) -> tuple[str, str]:
    """The ward file and the LSOA file, as ONS Open Geography publishes them (WGS84 GeoJSON), the same bytes
    whatever order the wards come in, so the importers recognise a file they already hold."""
    wards = sorted(wards, key=lambda ward: ward.code)
    rings = ward_rings(wards, step)
    ward_file = {
        "type": "FeatureCollection",
        "name": "Wards_December_2024_Boundaries_Kestrelmoor",
        "features": [_feature("WD24CD", "WD24NM", w.code, w.name, rings[w.code]) for w in wards],
    }
    lsoa_file = {
        "type": "FeatureCollection",
        "name": "Lower_layer_Super_Output_Areas_December_2021_Boundaries_Kestrelmoor",
        "features": [_feature("LSOA21CD", "LSOA21NM", x.code, x.name, x.ring) for x in lsoas(wards, step)],
    }
    return json.dumps(ward_file), json.dumps(lsoa_file)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: exact, and quick for the small monthly means here."""
    if mean <= 0:
        return 0
    if mean > 30:  # normal approximation keeps big means quick
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def _months(today: dt.date) -> list[dt.date]:
    """The first days of the last `MONTHS` complete months, oldest first."""
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(dt.date(year, month + 1, 1))
    return months


def _multiplier(ward: Area, code: str, progress: float) -> float:
    """How far the ward runs above (or below) the borough for this indicator, `progress` of the way through."""
    lift = STAND_OUT.get(ward.name, 1.0)
    if code not in EXPLOITATION_LINKED:
        lift = 1.0 + (lift - 1.0) * 0.25
    if ward.name == RISING:
        lift *= 0.7 + 0.6 * progress
    return lift


def indicator_rows(areas: Sequence[Lsoa], *, seed: int, today: dt.date) -> Iterator[tuple[str, str, str, int, int]]:
    """(indicator, area_code, period, numerator, denominator) for every LSOA: two years of monthly counts, the
    two school years' proportions and the two mid-year population estimates."""
    rng = random.Random(f"{seed} kestrelmoor locality")
    months = _months(today)
    years = sorted({m.year for m in months})[-2:]
    school_years = [f"{y - 1}/{y % 100:02d}" for y in (months[-1].year - 1, months[-1].year)]
    for lsoa in areas:
        for year in years:
            children = round(lsoa.children * (1 + 0.01 * (year - years[0])))
            yield POPULATION, lsoa.code, str(year), children, children * RESIDENTS_PER_CHILD
        for code, (per_thousand, share) in MONTHLY.items():
            denominator = max(1, round(lsoa.children * share))
            for index, month in enumerate(months):
                mean = denominator * per_thousand / 1000 / 12 * _multiplier(lsoa.ward, code, index / (MONTHS - 1))
                yield code, lsoa.code, month.strftime("%Y-%m"), min(_poisson(rng, mean), denominator), denominator
        for code, (per_thousand, share) in YEARLY.items():
            denominator = max(1, round(lsoa.children * share))
            for index, school_year in enumerate(school_years):
                mean = denominator * min(per_thousand * _multiplier(lsoa.ward, code, index), 900) / 1000
                yield code, lsoa.code, school_year, min(_poisson(rng, mean), denominator), denominator


def indicators_csv(rows: Iterator[tuple[str, str, str, int, int]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "area_code", "period", "numerator", "denominator"])
    writer.writerows(rows)
    return out.getvalue()


def load_locality(wards: Sequence[Area], *, step: tuple[float, float], seed: int, today: dt.date) -> dict[str, int]:
    """Write Kestrelmoor's boundary and indicator files under ``var/demo/`` and import them with the importers
    an analyst uses. Safe to run again: the importers find files they already hold and add nothing."""
    ward_file, lsoa_file = boundaries_geojson(wards, step)
    values = indicators_csv(indicator_rows(lsoas(wards, step), seed=seed, today=today))
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    files = (
        ("kestrelmoor-wards.geojson", ward_file, boundaries_import),
        ("kestrelmoor-lsoas.geojson", lsoa_file, boundaries_import),
        ("kestrelmoor-indicators.csv", values, indicator_values_import),
    )
    counts = {"lsoas": 0, "indicator_values": 0}
    for name, text, importer in files:
        (folder / name).write_text(text, encoding="utf-8")
        result: ImportResult = importer(actor=None, data=text.encode(), filename=name)
        if result.errors:  # the demo's own files: a refusal is a bug in this module
            raise ValueError(f"{name}: {result.errors[0]}")
        if importer is boundaries_import:
            counts["lsoas"] += result.areas_created if name.endswith("lsoas.geojson") else 0
        else:
            counts["indicator_values"] += result.created
    return counts
