"""Writes for localities: recomputing every profile's figures.

`profiles_recompute` turns indicator values and Lantern's own records into the small `AreaFigure` and
`PlaceFigure` tables that pages, the API and exports read. Counting is done by the database (GROUP BY ward and
month), never row by row in Python, so a borough with a million intelligence reports recomputes in seconds. It
runs after every import, from the demo, from ``lantern locality-recompute`` and as a background task.

Which figures are suppressed for viewers without small numbers is decided here too, once for everyone, over the
whole table of each measure: every ward and LSOA for every period, the borough's totals, and each area's twelve-
month count beside its months (`locality.suppression`).

Imports (also writes) live in `locality.imports`.
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lantern.locality.enums import (
    HOTSPOT_DAYS,
    LOCAL_KINDS,
    ROLLING_MONTHS,
    SOFT_MONTHS,
    SOFT_PER,
    AreaKind,
    SoftMeasure,
)
from lantern.locality.models import Area, AreaFigure, Indicator, IndicatorValue, PlaceFigure
from lantern.locality.periods import month_end, month_label, months_back
from lantern.locality.stats import Method, rate
from lantern.locality.suppression import Line, is_small, suppress
from lantern.people import normalise

Progress = Callable[[str], None] | None
BOROUGH = None  # the area key of the borough's own figures
SCREENED_LEVELS = ("significant", "serious")
"""Screening levels counted by the ``screenings`` measure: the ones that call for a strategy discussion."""


@dataclass
class Figure:
    """A figure before it is stored: a count (or published value) for an area and period."""

    period: str
    start: dt.date
    end: dt.date
    count: int | None
    denominator: int | None
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    rolling: bool = False
    derived: bool = False


Key = tuple[int | None, str]  # (area id or BOROUGH, period)


@dataclass
class Table:
    """One measure's figures for every area and period, and the lines of parts shown with their totals."""

    measure: str
    per: int
    method: Method
    figures: dict[Key, Figure] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)


@dataclass
class RecomputeResult:
    figures: int = 0
    suppressed: int = 0
    places: int = 0
    measures: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Geography:
    wards: list[int]
    lsoas_of: dict[int, list[int]]  # ward -> its LSOAs
    ward_of_sector: dict[str, int]


def _geography() -> Geography:
    wards: list[int] = []
    lsoas_of: dict[int, list[int]] = defaultdict(list)
    sectors: dict[str, int] = {}
    for pk, kind, parent, postcode_sectors in Area.objects.filter(kind__in=LOCAL_KINDS).values_list(
        "pk", "kind", "parent_id", "postcode_sectors"
    ):
        if kind == AreaKind.WARD:
            wards.append(pk)
            for sector in postcode_sectors or ():
                sectors[str(sector).upper()] = pk
        elif parent is not None:
            lsoas_of[parent].append(pk)
    return Geography(sorted(wards), dict(lsoas_of), sectors)


# --- Hard data ---------------------------------------------------------------------------------------------------


def _published(indicator: Indicator) -> dict[Key, Figure]:
    """Every local area's figures: as published, and each ward's added up from its LSOAs where the ward's own is
    not published (all its LSOAs' counts known, so the sum is a whole count)."""
    figures: dict[Key, Figure] = {}
    rows = IndicatorValue.objects.filter(indicator=indicator, area__kind__in=LOCAL_KINDS).values_list(
        "area_id", "period", "period_start", "period_end", "numerator", "denominator", "value", "lower_ci", "upper_ci"
    )
    for area, period, start, end, numerator, denominator, value, lower, upper in rows:
        figures[(area, period)] = Figure(period, start, end, numerator, denominator, value, lower, upper)
    sums = (
        IndicatorValue.objects.filter(indicator=indicator, area__kind=AreaKind.LSOA, area__parent__isnull=False)
        .values("area__parent_id", "period", "period_start", "period_end")
        .annotate(
            total=Sum("numerator"),
            total_denominator=Sum("denominator"),
            n=Count("id"),
            counted=Count("numerator"),
            with_denominator=Count("denominator"),
        )
        .order_by()
    )
    for row in sums:
        key = (row["area__parent_id"], row["period"])
        if key in figures or row["counted"] != row["n"]:
            continue
        denominator = row["total_denominator"] if row["with_denominator"] == row["n"] else None
        figures[key] = Figure(
            row["period"], row["period_start"], row["period_end"], row["total"], denominator, derived=True
        )
    return figures


