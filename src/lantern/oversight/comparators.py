"""The DfE's published timeliness figures that the partnership board sets beside its own: the "Children in need"
data files as downloaded from explore-education-statistics, keyed by `new_la_code`.

Two files are read, each known by its header:

- C2 "Completed assessments by duration of assessment and local authority": within 45 working days is
  Same_day + 1-10_days + ... + 41-45_days, of Assessments_completed (WT-ASSESS-45);
- C4 "Section 47s and Initial Child Protection Conferences by local authority": within 15 working days of the
  section 47 enquiry starting is Duration_0-10_days + Duration_11-15_days, of the four duration columns together
  (WT-ICPC-15). Older releases add *_rate columns, which are not needed.

A cell may hold a GSS symbol instead of a number (c suppressed, x unavailable, z not applicable, : not
available, low, u low reliability): the figure it feeds is stored empty, and the row is still good. The file is
checked whole before anything is written (all or nothing, with each problem's line and column); England, every
region and the local authority named by LANTERN_LA_CODE are kept, other authorities' rows are checked and left
out. A figure already held is left alone if the file says the same, and updated if a re-release revised it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.oversight.enums import ComparatorMeasure, GeographicLevel
from lantern.oversight.models import ComparatorFigure
from lantern.people.imports import FileError, RowError, data_rows

if TYPE_CHECKING:
    from lantern.accounts.models import User

LABEL = "import:children-in-need"
GSS_SYMBOLS = frozenset({"c", "x", "z", ":", "low", "u"})
"""The Government Statistical Service's symbols for a figure that is not given (any case)."""
GSS_CODE = re.compile(r"^[EKNSW]\d{8}$")
PERIOD = re.compile(r"^(\d{4})(\d{2})?$")  # 2025 (a reporting year) or 202425 (a financial year)
PLACE_COLUMNS = ("time_period", "geographic_level", "country_code", "country_name", "region_code", "region_name",
                 "new_la_code", "la_name")  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """One of the DfE's files: the measure it gives, and which columns add up to its figure."""

    measure: ComparatorMeasure
    title: str
    within: tuple[str, ...]
    total: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (*PLACE_COLUMNS, *dict.fromkeys((*self.within, *self.total)))


C2 = Layout(
    measure=ComparatorMeasure.ASSESSMENT_45,
    title="C2 Completed assessments by duration of assessment and local authority",
    within=("Same_day", "1-10_days", "11-20_days", "21-30_days", "31-40_days", "41-45_days"),
    total=("Assessments_completed",),
)
C4 = Layout(
    measure=ComparatorMeasure.ICPC_15,
    title="C4 Section 47s and Initial Child Protection Conferences by local authority",
    within=("Duration_0-10_days", "Duration_11-15_days"),
    total=("Duration_0-10_days", "Duration_11-15_days", "Duration_16-20_days", "Duration_21+_days"),
)
LAYOUTS = (C2, C4)


@dataclass(frozen=True)
class Figure:
    """One row as read: where and when, and the figure (None where the file gives a symbol instead)."""

    line: int
    period: str
    level: GeographicLevel
    area_code: str
    area_name: str
    within: int | None
    total: int | None


@dataclass
class ImportResult:
    """What an import did, or (with errors) why it did nothing."""

    filename: str
    layout: Layout | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left_out: int = 0  # other local authorities' rows: checked, not kept
    errors: list[RowError] = field(default_factory=list)

    @property
    def summary(self) -> str:
        kept = f"{self.created} figures new, {self.updated} updated, {self.unchanged} unchanged"
        rows = f"{self.left_out} row{'s' if self.left_out > 1 else ''}"
        others = f"; {rows} for other local authorities left out" if self.left_out else ""
        title = self.layout.title if self.layout else "a Children in need file"
        return f"Imported {self.filename} ({title}): {kept}{others}."


def detect(header: Sequence[str]) -> Layout:
    """Which file this is, from its header; FileError naming what is missing when it is neither."""
    names = {name.strip() for name in header}
    for layout in LAYOUTS:
        if set(layout.columns) <= names:
            return layout
    closest = min(LAYOUTS, key=lambda layout: len(set(layout.columns) - names))
    missing = [c for c in closest.columns if c not in names]
    raise FileError(
        "line 1: this is not a Children in need C2 (completed assessments by duration) or C4 (section 47s and "
        f"initial child protection conferences) file as downloaded: the header has no {', '.join(missing)} "
        f"column{'s' if len(missing) > 1 else ''}"
    )


