"""Finding a person by any name, alias, nickname, phone, vehicle or (partial) date of birth, forgiving
misspellings.

Every source record is indexed as search keys (``SearchKey``): each name word, its phonetic key (NYSIIS),
the formal names a given name or alias stands for (Bill -> william), E.164 phones, registration marks and
the date of birth as precisely as the agency knows it. A query is split into words; each word becomes a
few exact keys (the word, its phonetic key, its formal names, the dates it covers) plus the indexed name
words that look like it (trigram similarity, as PostgreSQL's pg_trgm measures it). Every key lookup is an
equality on the ``(kind, value)`` b-tree, so the cost follows the number of matches, not the table size.

Misspellings are looked up in a small vocabulary of the distinct name words (``people_searchterm``,
kept by ``index_record``): on PostgreSQL through a GIN ``gin_trgm_ops`` index and the ``%`` operator, on
SQLite through an FTS5 table with the trigram tokenizer, re-ranked here with pg_trgm's similarity so both
databases find the same names. The vocabulary holds bare words, never which record holds them.

A person matches when every word of the query (all but one, from three words up) matches some key of
their records; they rank by the sum of each word's best match. Access is the caller's: ``person_matches``
ranks only within the queryset it is given (``access.scope``) and the agencies whose keys it may use.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from jellyfish import damerau_levenshtein_distance

from lantern.people.models import Person, SearchKey, SourceRecord
from lantern.people.normalise import (
    canonical_names,
    name_tokens,
    parse_partial_date,
    phonetic_key,
    try_phone,
    try_vrm,
)

NAME, PHONETIC, CANONICAL, PHONE, VRM, DOB = "name", "phonetic", "canonical", "phone", "vrm", "dob"
TERMS_TABLE = "people_searchterm"
TRIGRAM_THRESHOLD = 0.45  # pg_trgm similarity: Chloee~Chloe 0.62, Katheryn~Katherine 0.46, Smith~Smyth 0.33
TRIGRAM_CANDIDATE = 0.3  # pg_trgm's default `%` threshold: below it a word is not even a candidate
FUZZY_MIN_LENGTH = 3
FUZZY_CANDIDATES = 200  # vocabulary words looked at per query word, re-ranked here
FUZZY_PER_WORD = 8  # similar words kept per query word, most similar first
MAX_QUERY_WORDS = 8
KEY_LENGTH = 100

# How much a match of each kind says about the person: an exact name beats its formal name group, which
# beats sounding alike, which beats looking alike. A phone or a mark identifies on its own.
WEIGHT_EXACT_NAME, WEIGHT_CANONICAL, WEIGHT_PHONETIC, WEIGHT_FUZZY = 4, 3, 2, 1
WEIGHT_PHONE_OR_VRM = 10
WEIGHT_DOB, WEIGHT_DOB_LESS_PRECISE = 3, 1


@dataclass(frozen=True)
class Term:
    """One key a word of the query could match: its kind, value, how much a match counts, and which word."""

    kind: str
    value: str
    weight: int
    word: int = 0


# --- Indexing -----------------------------------------------------------------------------------------


def keys_for(
    *,
    given_name: str,
    family_name: str,
    aliases: Iterable[str] = (),
    phones: Iterable[str] = (),
    vrms: Iterable[str] = (),
    dob: str = "",
) -> set[tuple[str, str]]:
    """Every (kind, value) key a record with these facts can be found by."""
    alias_list = list(aliases)
    keys: set[tuple[str, str]] = set()
    for token in {t for name in (given_name, family_name, *alias_list) for t in name_tokens(name)}:
        keys.add((NAME, token[:KEY_LENGTH]))
        if code := phonetic_key(token):
            keys.add((PHONETIC, code[:KEY_LENGTH]))
    for token in {t for name in (given_name, *alias_list) for t in name_tokens(name)}:
        keys.update((CANONICAL, group) for group in canonical_names(token))
    keys.update((PHONE, phone) for phone in phones if phone)
    keys.update((VRM, vrm) for vrm in vrms if vrm)
    if dob:
        keys.add((DOB, dob))
    return keys


def record_keys(record: SourceRecord) -> set[tuple[str, str]]:
    """Every key a record can be found by (aliases, phones and vehicles read through the record)."""
    return keys_for(
        given_name=record.given_name,
        family_name=record.family_name,
        aliases=[a.name for a in record.aliases.all()],
        phones=[p.number for p in record.phones.all()],
        vrms=[v.vrm for v in record.vehicles.all()],
        dob=record.dob_display,
    )


def remember_terms(values: Iterable[str]) -> None:
    """Add name words to the vocabulary misspellings are looked up in (words already there are skipped)."""
    rows = [(value,) for value in sorted(set(values))]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TERMS_TABLE} (value) VALUES (%s) ON CONFLICT DO NOTHING", rows)  # noqa: S608


def rebuild_terms() -> None:
    """Fill the vocabulary from every name key (after a bulk load that bypassed ``index_records``)."""
    table = SearchKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TERMS_TABLE} (value) SELECT DISTINCT value FROM {table} WHERE kind = %s "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            [NAME],
        )


def index_record(record: SourceRecord) -> None:
    keys = record_keys(record)
    SearchKey.objects.filter(record=record).delete()
    SearchKey.objects.bulk_create(SearchKey(record=record, kind=kind, value=value) for kind, value in keys)
    remember_terms(value for kind, value in keys if kind == NAME)


def index_records(record_ids: Iterable[object], *, batch: int = 2000) -> int:
    """Rebuild the keys of many records at once (imports and the demo generator)."""
    ids: list[Any] = list(record_ids)
    written = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        SearchKey.objects.filter(record_id__in=chunk).delete()
        records = SourceRecord.objects.filter(pk__in=chunk).prefetch_related("aliases", "phones", "vehicles")
        keys = [SearchKey(record=r, kind=k, value=v) for r in records for k, v in record_keys(r)]
        SearchKey.objects.bulk_create(keys, batch_size=5000)
        remember_terms(key.value for key in keys if key.kind == NAME)
        written += len(keys)
    return written


# --- Misspellings ---------------------------------------------------------------------------------------


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(left: str, right: str) -> float:
    """pg_trgm's ``similarity``: shared trigrams over all trigrams of the two words."""
    a, b = trigrams(left), trigrams(right)
    return len(a & b) / len(a | b) if a and b else 0.0


