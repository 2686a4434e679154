"""Intelligence benchmark: ingest throughput and search latency over 1M reports, on PostgreSQL and SQLite.

    python bench/intel.py                                # both engines, 1,000,000 reports (built or reused)
    python bench/intel.py --quick                        # smoke run: 20,000 reports, 200 ingested, 100 queries
    python bench/intel.py --engine postgresql --reuse --queries 1000
    python bench/intel.py --engine sqlite --reports 200000 --rebuild

Run on demand, never in CI: it prints figures and asserts nothing about them.

Each engine works in its own database, so tests and the demo are untouched: ``lantern_bench_intel`` on the
server in --server-url (created if missing) and ``var/bench/intel.sqlite3``; --quick uses
``lantern_bench_intel_quick`` and ``var/bench/intel-quick.sqlite3`` so a smoke run never wipes a 1M build.
With ``--engine both`` each engine runs in a child process (Django binds one database per process) and the
parent prints the combined table. Results go to ``var/bench/intel[-quick]-<engine>.json`` and the table to
``var/bench/intel[-quick].md``, which shows the latest run of each engine.

1. Bulk load: ``--reports`` minus ``--ingest`` synthetic reports (references ``BK-…``, so a later run can tell
   them from ingested ones) written straight to the table — COPY on PostgreSQL, ``executemany`` in large
   transactions on SQLite — with secondary indexes dropped during the load and rebuilt after it, as any bulk
   load would. PostgreSQL computes the generated tsvector during COPY; on SQLite the FTS5 insert trigger is
   dropped, the index rebuilt in one pass, and the trigger recreated from migration 0002's own statement.
   Reports are owned by the five partner agencies, plus public reports held by the police. Their text mixes
   templates (cars and registration marks, phones from Ofcom's drama range 07700 900000-900999, Kestrelmoor
   places, street names, Faker en_GB names) with words drawn Zipf-like from a vocabulary of a few thousand,
   so there are common and rare words to search for. One bulk report in twenty graded P gets a sanitised
   version, since searches read those too.
2. Ingest: ``--ingest`` reports through ``services.report_submit`` by a youth worker and a social worker, one
   at a time in one process: access check, validation, entity extraction, the insert with its index and
   full-text upkeep, and the hash-chained audit row. Reports per second of wall time.
3. Search: ``--queries`` queries through ``selectors.report_search`` as analyst1 (police intelligence analyst,
   who reads in full what every partner shares with the police), limit 50, after a warm-up: access scope,
   full text, the count, the page and the audit row, as the API does. Kinds: a rare word, a common word, two
   words, a registration mark, a place name, a street name. The same queries then go to the plain peer,
   ``SELECT id … WHERE what ILIKE '%word%' [AND …] ORDER BY received_at DESC LIMIT 50`` (LIKE on SQLite,
   case-insensitive for ASCII), and the ratio of the two p95s is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
ENGINES = ("postgresql", "sqlite")
QUICK = {"reports": 20_000, "ingest": 200, "queries": 100}
FULL = {"reports": 1_000_000, "ingest": 2000, "queries": 300}
WARM_UP = 30
PAGE = 50
BULK_PREFIX = "BK-"  # bulk-loaded references; the service's own are KM-XXXX-XXXX
TABLE = "intel_intelreport"
SANITISED = "intel_sanitisedreport"
FTS_TABLE = f"{TABLE}_fts"

# Every concrete column but id, in the order the bulk rows carry them. Checked against the model at start-up,
# so a column added later fails loudly here instead of being loaded as its default.
COLUMNS = (
    "reference", "source_ref", "source", "agency_id", "submitted_by_id", "received_at", "what", "occurred_on",
    "occurred_time", "location_text", "place_id", "ward_id", "people_text", "vehicles_text", "phones_text",
    "knowledge", "urgency", "contact", "risk", "triage_due_at", "routed_at", "status", "grading_scheme",
    "source_evaluation", "intelligence_assessment", "handling_code", "handling_conditions", "graded_by_id",
    "graded_at", "outcome", "outcome_reason", "outcome_by_id", "outcome_at",
)  # fmt: skip

Row = tuple[str | int | None, ...]  # one bulk report, in COLUMNS order

# Who bulk reports come from: the demo users of each partner agency; public reports are held by the police.
SUBMITTERS = {"csc": "sw1", "police": "cse1", "health": "nurse1", "school": "dsl1", "youth": "youth1"}
OWNER_WEIGHTS = {"csc": 22, "police": 30, "health": 8, "school": 15, "youth": 12, "public": 13}
INGEST_ACTORS = ("youth1", "sw1")
GRADERS = ("analyst1", "cse1")

# --- Synthetic text ----------------------------------------------------------------------------------------

STREET_NAMES = (
    "Kiki", "Shadow", "Lil T", "Bugsy", "Snowy", "Ghost", "Ace", "Blaze", "Tiny", "Roxy", "Spider", "Jojo",
    "Dizzy", "Peaches", "Smokey", "Trix", "Bambi", "Diesel", "Ziggy", "Sasha", "Big Mo", "Deano", "Scratch",
    "Bones", "Wiz", "Taz", "Mojo", "Skinny", "Rocco", "Tank", "Chez", "Dutchie", "Gaz", "Nitro", "Sly",
)  # fmt: skip
LANDMARKS = (
    "Kestrelmoor bus station", "Moorside Retail Park", "Riverside Shopping Centre", "Kestrelmoor railway station",
    "Hollinwood Park", "the canal towpath by Lock 9", "Brindle Street car park", "Kestrelmoor Leisure Centre",
    "the Golden Fry takeaway", "Chicken Palace on Station Road", "the Crown Hotel", "Premier Lodge Kestrelmoor",
    "Ashgrove flats", "Moorcroft estate", "the underpass by the ring road", "Kestrelmoor Academy gates",
    "the arcade on Market Street", "Greenside playing fields", "the old mill on Weaver Lane", "Fernlea woods",
    "Kestrelmoor Library", "the garages behind Tanner Street", "Skyline snooker hall", "Quarry Bank park",
)  # fmt: skip
STREET_SUFFIXES = ("Road", "Street", "Lane", "Avenue", "Close", "Way", "Drive", "Grove", "Terrace", "Crescent")
MAKES = (
    "Audi A3", "BMW 3 Series", "Ford Fiesta", "Vauxhall Corsa", "Mercedes C-Class", "VW Golf", "Range Rover Evoque",
    "Toyota Prius", "Nissan Qashqai", "Seat Leon", "Kia Sportage", "Peugeot 208", "Skoda Octavia", "Honda Civic",
)  # fmt: skip
COLOURS = ("black", "white", "silver", "grey", "blue", "red", "dark green", "gold")
# Words of the trade: near the top of the Zipf ranking; the first COMMON are what "common word" queries use.
SAFEGUARDING_WORDS = (
    "girl", "boy", "older", "male", "men", "car", "phone", "party", "missing", "alcohol", "cannabis", "money",
    "lift", "taxi", "hotel", "flat", "vape", "snapchat", "instagram", "gifts", "groomed", "collected", "school",
    "night", "driver", "boyfriend", "cigarettes", "messages", "photos", "online", "debt", "cash", "trainers",
    "curfew", "absent", "overnight", "friends", "group", "teenagers", "concern", "worried", "associating",
    "alley", "garage", "estate", "kebab", "arcade", "canal", "sleepover", "burner", "exploited", "clinic",
    "carer", "placement", "foster", "bruising", "scared", "disclosed", "threatened", "takeaway", "drugs",
    "parcel", "cuckooing", "runner", "knife", "injury", "pregnant", "condoms", "vodka", "pills", "ketamine",
)  # fmt: skip
FUNCTION_WORDS = (
    "the", "and", "was", "to", "a", "of", "with", "she", "he", "in", "her", "at", "that", "they", "is", "on", "said",
    "by", "his", "from", "been", "has", "it", "for", "not", "them", "who", "when", "there", "about",
)  # fmt: skip
COMMON = 20  # the first COMMON of SAFEGUARDING_WORDS rank just below the function words
# PostgreSQL's English stop words (its snowball list): never chosen as query words, since plainto_tsquery drops
# them while FTS5 and ILIKE do not, and the engines would then be answering different questions.
_SNOWBALL_ENGLISH = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
    it its itself they them their theirs themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up down in out on off over
    under again further then once here there when where why how all any both each few more most other some such no
    nor not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_SNOWBALL_ENGLISH.split())

TEMPLATES = (
    "{child} was seen getting into a {colour} {make} {vrm} outside {place} at about {time}. The driver, an older "
    "man known as {nick}, has been seen with other girls.",
    "{child} told me she has a new phone and has been given money by a man called {nick}. His number is {phone}.",
    "Several girls from Kestrelmoor Academy were seen at {place} late at night with older males. A {colour} {make} "
    "({vrm}) was parked nearby.",
    "Rumour that a house party is being held at {place} this weekend, organised by {nick}. Younger children are "
    "being invited through snapchat.",
    "{child} went missing overnight and came back with alcohol and cigarettes. She said she was with {nick} at "
    "{place}.",
    "Staff at {place} report young people being given free food and lifts by men in a {colour} {make}, "
    "registration {vrm}.",
    "A taxi driver reported a {age}-year-old girl being collected repeatedly from {place}. The booking came from "
    "{phone}.",
    "Concern that {child} is being groomed online: she mentioned messages from someone called {nick} and the "
    "number {phone}.",
    "{child} was found at {place} with a man in his twenties who gave his name as {adult}. He drove off in a "
    "{colour} {make}, {vrm}.",
    "Youth workers saw {nick} handing out vapes and cannabis to teenagers near {place}. {child} was in the group.",
    "{child} has new trainers and clothes she cannot explain and says she owes {nick} money. She uses {phone}.",
    "Hotel staff at {place} report {child} arriving with an older male who paid cash. Car seen: {vrm}.",
)
DRAMA_PHONES = tuple(f"07700 900{n:03d}" for n in range(1000))  # Ofcom's drama range only


class Corpus:
    """Everything the synthetic reports are made of, fixed by the seed, so queries can be drawn from the same
    pools the text was: registration marks, places, street names, and the Zipf-ranked vocabulary."""

    def __init__(self, seed: int, reports: int) -> None:
        import re

        from faker.providers.color.en_US import Provider as Colours
        from faker.providers.company.en_US import Provider as Company
        from faker.providers.job.en_US import Provider as Jobs
        from faker.providers.lorem.en_US import Provider as Lorem
        from faker.providers.person.en_GB import Provider as Person

        rng = random.Random(seed)
        self.female = _weighted(Person.first_names_female)
        self.male = _weighted(Person.first_names_male)
        self.family = _weighted(Person.last_names)
        # A few thousand ordinary English words: Faker's word lists, split into words.
        words: set[str] = {w.lower() for w in Lorem.word_list}
        phrases = [*Jobs.jobs, *Colours.all_colors, *(w for group in Company.catch_phrase_words for w in group)]
        phrases += [w for group in Company.bsWords for w in group]
        for phrase in phrases:
            words.update(re.findall(r"[a-z]+", phrase.lower()))
        words.update(name.lower() for name in self.family[0])
        words.difference_update(SAFEGUARDING_WORDS)
        ordinary = sorted(words)
        rng.shuffle(ordinary)
        # English's function words first, as in any text; then the trade's commonest words every other rank
        # (in 4-10% of reports each), the rest of them spread through the next 400 ranks, and the ordinary
        # words in random order below them.
        ranked = [w for w in ordinary if w not in FUNCTION_WORDS]
        rest = SAFEGUARDING_WORDS[COMMON:]
        for i, word in enumerate(rest):
            ranked.insert(i * 400 // len(rest), word)
        for i, word in enumerate(SAFEGUARDING_WORDS[:COMMON]):
            ranked.insert(2 * i, word)
        ranked = [*FUNCTION_WORDS, *ranked]
        self.vocabulary = ranked
        self.cum_weights = list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(ranked))))
        tail = ranked[len(ranked) * 4 // 5 :]
        self.rare = [w for w in tail if len(w) >= 4 and w not in STOP_WORDS]
        self.two_word_pool = [w for w in ranked[:300] if len(w) >= 4 and w not in STOP_WORDS]
        self.streets = sorted({f"{rng.choice(self.family[0])} {rng.choice(STREET_SUFFIXES)}" for _ in range(150)})
        self.places = [*LANDMARKS, *self.streets]
        # About twenty reports per mark (two in five reports name one), whatever the size.
        self.vrms = sorted({_vrm(rng) for _ in range(max(100, reports // 50))})

    def filler(self, rng: random.Random, n: int) -> str:
        drawn = rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=n)
        return drawn[0].capitalize() + " " + " ".join(drawn[1:]) + "."


def _weighted(names: Any) -> tuple[list[str], list[float]]:
    if isinstance(names, dict):
        return list(names), [float(w) for w in names.values()]
    return list(names), [1.0] * len(names)


def _vrm(rng: random.Random) -> str:
    """A current-format mark (AB12 CDE): no I, Q or Z in the area letters, no I or Q in the random ones."""
    area = "ABCDEFGHJKLMNOPRSTUVWXY"
    letters = "ABCDEFGHJKLMNOPRSTUVWXYZ"
    age = rng.choice([rng.randint(2, 25), rng.randint(51, 75)])
    return "".join(rng.choices(area, k=2)) + f"{age:02d} " + "".join(rng.choices(letters, k=3))


@dataclass
class Draft:
    """One synthetic report's text, in the shape ``report_submit`` takes it."""

    what: str
    location_text: str
    people: list[str]
    vehicles: list[str]
    phones: list[str]


