"""Importing locality data, all or nothing, from the files analysts already have:

- Lantern's indicator CSV: ``indicator,area_code,period,numerator,denominator``;
- an OHID Fingertips data export, as downloaded (``Indicator ID``, ``Indicator Name``, ``Area Code``,
  ``Area Type``, ``Time period``, ``Value``, confidence limits, ``Count``, ``Denominator``...);
- ONS Open Geography boundaries as GeoJSON (``WD24CD``/``WD24NM`` wards, ``LSOA21CD``/``LSOA21NM`` LSOAs), in
  WGS84 or British National Grid.

Every row is read and checked before anything is written, and the report names the row, the column, what is
wrong and what would be right. The same file twice imports nothing (its SHA-256 is kept); another file holding
figures already held skips them when they agree and reports a conflict when they differ, unless ``replace`` is
asked for (audited, with what was replaced).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.locality import geo
from lantern.locality.catalogue import ensure_standard_indicators
from lantern.locality.enums import COMPARATOR_KINDS, AreaKind, ImportKind
from lantern.locality.models import Area, ImportBatch, Indicator, IndicatorValue
from lantern.locality.periods import Period, PeriodError, parse_period
from lantern.people.imports import FileError, RowError, data_rows

Progress = Callable[[], None] | None
LABEL = "import:locality"
LANTERN_COLUMNS = ("indicator", "area_code", "period", "numerator", "denominator")
SHOWN_KNOWN = 30  # codes listed in a message before "and N more"
REPLACED_IN_AUDIT = 200


@dataclass
class ImportResult:
    """What an import did, or (with errors) why it did nothing."""

    kind: str
    filename: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    replaced: int = 0
    skipped: int = 0
    skipped_why: list[str] = field(default_factory=list)
    areas_created: int = 0
    areas_updated: int = 0
    indicators_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    already: ImportBatch | None = None  # the same file was imported before: nothing was done
    batch: ImportBatch | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.replaced or self.areas_created or self.areas_updated)


@dataclass(frozen=True)
class ValueRow:
    """One figure as read from a file, with where it came from."""

    line: int
    indicator: str  # a Lantern code, or a Fingertips indicator id
    area_code: str
    period: Period
    numerator: int | None
    denominator: int | None
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    area_kind: str = ""  # Fingertips: what the row says the area is
    area_name: str = ""
    indicator_name: str = ""
    columns: tuple[str, str, str] = ("indicator", "area_code", "period")  # how the file names them


def _known(values: Sequence[str]) -> str:
    shown = ", ".join(values[:SHOWN_KNOWN])
    more = len(values) - SHOWN_KNOWN
    return shown + (f" and {more} more" if more > 0 else "") if values else "none yet"


def _read_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileError(f"line {line}: the file is not UTF-8 text (save it from Excel as “CSV UTF-8”)") from error


def _csv_rows(
    text: str, *, required: Sequence[str], known: Sequence[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for every non-blank row; header names matched without regard to case or spacing."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [" ".join(name.split()) for name in next(reader, [])]
    except csv.Error as error:
        raise FileError(f"line 1: the header cannot be read as CSV ({error})") from error
    if not any(header):
        raise FileError(f"line 1: the file is empty; the first line must name the columns: {', '.join(required)}")
    lowered = [name.lower() for name in header]
    missing = [c for c in required if c.lower() not in lowered]
    if missing:
        raise FileError(f"line 1: the header has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}")
    if known is not None:
        unknown = [c for c in header if c.lower() not in {k.lower() for k in known}]
        if unknown:
            raise FileError(f"line 1: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(known)}")
    repeated = sorted({c for c in lowered if lowered.count(c) > 1})
    if repeated:
        raise FileError(f"line 1: column(s) {', '.join(repeated)} appear more than once")
    for line, values in data_rows(reader, len(header)):
        yield line, dict(zip(lowered, (v.strip() for v in values), strict=True))


def _count(raw: str, *, line: int, column: str, errors: list[RowError], required: bool) -> int | None:
    """A whole, non-negative count; thousands separators allowed."""
    text = raw.replace(",", "").strip()
    if not text:
        if required:
            errors.append(RowError(line, column, "Enter the count, a whole number of 0 or more"))
        return None
    try:
        number = float(text)
    except ValueError:
        errors.append(RowError(line, column, f"“{raw}” is not a number: enter a whole number of 0 or more, like 12"))
        return None
    if not math.isfinite(number) or number != int(number):
        errors.append(RowError(line, column, f"“{raw}” is not a whole number: a count is 0, 1, 2…"))
        return None
    if number < 0:
        errors.append(RowError(line, column, f"{raw} is negative: a count cannot be below 0"))
        return None
    return int(number)


def _decimal(raw: str, *, line: int, column: str, errors: list[RowError]) -> float | None:
    text = raw.replace(",", "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors.append(RowError(line, column, f"“{raw}” is not a number: enter a number like 12.5, or leave it empty"))
        return None
    if not math.isfinite(number):
        errors.append(RowError(line, column, f"“{raw}” is not a finite number"))
        return None
    return number


def _period(raw: str, *, line: int, column: str, errors: list[RowError]) -> Period | None:
    try:
        return parse_period(raw)
    except PeriodError as error:
        errors.append(RowError(line, column, str(error)))
        return None


def _within(numerator: int | None, denominator: int | None, *, line: int, column: str, errors: list[RowError]) -> bool:
    if numerator is not None and denominator is not None and numerator > denominator:
        errors.append(
            RowError(
                line, column,
                f"the numerator {numerator} is above the denominator {denominator}: a count cannot exceed the "
                "population it is counted in; check the two columns are not swapped",
            )
        )  # fmt: skip
        return False
    return True


def _duplicates(rows: list[ValueRow], errors: list[RowError], describe: Callable[[ValueRow], str]) -> list[ValueRow]:
    seen: dict[tuple[str, str, str], int] = {}
    kept = []
    for row in rows:
        key = (row.indicator, row.area_code, row.period.label)
        if key in seen:
            errors.append(
                RowError(
                    row.line, row.columns[2],
                    f"{describe(row)} for {row.area_code} in {row.period.label} is already on line {seen[key]}: "
                    "keep one row per indicator, area and period",
                )
            )  # fmt: skip
            continue
        seen[key] = row.line
        kept.append(row)
    return kept


# --- Lantern CSV -------------------------------------------------------------------------------------------------


def read_indicator_values(data: bytes) -> tuple[list[ValueRow], list[RowError]]:
    errors: list[RowError] = []
    rows: list[ValueRow] = []
    for line, row in _csv_rows(_read_text(data), required=LANTERN_COLUMNS, known=LANTERN_COLUMNS):
        before = len(errors)
        code = row["indicator"]
        if not code:
            errors.append(RowError(line, "indicator", "Enter the indicator's code, like conceptions-under-18"))
        area_code = row["area_code"]
        if not area_code:
            errors.append(RowError(line, "area_code", "Enter the area's ONS code, like E05000650"))
        period = _period(row["period"], line=line, column="period", errors=errors)
        numerator = _count(row["numerator"], line=line, column="numerator", errors=errors, required=True)
        denominator = _count(row["denominator"], line=line, column="denominator", errors=errors, required=False)
        _within(numerator, denominator, line=line, column="numerator", errors=errors)
        if len(errors) == before and period is not None:
            rows.append(ValueRow(line, code, area_code, period, numerator, denominator))
    return _duplicates(rows, errors, lambda r: r.indicator), errors


# --- Fingertips --------------------------------------------------------------------------------------------------

FT_ID, FT_NAME, FT_AREA, FT_AREA_NAME, FT_TYPE, FT_PERIOD = (
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Time period",
)  # fmt: skip
FT_VALUE, FT_LOWER, FT_UPPER, FT_COUNT, FT_DENOMINATOR = (
    "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator",
)  # fmt: skip
FT_REQUIRED = (FT_ID, FT_NAME, FT_AREA, FT_TYPE, FT_PERIOD, FT_VALUE, FT_COUNT, FT_DENOMINATOR)
FT_CATEGORY = "Category"

# Fingertips area type names (they change with each reorganisation) -> the kind of area Lantern holds.
_FT_TYPES: tuple[tuple[re.Pattern[str], AreaKind], ...] = (
    (re.compile(r"^england$", re.I), AreaKind.ENGLAND),
    (re.compile(r"region", re.I), AreaKind.REGION),
    (re.compile(r"count(y|ies)|district|\bua\b|unitary|local authorit|london borough", re.I), AreaKind.LOCAL_AUTHORITY),
    (re.compile(r"^wards?\b", re.I), AreaKind.WARD),
    (re.compile(r"lsoa|lower (layer )?super output", re.I), AreaKind.LSOA),
)
PER_CHOICES = (1, 100, 1000, 10_000, 100_000)


def fingertips_kind(area_type: str) -> AreaKind | None:
    for pattern, kind in _FT_TYPES:
        if pattern.search(area_type):
            return kind
    return None


def read_fingertips(data: bytes) -> tuple[list[ValueRow], list[RowError], int]:
    """Rows of a Fingertips export; breakdown rows (a ``Category`` such as a deprivation decile) and rows the
    publisher left without a value or count are skipped: their number is the third item."""
    errors: list[RowError] = []
    rows: list[ValueRow] = []
    skipped = 0
    key = str.lower
    for line, row in _csv_rows(_read_text(data), required=FT_REQUIRED):
        if row.get(key(FT_CATEGORY)):
            skipped += 1
            continue
        before = len(errors)
        raw_id = row[key(FT_ID)]
        if not raw_id.isdigit():
            errors.append(RowError(line, FT_ID, f"“{raw_id}” is not a Fingertips indicator id (a number, like 90813)"))
        name = row[key(FT_NAME)]
        if not name:
            errors.append(RowError(line, FT_NAME, "Enter the indicator's name, as Fingertips gives it"))
        area_type = row[key(FT_TYPE)]
        kind = fingertips_kind(area_type)
        if kind is None:
            errors.append(
                RowError(
                    line, FT_TYPE,
                    f"“{area_type}” is not a kind of area Lantern holds: export England, region, county or district, "
                    "ward or LSOA figures",
                )
            )  # fmt: skip
        area_code = row[key(FT_AREA)]
        if not area_code:
            errors.append(RowError(line, FT_AREA, "Enter the area's ONS code, like E92000001"))
        period = _period(row[key(FT_PERIOD)], line=line, column=FT_PERIOD, errors=errors)
        value = _decimal(row[key(FT_VALUE)], line=line, column=FT_VALUE, errors=errors)
        lower = _decimal(row.get(key(FT_LOWER), ""), line=line, column=FT_LOWER, errors=errors)
        upper = _decimal(row.get(key(FT_UPPER), ""), line=line, column=FT_UPPER, errors=errors)
        count = _ft_count(row[key(FT_COUNT)], line=line, column=FT_COUNT, errors=errors)
        denominator = _ft_count(row[key(FT_DENOMINATOR)], line=line, column=FT_DENOMINATOR, errors=errors)
        _within(count, denominator, line=line, column=FT_COUNT, errors=errors)
        if value is not None and value < 0:
            errors.append(RowError(line, FT_VALUE, f"{value} is negative: the indicators Lantern holds are 0 or more"))
        if len(errors) != before or period is None or kind is None:
            continue
        if value is None and count is None:
            skipped += 1  # the publisher suppressed or had no figure: nothing to hold
            continue
        rows.append(
            ValueRow(
                line, raw_id, area_code, period, count, denominator, value, lower, upper, kind.value,
                row.get(key(FT_AREA_NAME), "") or area_code, name, (FT_ID, FT_AREA, FT_PERIOD),
            )
        )  # fmt: skip
    return _duplicates(rows, errors, lambda r: f"Indicator {r.indicator}"), errors, skipped


def _ft_count(raw: str, *, line: int, column: str, errors: list[RowError]) -> int | None:
    """Fingertips writes counts as decimals ("1234.0"); a three-year average may not be whole, and is then kept
    only as the published value (no count to suppress or re-derive from)."""
    number = _decimal(raw, line=line, column=column, errors=errors)
    if number is None:
        return None
    if number < 0:
        errors.append(RowError(line, column, f"{raw} is negative: a count cannot be below 0"))
        return None
    return round(number) if abs(number - round(number)) < 1e-6 else None


def _per(rows: Sequence[ValueRow]) -> int:
    """The multiplier Fingertips used (percent, per 1,000, per 100,000), from a value beside its count."""
    for row in rows:
        if row.value and row.numerator and row.denominator:
            ratio = row.value / (row.numerator / row.denominator)
            return min(PER_CHOICES, key=lambda per: abs(math.log10(per) - math.log10(ratio)))
    return 100


# --- Writing values ----------------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _figures(row: ValueRow) -> tuple[Any, ...]:
    return (row.numerator, row.denominator, row.value, row.lower, row.upper)


def _stored(value: Any) -> tuple[Any, ...]:
    return (value["numerator"], value["denominator"], value["value"], value["lower_ci"], value["upper_ci"])


def _store_values(
    *,
    rows: Sequence[ValueRow],
    indicators: dict[str, Indicator],
    areas: dict[str, Area],
    batch: ImportBatch,
    replace: bool,
    result: ImportResult,
    progress: Progress,
) -> list[str]:
    """Create what is new, skip what agrees, replace or report what differs. The replaced keys, for the audit."""
    existing: dict[tuple[int, int, str], Any] = {}
    indicator_ids = sorted({i.pk for i in indicators.values()})
    area_ids = sorted({a.pk for a in areas.values()})
    for start in range(0, len(area_ids), 500):
        for value in IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids, area_id__in=area_ids[start : start + 500]
        ).values(
            "pk", "indicator_id", "area_id", "period", "numerator", "denominator", "value", "lower_ci", "upper_ci"
        ):
            existing[(value["indicator_id"], value["area_id"], value["period"])] = value
    new: list[IndicatorValue] = []
    replaced: list[str] = []
    for row in rows:
        indicator, area = indicators[row.indicator], areas[row.area_code]
        held = existing.get((indicator.pk, area.pk, row.period.label))
        if held is None:
            new.append(
                IndicatorValue(
                    indicator=indicator, area=area, period=row.period.label, period_start=row.period.start,
                    period_end=row.period.end, numerator=row.numerator, denominator=row.denominator,
                    value=row.value, lower_ci=row.lower, upper_ci=row.upper, batch=batch,
                )
            )  # fmt: skip
        elif _stored(held) == _figures(row):
            result.unchanged += 1
        elif replace:
            IndicatorValue.objects.filter(pk=held["pk"]).update(
                numerator=row.numerator, denominator=row.denominator, value=row.value, lower_ci=row.lower,
                upper_ci=row.upper, batch=batch,
            )  # fmt: skip
            replaced.append(f"{indicator.code} {area.code} {row.period.label}: {_stored(held)} -> {_figures(row)}")
        else:
            numbers = f"{held['numerator']} of {held['denominator']}"
            result.errors.append(
                RowError(
                    row.line, row.columns[0],
                    f"{indicator.code} for {area.code} in {row.period.label} is already held as {numbers} "
                    f"(value {held['value']}), and this row says {row.numerator} of {row.denominator} "
                    f"(value {row.value}): correct the row, or import with --replace to overwrite what is held",
                )
            )  # fmt: skip
        if progress is not None:
            progress()
    IndicatorValue.objects.bulk_create(new, batch_size=2000)
    result.created += len(new)
    result.replaced += len(replaced)
    return replaced


def _begin(kind: ImportKind, data: bytes, filename: str) -> tuple[ImportResult, str]:
    result = ImportResult(kind=kind.value, filename=filename)
    digest = _sha256(data)
    result.already = ImportBatch.objects.filter(kind=kind, sha256=digest).first()
    return result, digest


def _finish(
    *,
    actor: User | None,
    result: ImportResult,
    kind: ImportKind,
    digest: str,
    purpose: str,
    detail: dict[str, Any],
) -> None:
    """Keep the batch and write the one audit row, or (with errors) undo everything done in this transaction."""
    if result.errors:
        transaction.set_rollback(True)
        result.created = result.unchanged = result.replaced = 0
        result.areas_created = result.areas_updated = result.indicators_created = 0
        result.batch = None
        return
    assert result.batch is not None  # noqa: S101 - made at the start of the transaction
    result.batch.rows = result.rows
    result.batch.save(update_fields=["rows"])
    audit_record(
        actor=actor, username=LABEL, action=AuditAction.IMPORT, object_type="locality_import",
        object_id=str(result.batch.pk), purpose=purpose, outcome=Outcome.SUCCESS,
        detail={
            "kind": kind.value, "file": result.filename, "sha256": digest, "created": result.created,
            "unchanged": result.unchanged, "replaced": result.replaced, "skipped": result.skipped,
            "areas_created": result.areas_created, "areas_updated": result.areas_updated,
            "indicators_created": result.indicators_created, **detail,
        },
    )  # fmt: skip


def _batch(kind: ImportKind, filename: str, digest: str, actor: User | None) -> ImportBatch:
    return ImportBatch.objects.create(kind=kind, filename=filename[-255:], sha256=digest, imported_by=actor)


def indicator_values_import(
    *, actor: User | None, data: bytes, filename: str, replace: bool = False, progress: Progress = None
) -> ImportResult:
    """Lantern's CSV: every indicator and area must already be known (areas come with boundary files)."""
    result, digest = _begin(ImportKind.INDICATORS, data, filename)
    if result.already:
        return result
    rows, errors = read_indicator_values(data)
    result.rows, result.errors = len(rows) + len({e.line for e in errors}), errors
    with transaction.atomic():
        ensure_standard_indicators(Indicator)  # the catalogue may have grown since the database was made
        indicators = {i.code: i for i in Indicator.objects.all()}
        areas = _areas_for({r.area_code for r in rows})
        known_indicators = sorted(indicators)
        unknown_area = _unknown_area_message()
        usable = []
        for row in rows:
            problems = []
            if row.indicator not in indicators:
                problems.append(
                    RowError(
                        row.line, "indicator", f"No indicator “{row.indicator}”: use one of {_known(known_indicators)}"
                    )
                )
            if row.area_code not in areas:
                problems.append(RowError(row.line, "area_code", unknown_area(row.area_code)))
            result.errors.extend(problems)
            if not problems:
                usable.append(row)
        result.batch = _batch(ImportKind.INDICATORS, filename, digest, actor)
        replaced: list[str] = []
        if not result.errors:
            replaced = _store_values(
                rows=usable, indicators=indicators, areas=areas, batch=result.batch, replace=replace,
                result=result, progress=progress,
            )  # fmt: skip
        _finish(
            actor=actor, result=result, kind=ImportKind.INDICATORS, digest=digest, purpose="locality indicators import",
            detail={"replace": replace, "replaced_figures": replaced[:REPLACED_IN_AUDIT]},
        )  # fmt: skip
    result.errors.sort(key=lambda e: (e.line, LANTERN_COLUMNS.index(e.field) if e.field in LANTERN_COLUMNS else 9))
    return result


