from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.accounts.models import User
from lantern.accounts.services import token_create


class Command(BaseCommand):
    help = "Print a new API bearer token for USERNAME (admin and demo use)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days (default LANTERN_TOKEN_DAYS)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['username']!r}.")
        issued = token_create(user=user, issued_by="lantern token", days=options["days"])
        self.stdout.write(issued.key)
