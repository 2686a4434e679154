from __future__ import annotations

import pytest
from django.db import connection

from lantern.audit.models import AuditEvent


@pytest.fixture
def audit_rows():
    """Count audit rows: `with audit_rows() as rows: ...; rows.added` gives the rows a block wrote."""

    class Counter:
        def __init__(self) -> None:
            self.before = 0
            self.added: list[AuditEvent] = []

        def __enter__(self) -> Counter:
            self.before = AuditEvent.objects.count()
            last = AuditEvent.objects.order_by("-seq").first()
            self._last_seq = last.seq if last else 0
            return self

        def __exit__(self, *exc: object) -> None:
            self.added = list(AuditEvent.objects.filter(seq__gt=self._last_seq).order_by("seq"))

    return Counter


@pytest.fixture
def on_postgresql() -> bool:
    return connection.vendor == "postgresql"
