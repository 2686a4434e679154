from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.accounts.models import Agency
from lantern.people.identity import records_import
from lantern.people.imports import FileError, read_records

KINDS = ("records",)


class Command(BaseCommand):
    help = (
        "Import an agency's file, all or nothing: every row is checked first and any error stops the import "
        "with a report naming the line and field. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", required=True, help="the agency code whose records these are")
        parser.add_argument("--errors", type=Path, help="also write the row-level error report to this CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            known = ", ".join(Agency.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No agency with code {options['agency']!r} (known: {known}).")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            result = read_records(path)
        except FileError as error:
            raise CommandError(f"{path}: {error}. Nothing was imported.") from error
        if result.errors:
            for problem in result.errors:
                self.stderr.write(f"{path}: {problem}")
            if options["errors"]:
                with options["errors"].open("w", newline="") as out:
                    writer = csv.writer(out)
                    writer.writerow(["line", "field", "message"])
                    writer.writerows((e.line, e.field, e.message) for e in result.errors)
            lines = len({e.line for e in result.errors})
            raise CommandError(f"{len(result.errors)} problem(s) on {lines} line(s). Nothing was imported.")
        outcome = records_import(agency=agency, rows=result.rows)
        self.stdout.write(
            f"Imported {len(result.rows)} records for {agency.code}: {outcome.created} new, "
            f"{outcome.updated} changed, {outcome.unchanged} unchanged."
        )
