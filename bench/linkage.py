"""Identity resolution benchmark: Lantern against what legacy systems do and a tutorial Splink model.

    python bench/linkage.py --size 100000          # 10000, 100000, 1000000

Generates agencies' records with known truth (lantern.people.linkage.synthetic), then runs each method in
its own process, CSV in to CSV out, and reports pairwise precision, recall and F1 (over all within-cluster
pairs, counted from the contingency of predicted and true clusters), wall time and peak memory (the
child's peak resident set size from wait4). Methods:

- lantern: `lantern resolve --input IN --output OUT`, end to end (load, clean, train, predict, cluster, write)
- exact: records with the same normalised given name, family name and full date of birth are one person
- splink_plain: Splink with a tutorial configuration (names, date of birth, postcode; no alias awareness)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
METHODS = ("lantern", "exact", "splink_plain")
TARGET_F1 = 0.95
TARGET_MARGIN = 0.10
TARGET_SECONDS_1M = 120
TARGET_PEAK_GIB_1M = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="records to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--workdir", type=Path, help="keep inputs and outputs here (default: a temp dir)")
    parser.add_argument("--run-method", choices=METHODS[1:], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_method:
        {"exact": run_exact, "splink_plain": run_splink_plain}[args.run_method](args.input, args.output)
        return
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        bench(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
            bench(args, Path(tmp))


def bench(args: argparse.Namespace, workdir: Path) -> None:
    from lantern.people.linkage import generate_records, pairwise_scores

    source = workdir / f"records-{args.size}.csv"
    started = time.perf_counter()
    data = generate_records(args.size, seed=args.seed)
    data.write_csv(source)
    truth = dict(data.truth)
    people, records = len(data.people), data.records.num_rows
    del data
    print(
        f"Generated {records:,} records of {people:,} people (seed {args.seed}) "
        f"in {time.perf_counter() - started:.1f} s: {source}"
    )
    results: dict[str, dict[str, float]] = {}
    for method in args.methods.split(","):
        output = workdir / f"{method}-{args.size}.csv"
        wall, peak = run_child(method, source, output)
        predicted = read_assignments(output)
        missing = truth.keys() - predicted.keys()
        if missing or len(predicted) != len(truth):
            raise SystemExit(f"{method}: output does not hold every record exactly once ({len(missing)} missing)")
        scores = pairwise_scores(predicted, truth)
        results[method] = {
            "precision": scores.precision,
            "recall": scores.recall,
            "f1": scores.f1,
            "seconds": wall,
            "peak_mib": peak,
        }
        print(f"  {method:<13} F1 {scores.f1:.4f}  {wall:7.1f} s  {peak:8.0f} MiB", flush=True)
    report(args.size, results)


def run_child(method: str, source: Path, output: Path) -> tuple[float, float]:
    """Run one method in its own process; return wall seconds and its peak RSS in MiB."""
    if method == "lantern":
        command = [sys.executable, "-m", "lantern.cli", "resolve", "--input", str(source), "--output", str(output)]
    else:
        command = [sys.executable, __file__, "--run-method", method, "--input", str(source), "--output", str(output)]
    env = {**os.environ, "LANTERN_HOME": os.environ.get("LANTERN_HOME", str(REPO))}
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    out = child.stdout.read().decode() if child.stdout else ""
    err = child.stderr.read().decode() if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{method} failed ({child.returncode}):\n{out}\n{err}")
    if out.strip():
        print("    " + out.strip().replace("\n", "\n    "))
    return wall, usage.ru_maxrss / 1024  # Linux reports kilobytes


def read_assignments(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return dict(reader)


def report(size: int, results: dict[str, dict[str, float]]) -> None:
    print()
    print(f"Identity resolution, {size:,} records")
    header = f"{'method':<13} {'precision':>9} {'recall':>7} {'F1':>7} {'wall s':>8} {'peak MiB':>9}"
    print(header)
    print("-" * len(header))
    for method, r in results.items():
        print(
            f"{method:<13} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} "
            f"{r['seconds']:>8.1f} {r['peak_mib']:>9.0f}"
        )
    lantern = results.get("lantern")
    if lantern is None:
        return
    print()
    for method, r in results.items():
        if method == "lantern":
            continue
        print(
            f"lantern vs {method:<13} F1 {lantern['f1']:.4f} vs {r['f1']:.4f} "
            f"(+{lantern['f1'] - r['f1']:.4f}, x{lantern['f1'] / r['f1']:.2f})  "
            f"time x{lantern['seconds'] / r['seconds']:.2f}  memory x{lantern['peak_mib'] / r['peak_mib']:.2f}"
        )
    print()
    targets = [f"F1 >= {TARGET_F1}: {'met' if lantern['f1'] >= TARGET_F1 else 'NOT met'} ({lantern['f1']:.4f})"]
    if "exact" in results:
        margin = lantern["f1"] - results["exact"]["f1"]
        targets.append(f"F1 >= exact + {TARGET_MARGIN}: {'met' if margin >= TARGET_MARGIN else 'NOT met'}")
    if "splink_plain" in results:
        better = lantern["f1"] > results["splink_plain"]["f1"]
        targets.append(f"F1 above plain Splink: {'met' if better else 'NOT met'}")
    if size >= 1_000_000:
        fast = lantern["seconds"] <= TARGET_SECONDS_1M
        small = lantern["peak_mib"] <= TARGET_PEAK_GIB_1M * 1024
        targets.append(f"end to end <= {TARGET_SECONDS_1M} s: {'met' if fast else 'NOT met'}")
        targets.append(f"peak <= {TARGET_PEAK_GIB_1M} GiB: {'met' if small else 'NOT met'}")
    print("Targets: " + "; ".join(targets))
    print(json.dumps({"size": size, "results": results}))


# -- the peers, each run in its own process ---------------------------------------------------------------
def run_exact(source: Path, output: Path) -> None:
    """Legacy matching: same normalised given name, family name and full date of birth; else on its own."""
    from lantern.people.linkage import read_records_csv, write_assignments_csv
    from lantern.people.normalise import clean_name

    table = read_records_csv(source)
    persons: dict[tuple[str, str, str], str] = {}
    assignments: dict[str, str] = {}
    columns = [table.column(name).to_pylist() for name in ("record_id", "given_name", "family_name", "dob")]
    for record_id, given, family, dob in zip(*columns, strict=True):
        key = (clean_name(given or ""), clean_name(family or ""), (dob or "").strip())
        if key[0] and key[1] and len(key[2]) == 10:
            assignments[record_id] = persons.setdefault(key, f"E{len(persons) + 1}")
        else:
            assignments[record_id] = f"S-{record_id}"
    write_assignments_csv(output, assignments)


def run_splink_plain(source: Path, output: Path) -> None:
    """Splink as its tutorials configure it: names, date of birth and postcode, lower-cased; no aliases."""
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from lantern.people.linkage import read_records_csv, write_assignments_csv

    con = duckdb.connect()
    con.register("raw_records", read_records_csv(source))
    con.execute("""
        create table plain as select
            record_id as unique_id,
            nullif(lower(trim(given_name)), '') as first_name,
            nullif(lower(trim(family_name)), '') as surname,
            case when length(trim(dob)) = 10 then trim(dob) end as dob,
            nullif(upper(replace(postcode, ' ', '')), '') as postcode
        from raw_records
    """)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode", "first_name"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("plain"), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"), max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"), max_pairs=2e6)
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    rows = con.sql(f"select unique_id, cluster_id from {clusters.physical_name}").fetchall()
    write_assignments_csv(output, {str(record): str(cluster) for record, cluster in rows})


if __name__ == "__main__":
    main()
