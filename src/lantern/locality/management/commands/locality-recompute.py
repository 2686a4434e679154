# ruff: noqa: N999 - the file names the command, `lantern locality-recompute`
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from lantern.locality.services import profiles_recompute

STEPS = 6  # the stages profiles_recompute reports


class Command(BaseCommand):
    help = (
        "Recompute every locality profile's figures (indicators by ward and LSOA, intelligence, missing episodes "
        "and CSE screenings by ward and month, hotspots, and which small numbers are suppressed)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="count as if today were YYYY-MM-DD")
        parser.add_argument(
            "--every", type=int, default=0, metavar="MINUTES",
            help="keep running, recomputing every MINUTES (how `lantern serve` runs it beside the web server)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        self._once(options["today"])
        while options["every"] > 0:
            time.sleep(options["every"] * 60)
            self._once(options["today"])

    def _once(self, today: dt.date | None) -> None:
        console = Console(file=sys.stderr)
        try:
            with console.status("Recomputing locality profiles…") as status:
                result = profiles_recompute(
                    today=today, progress=lambda stage: status.update(f"Recomputing: {stage} done")
                )
        except ValueError as error:  # pragma: no cover - data the recompute cannot use
            raise CommandError(str(error)) from error
        steps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in result.timings.items())
        self.stdout.write(
            f"Recomputed {result.measures} measures: {result.figures} figures ({result.suppressed} suppressed for "
            f"viewers without small numbers), {result.places} places, in {result.seconds:.2f} s ({steps})."
        )
        self.stdout.flush()
