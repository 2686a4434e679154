from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from lantern.access.roles import Role
from lantern.cases.enums import Stage
from lantern.demo.cases import children_in_database, generate_cases, stage_counts
from lantern.demo.generator import DEFAULT_SEED, DEMO_USERS, demo_present, ensure_organisation, generate
from lantern.demo.oversight import SENIOR_MANAGERS
from lantern.people.enums import PersonStatus
from lantern.people.linking import linkage_run_execute, linkage_run_start
from lantern.people.models import Person

# The demo users' addresses are invented, and the escalation below would print an email to the console for
# every overdue item: in the demo the emails stay in memory. The notifications themselves are in Lantern.
DEMO_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Set up the Kestrelmoor demo: migrate, generate synthetic data (once), print logins, serve."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--scale", type=int, default=1, help="units of 5,000 agency records")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up and print logins, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("The demo runs only with LANTERN_DEMO_MODE on: it sets known passwords.")
        console = Console()
        call_command("migrate", interactive=False, verbosity=0)
        with override_settings(EMAIL_BACKEND=DEMO_EMAIL_BACKEND):
            if demo_present():
                ensure_organisation()
                console.print("Kestrelmoor demo data already present: reusing it.")
                self._add_cases(console, options)
            else:
                self._generate(console, options)
            # Whenever the demo starts, managers are told of what has fallen overdue since it last ran.
            call_command("escalate", stdout=self.stdout)
        table = Table(title=f"Demo logins (password: {settings.LANTERN_DEMO_PASSWORD})")
        for column in ("username", "agency", "role"):
            table.add_column(column)
        for user in DEMO_USERS:
            table.add_row(user.username, user.agency, user.role.label)
        for username, post, _first, _last in SENIOR_MANAGERS:
            table.add_row(username, "csc", f"{Role.TEAM_MANAGER.label}: {post.lower()} (escalation chain)")
        console.print(table)
        if not options["no_serve"]:
            call_command("serve", bind=f"127.0.0.1:{options['port']}", workers=2)

    def _generate(self, console: Console, options: dict[str, Any]) -> None:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("Generating Kestrelmoor (synthetic people and records)…", total=None)
            counts = generate(
                scale=options["scale"],
                seed=options["seed"],
                progress=lambda stage, n: bar.update(task, description=f"{stage}: {n:,}"),
            )
        console.print(
            f"Generated {counts['records']:,} agency records (seed {options['seed']}, scale {options['scale']})."
        )
        with Progress(
            TextColumn("Linkage run: {task.fields[stage]}"), BarColumn(), TimeElapsedColumn(), console=console
        ) as bar:
            task = bar.add_task("link", total=100, stage="starting")
            run = linkage_run_execute(
                run=linkage_run_start(actor=None),
                progress=lambda stage, percent: bar.update(task, completed=percent, stage=stage),
            )
            bar.update(task, completed=100, stage="done")
        console.print(
            f"Linkage joined them into {Person.objects.filter(status=PersonStatus.ACTIVE).count():,} people "
            f"({run.counts['merges']:,} joins); {run.counts['reviews']:,} possible matches wait for review."
        )
        _print_cases(console)

    def _add_cases(self, console: Console, options: dict[str, Any]) -> None:
        """A borough generated before Lantern had cases gets them, on the children linkage left."""
        with transaction.atomic():
            added = generate_cases(children_in_database(), scale=options["scale"], seed=options["seed"])
        if added:
            _print_cases(console)


def _print_cases(console: Console) -> None:
    counts = stage_counts()
    closed = counts.pop(Stage.CLOSED)
    stages = ", ".join(f"{n} {Stage(stage).label.split(':')[0].lower()}" for stage, n in counts.items())
    console.print(f"Cases: {sum(counts.values()):,} open ({stages}) and {closed:,} closed.")