def draft(corpus: Corpus, rng: random.Random) -> Draft:
    female = rng.random() < 0.8
    given = rng.choices(*(corpus.female if female else corpus.male), k=1)[0]
    family = rng.choices(*corpus.family, k=1)[0]
    adult = f"{rng.choices(*corpus.male, k=1)[0]} {rng.choices(*corpus.family, k=1)[0]}"
    vrm = rng.choice(corpus.vrms)
    written_vrm = vrm if rng.random() < 0.8 else vrm.replace(" ", "")  # people write marks both ways
    values = {
        "child": f"{given} {family}" if rng.random() < 0.7 else f"A {rng.randint(12, 17)}-year-old",
        "adult": adult, "nick": rng.choice(STREET_NAMES), "place": rng.choice(corpus.places),
        "colour": rng.choice(COLOURS), "make": rng.choice(MAKES), "vrm": written_vrm,
        "phone": rng.choice(DRAMA_PHONES), "time": f"{rng.randint(17, 23)}:{rng.choice(('00', '15', '30', '45'))}",
        "age": str(rng.randint(12, 17)),
    }  # fmt: skip
    template = rng.choice(TEMPLATES)
    sentences = [template.format(**values)] + [corpus.filler(rng, rng.randint(8, 22)) for _ in range(rng.randint(1, 3))]
    # The submitter lists the people the text names: the street name, the child if named, the adult if given.
    people = [
        name
        for placeholder, name, named in (
            ("{nick}", values["nick"], True),
            ("{child}", values["child"], values["child"].startswith(given)),
            ("{adult}", adult, True),
        )
        if placeholder in template and named
    ]
    return Draft(
        what=" ".join(sentences),
        location_text=values["place"],
        people=people,
        vehicles=[written_vrm] if "{vrm}" in template else [],
        phones=[values["phone"]] if "{phone}" in template else [],
    )


