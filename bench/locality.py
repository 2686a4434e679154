"""Locality benchmark: recomputing every profile for a borough of 200 LSOAs x 24 months x 10 indicators plus a
million intelligence reports, on PostgreSQL, and reading profiles afterwards.

    python bench/locality.py                 # 200 LSOAs in 20 wards, 10 indicators, 1,000,000 reports
    python bench/locality.py --quick         # smoke run: 40 LSOAs in 8 wards, 20,000 reports
    python bench/locality.py --reuse         # keep what an earlier run loaded; only time the recompute and reads

Run on demand, never in CI: it prints figures and asserts nothing about them. It works in its own database,
``lantern_bench_locality`` (``_quick`` for --quick) on --server-url, created if missing, so tests and the demo are
untouched. Results go to ``var/bench/locality[-quick].json`` and a table to ``var/bench/locality[-quick].md``.

1. Geography through the real importers: ward and LSOA boundaries as ONS GeoJSON (each LSOA's ward found by
   point-in-polygon), then LSOA x month x indicator figures (and two years of population) as Lantern CSV.
2. Soft data written straight to the tables, as any bulk load would: reports by COPY (secondary indexes dropped
   during the load and rebuilt after), a twentieth of them naming a place; children with addresses in the wards'
   postcode sectors, their cases and missing episodes.
3. ``profiles_recompute`` timed ``--runs`` times (each stage too), then profile reads through the selector as
   analyst1 (in full) and board1 (suppressed): the borough, a ward, and the ward's CSV.
4. The peer: the intelligence step counted the naive way, every report's (ward, month) fetched and counted in
   Python, against the GROUP BY the recompute uses; the ratio of the two is printed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
FULL = {"lsoas": 200, "wards": 20, "months": 24, "indicators": 10, "reports": 1_000_000, "children": 20_000}
QUICK = {"lsoas": 40, "wards": 8, "months": 24, "indicators": 10, "reports": 20_000, "children": 2_000}
BULK_PREFIX = "BL-"
TABLE = "intel_intelreport"
COLUMNS = (
    "reference",
    "source_ref",
    "source",
    "agency_id",
    "submitted_by_id",
    "received_at",
    "what",
    "occurred_on",
    "occurred_time",
    "location_text",
    "place_id",
    "ward_id",
    "people_text",
    "vehicles_text",
    "phones_text",
    "knowledge",
    "urgency",
    "contact",
    "risk",
    "triage_due_at",
    "routed_at",
    "status",
    "grading_scheme",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "graded_by_id",
    "graded_at",
    "outcome",
    "outcome_reason",
    "outcome_by_id",
    "outcome_at",
)
ENTITY_COLUMNS = (
    "report_id",
    "kind",
    "text",
    "value",
    "person_id",
    "place_id",
    "origin",
    "confirmed",
    "added_by_id",
    "created_at",
)
READS = 20
PLACES_PER_WARD = 5


@dataclass
class Figures:
    version: str = ""
    revision: str = ""
    lsoas: int = 0
    wards: int = 0
    indicator_values: int = 0
    reports: int = 0
    episodes: int = 0
    load_seconds: dict[str, float] = field(default_factory=dict)
    recompute_seconds: list[float] = field(default_factory=list)
    recompute_stages: dict[str, float] = field(default_factory=dict)
    figures: int = 0
    suppressed: int = 0
    reads_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    peer_python_seconds: float = 0.0
    peer_group_by_seconds: float = 0.0
    finished_at: str = ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: " + ", ".join(f"{v:,} {k}" for k, v in QUICK.items())
    )
    parser.add_argument("--reports", type=int, help="intelligence reports to load (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="recomputes to time (default 3)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--server-url", default=os.environ.get("BENCH_PG_URL", "postgres://root@127.0.0.1:5432"))
    parser.add_argument("--database", help="PostgreSQL database (default lantern_bench_locality[_quick])")
    parser.add_argument("--reuse", action="store_true", help="keep the data an earlier run loaded")
    args = parser.parse_args()
    sizes = dict(QUICK if args.quick else FULL)
    if args.reports is not None:
        sizes["reports"] = args.reports
    suffix = "-quick" if args.quick else ""
    args.database = args.database or "lantern_bench_locality" + suffix.replace("-", "_")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    create_database(args.server_url, args.database)
    os.environ["DATABASE_URL"] = f"{args.server_url}/{args.database}"
    os.environ.setdefault("LANTERN_HOME", str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    os.environ.setdefault("LANTERN_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    check_columns()
    figures = Figures(version=engine_version(), revision=revision())
    started = time.perf_counter()
    if not args.reuse:
        load(sizes, args.seed, figures)
    measure(args.runs, figures)
    figures.finished_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    Path(BENCH_DIR / f"locality{suffix}.json").write_text(json.dumps(asdict(figures), indent=1))
    table = markdown(figures, sizes)
    Path(BENCH_DIR / f"locality{suffix}.md").write_text(table)
    print("\n" + table)
    print(f"Whole run {time.perf_counter() - started:.0f} s; written to var/bench/locality{suffix}.md")


# --- Set-up ------------------------------------------------------------------------------------------------------


def create_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def check_columns() -> None:
    from lantern.intel.models import IntelReport

    model = {str(f.column) for f in IntelReport._meta.concrete_fields} - {"id"}
    if model != set(COLUMNS):
        raise SystemExit(f"intel_intelreport has changed ({sorted(model ^ set(COLUMNS))}): update COLUMNS and rows()")


def engine_version() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/locality.py measures PostgreSQL: set --server-url to a PostgreSQL server")
    return f"PostgreSQL {connection.pg_version // 10000}"  # type: ignore[attr-defined]


def revision() -> str:
    git = ["git", "-C", str(REPO), "describe", "--always", "--dirty"]
    try:
        done = subprocess.run(git, capture_output=True, text=True, check=False, timeout=10)  # noqa: S603
    except OSError:
        return ""
    return done.stdout.strip()


def timed(figures: Figures, name: str) -> Any:
    class Timer:
        def __enter__(self) -> None:
            self.started = time.perf_counter()
            print(f"{name}…", flush=True)

        def __exit__(self, *_: object) -> None:
            figures.load_seconds[name] = round(time.perf_counter() - self.started, 2)
            print(f"  {figures.load_seconds[name]:.1f} s", flush=True)

    return Timer()


def reset() -> None:
    """An empty borough: the tables this benchmark fills, emptied (the audit log is left to grow)."""
    from django.db import connection

    tables = [
        "locality_areafigure",
        "locality_placefigure",
        "intel_intelentity",
        TABLE,
        "cases_missingepisode",
        "cases_case",
        "people_address",
        "people_sourcerecord",
        "people_person",
        "people_place",
        "locality_indicatorvalue",
        "locality_importbatch",
        "locality_area",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def square(x: float, y: float, size: float) -> list[list[float]]:
    return [
        [round(x, 6), round(y, 6)],
        [round(x + size, 6), round(y, 6)],
        [round(x + size, 6), round(y + size, 6)],
        [round(x, 6), round(y + size, 6)],
        [round(x, 6), round(y, 6)],
    ]


def geojson(code_key: str, features: list[tuple[str, str, list[list[float]]]]) -> bytes:
    name_key = code_key[:-2] + "NM"
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {code_key: c, name_key: n},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
                for c, n, ring in features
            ],
        }
    ).encode()


def load(sizes: dict[str, int], seed: int, figures: Figures) -> None:
    from django.core.management import call_command

    from lantern.demo.generator import ensure_organisation
    from lantern.locality.catalogue import POPULATION, STANDARD_INDICATORS
    from lantern.locality.imports import boundaries_import, indicator_values_import
    from lantern.locality.models import Area

    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    reset()
    ensure_organisation()
    wards, per_ward = sizes["wards"], sizes["lsoas"] // sizes["wards"]
    columns = 5
    size = 0.04
    ward_features, lsoa_features = [], []
    for w in range(wards):
        x, y = 1.0 + (w % columns) * size, 54.0 + (w // columns) * size
        ward_features.append((f"BW{w:05d}", f"Bench ward {w}", square(x, y, size)))
        strip = size / per_ward
        for k in range(per_ward):
            ring = [
                [round(x + k * strip, 6), round(y, 6)],
                [round(x + (k + 1) * strip, 6), round(y, 6)],
                [round(x + (k + 1) * strip, 6), round(y + size, 6)],
                [round(x + k * strip, 6), round(y + size, 6)],
                [round(x + k * strip, 6), round(y, 6)],
            ]
            lsoa_features.append((f"BL{w:04d}{k:03d}", f"Bench {w:03d}{chr(65 + k % 26)}{k}", ring))
    with timed(figures, "import ward boundaries"):
        boundaries_import(actor=None, data=geojson("WD24CD", ward_features), filename="bench-wards.geojson")
    with timed(figures, "import LSOA boundaries"):
        result = boundaries_import(actor=None, data=geojson("LSOA21CD", lsoa_features), filename="bench-lsoas.geojson")
        if result.errors:
            raise SystemExit(f"bench data refused: {result.errors[:3]}")
    for index, ward in enumerate(Area.objects.wards().order_by("code")):
        ward.postcode_sectors = [f"BX{index} {d}" for d in range(10)]
        ward.save(update_fields=["postcode_sectors"])
    today = dt.datetime.now(dt.UTC).date()
    months = []
    year, month = today.year, today.month
    for _ in range(sizes["months"]):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(f"{year:04d}-{month:02d}")
    codes = [s.code for s in STANDARD_INDICATORS if s.code != POPULATION][: sizes["indicators"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "area_code", "period", "numerator", "denominator"])
    for code, _, _ in lsoa_features:
        children = rng.randint(150, 350)
        for year_label in sorted({m[:4] for m in months}):
            writer.writerow([POPULATION, code, year_label, children, children * 11])
        for indicator in codes:
            denominator = max(1, round(children * rng.uniform(0.2, 1.0)))
            for period in months:
                writer.writerow([indicator, code, period, min(denominator, rng.randint(0, 6)), denominator])
    with timed(figures, "import indicator CSV"):
        result = indicator_values_import(actor=None, data=out.getvalue().encode(), filename="bench-values.csv")
        if result.errors:
            raise SystemExit(f"bench data refused: {result.errors[:3]}")
    figures.indicator_values = result.created
    figures.wards, figures.lsoas = wards, len(lsoa_features)
    with timed(figures, f"COPY {sizes['reports']:,} intelligence reports"):
        bulk_reports(sizes["reports"], rng)
    with timed(figures, f"{sizes['children']:,} children and their missing episodes"):
        figures.episodes = children_and_episodes(sizes["children"], rng)
    figures.reports = sizes["reports"]


def bulk_reports(n: int, rng: random.Random) -> None:
    from django.db import connection

    from lantern.accounts.models import Agency, User
    from lantern.locality.models import Area
    from lantern.people.models import Place

    agency = Agency.objects.get(code="csc")
    submitter = User.objects.get(username="sw1")
    wards = list(Area.objects.wards().order_by("code").values_list("pk", flat=True))
    places = Place.objects.bulk_create(
        [
            Place(name=f"Bench place {w}-{k}", kind="takeaway", ward_id=ward)
            for w, ward in enumerate(wards)
            for k in range(PLACES_PER_WARD)
        ]
    )
    place_ids = [p.pk for p in places]
    weights = [1 + 3 * (i % 7 == 0) for i in range(len(wards))]  # some wards far busier than others
    now = dt.datetime.now(dt.UTC)
    span = 3 * 365
    dropped = drop_indexes()
    connection.ensure_connection()
    raw = connection.connection
    if raw is None:
        raise SystemExit("no database connection")
    chunk = 100_000
    entity_rows = []
    for start in range(0, n, chunk):
        lines = []
        for i in range(start, min(n, start + chunk)):
            occurred = (now - dt.timedelta(days=rng.randrange(span))).date()
            received = dt.datetime.combine(occurred, dt.time(12), tzinfo=dt.UTC) + dt.timedelta(days=1)
            ward = rng.choices(wards, weights)[0] if rng.random() < 0.95 else None
            place = rng.choice(place_ids) if rng.random() < 0.1 else None
            row = [
                f"{BULK_PREFIX}{i:09d}",
                "",
                "partner",
                agency.pk,
                submitter.pk,
                received.isoformat(),
                f"Bench report {i}",
                occurred.isoformat(),
                None,
                "",
                place,
                ward,
                "",
                "",
                "",
                "seen",
                "information",
                "",
                "low",
                (received + dt.timedelta(days=7)).isoformat(),
                None,
                "new",
                "",
                "",
                "",
                "",
                "",
                None,
                None,
                "",
                "",
                None,
                None,
            ]
            lines.append("\t".join("\\N" if v is None else str(v) for v in row))
            if rng.random() < 0.05:
                entity_rows.append((i + 1, rng.choice(place_ids), received))
        with raw.cursor() as cur, cur.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            copy.write("\n".join(lines) + "\n")
        raw.commit()
        print(f"  {min(n, start + chunk):,} reports", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id) FROM {TABLE}")
        first_id = cursor.fetchone()[0]
    entity_lines = [
        "\t".join(
            str(v)
            for v in (
                first_id + i - 1,
                "place",
                f"place {p}",
                f"place {p}",
                "\\N",
                p,
                "extracted",
                "f",
                "\\N",
                at.isoformat(),
            )
        )
        for i, p, at in entity_rows
    ]
    with raw.cursor() as cur, cur.copy(f"COPY intel_intelentity ({', '.join(ENTITY_COLUMNS)}) FROM STDIN") as copy:
        copy.write("\n".join(entity_lines) + "\n")
    raw.commit()
    with connection.cursor() as cursor:
        for statement in dropped:
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute("ANALYZE intel_intelentity")


def drop_indexes() -> list[str]:
    """Secondary indexes on the report table, dropped for the load; their CREATE statements, to rebuild after."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [TABLE],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def children_and_episodes(n: int, rng: random.Random) -> int:
    from lantern.accounts.models import Agency
    from lantern.cases.models import Case, MissingEpisode
    from lantern.locality.models import Area
    from lantern.people.models import Address, Person, SourceRecord

    csc = Agency.objects.get(code="csc")
    sectors = [s for ward in Area.objects.wards() for s in ward.postcode_sectors]
    people = Person.objects.bulk_create(
        [Person(kind="child", given_name="Bench", family_name=f"Child{i}", owning_agency=csc) for i in range(n)],
        batch_size=5000,
    )
    records = SourceRecord.objects.bulk_create(
        [SourceRecord(person=p, agency=csc, title="Bench record", summary="", handling_code="P") for p in people],
        batch_size=5000,
    )
    Address.objects.bulk_create(
        [Address(record=r, postcode=f"{rng.choice(sectors)}AB") for r in records], batch_size=5000
    )
    missing = [p for p in people if rng.random() < 0.25]
    cases = Case.objects.bulk_create([Case(child=p, agency=csc) for p in missing], batch_size=5000)
    now = dt.datetime.now(dt.UTC)
    episodes = [
        MissingEpisode(case=case, missing_from=now - dt.timedelta(days=rng.randrange(730), hours=rng.randrange(24)))
        for case in cases
        for _ in range(rng.choice((1, 1, 2, 3, 6)))
    ]
    MissingEpisode.objects.bulk_create(episodes, batch_size=5000)
    return len(episodes)


