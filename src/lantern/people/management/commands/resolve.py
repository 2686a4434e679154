from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lantern.people.linkage import (
    STAGES,
    EngineUnavailable,
    InputFileError,
    LinkageInputError,
    Stage,
    read_records_csv,
    require_engine,
    resolve,
    write_assignments_csv,
)

STEPS = ("load", *STAGES, "write")


class Command(BaseCommand):
    help = (
        "Resolve agencies' records into persons (standalone: reads and writes CSV files, never the database). "
        "IN columns: record_id,agency,given_name,family_name,aliases,dob,sex,phone,postcode,vrm. "
        "OUT columns: record_id,person_id."
    )
    requires_system_checks: list[str] = []  # no database, no checks to run

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="CSV of records to resolve")
        parser.add_argument("--output", required=True, type=Path, help="CSV to write record_id,person_id to")
        parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        target: Path = options["output"]
        try:
            require_engine(options["engine"])
        except EngineUnavailable as error:
            raise CommandError(str(error)) from None
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        console = Console(file=sys.stderr)
        with Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("load", total=len(STEPS))

            def step(stage: str) -> None:
                progress.update(task, description=stage, completed=STEPS.index(stage))

            try:
                records = read_records_csv(source)
            except InputFileError as error:
                raise CommandError(f"{source}: {error}") from None
            except OSError as error:
                raise CommandError(f"{source}: cannot read ({error.strerror})") from None

            def on_stage(stage: Stage) -> None:
                step(stage)

            try:
                resolution = resolve(records, engine=options["engine"], progress=on_stage)
            except LinkageInputError as error:
                raise CommandError(f"{source}: {error}") from None
            step("write")
            write_assignments_csv(target, resolution.assignments)
            progress.update(task, completed=len(STEPS))
        records_count = len(resolution.assignments)
        self.stdout.write(
            f"Resolved {records_count:,} records into {resolution.person_count:,} persons; "
            f"{len(resolution.review_pairs):,} pairs to review. Wrote {target}."
        )
        invalid = resolution.invalid_field_counts
        if invalid:
            detail = ", ".join(f"{field} {count:,}" for field, count in invalid.items())
            self.stdout.write(f"Invalid fields (used as far as possible, no record dropped): {detail}.")
        else:
            self.stdout.write("Invalid fields: none.")