def _areas_for(codes: set[str]) -> dict[str, Area]:
    found: dict[str, Area] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), 500):
        found.update({a.code: a for a in Area.objects.filter(code__in=ordered[start : start + 500])})
    return found


def _unknown_area_message() -> Callable[[str], str]:
    """The message for an unknown area code, naming a few codes that are held (looked up once per import)."""
    local = list(Area.objects.filter(kind__in=[AreaKind.WARD, AreaKind.LSOA]).values_list("code", flat=True)[:10])
    example = f" (held: {', '.join(local)}…)" if local else " (none is held yet)"
    return lambda code: (
        f"No area with code “{code}”: import its ward or LSOA boundaries first (lantern import boundaries FILE), "
        f"or correct the code{example}"
    )


def fingertips_import(
    *, actor: User | None, data: bytes, filename: str, replace: bool = False, progress: Progress = None
) -> ImportResult:
    """A Fingertips export as downloaded. Each indicator is found (or made) by its Fingertips id and kept named as
    Fingertips names it. England, region and local-authority rows are comparators, made when first seen; ward and
    LSOA rows must be areas of the borough already held."""
    result, digest = _begin(ImportKind.FINGERTIPS, data, filename)
    if result.already:
        return result
    rows, errors, skipped = read_fingertips(data)
    result.rows, result.errors, result.skipped = len(rows) + len({e.line for e in errors}), errors, skipped
    if skipped:
        result.skipped_why.append(f"{skipped} breakdown or unpublished row(s) (a Category, or no value) skipped")
    with transaction.atomic():
        areas = _areas_for({r.area_code for r in rows})
        unknown_area = _unknown_area_message()
        usable = []
        for row in rows:
            area = areas.get(row.area_code)
            if area is None and AreaKind(row.area_kind) in COMPARATOR_KINDS:
                area = Area.objects.create(code=row.area_code, name=row.area_name[:100], kind=row.area_kind)
                areas[row.area_code] = area
                result.areas_created += 1
            if area is None:
                result.errors.append(RowError(row.line, FT_AREA, unknown_area(row.area_code)))
            elif area.kind != row.area_kind and not (
                area.kind in COMPARATOR_KINDS and row.area_kind in COMPARATOR_KINDS
            ):
                result.errors.append(
                    RowError(
                        row.line, FT_TYPE,
                        f"{row.area_code} is held as a {area.get_kind_display().lower()}, but this row says "
                        f"{AreaKind(row.area_kind).label.lower()}: check the Area Code column",
                    )
                )  # fmt: skip
            else:
                usable.append(row)
        indicators = _fingertips_indicators(usable, result)
        result.batch = _batch(ImportKind.FINGERTIPS, filename, digest, actor)
        replaced: list[str] = []
        if not result.errors:
            replaced = _store_values(
                rows=usable, indicators=indicators, areas=areas, batch=result.batch, replace=replace,
                result=result, progress=progress,
            )  # fmt: skip
        _finish(
            actor=actor, result=result, kind=ImportKind.FINGERTIPS, digest=digest, purpose="Fingertips import",
            detail={"replace": replace, "replaced_figures": replaced[:REPLACED_IN_AUDIT]},
        )  # fmt: skip
    order = {name: index for index, name in enumerate(FT_REQUIRED)}
    result.errors.sort(key=lambda e: (e.line, order.get(e.field, 99)))
    return result