# --- Measuring ---------------------------------------------------------------------------------------------------


def measure(runs: int, figures: Figures) -> None:
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from lantern.accounts.models import User
    from lantern.intel.models import IntelReport
    from lantern.locality.models import Area
    from lantern.locality.selectors import profile, profile_csv
    from lantern.locality.services import profiles_recompute

    for run in range(runs):
        result = profiles_recompute()
        figures.recompute_seconds.append(round(result.seconds, 3))
        print(f"recompute {run + 1}: {result.seconds:.2f} s ({result.figures:,} figures)", flush=True)
        figures.recompute_stages = {k: round(v, 3) for k, v in result.timings.items()}
        figures.figures, figures.suppressed = result.figures, result.suppressed
    ward = Area.objects.wards().order_by("code").first()
    if ward is None:
        raise SystemExit("no wards: run without --reuse first")
    for username in ("analyst1", "board1"):
        actor = User.objects.get(username=username)
        reads = {
            "borough": lambda a=actor: profile(actor=a),
            "ward": lambda a=actor: profile(actor=a, area_code=ward.code),
            "ward CSV": lambda a=actor: profile_csv(profile(actor=a, area_code=ward.code)),
        }
        for name, read in reads.items():
            read()  # warm
            times = []
            for _ in range(READS):
                started = time.perf_counter()
                read()
                times.append((time.perf_counter() - started) * 1000)
            figures.reads_ms[f"{name} ({username})"] = {
                "p50": round(statistics.median(times), 1),
                "p95": round(sorted(times)[int(len(times) * 0.95) - 1], 1),
            }
    first = dt.datetime.now(dt.UTC).date().replace(day=1) - dt.timedelta(days=730)
    started = time.perf_counter()
    counted = Counter(
        (ward_id, occurred.replace(day=1))
        for ward_id, occurred in IntelReport.objects.filter(ward__isnull=False, occurred_on__gte=first)
        .values_list("ward_id", "occurred_on")
        .iterator(chunk_size=20_000)
    )
    figures.peer_python_seconds = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    grouped = list(
        IntelReport.objects.filter(ward__isnull=False, occurred_on__gte=first)
        .annotate(month=TruncMonth("occurred_on"))
        .values_list("ward_id", "month")
        .order_by()
        .annotate(n=Count("id"))
    )
    figures.peer_group_by_seconds = round(time.perf_counter() - started, 3)
    if sum(counted.values()) != sum(n for _, _, n in grouped):
        raise SystemExit("the peer and the GROUP BY disagree")


