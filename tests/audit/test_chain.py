"""The audit log is a hash chain: any edit, deletion or reordering is found by `lantern audit verify`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lantern.audit.models import AuditEvent
from lantern.audit.services import AuditAction, Outcome, audit_record, audit_verify
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def write_rows(n: int = 6) -> None:
    user = UserFactory(username="chain-sw")
    person = PersonFactory(owning_agency=user.agency)
    for i in range(n):
        audit_record(actor=user, action=AuditAction.VIEW, target=person, purpose=f"read {i}", outcome=Outcome.SUCCESS)


def raw(sql: str, params: list[object]) -> None:
    """Tamper as someone with direct database access would (on PostgreSQL the trigger must be bypassed
    first, as only a superuser could)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def seq_of(n: int) -> int:
    return AuditEvent.objects.order_by("seq").values_list("seq", flat=True)[n]


def verify_exit() -> tuple[int, str]:
    try:
        call_command("audit", "verify")
    except CommandError as error:
        return error.returncode, str(error)
    return 0, ""


def test_intact_chain_verifies() -> None:
    write_rows()
    checked, broken = audit_verify()
    assert (checked, broken) == (AuditEvent.objects.count(), None)
    assert verify_exit() == (0, "")


def test_edited_row_is_named() -> None:
    write_rows()
    target = seq_of(3)
    raw("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["nothing to see", target])
    _, broken = audit_verify()
    assert broken is not None
    assert broken.seq == target
    assert "edited" in broken.problem
    assert verify_exit()[0] == 1


def test_deleted_row_is_found() -> None:
    write_rows()
    target = seq_of(2)
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [target])
    _, broken = audit_verify()
    assert broken is not None
    assert broken.seq == target + 1
    assert "deleted" in broken.problem


def test_deleted_last_row_is_found() -> None:
    write_rows()
    last = AuditEvent.objects.order_by("-seq").first()
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
    _, broken = audit_verify()
    assert broken is not None
    assert "removed from the end" in broken.problem


def test_reordered_rows_are_found() -> None:
    write_rows()
    first, second = seq_of(2), seq_of(3)
    raw("UPDATE audit_auditevent SET seq = -1 WHERE seq = %s", [first])
    raw("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [first, second])
    raw("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", [second])
    _, broken = audit_verify()
    assert broken is not None
    assert broken.seq == first


def test_rows_carry_the_previous_hash() -> None:
    write_rows(3)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert [r.seq for r in rows] == list(range(rows[0].seq, rows[0].seq + len(rows)))


@pytest.mark.django_db(transaction=True)
def test_cli_exits_0_then_1_after_a_hand_edit() -> None:
    """The real `lantern audit verify` command, in its own process, against the test database."""
    write_rows()
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
            f"{settings_dict['NAME']}"
        )
    else:
        url = f"sqlite:///{settings_dict['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "lantern.cli", "audit", "verify"]
    ok = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    target = seq_of(1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")
        cursor.execute("UPDATE audit_auditevent SET outcome = 'success', purpose = 'edited' WHERE seq = %s", [target])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update_delete")
    bad = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert f"seq={target}" in bad.stderr