def _fingertips_indicators(rows: Sequence[ValueRow], result: ImportResult) -> dict[str, Indicator]:
    by_id: dict[str, list[ValueRow]] = {}
    for row in rows:
        by_id.setdefault(row.indicator, []).append(row)
    indicators: dict[str, Indicator] = {}
    for raw_id, group in by_id.items():
        name = group[0].indicator_name[:200]
        indicator = Indicator.objects.filter(fingertips_id=int(raw_id)).first()
        if indicator is None:
            code = slugify(name)[:50].strip("-") or "indicator"
            if Indicator.objects.filter(code=code).exists():
                code = f"{code[:48]}-{raw_id}"[:60]
            indicator = Indicator.objects.create(
                code=code, name=name, fingertips_id=int(raw_id), per=_per(group), source="OHID Fingertips",
                denominator_label="as published by OHID",
            )  # fmt: skip
            result.indicators_created += 1
        elif indicator.name != name:
            indicator.name = name
            indicator.save(update_fields=["name"])
        indicators[raw_id] = indicator
    return indicators


# --- Boundaries --------------------------------------------------------------------------------------------------

_CODE_KEY = re.compile(r"^([A-Z]+)(\d{2})CD$")
# Prefix of an ONS code property -> the kind of area; the first that a file has wins (an LSOA file may also carry
# its ward's or district's code).
ONS_PREFIXES: tuple[tuple[str, AreaKind], ...] = (
    ("LSOA", AreaKind.LSOA),
    ("WD", AreaKind.WARD),
    ("LAD", AreaKind.LOCAL_AUTHORITY),
    ("CTYUA", AreaKind.LOCAL_AUTHORITY),
    ("UTLA", AreaKind.LOCAL_AUTHORITY),
    ("RGN", AreaKind.REGION),
    ("CTRY", AreaKind.ENGLAND),
)
WGS84_NAMES = ("CRS84", "EPSG::4326", "EPSG:4326")
CODE_LIMIT = 20  # Area.code


