from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from lantern.audit.services import audit_count, audit_verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks the hash chain: exit 0 if intact, 1 at the first broken row."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check every row's hash and link, in order")

    def handle(self, *args: Any, **options: Any) -> None:
        total = audit_count()
        with Progress(
            TextColumn("Verifying audit log"), BarColumn(), MofNCompleteColumn(), transient=True, disable=total < 5000
        ) as progress:
            task = progress.add_task("verify", total=total)
            checked, broken = audit_verify(progress=lambda n: progress.update(task, completed=n))
        if broken is not None:
            self.stderr.write(f"Audit log broken at {broken} ({checked} rows before it are intact).")
            raise CommandError("audit log verification failed", returncode=1)
        self.stdout.write(f"Audit log intact: {checked} row{'' if checked == 1 else 's'} verified.")