# --- Entry point -------------------------------------------------------------------------------------------


@dataclass
class Figures:
    engine: str
    reports: int = 0
    bulk_seconds: float | None = None
    ingested: int = 0
    ingest_per_second: float = 0.0
    queries: int = 0
    search: dict[str, float] = field(default_factory=dict)  # p50, p95, p99, max
    ilike: dict[str, float] = field(default_factory=dict)
    kinds: list[dict[str, Any]] = field(default_factory=list)
    version: str = ""
    revision: str = ""  # the code measured: git describe of the working tree
    finished_at: str = ""
    seconds: float = 0.0

    @property
    def ratio(self) -> float:
        return self.search["p95"] / self.ilike["p95"] if self.ilike.get("p95") else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="both")
    parser.add_argument("--reports", type=int, help=f"reports in the database (default {FULL['reports']:,})")
    parser.add_argument("--ingest", type=int, help=f"reports through report_submit (default {FULL['ingest']:,})")
    parser.add_argument("--queries", type=int, help=f"timed queries, after {WARM_UP} warm-up (default 300)")
    smoke = ", ".join(f"{v:,} {k}" for k, v in QUICK.items())
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {smoke}")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--server-url", default=os.environ.get("BENCH_PG_URL", "postgres://root@127.0.0.1:5432"))
    parser.add_argument("--database", help="PostgreSQL database (default lantern_bench_intel[_quick])")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reuse", action="store_true", help="use the reports already loaded; fail if none")
    group.add_argument("--rebuild", action="store_true", help="load again even if the size matches")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # one engine of --engine both
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    for name, default in sizes.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    if args.ingest > args.reports:
        parser.error("--ingest cannot exceed --reports")
    suffix = "-quick" if args.quick else ""
    args.database = args.database or "lantern_bench_intel" + suffix.replace("-", "_")
    args.sqlite_path = BENCH_DIR / f"intel{suffix}.sqlite3"
    args.results = BENCH_DIR / f"intel{suffix}"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.engine == "both":
        # Django binds one database per process: each engine runs in a child, as if run alone.
        for engine in ENGINES:
            print(f"\n=== {engine} ===", flush=True)
            command = [sys.executable, __file__, *sys.argv[1:], "--engine", engine, "--child"]
            if subprocess.run(command, check=False).returncode:  # noqa: S603 - this script, the caller's arguments
                raise SystemExit(f"the {engine} run failed; see above")
    else:
        started = time.perf_counter()
        figures = run_engine(args)
        figures.seconds = time.perf_counter() - started
        figures.finished_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        Path(f"{args.results}-{args.engine}.json").write_text(json.dumps(asdict(figures), indent=1))
        print(f"\n{args.engine} run took {figures.seconds:.0f} s")
        if args.child:
            return  # the parent prints the table once both engines are done
    table = summary_markdown(args.results)
    Path(f"{args.results}.md").write_text(table)
    print("\n" + table)
    print(f"Written to {args.results.relative_to(REPO)}.md")