@dataclass(frozen=True)
class Feature:
    number: int
    code: str
    name: str
    polygons: list[geo.Polygon]


def _crs_name(document: dict[str, Any]) -> str:
    crs = document.get("crs")
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        return str(crs["properties"].get("name", ""))
    return ""


def read_boundaries(data: bytes) -> tuple[AreaKind, str, list[Feature], list[RowError], bool]:
    """(kind, code property, features, errors, converted from the grid). FileError for a file that is not an
    ONS-style FeatureCollection at all."""
    try:
        document = json.loads(_read_text(data))
    except json.JSONDecodeError as error:
        raise FileError(f"line {error.lineno}: the file is not JSON ({error.msg})") from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise FileError("line 1: the file is not a GeoJSON FeatureCollection (ONS boundary files are)")
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise FileError("line 1: the FeatureCollection has no features")
    first = features[0].get("properties") if isinstance(features[0], dict) else None
    if not isinstance(first, dict):
        raise FileError("feature 1 has no properties: ONS files name each area in properties such as WD24CD")
    prefixes = {match[1]: key for key in first if (match := _CODE_KEY.match(key))}
    code_keys = list(prefixes.values())
    chosen = next(((prefixes[prefix], kind) for prefix, kind in ONS_PREFIXES if prefix in prefixes), None)
    if chosen is None:
        found = ", ".join(code_keys) or "no property like WD24CD"
        raise FileError(
            f"feature 1: found {found}; Lantern reads ward (WDyyCD) and LSOA (LSOAyyCD) boundaries, and "
            "local authority (LADyyCD), region (RGNyyCD) and country (CTRYyyCD) outlines"
        )
    code_key, kind = chosen
    name_key = code_key[:-2] + "NM"
    crs = _crs_name(document)
    declared_grid = any(crs.endswith(name) for name in geo.BNG_CRS_NAMES)
    if crs and not declared_grid and not any(crs.endswith(name) for name in WGS84_NAMES):
        raise FileError(
            f"line 1: the file's coordinate reference system is {crs}; use WGS84 (EPSG:4326, as the ONS GeoJSON "
            "downloads are) or British National Grid (EPSG:27700)"
        )
    errors: list[RowError] = []
    read: list[Feature] = []
    seen: dict[str, int] = {}
    converted = False
    for number, feature in enumerate(features, start=1):
        read_one, grid = _read_feature(
            number=number, feature=feature, keys=(code_key, name_key), grid=declared_grid, seen=seen, errors=errors
        )
        converted = converted or grid
        if read_one is not None:
            seen[read_one.code] = number
            read.append(read_one)
    return kind, code_key, read, errors, converted


