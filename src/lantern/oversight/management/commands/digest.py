from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lantern.oversight.alerts import SendResult, digests_send


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Make each member of staff's daily digest of what is overdue and due soon on their work (a manager's also "
        "their team's) and what has been escalated to them, keep it in Lantern and email it: once a day each, so a "
        "re-run makes and sends nothing new."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--day", type=_day, default=None, metavar="YYYY-MM-DD", help="the day (default today)")
        parser.add_argument(
            "--every", type=int, default=0, metavar="HOURS",
            help="keep running, looking every HOURS for today's digests still to make once it is "
            "LANTERN_DIGEST_HOUR o'clock or later (how `lantern serve` runs it, hourly)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        every: int = options["every"]
        if every < 0:
            raise CommandError("--every takes a number of hours, 1 or more")
        if every and options["day"]:
            raise CommandError("--day makes one day's digests now; it does not go with --every")
        if not every:
            self._report(self._with_progress(options["day"]))
            return
        while True:
            if timezone.localtime().hour >= settings.LANTERN_DIGEST_HOUR:
                self._report(digests_send())
            time.sleep(every * 3600)

    def _with_progress(self, day: dt.date | None) -> SendResult:
        with Progress(
            TextColumn("Making daily digests"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("digest", total=None)
            return digests_send(day, progress=lambda done, total: progress.update(task, completed=done, total=total))

    def _report(self, result: SendResult) -> None:
        made, emailed = result.made, result.emailed
        self.stdout.write(f"Daily digests: made {made} digest{'' if made == 1 else 's'}, emailed {emailed}.")
        self.stdout.flush()