def markdown(figures: Figures, sizes: dict[str, int]) -> str:
    ratio = figures.peer_python_seconds / max(figures.peer_group_by_seconds, 1e-9)
    lines = [
        f"# Locality benchmark ({figures.version}, {figures.revision}, {figures.finished_at})",
        "",
        f"{figures.lsoas or sizes['lsoas']} LSOAs in {figures.wards or sizes['wards']} wards, "
        f"{sizes['months']} months x {sizes['indicators']} indicators ({figures.indicator_values:,} values), "
        f"{sizes['reports']:,} intelligence reports, {figures.episodes:,} missing episodes.",
        "",
        "| step | seconds |",
        "|---|---|",
        *(f"| {name} | {seconds:.1f} |" for name, seconds in figures.load_seconds.items()),
        f"| recompute all profiles (best of {len(figures.recompute_seconds)}) | {min(figures.recompute_seconds):.2f} |",
        *(f"| &nbsp; {name} | {seconds:.2f} |" for name, seconds in figures.recompute_stages.items()),
        "",
        f"{figures.figures:,} figures stored, {figures.suppressed:,} suppressed for viewers without small numbers.",
        "",
        "| profile read | p50 ms | p95 ms |",
        "|---|---|---|",
        *(f"| {name} | {t['p50']} | {t['p95']} |" for name, t in figures.reads_ms.items()),
        "",
        f"Peer: intelligence by ward and month counted in Python {figures.peer_python_seconds:.2f} s, by GROUP BY "
        f"{figures.peer_group_by_seconds:.2f} s: ratio {ratio:.1f}x.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