def run_engine(args: argparse.Namespace) -> Figures:
    if args.engine == "postgresql":
        create_database(args.server_url, args.database)
        os.environ["DATABASE_URL"] = f"{args.server_url}/{args.database}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{args.sqlite_path}"
    os.environ.setdefault("LANTERN_HOME", str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    # Urgent reports are routed by email; the console backend would print every one into the figures.
    os.environ.setdefault("LANTERN_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    check_columns()
    prepare_schema()
    figures = Figures(engine=args.engine, version=engine_version(), revision=revision())
    bulk_wanted = args.reports - args.ingest
    present = count(f"reference LIKE '{BULK_PREFIX}%'")
    corpus = Corpus(args.seed, args.reports)
    if args.reuse:
        if not present:
            raise SystemExit(f"--reuse: {where(args)} holds no bulk-loaded reports; run without --reuse first")
        print(f"Reusing {count():,} reports in {where(args)}")
    elif present == bulk_wanted and not args.rebuild:
        print(f"{where(args)} already holds {present:,} bulk reports: reusing them (--rebuild to load again)")
    else:
        if present or count():
            reset(args)
        started = time.perf_counter()
        bulk_load(corpus, bulk_wanted, args.seed)
        figures.bulk_seconds = time.perf_counter() - started
    sanitise()
    figures.ingested, figures.ingest_per_second = ingest(corpus, args.ingest, args.seed)
    settle()
    figures.reports = count()
    run_queries(corpus, args.queries, args.seed, figures)
    return figures


def revision() -> str:
    """Which code the figures are for: the tree changes under a benchmark that runs for half an hour."""
    git = ["git", "-C", str(REPO), "describe", "--always", "--dirty"]
    try:
        done = subprocess.run(git, capture_output=True, text=True, check=False, timeout=10)  # noqa: S603
    except OSError:
        return ""
    return done.stdout.strip()


def where(args: argparse.Namespace) -> str:
    return args.database if args.engine == "postgresql" else str(args.sqlite_path.relative_to(REPO))


def create_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def prepare_schema() -> None:
    from django.core.management import call_command

    from lantern.demo.generator import ensure_organisation

    call_command("migrate", verbosity=0)
    ensure_organisation()  # the Kestrelmoor agencies, demo users and sharing agreements


def check_columns() -> None:
    from lantern.intel.models import IntelReport

    model = {str(f.column) for f in IntelReport._meta.concrete_fields} - {"id"}
    if model != set(COLUMNS):
        raise SystemExit(
            f"intel_intelreport has changed: missing here {sorted(model - set(COLUMNS))}, "
            f"gone from the model {sorted(set(COLUMNS) - model)}; update COLUMNS and bulk_rows"
        )


def engine_version() -> str:
    import sqlite3

    from django.db import connection

    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000}"  # type: ignore[attr-defined]
    return f"SQLite {sqlite3.sqlite_version}"


def count(condition: str = "") -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}" + (f" WHERE {condition}" if condition else ""))
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def reset(args: argparse.Namespace) -> None:
    """Start from an empty intelligence table. SQLite: a fresh file, since deleting 1M rows one FTS trigger
    call at a time (and child rows first: SQLite has no ON DELETE CASCADE from Django) is slower than
    migrating again. The audit chain on PostgreSQL is left to grow: it is append-only by design."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY CASCADE")
        return
    connection.close()
    for path in (args.sqlite_path, Path(f"{args.sqlite_path}-wal"), Path(f"{args.sqlite_path}-shm")):
        path.unlink(missing_ok=True)
    prepare_schema()


# --- Bulk load ---------------------------------------------------------------------------------------------


def bulk_rows(
    corpus: Corpus, n: int, seed: int, ids: dict[str, int], *, postgres: bool, chunk: int
) -> Iterator[list[Row]]:
    """Rows in COLUMNS order, a chunk at a time. Datetimes as each engine stores them: ISO with offset for
    COPY, naive UTC text (as Django writes it) for SQLite."""
    from lantern.intel.enums import URGENCY_RISK, Knowledge, Urgency
    from lantern.intel.rules import LANTERN_INTEL_24H

    rng = random.Random(seed)
    owners, weights = list(OWNER_WEIGHTS), list(OWNER_WEIGHTS.values())
    knowledge = list(Knowledge.values)
    urgencies, urgency_weights = list(Urgency.values), [2, 15, 40, 43]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)  # fixed, so a seed gives the same data whenever it is run
    span = 3 * 365 * 86400

    def stamp(moment: dt.datetime | None) -> str | None:
        if moment is None:
            return None
        return moment.isoformat() if postgres else str(moment.replace(tzinfo=None))

    for start in range(0, n, chunk):
        rows: list[Row] = []
        for i in range(start, min(start + chunk, n)):
            text = draft(corpus, rng)
            owner = rng.choices(owners, weights=weights, k=1)[0]
            public = owner == "public"
            received = now - dt.timedelta(seconds=rng.randrange(span))
            occurred = received.date() - dt.timedelta(days=int(rng.expovariate(1 / 6)))
            if public:
                urgency = "immediate" if rng.random() < 0.05 else ""
                risk = "high" if urgency else "medium"
            else:
                urgency = rng.choices(urgencies, weights=urgency_weights, k=1)[0]
                risk = URGENCY_RISK[Urgency(urgency)].value
            due = LANTERN_INTEL_24H.due(received_at=received, risk=risk)
            # Most of three years' intelligence has been triaged and closed; the newest is still waiting.
            age_days = (now - received).days
            status = "new" if age_days < 5 else ("triaged" if rng.random() < 0.15 else "closed")
            graded = status != "new"
            handling = rng.choices("PC", weights=(9, 1), k=1)[0] if graded else ""
            graded_at = received + dt.timedelta(hours=rng.randint(1, 100)) if graded else None
            closed_at = graded_at + dt.timedelta(days=rng.randint(0, 20)) if status == "closed" and graded_at else None
            rows.append((
                f"{BULK_PREFIX}{i:08d}", "", "public" if public else "partner",
                ids["police" if public else owner], None if public else ids[SUBMITTERS[owner]],
                stamp(received), text.what, occurred.isoformat(),
                f"{rng.randint(0, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}:00" if rng.random() < 0.6 else None,
                text.location_text, None, None,
                "; ".join(text.people), "; ".join(text.vehicles), "; ".join(text.phones),
                "" if public else rng.choice(knowledge), urgency,
                f"{rng.choice(DRAMA_PHONES)}" if public and rng.random() < 0.2 else "",
                risk, stamp(due), stamp(received + dt.timedelta(minutes=2)) if urgency == "immediate" else None,
                status, "3x5x2" if graded else "", rng.choice("123") if graded else "",
                rng.choice("ABCDE") if graded else "", handling,
                "Share with the named strategy meeting only" if handling == "C" else "",
                ids[rng.choice(GRADERS)] if graded else None, stamp(graded_at),
                rng.choice(("nfa", "shared", "referral", "strategy")) if closed_at else "",
                "Recorded on the bench." if closed_at else "",
                ids[GRADERS[0]] if closed_at else None, stamp(closed_at),
            ))  # fmt: skip
        yield rows


def _tsv(value: object) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def bulk_load(corpus: Corpus, n: int, seed: int) -> None:
    from django.db import connection
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from lantern.accounts.models import Agency, User

    started = time.perf_counter()
    ids = dict(Agency.objects.values_list("code", "id"))
    ids |= dict(User.objects.filter(username__in=[*SUBMITTERS.values(), *GRADERS]).values_list("username", "id"))
    postgres = connection.vendor == "postgresql"
    indexes = drop_indexes()
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as progress:
        task = progress.add_task("bulk reports", total=n)
        chunk = 20_000 if postgres else 50_000
        for rows in bulk_rows(corpus, n, seed + 1, ids, postgres=postgres, chunk=chunk):
            (_copy if postgres else _insert_many)(rows)
            progress.advance(task, len(rows))
        index_task = progress.add_task("indexes and statistics", total=len(indexes) + 2)
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET session_replication_role = DEFAULT")
                cursor.execute("SET maintenance_work_mem = '1GB'")
            else:
                cursor.execute("PRAGMA synchronous = NORMAL")  # as settings.py has it, for the timed ingest
                from importlib import import_module

                # The migration's own statements, so the trigger is exactly what the app relies on.
                search = import_module("lantern.intel.migrations.0002_search")
                cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")
                cursor.execute(next(s for s in search.SQLITE if "intel_intelreport_added" in s))
            progress.advance(index_task)
            for definition in indexes:
                cursor.execute(definition)
                progress.advance(index_task)
            cursor.execute(f"VACUUM ANALYZE {TABLE}" if postgres else "ANALYZE")
            progress.advance(index_task)
    print(f"Loaded {n:,} reports in {time.perf_counter() - started:.0f} s")


def drop_indexes() -> list[str]:
    """Drop the table's secondary indexes (and on SQLite the FTS insert trigger) for the load; return the
    statements that make them again. Constraint indexes (primary key, unique reference) stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [TABLE],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET session_replication_role = replica")  # no per-row FK triggers during the load
            return [definition for _, definition in indexes]
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [TABLE])
        indexes = [(name, sql) for name, sql in cursor.fetchall() if sql]  # autoindexes (UNIQUE) have no sql
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("DROP TRIGGER IF EXISTS intel_intelreport_added")
        cursor.execute("PRAGMA synchronous = OFF")  # a bench file: a crash mid-load means --rebuild
        return [sql for _, sql in indexes]


