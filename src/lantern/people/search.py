"""Finding a person by any name, alias, nickname, phone, vehicle or (partial) date of birth, forgiving
misspellings, in a few milliseconds among a million people.

Each person has one search document (``SearchDocument``): every way their records can be found, as terms
``agency:kind:value`` — a name word, its phonetic key (NYSIIS), the formal names a given name or alias stands
for (Bill -> william), an E.164 phone, a registration mark, a date of birth as precisely as the agency knows
it — each tagged with the agency whose record holds it. A query is split into words; each word becomes a few
terms (the word, its phonetic key, its formal names, the dates it covers, and the indexed name words that look
like it) and only the terms of agencies the searcher may search are asked for. The database's full-text index
answers which documents hold a term of every word: PostgreSQL's GIN index over a tsvector, or SQLite's FTS5,
intersecting posting lists rather than joining rows, so the cost follows the matches, not the table size.

Misspellings are looked up in a small vocabulary of the distinct name words (``people_searchterm``): on
PostgreSQL through a GIN ``gin_trgm_ops`` index and the ``%`` operator, on SQLite through an FTS5 table with
the trigram tokenizer, re-ranked here with pg_trgm's similarity so both databases find the same names. The
vocabulary holds bare words, never which record holds them.

A person matches when every word of the query (all but one, from three words up) matches a term of their
document; they rank by the sum of each word's best kind of match, then by name. The agencies searched come
from the caller, narrowed by ``access.policy.holder_scope``, so a match never rests on a record the caller
may not know of and every person found is one ``access.scope`` lets them find.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from jellyfish import damerau_levenshtein_distance

from lantern.people.enums import PersonStatus
from lantern.people.models import Person, SearchDocument, SourceRecord
from lantern.people.normalise import (
    canonical_names,
    name_tokens,
    parse_partial_date,
    phonetic_key,
    try_phone,
    try_vrm,
)

NAME, PHONETIC, CANONICAL, PHONE, VRM = "name", "phonetic", "canonical", "phone", "vrm"
DOB, DOB_YEAR, DOB_MONTH = "dob", "dob_year", "dob_month"  # as precisely as known; the year; the month
KIND_CODES = {NAME: "n", PHONETIC: "p", CANONICAL: "c", PHONE: "t", VRM: "v", DOB: "d", DOB_YEAR: "y", DOB_MONTH: "m"}
TERMS_TABLE = "people_searchterm"
DOCUMENTS_TABLE = SearchDocument._meta.db_table
DOCUMENTS_FTS = f"{DOCUMENTS_TABLE}_fts"  # SQLite only
TRIGRAM_THRESHOLD = 0.45  # pg_trgm similarity: Chloee~Chloe 0.62, Katheryn~Katherine 0.46, Smith~Smyth 0.33
TRIGRAM_CANDIDATE = 0.3  # pg_trgm's default `%` threshold: below it a word is not even a candidate
FUZZY_MIN_LENGTH = 3
FUZZY_CANDIDATES = 200  # vocabulary words looked at per query word, re-ranked here
FUZZY_PER_WORD = 8  # similar words kept per query word, most similar first
MAX_QUERY_WORDS = 8
KEY_LENGTH = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9+-]")  # both full-text engines keep these inside one term

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


def term(agency_id: int, kind: str, value: str) -> str:
    """A document term: the key, tagged with the agency whose record holds it."""
    return f"{agency_id}:{KIND_CODES[kind]}:{_UNSAFE.sub('_', value)[:KEY_LENGTH]}"


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
        # The year and month as keys of their own, so "2011" is one term to look up, not every day in it.
        keys.add((DOB, dob))
        if len(dob) >= 4:
            keys.add((DOB_YEAR, dob[:4]))
        if len(dob) >= 7:
            keys.add((DOB_MONTH, dob[:7]))
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


def index_people(person_ids: Iterable[object], *, batch: int = 2000) -> int:
    """Rebuild the search documents of these people from their records: after a record, a person's names,
    a merge or an unmerge changes. A person merged into another, or with no record, has no document.
    Returns how many documents were written."""
    ids: list[Any] = list(dict.fromkeys(person_ids))
    written = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        records = (
            SourceRecord.objects.filter(person_id__in=chunk, person__status=PersonStatus.ACTIVE)
            .select_related("person")
            .prefetch_related("aliases", "phones", "vehicles")
        )
        terms: dict[Any, set[str]] = defaultdict(set)
        people: dict[Any, Person] = {}
        words: set[str] = set()
        for record in records:
            keys = record_keys(record)
            terms[record.person_id].update(term(record.agency_id, kind, value) for kind, value in keys)
            words.update(value for kind, value in keys if kind == NAME)
            people[record.person_id] = record.person
        with transaction.atomic():
            SearchDocument.objects.filter(person_id__in=chunk).delete()
            SearchDocument.objects.bulk_create(
                SearchDocument(
                    person_id=pk,
                    family_name=person.family_name[:100],
                    given_name=person.given_name[:100],
                    terms=" ".join(sorted(terms[pk])),
                )
                for pk, person in people.items()
            )
            remember_terms(words)
        written += len(people)
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
    """The date-of-birth terms a date covers: every date inside it (a year finds its months and days) and,
    counting for less, the less precise dates around it (a record that knows only 2011 may still be the
    person born 2011-05-17)."""
    try:
        date = parse_partial_date(word)
    except ValueError:
        return None
    if date is None:
        return None
    year = f"{date.year:04d}"
    if date.day:
        month = f"{year}-{date.month:02d}"
        return [Term(DOB, date.iso(), WEIGHT_DOB, index)] + [
            Term(DOB, value, WEIGHT_DOB_LESS_PRECISE, index) for value in (year, month)
        ]
    if date.month:
        month = f"{year}-{date.month:02d}"
        return [Term(DOB_MONTH, month, WEIGHT_DOB, index), Term(DOB, year, WEIGHT_DOB_LESS_PRECISE, index)]
    return [Term(DOB_YEAR, year, WEIGHT_DOB, index)]


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


class _Syntax:
    """How one full-text engine writes a query over document terms, and tests a document against one."""

    def __init__(self, vendor: str) -> None:
        self.postgresql = vendor == "postgresql"

    def lexeme(self, value: str) -> str:
        # Quoted, a tsquery lexeme is taken as it is (no stemming, no stop words) and an FTS5 string is one
        # token (the tokenizer keeps ":", "+", "-" and "_" inside terms).
        return f"'{value}'" if self.postgresql else f'"{value}"'

    def any_of(self, parts: Sequence[str]) -> str:
        return "(" + (" | " if self.postgresql else " OR ").join(parts) + ")"

    def all_of(self, parts: Sequence[str]) -> str:
        return "(" + (" & " if self.postgresql else " AND ").join(parts) + ")"

    def matches(self) -> str:
        """SQL true when document ``d`` matches the query given as the one parameter."""
        if self.postgresql:
            return "d.doc @@ %s::tsquery"
        return f"d.id IN (SELECT rowid FROM {DOCUMENTS_FTS} WHERE {DOCUMENTS_FTS} MATCH %s)"  # noqa: S608


def _query_of(syntax: _Syntax, terms: Sequence[Term], agency_ids: Sequence[int]) -> str:
    return syntax.any_of([syntax.lexeme(term(agency, t.kind, t.value)) for t in terms for agency in agency_ids])


def person_matches(text: str, *, agency_ids: Collection[int], limit: int, offset: int = 0) -> Matches:
    """Active people whose records, held by ``agency_ids``, match the query: (id, score) best first (ties by
    name), one page of them, and the total. Only terms of records the given agencies hold count, so a match
    never rests on a record the caller may not know of: pass only agencies ``access`` lets them search."""
    terms = parse_query(text)
    if not terms or not agency_ids:
        return Matches([], 0)
    syntax = _Syntax(connection.vendor)
    agencies = sorted(agency_ids)
    by_word: dict[int, list[Term]] = defaultdict(list)
    for t in terms:
        by_word[t.word].append(t)
    word_queries = [_query_of(syntax, by_word[w], agencies) for w in sorted(by_word)]
    required = words_required(terms)
    if required == len(word_queries):
        match = syntax.all_of(word_queries)
    else:  # all but one word: any of the queries leaving one word out
        match = syntax.any_of(
            [syntax.all_of(word_queries[:i] + word_queries[i + 1 :]) for i in range(len(word_queries))]
        )
    # Each word scores its best kind of match: the first tier, heaviest first, that the document holds.
    score_sql: list[str] = []
    score_params: list[Any] = []
    for word in sorted(by_word):
        tiers: dict[int, list[Term]] = defaultdict(list)
        for t in by_word[word]:
            tiers[t.weight].append(t)
        cases = []
        for weight in sorted(tiers, reverse=True):
            cases.append(f"WHEN {syntax.matches()} THEN {int(weight)}")
            score_params.append(_query_of(syntax, tiers[weight], agencies))
        score_sql.append(f"CASE {' '.join(cases)} ELSE 0 END")
    sql = f"""
        SELECT person_id, score, COUNT(*) OVER () AS total FROM (
            SELECT d.person_id, d.family_name, d.given_name, {" + ".join(score_sql)} AS score
            FROM {DOCUMENTS_TABLE} d WHERE {syntax.matches()}
        ) c
        ORDER BY score DESC, family_name, given_name, person_id
        LIMIT %s OFFSET %s
    """  # noqa: S608 - table names are constants; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*score_params, match, limit, offset])
        rows = cursor.fetchall()
        if rows:
            return Matches([(_as_uuid(pid), int(score)) for pid, score, _ in rows], int(rows[0][2]))
        if offset == 0:
            return Matches([], 0)
        # Past the last page: the window count went with the rows, so count on its own.
        cursor.execute(f"SELECT COUNT(*) FROM {DOCUMENTS_TABLE} d WHERE {syntax.matches()}", [match])  # noqa: S608
        row = cursor.fetchone()
    return Matches([], int(row[0]) if row else 0)


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
