from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Lantern under gunicorn (production WSGI server), static files from whitenoise."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("LANTERN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("LANTERN_WORKERS", "3")))
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Lantern on http://{options['bind']}/ (demo mode: {settings.DEMO_MODE})")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "lantern.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        if settings.TASK_WORKER_IN_SERVE:
            argv += ["--config", "python:lantern.gunicorn_conf"]
        os.execv(sys.executable, argv)  # noqa: S606 - fixed argv; gunicorn replaces this process
