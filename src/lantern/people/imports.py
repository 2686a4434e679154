"""Reading an agency's records file: every row checked before anything is written.

Imports are strict where `lantern resolve` is forgiving: a phone, mark, postcode, NHS number or date that
does not parse is an error naming the row and the field, because an import writes to the shared record.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lantern.people.enums import AliasKind, IdentifierScheme, PersonKind, RecordCategory, Sex
from lantern.people.normalise import (
    InvalidValue,
    PartialDate,
    normalise_nhs_number,
    normalise_phone,
    normalise_police_reference,
    normalise_postcode,
    normalise_upn,
    normalise_vrm,
    parse_partial_date,
)

REQUIRED_COLUMNS = ("record_id",)
KNOWN_COLUMNS = (
    "record_id", "kind", "given_name", "family_name", "aliases", "dob", "sex", "phone", "postcode", "address",
    "vrm", "nhs_number", "upn", "police_reference", "category", "title", "summary", "handling_code",
)  # fmt: skip
MULTI = ";"
IDENTIFIER_NORMALISERS = {
    IdentifierScheme.NHS_NUMBER: normalise_nhs_number,
    IdentifierScheme.UPN: normalise_upn,
    IdentifierScheme.POLICE_REFERENCE: normalise_police_reference,
}


@dataclass(frozen=True)
class RecordInput:
    """One validated row: what a source record will hold."""

    source_id: str
    kind: str
    given_name: str
    family_name: str
    dob: PartialDate | None
    sex: str
    category: str
    title: str
    summary: str
    handling_code: str
    aliases: tuple[tuple[str, str], ...] = ()
    phones: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    postcode: str = ""
    address: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass
class ReadResult:
    rows: list[RecordInput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class FileError(ValueError):
    """The file as a whole cannot be read: the message names the line where it can."""


def data_rows(reader: Any, columns: int) -> Iterator[tuple[int, list[str]]]:
    """(line, values) for each row after the header (already read from `reader`, a `csv.reader`) with any value
    in it. The line is where the row starts, counting the header as line 1, so a row with a quoted line break in
    it is still found where it begins. Unreadable CSV, or a row with other than `columns` values, is a
    `FileError` naming its line."""
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader, None)
        except csv.Error as error:
            raise FileError(f"line {start}: the row cannot be read as CSV ({error})") from error
        if values is None:
            return
        if any(v.strip() for v in values):
            if len(values) != columns:
                raise FileError(f"line {start}: {len(values)} values where the header has {columns} columns")
            yield start, values
        start = reader.line_num + 1


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(MULTI) if part.strip()]


def _alias(text: str) -> tuple[str, str]:
    """ "street_name:Tiny" gives a typed alias; a bare name is a nickname."""
    kind, sep, name = text.partition(":")
    if sep and kind.strip() in AliasKind.values:
        return name.strip(), kind.strip()
    return text.strip(), AliasKind.NICKNAME.value


def parse_row(row: Mapping[str, str], line: int) -> tuple[RecordInput | None, list[RowError]]:
    errors: list[RowError] = []

    def value(name: str) -> str:
        return (row.get(name) or "").strip()

    def check(name: str, allowed: list[str], default: str, message: str) -> str:
        got = value(name) or default
        if got not in allowed:
            errors.append(RowError(line, name, message))
        return got

    source_id = value("record_id")
    if not source_id:
        errors.append(RowError(line, "record_id", "Enter the agency's own reference for this record"))
    if not (value("given_name") or value("family_name") or value("aliases")):
        errors.append(RowError(line, "given_name", "Enter a name or an alias: a record must name someone"))
    kind = check("kind", PersonKind.values, PersonKind.CHILD, "Use child or adult")
    sex = check("sex", [*Sex.values, ""], "", "Use F, M or U, or leave it empty")
    category = check(
        "category", RecordCategory.values, RecordCategory.AGENCY_RECORD, "Use agency_record or sexual_health"
    )
    handling = check("handling_code", ["P", "C"], "P", "Use P (may be shared) or C (conditions apply)")

    def attempt(name: str, normalise: Callable[[str], Any], raw: str) -> Any:
        try:
            return normalise(raw)
        except InvalidValue as error:
            errors.append(RowError(line, name, str(error)))
            return None

    dob = attempt("dob", parse_partial_date, value("dob"))
    phones = [p for raw in _split(value("phone")) if (p := attempt("phone", normalise_phone, raw))]
    vehicles = [v for raw in _split(value("vrm")) if (v := attempt("vrm", normalise_vrm, raw))]
    postcode = (attempt("postcode", normalise_postcode, value("postcode")) or "") if value("postcode") else ""
    identifiers = [
        (scheme.value, normalised)
        for scheme, normaliser in IDENTIFIER_NORMALISERS.items()
        if value(scheme) and (normalised := attempt(scheme.value, normaliser, value(scheme)))
    ]
    if errors:
        return None, errors
    record = RecordInput(
        source_id=source_id,
        kind=kind,
        given_name=value("given_name"),
        family_name=value("family_name"),
        dob=dob,
        sex=sex,
        category=category,
        title=value("title") or "Imported record",
        summary=value("summary"),
        handling_code=handling,
        aliases=tuple(_alias(a) for a in _split(value("aliases"))),
        phones=tuple(dict.fromkeys(phones)),
        vehicles=tuple(dict.fromkeys(vehicles)),
        postcode=postcode,
        address=value("address"),
        identifiers=tuple(identifiers),
    )
    return record, []


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileError(f"line 1: the header has no {', '.join(missing)} column")
    unknown = [c for c in columns if c not in KNOWN_COLUMNS]
    if unknown:
        raise FileError(f"line 1: unknown column(s) {', '.join(unknown)}; known: {', '.join(KNOWN_COLUMNS)}")
    try:
        for row in reader:
            if None in row:
                raise FileError(f"line {reader.line_num}: more values than columns")
            yield reader.line_num, row
    except csv.Error as error:
        raise FileError(f"line {reader.line_num}: {error}") from error


def read_records(path: Path) -> ReadResult:
    """Every row of the file validated; FileError if the file itself is unusable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise FileError(f"line {line}: the file is not UTF-8 text") from error
    result = ReadResult()
    seen: dict[str, int] = {}
    for line, row in _rows(text):
        record, errors = parse_row(row, line)
        result.errors.extend(errors)
        if record is None:
            continue
        if record.source_id in seen:
            result.errors.append(RowError(line, "record_id", f"repeats line {seen[record.source_id]}"))
            continue
        seen[record.source_id] = line
        result.rows.append(record)
    return result
