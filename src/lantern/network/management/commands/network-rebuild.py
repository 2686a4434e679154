# ruff: noqa: N999 - the file names the command, `lantern network-rebuild`
from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lantern.network.services import STAGES, graph_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the network's link table from every agency record, intelligence report and recorded association "
        "(reports, merges and associations also refresh their own links as they change)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, metavar="MINUTES",
            help="keep running, rebuilding every MINUTES (how `lantern serve` runs it beside the web server)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        self._once()
        while options["every"] > 0:
            time.sleep(options["every"] * 60)
            self._once()

    def _once(self) -> None:
        started = time.perf_counter()
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[links]:,} links"),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("Rebuilding the network", total=len(STAGES), links=0)

            def tick(stage: str, links: int) -> None:
                bar.update(task, advance=1, description=f"Rebuilding the network: {stage} done", links=links)

            build = graph_rebuild(progress=tick)
        self.stdout.write(
            f"Rebuilt the network: {build.counts['links']:,} links between {build.counts['nodes']:,} people and "
            f"things in {time.perf_counter() - started:.2f} s (build {build.pk})."
        )
        self.stdout.flush()