def _rows(text: str) -> tuple[Layout, Iterator[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise FileError(f"line 1: the header cannot be read as CSV ({error})") from error
    if not any(header):
        raise FileError("line 1: the file is empty; the first line must name the columns")
    layout = detect(header)
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise FileError(f"line 1: column(s) {', '.join(repeated)} appear more than once")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in data_rows(reader, len(header)):
            yield line, dict(zip(header, (v.strip() for v in values), strict=True))

    return layout, rows()


def _count(row: dict[str, str], column: str, line: int, errors: list[RowError]) -> int | None:
    raw = row[column]
    if raw.lower() in GSS_SYMBOLS:
        return None
    if not raw:
        errors.append(RowError(line, column, "Empty: give the count, or the GSS symbol the DfE uses (c, x, z, :)"))
        return None
    try:
        value = int(raw)
    except ValueError:
        errors.append(RowError(line, column, f"“{raw}” is not a count or a GSS symbol (c, x, z, :, low, u)"))
        return None
    if value < 0:
        errors.append(RowError(line, column, f"{raw} is negative: a count cannot be below 0"))
        return None
    return value


def _sum(counts: dict[str, int | None], columns: Sequence[str]) -> int | None:
    """The columns added up; None if any of them is a symbol (a partial sum would be wrong, not smaller)."""
    parts = [counts[column] for column in columns]
    return None if any(part is None for part in parts) else sum(p for p in parts if p is not None)


def _place(row: dict[str, str], line: int, errors: list[RowError]) -> tuple[GeographicLevel, str, str] | None:
    level_text = row["geographic_level"]
    try:
        level = GeographicLevel(level_text)
    except ValueError:
        known = ", ".join(GeographicLevel.values)
        errors.append(RowError(line, "geographic_level", f"“{level_text}” is not one of {known}"))
        return None
    code_column, name_column = {
        GeographicLevel.NATIONAL: ("country_code", "country_name"),
        GeographicLevel.REGIONAL: ("region_code", "region_name"),
        GeographicLevel.LOCAL_AUTHORITY: ("new_la_code", "la_name"),
    }[level]
    code, name = row[code_column].upper(), row[name_column]
    if not GSS_CODE.match(code):
        errors.append(RowError(line, code_column, f"“{row[code_column]}” is not a GSS code like E12000003"))
    if not name:
        errors.append(RowError(line, name_column, f"Give the {level.label.lower()}'s name"))
    return level, code, name


def _period(row: dict[str, str], line: int, errors: list[RowError]) -> str:
    raw = row["time_period"]
    match = PERIOD.match(raw)
    if match is None or (match.group(2) and int(match.group(2)) != (int(match.group(1)) + 1) % 100):
        errors.append(RowError(line, "time_period", f"“{raw}” is not a year like 2025 or a financial year like 202425"))
    return raw


def read(text: str) -> tuple[Layout, list[Figure], list[RowError]]:
    """Every row of a C2 or C4 file checked; the figures and every problem found (FileError if it is unusable)."""
    layout, rows = _rows(text)
    figures: list[Figure] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        found: list[RowError] = []
        period = _period(row, line, found)
        place = _place(row, line, found)
        counts = {column: _count(row, column, line, found) for column in dict.fromkeys((*layout.within, *layout.total))}
        within, total = _sum(counts, layout.within), _sum(counts, layout.total)
        if place is not None and not found:
            level, code, name = place
            # England's and the regions' figures are rounded to the nearest 10, so only an authority's exact
            # counts must have the part no bigger than the whole.
            if level == GeographicLevel.LOCAL_AUTHORITY and within is not None and total is not None and within > total:
                found.append(RowError(line, layout.total[0], f"{within} within the timescale but {total} in all"))
            first = seen.setdefault((period, code), line)
            if first != line:
                found.append(RowError(line, "time_period", f"{code} for {period} repeats line {first}"))
            if not found:
                figures.append(Figure(line, period, level, code, name, within, total))
        errors.extend(found)
    return layout, figures, errors


def _kept(figure: Figure) -> bool:
    if figure.level != GeographicLevel.LOCAL_AUTHORITY:
        return True
    return bool(settings.LANTERN_LA_CODE) and figure.area_code == settings.LANTERN_LA_CODE.upper()


def children_in_need_import(*, text: str, filename: str, actor: User | None) -> ImportResult:
    """Import a C2 or C4 file: nothing is written if any row has a problem (the result lists them). A figure
    already held is updated only if the file revises it; one audit row records what the import did."""
    layout, figures, errors = read(text)
    result = ImportResult(filename=filename, layout=layout, rows=len(figures) + len({e.line for e in errors}))
    if errors:
        result.errors = errors
        return result
    kept = [f for f in figures if _kept(f)]
    result.left_out = len(figures) - len(kept)
    held = {
        (f.period, f.area_code): f
        for f in ComparatorFigure.objects.filter(measure=layout.measure, period__in={k.period for k in kept})
    }
    now = timezone.now()
    with transaction.atomic():
        for figure in kept:
            fields = {"level": figure.level, "area_name": figure.area_name, "within": figure.within,
                      "total": figure.total}  # fmt: skip
            current = held.get((figure.period, figure.area_code))
            if current is None:
                ComparatorFigure.objects.create(measure=layout.measure, period=figure.period,
                                                area_code=figure.area_code, source=filename, imported_at=now,
                                                **fields)  # fmt: skip
                result.created += 1
            elif any(getattr(current, name) != value for name, value in fields.items()):
                for name, value in {**fields, "source": filename, "imported_at": now}.items():
                    setattr(current, name, value)
                current.save()
                result.updated += 1
            else:
                result.unchanged += 1
        audit_record(
            actor=actor, username=LABEL, action=AuditAction.IMPORT,
            object_type=ComparatorFigure.AUDIT_TYPE, purpose="import the DfE's Children in need figures",
            outcome=Outcome.SUCCESS,
            detail={"file": filename, "measure": layout.measure.value, "created": result.created,
                    "updated": result.updated, "unchanged": result.unchanged, "left_out": result.left_out},
        )  # fmt: skip
    return result


def import_path(*, path: Path, actor: User | None) -> ImportResult:
    """Read a downloaded file from disk and import it (FileError if it is not UTF-8 or not a C2 or C4 file)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileError(f"line {line}: the file is not UTF-8 text (save it from Excel as “CSV UTF-8”)") from error
    return children_in_need_import(text=text, filename=path.name, actor=actor)