def _hard_table(indicator: Indicator, geography: Geography) -> Table:
    table = Table(indicator.code, indicator.per, Method.WILSON)
    table.figures = _published(indicator)
    ward_set = set(geography.wards)
    periods: dict[str, tuple[dt.date, dt.date]] = {}
    for (area, period), figure in table.figures.items():
        if area in ward_set:
            periods[period] = (figure.start, figure.end)
    for period, (start, end) in periods.items():
        parts = [(ward, period) for ward in geography.wards if (ward, period) in table.figures]
        counted = [table.figures[k] for k in parts if table.figures[k].count is not None]
        if parts and len(counted) == len(parts):
            denominators = [f.denominator for f in counted]
            denominator = sum(d for d in denominators if d is not None) if None not in denominators else None
            total = sum(f.count or 0 for f in counted)
            table.figures[(BOROUGH, period)] = Figure(period, start, end, total, denominator, derived=True)
            table.lines.append(Line((BOROUGH, period), parts))
        for ward in ward_set:
            lsoa_parts = [
                (lsoa, period) for lsoa in geography.lsoas_of.get(ward, ()) if (lsoa, period) in table.figures
            ]
            if lsoa_parts and (ward, period) in table.figures:
                table.lines.append(Line((ward, period), lsoa_parts))
    _add_rolling_year(table, geography)
    return table


def _add_rolling_year(table: Table, geography: Geography) -> None:
    """For an indicator published monthly, each area's last twelve months together, as the profile row, map and
    funnel plot use: one month's count in a ward is too small to tell chance from a real difference. The
    denominator is the latest month's (the children at risk, not twelve times them). Only areas with all twelve
    months counted get one, so the twelve-month figure is always the sum of the months shown beside it."""
    months = sorted(
        {(f.start, period) for (area, period), f in table.figures.items() if area is BOROUGH and _is_month(f)}
    )
    if len(months) < ROLLING_MONTHS:
        return
    recent = [period for _, period in months[-ROLLING_MONTHS:]]
    label = f"{recent[0]} to {recent[-1]}"
    first, last = table.figures[(BOROUGH, recent[0])], table.figures[(BOROUGH, recent[-1])]
    areas = {area for area, _ in table.figures}
    for area in areas:
        parts = [(area, period) for period in recent]
        held = [table.figures.get(part) for part in parts]
        if any(f is None or f.count is None for f in held):
            continue
        total = sum(f.count or 0 for f in held if f is not None)
        denominator = table.figures[(area, recent[-1])].denominator
        table.figures[(area, label)] = Figure(
            label, first.start, last.end, total, denominator, rolling=True, derived=True
        )
        table.lines.append(Line((area, label), parts))
    wards = [(ward, label) for ward in geography.wards if (ward, label) in table.figures]
    if (BOROUGH, label) in table.figures and wards:
        table.lines.append(Line((BOROUGH, label), wards))
    for ward in geography.wards:
        lsoas = [(lsoa, label) for lsoa in geography.lsoas_of.get(ward, ()) if (lsoa, label) in table.figures]
        if lsoas and (ward, label) in table.figures:
            table.lines.append(Line((ward, label), lsoas))


def _is_month(figure: Figure) -> bool:
    return figure.start.day == 1 and figure.end == month_end(figure.start)


# --- Population --------------------------------------------------------------------------------------------------


@dataclass
class Population:
    """Children aged 10 to 17 per area over time: the denominator for soft counts."""

    series: dict[int | None, list[tuple[dt.date, dt.date, int]]]

    def on(self, area: int | None, day: dt.date) -> int | None:
        """The estimate whose period holds the day; else the latest before it; else the earliest there is."""
        spans = self.series.get(area)
        if not spans:
            return None
        starts = [start for start, _, _ in spans]
        index = bisect_right(starts, day) - 1
        return spans[max(index, 0)][2]