def _copy(rows: Sequence[Row]) -> None:
    from django.db import connection

    raw = connection.connection
    if raw is None:
        raise SystemExit("no database connection")
    with raw.cursor() as cur, cur.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        copy.write("".join("\t".join(_tsv(v) for v in row) + "\n" for row in rows))
    raw.commit()


def _insert_many(rows: Sequence[Row]) -> None:
    from django.db import connection, transaction

    marks = ", ".join(["%s"] * len(COLUMNS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})", rows)


# --- Ingest ------------------------------------------------------------------------------------------------


def ingest(corpus: Corpus, n: int, seed: int) -> tuple[int, float]:
    """Reports through the service, one call each, as the form and the API submit them. Drafts are made
    before the clock starts: the figure is Lantern's cost, not the generator's."""
    from django.utils import timezone
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from lantern.accounts.models import User
    from lantern.intel import services
    from lantern.intel.enums import Knowledge, Urgency

    if n == 0:
        return 0, 0.0
    rng = random.Random(seed + 2)
    actors = [User.objects.select_related("agency").get(username=name) for name in INGEST_ACTORS]
    today = timezone.localdate()  # what the service checks "in the past" against
    calls = [
        (rng.choice(actors), draft(corpus, rng), today - dt.timedelta(days=rng.randint(1, 30)),
         rng.choice(Knowledge.values), rng.choices(Urgency.values, weights=[2, 15, 40, 43], k=1)[0])
        for _ in range(n)
    ]  # fmt: skip
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as progress:
        task = progress.add_task("report_submit", total=n)
        started = time.perf_counter()
        for actor, text, occurred_on, knowledge, urgency in calls:
            services.report_submit(
                actor=actor, what=text.what, occurred_on=occurred_on, knowledge=knowledge, urgency=urgency,
                location_text=text.location_text, people=text.people, vehicles=text.vehicles, phones=text.phones,
            )  # fmt: skip
            progress.advance(task)
        elapsed = time.perf_counter() - started
    rate = n / elapsed
    print(f"Ingested {n:,} reports through services.report_submit in {elapsed:.1f} s: {rate:,.0f} reports/s")
    return n, rate


