"""Reading `lantern resolve` input files and writing its output. A broken file is an error naming its line."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from lantern.people.linkage.schema import INPUT_COLUMNS, OUTPUT_COLUMNS

CHUNK_ROWS = 100_000


class InputFileError(ValueError):
    """The input file cannot be read as records; `line` is the (1-based) line at fault."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def read_records_csv(path: Path) -> pa.Table:
    """The records in a UTF-8 CSV file with exactly INPUT_COLUMNS (any order) as an all-string table.

    Empty cells stay empty strings (cleaning treats them as missing). Blank lines are skipped. The file is
    refused, naming the line, when it is not UTF-8, has no header, lacks or adds columns, has a row with the
    wrong number of fields, a row without a record id, or a record id used twice.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputFileError(line, f"not UTF-8 text (byte 0x{data[error.start]:02x})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = _header(reader)
        return _rows(reader, header)
    except csv.Error as error:
        raise InputFileError(reader.line_num or 1, f"not readable as CSV ({error})") from None


def _header(reader: Any) -> list[str]:
    first = next(reader, None)
    while first is not None and not any(cell.strip() for cell in first):
        first = next(reader, None)
    if first is None:
        raise InputFileError(1, "the file is empty: expected a header row naming " + ", ".join(INPUT_COLUMNS))
    line = reader.line_num
    header = [cell.strip() for cell in first]
    if "record_id" not in header:
        raise InputFileError(line, "no record_id column in the header")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputFileError(line, "column named twice: " + ", ".join(repeated))
    missing = [name for name in INPUT_COLUMNS if name not in header]
    unexpected = [name for name in header if name not in INPUT_COLUMNS]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unexpected:
            parts.append("unexpected columns: " + ", ".join(unexpected))
        raise InputFileError(line, "; ".join(parts) + " (expected " + ",".join(INPUT_COLUMNS) + ")")
    return header


def _rows(reader: Any, header: list[str]) -> pa.Table:
    order = [header.index(name) for name in INPUT_COLUMNS]
    id_index = header.index("record_id")
    seen: dict[str, int] = {}
    chunks: list[pa.RecordBatch] = []
    columns: list[list[str]] = [[] for _ in INPUT_COLUMNS]
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            raise InputFileError(line, f"expected {len(header)} fields, found {len(row)}")
        record_id = row[id_index].strip()
        if not record_id:
            raise InputFileError(line, "empty record_id")
        if record_id in seen:
            raise InputFileError(line, f"record_id {record_id!r} already used at line {seen[record_id]}")
        seen[record_id] = line
        row[id_index] = record_id
        for target, source in zip(columns, order, strict=True):
            target.append(row[source])
        if len(columns[0]) >= CHUNK_ROWS:
            chunks.append(_batch(columns))
            columns = [[] for _ in INPUT_COLUMNS]
    chunks.append(_batch(columns))
    return pa.Table.from_batches(chunks)


def _batch(columns: list[list[str]]) -> pa.RecordBatch:
    return pa.record_batch([pa.array(values, pa.string()) for values in columns], names=list(INPUT_COLUMNS))


def write_assignments_csv(path: Path, assignments: Mapping[str, str]) -> None:
    """OUTPUT_COLUMNS, one row per record, in the order given."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        writer.writerows(assignments.items())
