"""Full-text search over intelligence: PostgreSQL's tsvector with a GIN index (English stemming), SQLite's
FTS5 with the Porter stemmer; both made by migration 0001. Every word must match ("expensive phones" finds
"phone" and "expensive"); a word in quotes is matched as written."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models.expressions import RawSQL

from lantern.intel.models import IntelReport

TABLE = IntelReport._meta.db_table
FTS_TABLE = f"{TABLE}_fts"  # SQLite only
SEARCHED_COLUMNS = ("what", "location_text", "people_text", "vehicles_text", "phones_text")
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
MAX_WORDS = 12


def words(text: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(text) if w.strip("'-")][:MAX_WORDS]


def matching_ids(text: str) -> RawSQL | None:
    """A subquery of the ids of reports whose text holds every word; None when there is nothing to search."""
    found = words(text)
    if not found:
        return None
    # Table names are constants; the words are always a bound parameter.
    if connection.vendor == "postgresql":
        sql = f"SELECT id FROM {TABLE} WHERE search_vector @@ plainto_tsquery('english', %s)"  # noqa: S608
        return RawSQL(sql, [" ".join(found)])  # noqa: S611
    match = " AND ".join('"' + w.replace('"', "") + '"' for w in found)
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608, S611