def _polygons(geometry: Any, *, grid: bool) -> tuple[list[geo.Polygon], bool]:
    """The feature's polygons in WGS84, and whether they were converted from British National Grid."""
    polygons = geo.polygons_of(geometry)
    if not (grid or geo.looks_like_grid(polygons)):
        geo.check_wgs84(polygons)
        return polygons, False
    if not all(0 <= x <= 700_000 and 0 <= y <= 1_300_000 for x, y in geo.all_points(polygons)):
        raise geo.GeometryError(
            "its coordinates are neither longitude and latitude nor British National Grid eastings and "
            "northings: export the boundaries in WGS84 (EPSG:4326)"
        )
    polygons = geo.polygons_to_wgs84(polygons)
    geo.check_wgs84(polygons)
    return polygons, True


def _read_feature(
    *, number: int, feature: Any, keys: tuple[str, str], grid: bool, seen: dict[str, int], errors: list[RowError]
) -> tuple[Feature | None, bool]:
    code_key, name_key = keys
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        errors.append(
            RowError(number, "properties", f"feature {number} has no properties; give {code_key} and {name_key}")
        )
        return None, False
    before = len(errors)
    code = str(properties.get(code_key) or "").strip()
    name = str(properties.get(name_key) or "").strip()
    if not code:
        errors.append(RowError(number, code_key, f"Enter the area's code in {code_key}, like those in feature 1"))
    elif len(code) > CODE_LIMIT or not re.fullmatch(r"[-A-Za-z0-9_]+", code):
        errors.append(
            RowError(number, code_key, f"“{code}” is not an area code: letters and digits, up to {CODE_LIMIT}")
        )
    elif code in seen:
        errors.append(RowError(number, code_key, f"{code} is already feature {seen[code]}: one feature per area"))
    if not name:
        errors.append(RowError(number, name_key, f"Enter the area's name in {name_key}"))
    try:
        polygons, converted = _polygons(feature.get("geometry"), grid=grid)
    except geo.GeometryError as error:
        errors.append(RowError(number, "geometry", f"{code or f'feature {number}'}: {error}"))
        return None, False
    if len(errors) != before:
        return None, converted
    return Feature(number, code, name[:100], polygons), converted


