"""`lantern deadline --rule RULE_ID --start YYYY-MM-DD[THH:MM]`: when a rulebook timescale falls due, as JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.calendar.deadlines import RULES, due, rule

START_FORMAT = "YYYY-MM-DD or YYYY-MM-DDTHH:MM (London time unless an offset such as +01:00 or Z is given)"
_START = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?")


def parse_start(text: str) -> dt.date | dt.datetime:
    """A date, or a datetime (naive means London), in the contract's format; ValueError otherwise."""
    text = text.strip()
    if _START.fullmatch(text):
        try:
            return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"--start {text!r} is not a date or time: use {START_FORMAT}")


class Command(BaseCommand):
    help = (
        "Print when a rulebook timescale falls due, as one JSON object: "
        '{"rule": ..., "start": ..., "due": ..., "basis": "working_days|calendar_days|hours|months"}. '
        "Day and month rules are due by the end of the day printed (London); hour rules at the moment printed."
    )
    requires_system_checks: list[str] = []  # pure arithmetic: no database, no checks to run

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--rule", required=True, help=f"a rule id: {', '.join(RULES)}")
        parser.add_argument("--start", required=True, help=f"when the timescale starts: {START_FORMAT}")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rule(options["rule"])  # an unknown rule is named before a bad start
            deadline = due(options["rule"], parse_start(options["start"]))
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(json.dumps(deadline.as_json()))
