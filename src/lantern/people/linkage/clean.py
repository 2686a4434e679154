"""From agencies' records as written to the table Splink compares.

Every value goes through `lantern.people.normalise`, once per distinct value (a million records hold far
fewer distinct names, phones and postcodes), and the per-record table is assembled in DuckDB. A value that
fails validation is kept as far as it is usable (a date with an impossible day keeps its year and month; a
postcode with a broken inward code keeps its outward code) or treated as empty, and counted; no record is
ever dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from lantern.people import normalise
from lantern.people.linkage.schema import ALIAS_SEPARATOR, INPUT_COLUMNS

RAW_TABLE = "lantern_raw_records"
CLEAN_TABLE = "lantern_records"

SEX_VALUES = {
    "m": "M", "male": "M", "boy": "M", "man": "M",
    "f": "F", "female": "F", "girl": "F", "woman": "F",
    "u": None, "x": None, "unknown": None, "not known": None, "not stated": None, "n/k": None,
}  # fmt: skip
OUTWARD_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


@dataclass(frozen=True)
class CleanedRecords:
    table: str  # name of the DuckDB table holding one cleaned row per input record
    rows: int
    invalid_field_counts: dict[str, int]


def clean_into(con: duckdb.DuckDBPyConnection, records: pa.Table) -> CleanedRecords:
    """Create CLEAN_TABLE in `con` from `records` (INPUT_COLUMNS as strings) and count invalid fields."""
    numbered = records.append_column("input_row", pa.array(range(records.num_rows), pa.int64()))
    con.register(RAW_TABLE, numbered)
    invalid: Counter[str] = Counter()
    _register_lookup(
        con, "lantern_name_lu", _distinct_names(con), _name_row, ("raw", "clean", "first", "ph", "tokens", "canon")
    )
    for column, parse in (("phone", _phone_row), ("postcode", _postcode_row), ("vrm", _vrm_row)):
        _register_lookup(con, f"lantern_{column}_lu", _distinct(con, column), parse, ("raw", "value", "extra", "bad"))
    _register_lookup(con, "lantern_dob_lu", _distinct(con, "dob"), _dob_row, ("raw", "y", "m", "d", "bad"))
    _register_lookup(con, "lantern_sex_lu", _distinct(con, "sex"), _sex_row, ("raw", "value", "bad"))
    con.execute(_ASSEMBLE_SQL.format(raw=RAW_TABLE, clean=CLEAN_TABLE, sep=ALIAS_SEPARATOR))
    counts = con.sql(f"""
        select
          count(*) filter (where r.given_name is not null and trim(r.given_name) <> '' and g.clean is null),
          count(*) filter (where r.family_name is not null and trim(r.family_name) <> '' and f.clean is null),
          count(*) filter (where d.bad),
          count(*) filter (where s.bad),
          count(*) filter (where p.bad),
          count(*) filter (where pc.bad),
          count(*) filter (where v.bad)
        from {RAW_TABLE} r
        left join lantern_name_lu g on g.raw = r.given_name
        left join lantern_name_lu f on f.raw = r.family_name
        left join lantern_dob_lu d on d.raw = r.dob
        left join lantern_sex_lu s on s.raw = r.sex
        left join lantern_phone_lu p on p.raw = r.phone
        left join lantern_postcode_lu pc on pc.raw = r.postcode
        left join lantern_vrm_lu v on v.raw = r.vrm
    """).fetchall()[0]
    for name, count in zip(
        ("given_name", "family_name", "dob", "sex", "phone", "postcode", "vrm"), counts, strict=True
    ):
        if count:
            invalid[name] += int(count)
    alias_bad = con.sql(f"""
        select count(*) from (select unnest(string_split({RAW_TABLE}.aliases, '{ALIAS_SEPARATOR}')) as a
                              from {RAW_TABLE}) x
        left join lantern_name_lu n on n.raw = x.a
        where trim(x.a) <> '' and n.clean is null
    """).fetchall()[0][0]
    if alias_bad:
        invalid["aliases"] += int(alias_bad)
    rows = con.sql(f"select count(*) from {CLEAN_TABLE}").fetchall()[0][0]
    con.unregister(RAW_TABLE)
    return CleanedRecords(table=CLEAN_TABLE, rows=int(rows), invalid_field_counts=dict(sorted(invalid.items())))


def as_input_table(records: Iterable[Any] | pa.Table) -> pa.Table:
    """Records as an all-string Arrow table with exactly INPUT_COLUMNS (missing columns become empty)."""
    if isinstance(records, pa.Table):
        columns = {}
        for name in INPUT_COLUMNS:
            if name in records.column_names:
                columns[name] = records.column(name).cast(pa.string())
            else:
                columns[name] = pa.nulls(records.num_rows, pa.string())
        return pa.table(columns)
    rows = list(records)
    return pa.table({name: pa.array([_text(row.get(name)) for row in rows], pa.string()) for name in INPUT_COLUMNS})


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(value)


# -- distinct values and their cleaned forms ------------------------------------------------------------
def _distinct(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    rows = con.sql(f"select distinct {column} from {RAW_TABLE} where {column} is not null").fetchall()
    return [row[0] for row in rows]


def _distinct_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.sql(f"""
        select given_name from {RAW_TABLE} where given_name is not null
        union select family_name from {RAW_TABLE} where family_name is not null
        union select unnest(string_split(aliases, '{ALIAS_SEPARATOR}')) from {RAW_TABLE} where aliases is not null
    """).fetchall()
    return [row[0] for row in rows]


def _register_lookup(
    con: duckdb.DuckDBPyConnection,
    name: str,
    values: list[str],
    parse: Callable[[str], tuple[Any, ...]],
    columns: tuple[str, ...],
) -> None:
    parsed = [(value, *parse(value)) for value in values]
    data: list[tuple[Any, ...]] = list(zip(*parsed, strict=True)) if parsed else [() for _ in columns]
    table = pa.table({column: pa.array(list(data[i]), type=_LOOKUP_TYPES[column]) for i, column in enumerate(columns)})
    con.register(f"{name}_arrow", table)
    con.execute(f"create or replace table {name} as select * from {name}_arrow")
    con.unregister(f"{name}_arrow")


_LOOKUP_TYPES: dict[str, pa.DataType] = {
    "raw": pa.string(),
    "clean": pa.string(),
    "first": pa.string(),
    "ph": pa.string(),
    "tokens": pa.list_(pa.string()),
    "canon": pa.list_(pa.string()),
    "value": pa.string(),
    "extra": pa.string(),
    "bad": pa.bool_(),
    "y": pa.int32(),
    "m": pa.int32(),
    "d": pa.int32(),
}


def _name_row(raw: str) -> tuple[str | None, str | None, str | None, list[str] | None, list[str] | None]:
    """clean name, its first token, that token's phonetic key, its tokens, and with them their formal names."""
    tokens = normalise.name_tokens(raw)
    if not tokens:
        return None, None, None, None, None
    canon: set[str] = set(tokens)
    for token in tokens:
        canon.update(normalise.canonical_names(token))
    clean = normalise.clean_name(raw) or " ".join(tokens)
    return clean, tokens[0], normalise.phonetic_key(tokens[0]) or None, sorted(set(tokens)), sorted(canon)