def boundaries_import(*, actor: User | None, data: bytes, filename: str, progress: Progress = None) -> ImportResult:
    """Areas made or updated by code, each with its boundary and a point inside it. An LSOA's ward is the ward
    whose boundary holds that point; LSOAs in none of the borough's wards are left out (a national file holds
    every LSOA in England), and counted."""
    result, digest = _begin(ImportKind.BOUNDARIES, data, filename)
    if result.already:
        return result
    kind, code_key, features, errors, converted = read_boundaries(data)
    result.rows, result.errors = len(features) + len({e.line for e in errors}), errors
    if converted:
        result.skipped_why.append("coordinates converted from British National Grid to WGS84")
    with transaction.atomic():
        wards: list[tuple[Area | None, str, list[geo.Polygon]]] = []
        if kind is AreaKind.LSOA:
            wards = [
                (ward, ward.code, geo.polygons_of(ward.boundary))
                for ward in Area.objects.wards().exclude(boundary=None)
            ]
            if not wards and not result.errors:
                raise FileError(
                    f"{code_key}: an LSOA's ward is found from the ward boundaries, and none is held: "
                    "import the ward boundaries (WDyyCD) first"
                )
        existing = _areas_for({f.code for f in features})
        result.batch = _batch(ImportKind.BOUNDARIES, filename, digest, actor)
        for feature in features:
            _store_feature(feature=feature, kind=kind, code_key=code_key, existing=existing, wards=wards, result=result)
            if progress is not None:
                progress()
        if result.skipped:
            result.skipped_why.append(f"{result.skipped} LSOA(s) outside the borough's wards left out")
        _finish(
            actor=actor, result=result, kind=ImportKind.BOUNDARIES, digest=digest, purpose="boundaries import",
            detail={"area_kind": kind.value, "converted_from_grid": converted},
        )  # fmt: skip
    return result


