from __future__ import annotations

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lantern.cases.escalation import escalate_overdue


class Command(BaseCommand):
    help = (
        "Send managers (and, for drift, lead practitioners) an in-app notification and an email for each overdue "
        "piece of case work, once: a re-run sends only what has fallen overdue since. Run it hourly."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, metavar="MINUTES",
            help="keep running, escalating every MINUTES (how `lantern serve` runs it beside the web server)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        self._once(show_progress=options["every"] == 0)
        while options["every"] > 0:
            time.sleep(options["every"] * 60)
            self._once(show_progress=False)

    def _once(self, *, show_progress: bool) -> None:
        if not show_progress:
            sent = escalate_overdue()
            self.stdout.write(f"Escalation: sent {sent} notification{'' if sent == 1 else 's'} of overdue work.")
            self.stdout.flush()
            return
        with Progress(
            TextColumn("Escalating overdue case work"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("escalate", total=None)
            sent = escalate_overdue(progress=lambda done, total: progress.update(task, completed=done, total=total))
        self.stdout.write(f"Escalation: sent {sent} notification{'' if sent == 1 else 's'} of overdue work.")