def _phone_row(raw: str) -> tuple[str | None, str | None, bool]:
    if not raw.strip():
        return None, None, False
    phone = normalise.try_phone(raw)
    return phone, None, phone is None


def _vrm_row(raw: str) -> tuple[str | None, str | None, bool]:
    if not raw.strip():
        return None, None, False
    vrm = normalise.try_vrm(raw)
    return vrm, None, vrm is None


def _postcode_row(raw: str) -> tuple[str | None, str | None, bool]:
    if not raw.strip():
        return None, None, False
    postcode = normalise.try_postcode(raw)
    if postcode is not None:
        return postcode, normalise.postcode_outward(postcode), False
    first = raw.strip().upper().split()[0]  # a broken inward code still leaves a usable outward code
    return None, (first if OUTWARD_PATTERN.match(first) else None), True


def _dob_row(raw: str) -> tuple[int | None, int | None, int | None, bool]:
    text = raw.strip()
    if not text:
        return None, None, None, False
    for attempt in (text, text[:7], text[:4]):  # an impossible day or month still leaves the year (and month)
        try:
            parsed = normalise.parse_partial_date(attempt)
        except ValueError:
            continue
        if parsed is None:  # not empty, yet no date at all
            break
        return parsed.year, parsed.month, parsed.day, attempt != text
    return None, None, None, True


def _sex_row(raw: str) -> tuple[str | None, bool]:
    key = raw.strip().lower()
    if not key:
        return None, False
    if key in SEX_VALUES:
        return SEX_VALUES[key], False
    return None, True


# One row per input record: the columns the settings in `model.py` compare and block on.
_ASSEMBLE_SQL = """
create or replace table {clean} as
with alias_names as (
    select a.rid, list_distinct(flatten(list(n.canon))) as canon
    from (select input_row as rid, unnest(string_split(aliases, '{sep}')) as raw from {raw}) a
    join lantern_name_lu n on n.raw = a.raw
    where n.canon is not null
    group by a.rid
),
base as (
    select
        r.input_row,
        r.record_id as unique_id,
        r.agency,
        g.clean as given,
        g.first as given_first,
        g.ph as given_ph,
        g.canon as given_canon,
        f.clean as family,
        f.ph as family_ph,
        f.tokens as family_tokens,
        f.canon as family_canon,
        al.canon as alias_canon,
        d.y as dob_year,
        d.m as dob_month,
        d.d as dob_day,
        s.value as sex,
        p.value as phone,
        pc.value as postcode,
        pc.extra as outward,
        v.value as vrm
    from {raw} r
    left join lantern_name_lu g on g.raw = r.given_name
    left join lantern_name_lu f on f.raw = r.family_name
    left join alias_names al on al.rid = r.input_row
    left join lantern_dob_lu d on d.raw = r.dob
    left join lantern_sex_lu s on s.raw = r.sex
    left join lantern_phone_lu p on p.raw = r.phone
    left join lantern_postcode_lu pc on pc.raw = r.postcode
    left join lantern_vrm_lu v on v.raw = r.vrm
)
select
    input_row, unique_id, agency, given, given_first, given_ph, given_canon, family, family_ph, family_tokens,
    family_canon, alias_canon,
    case when given_canon is not null or family_tokens is not null or alias_canon is not null
         then list_distinct(coalesce(given_canon, []) || coalesce(family_tokens, []) || coalesce(alias_canon, []))
    end as name_canon,
    dob_year, dob_month, dob_day,
    case when dob_day is not null
         then printf('%04d-%02d-%02d', dob_year, dob_month, dob_day) end as dob,
    sex, phone, postcode,
    case when postcode is not null then left(postcode, length(postcode) - 2) end as sector,
    outward, vrm
from base
order by input_row
"""
