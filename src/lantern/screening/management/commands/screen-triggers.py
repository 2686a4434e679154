# ruff: noqa: N999 - the command is `lantern screen-triggers`
"""`lantern screen-triggers`: evaluate SCR-TRIGGERS over everything already recorded (missing episodes, linked
intelligence, indicators), for facts imported in bulk. Opens each task once; running it again opens nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lantern.screening.triggers import sweep


class Command(BaseCommand):
    help = "Open the screening tasks SCR-TRIGGERS calls for, over every recorded fact (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        opened = sweep()
        self.stdout.write(f"{opened} screening task{'s' if opened != 1 else ''} opened")