def settle() -> None:
    """What autovacuum would soon do after the ingest: fold GIN's pending list into the index and refresh
    statistics, so searches time the steady state, not the minutes after a burst of writes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}, {SANITISED}" if connection.vendor == "postgresql" else "ANALYZE")


def sanitise() -> None:
    """Sanitised versions of one bulk report in twenty graded P, as analysts make them to disseminate more
    widely: the first sentence (names, marks, numbers) replaced by where it happened. Searches read these too,
    and without them the planners judge the search's sanitised half by an empty table: stale statistics that
    a deployment at a million reports would not have. Made once; kept on --reuse."""
    from django.db import connection

    from lantern.accounts.models import User
    from lantern.intel.models import SanitisedReport

    columns = {str(f.column) for f in SanitisedReport._meta.concrete_fields}
    if columns != {"id", "report_id", "text", "created_by_id", "created_at"}:
        raise SystemExit(f"{SANITISED} has changed ({sorted(columns)}); update sanitise()")
    if SanitisedReport.objects.exists():
        return
    started = time.perf_counter()
    analyst = User.objects.get(username=GRADERS[0]).pk
    position = "strpos(what, '. ')" if connection.vendor == "postgresql" else "instr(what, '. ')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SANITISED} (report_id, text, created_by_id, created_at) "
            f"SELECT id, 'A partner agency reports concerns at ' || location_text || '. ' || "
            f"substr(what, {position} + 2), %s, coalesce(graded_at, received_at) FROM {TABLE} "
            f"WHERE reference LIKE '{BULK_PREFIX}%%' AND handling_code = 'P' AND id %% 20 = 0",
            [analyst],
        )
    print(f"Sanitised {SanitisedReport.objects.count():,} reports in {time.perf_counter() - started:.0f} s")


# --- Queries -----------------------------------------------------------------------------------------------

QUERY_KINDS: dict[str, Callable[[Corpus, random.Random], str]] = {
    "rare word": lambda c, rng: rng.choice(c.rare),
    "common word": lambda _c, rng: rng.choice(SAFEGUARDING_WORDS[:COMMON]),
    "two words": lambda c, rng: " ".join(rng.sample(c.two_word_pool, 2)),
    "vehicle mark": lambda c, rng: rng.choice(c.vrms),
    "place name": lambda c, rng: rng.choice(c.places),
    "street name": lambda _c, rng: rng.choice(STREET_NAMES),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def spread(values: list[float]) -> dict[str, float]:
    return {
        "p50": percentile(values, 50), "p95": percentile(values, 95), "p99": percentile(values, 99),
        "max": max(values),
    }  # fmt: skip


def ilike_sql(words: list[str], *, postgres: bool) -> str:
    """The peer: what a plain implementation would write. One ILIKE per word, all required, newest first."""
    like = "what ILIKE %s" if postgres else "what LIKE %s ESCAPE '\\'"
    return f"SELECT id FROM {TABLE} WHERE {' AND '.join([like] * len(words))} ORDER BY received_at DESC LIMIT {PAGE}"


def _pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def run_queries(corpus: Corpus, n: int, seed: int, figures: Figures) -> None:
    from django.db import connection
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from lantern.accounts.models import User
    from lantern.intel import search, selectors

    rng = random.Random(seed + 3)
    analyst = User.objects.select_related("agency").get(username="analyst1")
    kinds = list(QUERY_KINDS)
    planned = [(kind, QUERY_KINDS[kind](corpus, rng)) for kind in (kinds * (n // len(kinds) + 1))[:n]]
    rng.shuffle(planned)
    warm = [(kind, QUERY_KINDS[kind](corpus, rng)) for kind in rng.choices(kinds, k=WARM_UP)]
    postgres = connection.vendor == "postgresql"
    lantern_ms: dict[str, list[float]] = defaultdict(list)
    ilike_ms: dict[str, list[float]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(list)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as progress:
        task = progress.add_task("report_search", total=len(warm) + n)
        for i, (kind, query) in enumerate([*warm, *planned]):
            started = time.perf_counter()
            _page, total = selectors.report_search(actor=analyst, query=query, limit=PAGE)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= len(warm):
                lantern_ms[kind].append(elapsed)
                totals[kind].append(total)
            progress.advance(task)
        task = progress.add_task("ILIKE peer", total=len(warm) + n)
        with connection.cursor() as cursor:
            for i, (kind, query) in enumerate([*warm, *planned]):
                words = search.words(query)  # the same words Lantern searched for
                started = time.perf_counter()
                cursor.execute(ilike_sql(words, postgres=postgres), [_pattern(w) for w in words])
                cursor.fetchall()
                elapsed = (time.perf_counter() - started) * 1000
                if i >= len(warm):
                    ilike_ms[kind].append(elapsed)
                progress.advance(task)
    everything = [ms for values in lantern_ms.values() for ms in values]
    peer = [ms for values in ilike_ms.values() for ms in values]
    figures.queries = len(everything)
    figures.search, figures.ilike = spread(everything), spread(peer)
    figures.kinds = [
        {
            "kind": kind, "n": len(lantern_ms[kind]), "search": spread(lantern_ms[kind]),
            "ilike": spread(ilike_ms[kind]), "median_results": statistics.median(totals[kind]),
            "found": sum(t > 0 for t in totals[kind]) / len(totals[kind]),
        }
        for kind in kinds if lantern_ms[kind]
    ]  # fmt: skip
    print()
    print(f"Intelligence search, {figures.reports:,} reports, {figures.version}; {len(everything)} timed queries "
          f"(after {len(warm)} warm-up) as analyst1, limit {PAGE}")  # fmt: skip
    print(kinds_markdown(figures))


# --- Reporting ---------------------------------------------------------------------------------------------


def kinds_markdown(figures: Figures) -> str:
    lines = [
        "| query kind | n | search p50 ms | p95 | p99 | ILIKE p50 ms | p95 | median results | any found |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in figures.kinds:
        s, p = row["search"], row["ilike"]
        lines.append(
            f"| {row['kind']} | {row['n']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | {p['p50']:.1f} | "
            f"{p['p95']:.1f} | {row['median_results']:,.0f} | {row['found']:.0%} |"
        )
    s, p = figures.search, figures.ilike
    lines.append(
        f"| **all** | {figures.queries} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | {p['p50']:.1f} | "
        f"{p['p95']:.1f} | | |"
    )
    return "\n".join(lines) + "\n"


def summary_markdown(results: Path) -> str:
    """The table for every engine with a stored result, then each engine's detail by query kind."""
    runs = []
    for engine in ENGINES:
        path = Path(f"{results}-{engine}.json")
        if path.exists():
            runs.append(Figures(**json.loads(path.read_text())))
    out = [
        "# Intelligence benchmark (bench/intel.py)\n",
        "| engine | reports | ingest reports/s | search p50 ms | search p95 ms | search p99 ms | ILIKE p50 ms | "
        "ILIKE p95 ms | Lantern p95 / ILIKE p95 |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for f in runs:
        out.append(
            f"| {f.version} | {f.reports:,} | {f.ingest_per_second:,.0f} | {f.search['p50']:.1f} | "
            f"{f.search['p95']:.1f} | {f.search['p99']:.1f} | {f.ilike['p50']:.1f} | {f.ilike['p95']:.1f} | "
            f"{f.ratio:.2f} |"
        )
    for f in runs:
        bulk = f"bulk load {f.bulk_seconds:.0f} s, " if f.bulk_seconds is not None else "reused data, "
        out += [
            f"\n## {f.version}\n",
            f"{f.finished_at}, code {f.revision or 'unknown'}; {bulk}{f.ingested:,} reports through report_submit, "
            f"{f.queries} timed queries as analyst1 (limit {PAGE}); run took {f.seconds:.0f} s.\n",
            kinds_markdown(f),
        ]
    return "\n".join(out)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
