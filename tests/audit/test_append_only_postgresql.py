"""On PostgreSQL the role the app runs as cannot change or remove audit rows."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from lantern.audit.services import AuditAction, Outcome, audit_record

APP_ROLE = "lantern_app_test"


@pytest.fixture
def app_role_conn(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("roles and triggers are PostgreSQL features; SQLite relies on `lantern audit verify`")
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        cursor.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER")
        # Even with every table privilege, the trigger refuses.
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    audit_record(actor=None, username="someone", action=AuditAction.LOGIN, purpose="sign in", outcome=Outcome.FAILURE)
    conn = psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"],
        dbname=settings_dict["NAME"],
        user=APP_ROLE,
        autocommit=True,
    )
    yield conn
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
        cursor.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET purpose = 'changed'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_app_role_cannot_modify_audit_rows(app_role_conn, statement: str) -> None:
    with pytest.raises(psycopg.Error, match="append-only"):
        app_role_conn.execute(statement)
    assert app_role_conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1


def test_app_role_can_still_append(app_role_conn) -> None:
    app_role_conn.execute("SELECT count(*) FROM audit_auditevent")  # reading is allowed
    rows = app_role_conn.execute("SELECT hash FROM audit_auditevent ORDER BY seq").fetchall()
    assert rows


def test_even_a_superuser_cannot_update_rows_without_disabling_the_trigger(app_role_conn) -> None:
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'changed'")