def _looks_like(token: str, value: str, score: float) -> bool:
    """Similar enough to be a misspelling: most trigrams shared, or one slip of the keyboard (a letter
    added, dropped, changed or two swapped: "Willaim", "Hughs") in a word of four letters or more."""
    if score >= TRIGRAM_THRESHOLD:
        return True
    return score >= TRIGRAM_CANDIDATE and len(token) >= 4 and damerau_levenshtein_distance(token, value) <= 1


def similar_names(tokens: Sequence[str]) -> dict[str, list[str]]:
    """For each token, the indexed name words that look like it (not the token itself), most similar
    first. One query for all the words of a search on PostgreSQL."""
    tokens = sorted({t for t in tokens if len(t) >= FUZZY_MIN_LENGTH})
    candidates: dict[str, list[str]] = {token: [] for token in tokens}
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # `%` is what the GIN index answers (pg_trgm.similarity_threshold, 0.3 unless changed).
            cursor.execute(
                "SELECT w.token, s.value FROM unnest(%s::text[]) AS w (token) CROSS JOIN LATERAL ("  # noqa: S608
                f"SELECT value FROM {TERMS_TABLE} WHERE value %% w.token "
                "ORDER BY similarity(value, w.token) DESC, value LIMIT %s) s",
                [tokens, FUZZY_CANDIDATES],
            )
            for token, value in cursor.fetchall():
                candidates[token].append(value)
        else:
            # FTS5's trigram tokenizer: words sharing any trigram, those sharing the most (bm25) first.
            for token in tokens:
                grams = sorted({token[i : i + 3] for i in range(len(token) - 2)})
                cursor.execute(
                    f"SELECT value FROM {TERMS_TABLE}_fts WHERE {TERMS_TABLE}_fts MATCH %s ORDER BY rank LIMIT %s",  # noqa: S608
                    [" OR ".join(f'"{gram}"' for gram in grams), FUZZY_CANDIDATES],
                )
                candidates[token] = [row[0] for row in cursor.fetchall()]
    found: dict[str, list[str]] = {}
    for token, values in candidates.items():
        scored = [(value, similarity(token, value)) for value in values if value != token]
        scored = [(value, score) for value, score in scored if _looks_like(token, value, score)]
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        found[token] = [value for value, _ in scored[:FUZZY_PER_WORD]]
    return found


