"""gunicorn hooks for `lantern serve`: once the server is ready, start one background task worker
(`lantern db_worker`) beside it and stop it when the server stops, so a linkage run queued from a page
makes progress without a second service to install; and the escalation of overdue case work
(`lantern escalate --every LANTERN_ESCALATE_MINUTES`), and each day's digests, looked for hourly and made once it
is LANTERN_DIGEST_HOUR o'clock (`lantern digest --every 1`), and the recount of locality profiles
(`lantern locality-recompute --every LANTERN_LOCALITY_RECOMPUTE_MINUTES`), whose soft counts (intelligence,
missing episodes, screenings) would otherwise wait for the next import; and the rebuild of the network's links
(`lantern network-rebuild --every LANTERN_NETWORK_REBUILD_MINUTES`), a backstop to the links
each report, import, merge and association refreshes as it changes.
Production may run workers as their own service instead (LANTERN_TASK_WORKER=0)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings

_workers: list[subprocess.Popen[bytes]] = []


def when_ready(server: Any) -> None:
    command = [sys.executable, "-m", "lantern.cli", "db_worker", "--interval", "1"]
    _workers.append(subprocess.Popen(command))  # noqa: S603 - fixed argv
    server.log.info("Background task worker started (pid %s)", _workers[-1].pid)
    minutes = settings.LANTERN_ESCALATE_MINUTES
    if minutes > 0:
        command = [sys.executable, "-m", "lantern.cli", "escalate", "--every", str(minutes)]
        _workers.append(subprocess.Popen(command))  # noqa: S603 - fixed argv
        server.log.info("Overdue work escalated every %s minutes (pid %s)", minutes, _workers[-1].pid)
    hour = settings.LANTERN_DIGEST_HOUR
    if 0 <= hour <= 23:
        command = [sys.executable, "-m", "lantern.cli", "digest", "--every", "1"]
        _workers.append(subprocess.Popen(command))  # noqa: S603 - fixed argv
        server.log.info("Daily digests made from %02d:00 (pid %s)", hour, _workers[-1].pid)
    minutes = settings.LANTERN_LOCALITY_RECOMPUTE_MINUTES
    if minutes > 0:
        command = [sys.executable, "-m", "lantern.cli", "locality-recompute", "--every", str(minutes)]
        _workers.append(subprocess.Popen(command))  # noqa: S603 - fixed argv
        server.log.info("Locality profiles recomputed every %s minutes (pid %s)", minutes, _workers[-1].pid)
    minutes = settings.LANTERN_NETWORK_REBUILD_MINUTES
    if minutes > 0:
        command = [sys.executable, "-m", "lantern.cli", "network-rebuild", "--every", str(minutes)]
        _workers.append(subprocess.Popen(command))  # noqa: S603 - fixed argv
        server.log.info("Network rebuilt every %s minutes (pid %s)", minutes, _workers[-1].pid)


def on_exit(_server: Any) -> None:
    for worker in _workers:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
