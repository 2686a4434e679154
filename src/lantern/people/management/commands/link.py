from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lantern.people.linking import linkage_run_execute, linkage_run_start


class Command(BaseCommand):
    help = "Resolve identities across every agency's records in the database: merge, link, queue for review."

    def handle(self, *args: Any, **options: Any) -> None:
        run = linkage_run_start(actor=None)
        with Progress(TextColumn("Linkage run {task.fields[stage]}"), BarColumn(), TimeElapsedColumn()) as bar:
            task = bar.add_task("link", total=100, stage="")
            linkage_run_execute(run=run, progress=lambda stage, pct: bar.update(task, completed=pct, stage=stage))
        counts = run.counts
        self.stdout.write(
            f"Linkage run {run.pk}: {counts['records']:,} records, {counts['merges']:,} merges, "
            f"{counts['links']:,} links, {counts['reviews']:,} pairs to review."
        )