# --- Queries --------------------------------------------------------------------------------------------


def _dob_terms(word: str, index: int) -> list[Term] | None:
    """The date-of-birth keys a date covers: the exact keys inside it and the less precise ones around it
    (a record that knows only 2011 may still be the person born 2011-05-17)."""
    try:
        date = parse_partial_date(word)
    except ValueError:
        return None
    if date is None:
        return None
    year = f"{date.year:04d}"
    if date.day:
        month = f"{year}-{date.month:02d}"
        inside = [date.iso()]
        around = [year, month]
    elif date.month:
        month = f"{year}-{date.month:02d}"
        inside = [month, *(f"{month}-{day:02d}" for day in range(1, 32))]
        around = [year]
    else:
        months = [f"{year}-{m:02d}" for m in range(1, 13)]
        inside = [year, *months, *(f"{m}-{day:02d}" for m in months for day in range(1, 32))]
        around = []
    return [Term(DOB, value, WEIGHT_DOB, index) for value in inside] + [
        Term(DOB, value, WEIGHT_DOB_LESS_PRECISE, index) for value in around
    ]


def _name_terms(token: str, index: int, similar: list[str]) -> list[Term]:
    terms = [Term(NAME, token, WEIGHT_EXACT_NAME, index)]
    if code := phonetic_key(token):
        terms.append(Term(PHONETIC, code, WEIGHT_PHONETIC, index))
    terms.extend(Term(CANONICAL, group, WEIGHT_CANONICAL, index) for group in sorted(canonical_names(token)))
    terms.extend(Term(NAME, value, WEIGHT_FUZZY, index) for value in similar)
    return terms


def parse_query(text: str) -> list[Term]:
    """What the words typed could mean: a phone, a mark, or words that are dates or names. Each word gets
    its own index, so a person must match every word (see ``words_required``)."""
    text = " ".join(text.split())[:200]
    if not text:
        return []
    if any(c.isdigit() for c in text):
        if phone := try_phone(text):
            return [Term(PHONE, phone, WEIGHT_PHONE_OR_VRM)]
        vrm = try_vrm(text) if len(text.replace(" ", "")) <= 8 else None
        if vrm and any(c.isdigit() for c in vrm) and any(c.isalpha() for c in vrm):
            return [Term(VRM, vrm, WEIGHT_PHONE_OR_VRM)]
    words: list[list[Term] | str] = []  # a date's terms, or a name word still to expand
    for word in text.split():
        dob = _dob_terms(word, len(words))
        if dob is not None:
            words.append(dob)
        else:
            words.extend(name_tokens(word))
    words = words[:MAX_QUERY_WORDS]
    similar = similar_names([w for w in words if isinstance(w, str)])
    terms: list[Term] = []
    for index, expanded in enumerate(words):
        if isinstance(expanded, str):
            terms.extend(_name_terms(expanded, index, similar.get(expanded, [])))
        else:
            terms.extend(Term(t.kind, t.value, t.weight, index) for t in expanded)
    return terms


def searchable(text: str) -> bool:
    """Whether the text holds anything to search for (a name, phone, mark or date), before any lookup."""
    text = " ".join(text.split())
    if not text:
        return False
    if any(c.isdigit() for c in text) and (try_phone(text) or try_vrm(text)):
        return True
    return any(name_tokens(word) or _dob_terms(word, 0) for word in text.split())


def words_required(terms: Sequence[Term]) -> int:
    """A person must match every word of a one- or two-word query, and all but one of a longer one (a
    middle name or a mistaken word should not hide them)."""
    words = len({t.word for t in terms})
    return words if words <= 2 else words - 1


@dataclass(frozen=True)
class Matches:
    """One page of matching people, best first, and how many match in all."""

    ranked: list[tuple[uuid.UUID, int]]
    total: int