def _store_feature(
    *,
    feature: Feature,
    kind: AreaKind,
    code_key: str,
    existing: dict[str, Area],
    wards: list[tuple[Area | None, str, list[geo.Polygon]]],
    result: ImportResult,
) -> None:
    longitude, latitude = geo.representative_point(feature.polygons)
    parent: Area | None = None
    if kind is AreaKind.LSOA:
        parent = next((ward for ward, _, shape in wards if geo.contains(shape, (longitude, latitude))), None)
        if parent is None:
            result.skipped += 1
            return
    boundary = geo.as_geojson(feature.polygons)
    area = existing.get(feature.code)
    if area is not None and area.kind != kind:
        result.errors.append(
            RowError(
                feature.number, code_key,
                f"{feature.code} is held as a {area.get_kind_display().lower()}, not a {kind.label.lower()}: "
                "check the file is the boundaries it says it is",
            )
        )  # fmt: skip
        return
    wanted = {
        "name": feature.name,
        "boundary": boundary,
        "latitude": round(latitude, 6),
        "longitude": round(longitude, 6),
        "parent": parent if kind is AreaKind.LSOA else (area.parent if area else None),
    }
    if area is None:
        Area.objects.create(code=feature.code, kind=kind, **wanted)
        result.areas_created += 1
        result.created += 1
        return
    changed = [name for name, value in wanted.items() if getattr(area, name) != value]
    if not changed:
        result.unchanged += 1
        return
    for name in changed:
        setattr(area, name, wanted[name])
    area.save(update_fields=changed)
    result.areas_updated += 1


# --- Files on disk -----------------------------------------------------------------------------------------------


def import_file(
    *, kind: ImportKind, path: Path, actor: User | None, replace: bool = False, progress: Progress = None
) -> ImportResult:
    """Read a file and import it as ``kind``; FileError for a file that cannot be used at all."""
    data = path.read_bytes()
    if kind is ImportKind.BOUNDARIES:
        return boundaries_import(actor=actor, data=data, filename=path.name, progress=progress)
    importer = indicator_values_import if kind is ImportKind.INDICATORS else fingertips_import
    return importer(actor=actor, data=data, filename=path.name, replace=replace, progress=progress)


def count_rows(*, kind: ImportKind, path: Path) -> int:
    """Roughly how many rows a file holds, for sizing a progress bar before reading it."""
    if kind is ImportKind.BOUNDARIES:
        return path.read_bytes().count(b'"Feature"')
    return max(0, path.read_bytes().count(b"\n") - 1)
