"""Person search benchmark: p50/p95/p99 latency over 1M persons on PostgreSQL, against the 50 ms target.

    python bench/people_search.py                      # build 1,000,000 persons (or reuse them), time 600 queries
    python bench/people_search.py --reuse --queries 2000
    python bench/people_search.py --persons 100000 --rebuild

Works in its own database (default ``lantern_bench`` on the server in --server-url, created if missing), so
tests and the demo are untouched. The build writes persons, agency records (aliases, phones, marks, partial
dates of birth) and each person's search document with COPY, computing the terms with the same
``lantern.people.search.keys_for`` and ``term`` that ``index_people`` uses, then fills the misspelling
vocabulary with ``remember_terms``. Indexes are dropped during the load and rebuilt after it, as any bulk
load would.

Queries are drawn from people in the database: exact names, misspelt names (a letter dropped, doubled,
changed or two swapped), a family name alone, a diminutive with the family name, a street name, a phone in
one of several formats, a mark with or without its space, a name with a partial date of birth, and a full
date of birth. Each is timed through ``selectors.person_search`` and ``selectors.person_search_agencies``,
the calls the API makes: access.scope, matching, ranking, the audit row and the agencies shown. The searcher
is a social worker whose agency has agreements with the police, health and school, not the youth service.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0
AGENCIES = {"csc": "social_care", "police": "police", "health": "health", "school": "education", "youth": "youth"}
SHARING_WITH_CSC = ("police", "health", "school")
STREET_NAMES = (
    "Kiki", "Shadow", "Lil T", "Bugsy", "Snowy", "Ghost", "Ace", "Blaze", "Tiny", "Roxy", "Spider", "Jojo",
    "Dizzy", "Peaches", "Smokey", "Trix", "Bambi", "Diesel", "Ziggy", "Sasha",
)  # fmt: skip
PEOPLE_TABLES = (
    "people_searchdocument", "people_alias", "people_phone", "people_vehicle", "people_identifier",
    "people_address", "people_placemention", "people_allocation", "people_recordlink", "people_linkreview",
    "people_merge", "people_sourcerecord", "people_person",
)  # fmt: skip
LOADED = (
    "people_person", "people_sourcerecord", "people_alias", "people_phone", "people_vehicle", "people_searchdocument",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=600, help="timed queries (after 50 warm-up queries)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--database", default="lantern_bench")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reuse", action="store_true", help="use the persons already built; fail if none")
    group.add_argument("--rebuild", action="store_true", help="build again even if the size matches")
    args = parser.parse_args()
    create_database(args.server_url, args.database)
    os.environ["DATABASE_URL"] = f"{args.server_url}/{args.database}"
    os.environ.setdefault("LANTERN_HOME", str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    actor = organisation()
    present = count("people_person")
    if args.reuse:
        if not present:
            raise SystemExit(f"--reuse: {args.database} holds no persons; run without --reuse first")
        print(f"Reusing {present:,} persons in {args.database}")
    elif present == args.persons and not args.rebuild:
        print(f"{args.database} already holds {present:,} persons: reusing them (--rebuild to build again)")
    else:
        build(args.persons, args.seed)
    run_queries(actor, args.queries, args.seed)


def create_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def organisation() -> Any:
    """Five agencies, agreements sharing people with csc (not from youth), and the searcher in csc."""
    from lantern.access.models import SharingAgreement
    from lantern.accounts.models import Agency, User

    agencies = {
        code: Agency.objects.get_or_create(code=code, defaults={"name": f"Bench {code}", "kind": kind})[0]
        for code, kind in AGENCIES.items()
    }
    for code in SHARING_WITH_CSC:
        SharingAgreement.objects.get_or_create(
            provider=agencies[code],
            recipient=agencies["csc"],
            defaults={
                "title": f"{code} to csc",
                "lawful_basis": "Children Act 2004 s11",
                "categories": ["person", "agency_record"],
                "starts_on": dt.date(2020, 1, 1),
            },
        )
    user, _ = User.objects.get_or_create(
        username="bench-sw", defaults={"agency": agencies["csc"], "role": "social_worker"}
    )
    return user


# --- Build -------------------------------------------------------------------------------------------------


class Names:
    def __init__(self, rng: random.Random) -> None:
        from faker.providers.person.en_GB import Provider

        self.rng = rng
        self.female = self._weighted(Provider.first_names_female)
        self.male = self._weighted(Provider.first_names_male)
        self.family = self._weighted(Provider.last_names)

    def _weighted(self, names: Any) -> tuple[list[str], list[float]]:
        if isinstance(names, dict):
            return list(names), [float(w) for w in names.values()]
        return list(names), [1.0] * len(names)

    def pick(self, pool: tuple[list[str], list[float]], k: int) -> list[str]:
        return self.rng.choices(pool[0], weights=pool[1], k=k)


def _tsv(value: object) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _line(*values: object) -> str:
    return "\t".join(_tsv(v) for v in values) + "\n"


def _vrm(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUVWXYZ"
    return (
        "".join(rng.choices(letters, k=2))
        + f"{rng.choice([rng.randint(2, 25), rng.randint(51, 75)]):02d}"
        + "".join(rng.choices(letters, k=3))
    )


def generate(
    persons: int, seed: int, agency_ids: dict[str, int], chunk: int, words: set[str]
) -> Iterator[dict[str, list[str]]]:
    """Rows for COPY, a chunk of persons at a time: person, record, alias, phone, vehicle and search document
    lines. Adds the name words met to ``words``."""
    from lantern.people.search import NAME, keys_for, term

    rng = random.Random(seed)
    names = Names(rng)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC).isoformat()
    codes = list(AGENCIES)
    record_no = 0
    for start in range(0, persons, chunk):
        n = min(chunk, persons - start)
        out: dict[str, list[str]] = defaultdict(list)
        females = names.pick(names.female, n)
        males = names.pick(names.male, n)
        families = names.pick(names.family, n)
        for i in range(n):
            person_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            female = rng.random() < 0.5
            given = females[i] if female else males[i]
            family = families[i]
            child = rng.random() < 0.85
            born = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365)) if child else (
                dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(45 * 365))
            )  # fmt: skip
            owner = rng.choice(codes)
            terms: set[str] = set()
            out["people_person"].append(
                _line(person_id, "child" if child else "adult", given, family, born, "F" if female else "M",
                      agency_ids[owner], None, now, "f", "f", "active")
            )  # fmt: skip
            for r in range(1 + (rng.random() < 0.3)):
                record_no += 1
                record_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                agency = owner if r == 0 else rng.choice(codes)
                precision = rng.random()
                month = born.month if precision < 0.9 else None
                day = born.day if precision < 0.8 else None
                out["people_sourcerecord"].append(
                    _line(record_id, person_id, agency_ids[agency], f"B{record_no}", given, family, born.year, month,
                          day, "F" if female else "M", "agency_record", "Bench record", "Synthetic.", "P", None, now)
                )  # fmt: skip
                aliases = [rng.choice(STREET_NAMES)] if rng.random() < 0.1 else []
                phones = [f"+447700900{rng.randrange(1000):03d}"] if rng.random() < 0.6 else []
                vrms = [_vrm(rng)] if rng.random() < 0.15 else []
                out["people_alias"] += [_line(record_id, a, "street_name") for a in aliases]
                out["people_phone"] += [_line(record_id, p) for p in phones]
                out["people_vehicle"] += [_line(record_id, v, "") for v in vrms]
                dob = "-".join([f"{born.year:04d}"] + [f"{v:02d}" for v in (month, day) if v])
                keys = keys_for(
                    given_name=given, family_name=family, aliases=aliases, phones=phones, vrms=vrms, dob=dob
                )
                terms.update(term(agency_ids[agency], kind, value) for kind, value in keys)
                words.update(value for kind, value in keys if kind == NAME)
            out["people_searchdocument"].append(_line(person_id, family, given, " ".join(sorted(terms))))
        yield out


COLUMNS = {
    "people_person": "id, kind, given_name, family_name, date_of_birth, sex, owning_agency_id, created_by_id, "
    "created_at, statutory_enquiry_open, is_professional, status",
    "people_sourcerecord": "id, person_id, agency_id, source_id, given_name, family_name, dob_year, dob_month, "
    "dob_day, sex, category, title, summary, handling_code, recorded_by_id, recorded_at",
    "people_alias": "record_id, name, kind",
    "people_phone": "record_id, number",
    "people_vehicle": "record_id, vrm, description",
    "people_searchdocument": "person_id, family_name, given_name, terms",
}


def build(persons: int, seed: int) -> None:
    from django.db import connection
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from lantern.accounts.models import Agency
    from lantern.people.search import TERMS_TABLE, remember_terms

    started = time.perf_counter()
    agency_ids = dict(Agency.objects.filter(code__in=AGENCIES).values_list("code", "id"))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(PEOPLE_TABLES)}, {TERMS_TABLE} CASCADE")
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [list(LOADED)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no per-row FK triggers during the load
    raw = connection.connection
    if raw is None:
        raise SystemExit("no database connection")
    rows = defaultdict(int)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as progress:
        task = progress.add_task("persons", total=persons)
        chunk = 20_000
        words: set[str] = set()
        for out in generate(persons, seed, agency_ids, chunk, words):
            with raw.cursor() as cur:
                for table in LOADED:
                    with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                        copy.write("".join(out[table]))
                    rows[table] += len(out[table])
            raw.commit()
            progress.advance(task, len(out["people_person"]))
        index_task = progress.add_task("indexes", total=len(indexes) + 2)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in indexes:
                cursor.execute(definition)
                progress.advance(index_task)
            remember_terms(words)
            progress.advance(index_task)
            cursor.execute(f"VACUUM ANALYZE {', '.join(LOADED)}, {TERMS_TABLE}")
            progress.advance(index_task)
    summary = ", ".join(f"{n:,} {table.removeprefix('people_')}" for table, n in rows.items())
    print(f"Built {summary} and {count(TERMS_TABLE):,} vocabulary words in {time.perf_counter() - started:.0f} s")


# --- Queries -----------------------------------------------------------------------------------------------


def misspell(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "double", "swap", "change"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    vowels = "aeiou"
    swap = rng.choice([v for v in vowels if v != word[i].lower()]) if word[i].lower() in vowels else word[i]
    return word[:i] + swap + word[i + 1 :]


DIMINUTIVES = {
    "william": "Bill", "elizabeth": "Beth", "katherine": "Kate", "robert": "Bob", "thomas": "Tom",
    "margaret": "Maggie", "james": "Jim", "richard": "Dick", "alexander": "Alex", "samuel": "Sam",
}  # fmt: skip


def sample_queries(n: int, seed: int) -> list[tuple[str, str, str]]:
    """(kind, query, person id) drawn from people in the database."""
    from django.db import connection

    rng = random.Random(seed + 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [1 / (seed + 2)])
        cursor.execute(
            "SELECT p.id, p.given_name, p.family_name, p.date_of_birth, "
            "(SELECT min(number) FROM people_phone ph JOIN people_sourcerecord r ON r.id = ph.record_id "
            " WHERE r.person_id = p.id), "
            "(SELECT min(vrm) FROM people_vehicle v JOIN people_sourcerecord r ON r.id = v.record_id "
            " WHERE r.person_id = p.id), "
            "(SELECT min(name) FROM people_alias a JOIN people_sourcerecord r ON r.id = a.record_id "
            " WHERE r.person_id = p.id) "
            "FROM (SELECT * FROM people_person ORDER BY random() LIMIT %s) p",
            [n * 6],
        )
        people = cursor.fetchall()
    rng.shuffle(people)
    mix = [("exact name", 25), ("misspelt name", 20), ("family name", 8), ("diminutive", 5), ("street name", 4),
           ("phone", 10), ("vrm", 8), ("name + partial dob", 12), ("full dob", 8)]  # fmt: skip
    kinds = rng.choices([k for k, _ in mix], weights=[w for _, w in mix], k=n)
    queries: list[tuple[str, str, str]] = []
    pool = iter(people)
    for kind in kinds:
        for row in pool:
            query = QUERY_MAKERS[kind](rng, Drawn(*row[1:]))
            if query:
                queries.append((kind, query, str(row[0])))
                break
    return queries


@dataclass(frozen=True)
class Drawn:
    given: str
    family: str
    born: dt.date
    phone: str | None
    vrm: str | None
    alias: str | None


def _misspelt(rng: random.Random, p: Drawn) -> str:
    return f"{misspell(p.given, rng)} {p.family}" if rng.random() < 0.5 else f"{p.given} {misspell(p.family, rng)}"


def _diminutive(_rng: random.Random, p: Drawn) -> str | None:
    short = DIMINUTIVES.get(p.given.lower())
    return f"{short} {p.family}" if short else None


def _phone(rng: random.Random, p: Drawn) -> str | None:
    if not p.phone:
        return None
    national = "0" + p.phone.removeprefix("+44")
    return rng.choice([national, f"{national[:5]} {national[5:]}", p.phone, f"+44 {national[1:5]} {national[5:]}"])


def _vrm_query(rng: random.Random, p: Drawn) -> str | None:
    return rng.choice([p.vrm, f"{p.vrm[:4]} {p.vrm[4:]}", f"{p.vrm[:4]} {p.vrm[4:]}".lower()]) if p.vrm else None


def _partial_dob(rng: random.Random, p: Drawn) -> str:
    return rng.choice([f"{p.family} {p.born.year}", f"{p.given} {p.family} {p.born.year}-{p.born.month:02d}"])


QUERY_MAKERS: dict[str, Callable[[random.Random, Drawn], str | None]] = {
    "exact name": lambda _rng, p: f"{p.given} {p.family}",
    "misspelt name": _misspelt,
    "family name": lambda _rng, p: p.family,
    "diminutive": _diminutive,
    "street name": lambda _rng, p: f"{p.alias} {p.family}" if p.alias else None,
    "phone": _phone,
    "vrm": _vrm_query,
    "name + partial dob": _partial_dob,
    "full dob": lambda _rng, p: p.born.isoformat(),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def run_queries(actor: Any, n: int, seed: int) -> None:
    from django.db import connection

    from lantern.people import selectors

    queries = sample_queries(n + 50, seed)
    if len(queries) < n + 50:
        print(f"Only {len(queries)} queries could be drawn; timing those")
    warm, timed = queries[:50], queries[50:]
    for _, query, _ in warm:
        selectors.person_search(actor=actor, query=query)
    by_kind: dict[str, list[float]] = defaultdict(list)
    hits: dict[str, list[bool]] = defaultdict(list)
    counts: list[int] = []
    for kind, query, person_id in timed:
        started = time.perf_counter()
        people, total = selectors.person_search(actor=actor, query=query)
        selectors.person_search_agencies(actor=actor, people=people)
        by_kind[kind].append((time.perf_counter() - started) * 1000)
        hits[kind].append(person_id in {str(p.pk) for p in people})
        counts.append(total)
    everything = [ms for values in by_kind.values() for ms in values]
    persons = count("people_person")
    print()
    print(f"Person search, {persons:,} persons, {count('people_searchdocument'):,} search documents, PostgreSQL "
          f"{connection.pg_version // 10000}; {len(everything)} timed queries (after {len(warm)} warm-up)")  # type: ignore[attr-defined]  # fmt: skip
    print(f"{'query kind':<22}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'found':>8}")
    for kind, values in sorted(by_kind.items()):
        found = sum(hits[kind]) / len(hits[kind])
        print(f"{kind:<22}{len(values):>5}{statistics.median(values):>9.1f}{percentile(values, 95):>9.1f}"
              f"{max(values):>9.1f}{found:>8.0%}")  # fmt: skip
    p50, p95, p99 = (percentile(everything, q) for q in (50, 95, 99))
    print(f"{'all':<22}{len(everything):>5}{p50:>9.1f}{p95:>9.1f}{max(everything):>9.1f}"
          f"{sum(sum(h) for h in hits.values()) / len(everything):>8.0%}")  # fmt: skip
    print(f"\np50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms; median results per query "
          f"{statistics.median(counts):.0f}")  # fmt: skip
    verdict = "meets" if p95 <= TARGET_MS else "MISSES"
    print(f"p95 / target = {p95:.1f} / {TARGET_MS:.0f} ms = {p95 / TARGET_MS:.2f}x: {verdict} the target")
    print("'found' = the person the query was drawn from is on the first page (csc cannot see persons held only "
          "by the youth service, which shares nothing)")  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