def _population(geography: Geography) -> Population:
    indicator = Indicator.objects.filter(is_population=True).order_by("pk").first()
    if indicator is None:
        return Population({})
    figures = _published(indicator)
    by_period: dict[str, dict[int | None, Figure]] = defaultdict(dict)
    for (area, period), held in figures.items():
        by_period[period][area] = held
    series: dict[int | None, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    for period_figures in by_period.values():
        borough = 0
        any_figure = None
        for ward in geography.wards:
            found = period_figures.get(ward)
            if found is None or found.count is None:
                continue
            any_figure = found
            borough += found.count
            series[ward].append((found.start, found.end, found.count))
        if any_figure is not None:
            series[BOROUGH].append((any_figure.start, any_figure.end, borough))
    for spans in series.values():
        spans.sort()
    return Population(dict(series))


# --- Soft data ---------------------------------------------------------------------------------------------------


def _soft_table(
    *,
    measure: SoftMeasure,
    counts: dict[tuple[int, dt.date], int],
    months: list[dt.date],
    geography: Geography,
    population: Population,
    today: dt.date,
) -> Table:
    """Monthly counts per ward (zeros included), the borough's, and each one's last twelve months together."""
    table = Table(measure.value, SOFT_PER, Method.POISSON)
    areas: list[int | None] = [*geography.wards, BOROUGH]
    for month in months:
        label, end = month_label(month), min(month_end(month), today)
        for ward in geography.wards:
            count = counts.get((ward, month), 0)
            table.figures[(ward, label)] = Figure(label, month, end, count, population.on(ward, end))
        total = sum(counts.get((ward, month), 0) for ward in geography.wards)
        table.figures[(BOROUGH, label)] = Figure(label, month, end, total, population.on(BOROUGH, end), derived=True)
        table.lines.append(Line((BOROUGH, label), [(ward, label) for ward in geography.wards]))
    recent = months[-ROLLING_MONTHS:]
    rolling = f"{month_label(recent[0])} to {month_label(recent[-1])}"
    for area in areas:
        parts = [(area, month_label(month)) for month in recent]
        total = sum(table.figures[part].count or 0 for part in parts)
        table.figures[(area, rolling)] = Figure(
            rolling, recent[0], today, total, population.on(area, today), rolling=True, derived=True
        )
        table.lines.append(Line((area, rolling), parts))
    table.lines.append(Line((BOROUGH, rolling), [(ward, rolling) for ward in geography.wards]))
    return table


def _intel_counts(first: dt.date, today: dt.date) -> dict[tuple[int, dt.date], int]:
    from lantern.intel.models import IntelReport  # noqa: PLC0415 - intel depends on locality, not the other way

    rows = (
        IntelReport.objects.filter(ward__isnull=False, occurred_on__gte=first, occurred_on__lte=today)
        .annotate(month=TruncMonth("occurred_on"))
        .values_list("ward_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(ward, _as_date(month)): n for ward, month, n in rows}


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _home_wards(children: Iterable[Any], geography: Geography) -> dict[Any, int]:
    """Each child's home ward: the ward of the postcode sector of the latest address on their agency records.
    One query for the addresses of these children, newest record first; the sector -> ward lookup is a dict."""
    from lantern.people.models import Address  # noqa: PLC0415 - read for aggregates only

    wanted = list(set(children))
    homes: dict[Any, int] = {}
    decided: set[Any] = set()
    for start in range(0, len(wanted), 500):
        rows = (
            Address.objects.filter(record__person_id__in=wanted[start : start + 500])
            .exclude(postcode="")
            .order_by("record__person_id", "-record__recorded_at", "-pk")
            .values_list("record__person_id", "postcode")
        )
        for person, postcode in rows:
            if person in decided:
                continue
            decided.add(person)
            try:
                sector = normalise.postcode_sector(normalise.normalise_postcode(postcode))
            except (normalise.InvalidValue, ValueError, IndexError):
                continue
            if (ward := geography.ward_of_sector.get(sector)) is not None:
                homes[person] = ward
    return homes


def _missing_counts(first: dt.date, geography: Geography) -> dict[tuple[int, dt.date], int]:
    from lantern.cases.selectors import missing_episodes_by_child_month  # noqa: PLC0415

    rows = missing_episodes_by_child_month(since=first)
    homes = _home_wards((child for child, _, _ in rows), geography)
    counts: dict[tuple[int, dt.date], int] = defaultdict(int)
    for child, month, n in rows:
        if (ward := homes.get(child)) is not None:
            counts[(ward, month)] += n
    return dict(counts)


def _screening_counts(
    months: list[dt.date], today: dt.date, geography: Geography
) -> dict[tuple[int, dt.date], int] | None:
    """Children at significant or serious risk at the end of each month, by home ward; None while the screening
    app cannot say (it is optional to this measure, not to Lantern)."""
    try:
        from lantern.screening.selectors import levels_on  # noqa: PLC0415 - screening depends on cases and people
    except ImportError:
        return None
    by_month: dict[dt.date, list[Any]] = {}
    for month in months:
        levels = levels_on(on=min(month_end(month), today))
        by_month[month] = [child for child, level in levels.items() if level in SCREENED_LEVELS]
    homes = _home_wards((child for children in by_month.values() for child in children), geography)
    counts: dict[tuple[int, dt.date], int] = defaultdict(int)
    for month, children in by_month.items():
        for child in children:
            if (ward := homes.get(child)) is not None:
                counts[(ward, month)] += 1
    return dict(counts)


# --- Hotspots ----------------------------------------------------------------------------------------------------


def _place_figures(today: dt.date, now: dt.datetime) -> list[PlaceFigure]:
    """Reports made at a place or naming it, in the last `HOTSPOT_DAYS` days: two GROUP BYs, a report counted
    once per place (a report at a place that also names it counts once)."""
    from lantern.intel.models import IntelEntity, IntelReport  # noqa: PLC0415
    from lantern.people.models import Place  # noqa: PLC0415

    since = today - dt.timedelta(days=HOTSPOT_DAYS)
    tally: dict[int, list[Any]] = {}
    direct = (
        IntelReport.objects.filter(place__isnull=False, occurred_on__gte=since, occurred_on__lte=today)
        .values("place_id")
        .annotate(n=Count("id"), latest=Max("occurred_on"))
        .order_by()
    )
    named = (
        IntelEntity.objects.filter(place__isnull=False, report__occurred_on__gte=since, report__occurred_on__lte=today)
        .filter(Q(report__place__isnull=True) | ~Q(report__place_id=F("place_id")))
        .values("place_id")
        .annotate(n=Count("report_id", distinct=True), latest=Max("report__occurred_on"))
        .order_by()
    )
    for row in [*direct, *named]:
        held = tally.setdefault(row["place_id"], [0, None])
        held[0] += row["n"]
        held[1] = max(filter(None, (held[1], row["latest"])), default=None)
    wards = dict(Place.objects.filter(pk__in=list(tally)).values_list("pk", "ward_id"))
    return [
        PlaceFigure(
            place_id=place,
            ward_id=wards.get(place),
            reports=n,
            latest=latest,
            since=since,
            suppressed=is_small(n),
            computed_at=now,
        )
        for place, (n, latest) in tally.items()
    ]


# --- Recompute ---------------------------------------------------------------------------------------------------


def _rows(table: Table, hidden: set[Hashable], now: dt.datetime) -> list[AreaFigure]:
    rows = []
    for (area, _), figure in table.figures.items():
        if figure.count is not None and not (figure.derived is False and figure.value is not None):
            method = table.method
            if method is Method.WILSON and figure.denominator is not None and figure.count > figure.denominator:
                method = Method.POISSON  # twelve months of events can outnumber the children they happen to
            computed = rate(figure.count, figure.denominator, per=table.per, method=method)
            value, lower, upper = (computed.value, computed.lower, computed.upper) if computed else (None, None, None)
        else:
            value, lower, upper = figure.value, figure.lower, figure.upper
        rows.append(
            AreaFigure(
                measure=table.measure, area_id=area, period=figure.period, period_start=figure.start,
                period_end=figure.end, rolling=figure.rolling, count=figure.count, denominator=figure.denominator,
                rate=value, lower=lower, upper=upper, derived=figure.derived,
                suppressed=(area, figure.period) in hidden, computed_at=now,
            )
        )  # fmt: skip
    return rows


def profiles_recompute(*, today: dt.date | None = None, progress: Progress = None) -> RecomputeResult:
    """Every profile's figures, replaced in one transaction: readers see the old set or the new, never half."""
    started = time.perf_counter()
    result = RecomputeResult()
    today = today or timezone.localdate()
    now = timezone.now()

    def step(name: str, since: float) -> float:
        result.timings[name] = time.perf_counter() - since
        if progress is not None:
            progress(name)
        return time.perf_counter()

    mark = time.perf_counter()
    geography = _geography()
    population = _population(geography)
    tables = [_hard_table(indicator, geography) for indicator in Indicator.objects.filter(is_population=False)]
    mark = step("indicators", mark)
    months = months_back(today, SOFT_MONTHS)
    first = months[0]
    soft: list[tuple[SoftMeasure, dict[tuple[int, dt.date], int] | None]] = [
        (SoftMeasure.INTEL_REPORTS, _intel_counts(first, today))
    ]
    mark = step("intelligence", mark)
    soft.append((SoftMeasure.MISSING_EPISODES, _missing_counts(first, geography)))
    mark = step("missing episodes", mark)
    soft.append((SoftMeasure.SCREENINGS, _screening_counts(months, today, geography)))
    mark = step("screenings", mark)
    for measure, counts in soft:
        if counts is not None and geography.wards:
            tables.append(
                _soft_table(
                    measure=measure,
                    counts=counts,
                    months=months,
                    geography=geography,
                    population=population,
                    today=today,
                )
            )
    tables = [table for table in tables if table.figures]
    rows: list[AreaFigure] = []
    for table in tables:
        counts_by_key: dict[Hashable, int | None] = {key: figure.count for key, figure in table.figures.items()}
        hidden = suppress(counts_by_key, table.lines)
        rows += _rows(table, hidden, now)
        result.suppressed += len(hidden)
    mark = step("suppression", mark)
    places = _place_figures(today, now)
    with transaction.atomic():
        AreaFigure.objects.all().delete()
        PlaceFigure.objects.all().delete()
        AreaFigure.objects.bulk_create(rows, batch_size=5000)
        PlaceFigure.objects.bulk_create(places, batch_size=5000)
    step("saved", mark)
    result.figures, result.places, result.measures = len(rows), len(places), len(tables)
    result.seconds = time.perf_counter() - started
    return result