def _dob_case(dob_terms: Sequence[Term]) -> str:
    """Which word and weight a date-of-birth key stands for, as SQL over the key's ``value``."""
    word = " ".join("WHEN value = %s THEN %s" for _ in dob_terms)
    weight = " ".join("WHEN value = %s THEN %s" for _ in dob_terms)
    return f"CASE {word} END AS word, CASE {weight} END AS weight"


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def person_matches(
    text: str, *, within: QuerySet[Person], agency_ids: Collection[int], limit: int, offset: int = 0
) -> Matches:
    """People in ``within`` whose records, held by ``agency_ids``, match the query: (id, score) best first
    (ties by name), one page of them, and the total. ``within`` is already scoped by access; only keys of
    records the given agencies hold count, so a match never rests on a record the caller may not know of."""
    terms = parse_query(text)
    if not terms or not agency_ids:
        return Matches([], 0)
    key_table, record_table, person_table = (m._meta.db_table for m in (SearchKey, SourceRecord, Person))
    allowed_sql, allowed_params = within.order_by().values("pk").query.sql_with_params()
    values_sql = ", ".join(["(%s, %s, %s, %s)"] * len(terms))
    agencies_sql = ", ".join(["%s"] * len(agency_ids))
    lookup = f"""
        SELECT r.person_id AS person_id, q.word AS word, MAX(q.weight) AS weight
        FROM q
        JOIN {key_table} k ON k.kind = q.kind AND k.value = q.value
        JOIN {record_table} r ON r.id = k.record_id
        WHERE r.agency_id IN ({agencies_sql}) AND q.kind {{kinds}}
        GROUP BY r.person_id, q.word
    """  # noqa: S608 - identifiers come from model metadata; every value is a parameter
    dob_terms = [t for t in terms if t.kind == DOB]
    if dob_terms and len(dob_terms) < len(terms):
        # A date of birth covers many people (a year, hundreds of thousands in a million): check it only
        # on the records of people the other words found, through their own keys.
        hits = f"""
        named AS MATERIALIZED ({lookup.format(kinds="<> %s")}),
        dated AS (
            SELECT r.person_id AS person_id, k.word AS word, MAX(k.weight) AS weight
            FROM (SELECT DISTINCT person_id FROM named) c
            JOIN {record_table} r ON r.person_id = c.person_id
            JOIN (
                SELECT record_id, {{dob_case}} FROM {key_table} WHERE kind = %s AND value IN ({{dob_in}})
            ) k ON k.record_id = r.id
            WHERE r.agency_id IN ({agencies_sql})
            GROUP BY r.person_id, k.word
        ),
        hits AS (SELECT * FROM named UNION ALL SELECT * FROM dated)"""  # noqa: S608
        hits = hits.replace("{dob_case}", _dob_case(dob_terms)).replace("{dob_in}", ", ".join(["%s"] * len(dob_terms)))
        hit_params: list[Any] = [*sorted(agency_ids), DOB]
        hit_params += [v for t in dob_terms for v in (t.value, t.word)]
        hit_params += [v for t in dob_terms for v in (t.value, t.weight)]
        hit_params += [DOB, *(t.value for t in dob_terms), *sorted(agency_ids)]
    else:
        hits = f"hits AS ({lookup.format(kinds='<> %s')})"
        hit_params = [*sorted(agency_ids), ""]
    sql = f"""
        WITH q (kind, value, word, weight) AS (VALUES {values_sql}),
        {hits},
        scored AS (
            SELECT person_id, SUM(weight) AS score FROM hits GROUP BY person_id HAVING COUNT(*) >= %s
        )
        SELECT s.person_id, s.score, COUNT(*) OVER () AS total
        FROM scored s JOIN {person_table} p ON p.id = s.person_id
        WHERE s.person_id IN ({allowed_sql})
        ORDER BY s.score DESC, p.family_name, p.given_name, p.id
        LIMIT %s OFFSET %s
    """  # noqa: S608 - identifiers come from model metadata; every value is a parameter
    params: list[Any] = [v for t in terms for v in (t.kind, t.value, t.word, t.weight)]
    params += [*hit_params, words_required(terms), *allowed_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if rows:
        return Matches([(_as_uuid(pid), int(score)) for pid, score, _ in rows], int(rows[0][2]))
    if offset == 0:
        return Matches([], 0)
    # Past the last page: the window count went with the rows, so count the whole result once more.
    return Matches([], len(person_matches(text, within=within, agency_ids=agency_ids, limit=10**9).ranked))
