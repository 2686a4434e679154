from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lantern.accounts.models import Agency
from lantern.intel.imports import intel_import, read_intel
from lantern.locality.cli import KINDS as LOCALITY_KINDS
from lantern.locality.cli import import_locality
from lantern.oversight.cli import KINDS as OVERSIGHT_KINDS
from lantern.oversight.cli import import_oversight
from lantern.people.identity import records_import
from lantern.people.imports import FileError, RowError, read_records

KINDS = ("records", "intel", *LOCALITY_KINDS, *OVERSIGHT_KINDS)
PROGRESS_FROM = 500  # rows; a smaller file is done before a bar would be worth drawing


@contextmanager
def progress_bar(*, total: int, label: str) -> Iterator[Callable[[], None] | None]:
    """A bar on stderr, as `lantern resolve` draws, advanced once per row; None for a small file."""
    if total <= PROGRESS_FROM:
        yield None
        return
    with Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


class Command(BaseCommand):
    help = (
        "Import an agency's file, all or nothing: every row is checked first and any error stops the import "
        "with a report naming the line and field. Importing the same file again changes nothing. "
        "KIND records: the agency's case records. KIND intel: partner intelligence, each row submitted as "
        "the user in its submitted_by column. KIND indicators (Lantern CSV), fingertips (an OHID Fingertips "
        "export as downloaded) and boundaries (ONS GeoJSON): the partnership's locality data, no agency needed."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", help="the agency code whose records these are (records and intel)")
        parser.add_argument("--replace", action="store_true", help="locality: overwrite figures held differently")
        parser.add_argument("--user", help="locality: the username importing, for the audit log")
        parser.add_argument("--no-recompute", action="store_true", help="locality: leave profiles to recompute later")
        parser.add_argument("--errors", type=Path, help="also write the row-level error report to this CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] in LOCALITY_KINDS:
            if not options["file"].is_file():
                raise CommandError(f"No file at {options['file']}.")
            import_locality(
                kind=options["kind"], path=options["file"], options=options, progress_bar=progress_bar,
                refuse=self.refuse, write=self.stdout.write,
            )  # fmt: skip
            return
        if options["kind"] in OVERSIGHT_KINDS:
            if not options["file"].is_file():
                raise CommandError(f"No file at {options['file']}.")
            import_oversight(
                kind=options["kind"], path=options["file"], options=options, progress_bar=progress_bar,
                refuse=self.refuse, write=self.stdout.write,
            )  # fmt: skip
            return
        if not options["agency"]:
            raise CommandError(f"Give --agency CODE: the agency whose {options['kind']} these are.")
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            known = ", ".join(Agency.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No agency with code {options['agency']!r} (known: {known}).")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if options["kind"] == "intel":
            self.intel(agency=agency, path=path, report=options["errors"])
        else:
            self.records(agency=agency, path=path, report=options["errors"])

    def records(self, *, agency: Agency, path: Path, report: Path | None) -> None:
        try:
            result = read_records(path)
        except FileError as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from error
        if result.errors:
            self.refuse(path=path, errors=result.errors, report=report)
        outcome = records_import(agency=agency, rows=result.rows)
        self.stdout.write(
            f"Imported {len(result.rows)} records for {agency.code}: {outcome.created} new, "
            f"{outcome.updated} changed, {outcome.unchanged} unchanged."
        )

    def intel(self, *, agency: Agency, path: Path, report: Path | None) -> None:
        try:
            read = read_intel(path=path)
        except FileError as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from error
        # Rows with errors from reading are still checked, so one run reports every problem in the file.
        with progress_bar(total=len(read.rows), label="import") as advance:
            outcome = intel_import(agency=agency, read=read, progress=advance)
        if outcome.errors:
            self.refuse(path=path, errors=outcome.errors, report=report)
        graded = f" ({outcome.graded} with a historic grade)" if outcome.graded else ""
        self.stdout.write(
            f"Imported {len(read.rows)} intelligence reports for {agency.code}: {outcome.created} new{graded}, "
            f"{outcome.unchanged} unchanged."
        )

    def refuse(self, *, path: Path, errors: Sequence[RowError], report: Path | None) -> NoReturn:
        """Print the row-level report (and write it, if asked) and stop: nothing has been imported."""
        for problem in errors:
            self.stderr.write(f"{path}: {problem}")
        if report:
            with report.open("w", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "field", "message"])
                writer.writerows((e.line, e.field, e.message) for e in errors)
        lines = len({e.line for e in errors})
        raise CommandError(f"{len(errors)} problem(s) on {lines} line(s). Nothing was imported.")
