"""Full-text search over intelligence: PostgreSQL's tsvector with a GIN index (English stemming), SQLite's
FTS5 with the Porter stemmer; both made by migration 0001. Every word must match ("expensive phones" finds
"phone" and "expensive"); a word in quotes is matched as written."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from lantern.intel.models import IntelReport

TABLE = IntelReport._meta.db_table
FTS_TABLE = f"{TABLE}_fts"  # SQLite only
SEARCHED_COLUMNS = ("what", "location_text", "people_text", "vehicles_text", "phones_text")
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
MAX_WORDS = 12


def words(text: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(text) if w.strip("'-")][:MAX_WORDS]


def matching(text: str) -> RawSQL | None:
    """A condition on reports: their text holds every word of `text`; None when there is nothing to search.
    A condition on the report row itself (not a list of ids), so the database can combine the full-text index
    with the access filter and the ordering."""
    found = words(text)
    if not found:
        return None
    # Table names are constants; the words are always a bound parameter.
    if connection.vendor == "postgresql":
        sql = f'"{TABLE}"."search_vector" @@ plainto_tsquery(\'english\', %s)'
        return RawSQL(sql, [" ".join(found)], output_field=BooleanField())  # noqa: S611
    match = " AND ".join('"' + w.replace('"', "") + '"' for w in found)
    sql = f'"{TABLE}"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)'  # noqa: S608
    return RawSQL(sql, [match], output_field=BooleanField())  # noqa: S611
