"""Full-text search over intelligence reports: a generated tsvector with a GIN index on PostgreSQL (English
stemming), an external-content FTS5 table kept in step by triggers on SQLite (Porter stemming)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

COLUMNS = ("what", "location_text", "people_text", "vehicles_text", "phones_text")
_DOCUMENT = " || ' ' || ".join(f"coalesce({c}, '')" for c in COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in COLUMNS)
_LIST = ", ".join(COLUMNS)

POSTGRESQL = (
    f"ALTER TABLE intel_intelreport ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('english', {_DOCUMENT})) STORED",
    "CREATE INDEX intel_intelreport_search ON intel_intelreport USING gin (search_vector)",
)
POSTGRESQL_UNDO = (
    "DROP INDEX IF EXISTS intel_intelreport_search",
    "ALTER TABLE intel_intelreport DROP COLUMN IF EXISTS search_vector",
)
SQLITE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS intel_intelreport_fts USING fts5({_LIST}, "
    "content='intel_intelreport', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS intel_intelreport_added AFTER INSERT ON intel_intelreport BEGIN "
    f"INSERT INTO intel_intelreport_fts (rowid, {_LIST}) VALUES (new.id, {_NEW}); END",
    "CREATE TRIGGER IF NOT EXISTS intel_intelreport_removed AFTER DELETE ON intel_intelreport BEGIN "
    f"INSERT INTO intel_intelreport_fts (intel_intelreport_fts, rowid, {_LIST}) VALUES ('delete', old.id, {_OLD}); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS intel_intelreport_changed AFTER UPDATE OF {_LIST} ON intel_intelreport BEGIN "
    f"INSERT INTO intel_intelreport_fts (intel_intelreport_fts, rowid, {_LIST}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO intel_intelreport_fts (rowid, {_LIST}) VALUES (new.id, {_NEW}); END",
    "INSERT INTO intel_intelreport_fts (intel_intelreport_fts) VALUES ('rebuild')",
)
SQLITE_UNDO = (
    "DROP TRIGGER IF EXISTS intel_intelreport_added",
    "DROP TRIGGER IF EXISTS intel_intelreport_removed",
    "DROP TRIGGER IF EXISTS intel_intelreport_changed",
    "DROP TABLE IF EXISTS intel_intelreport_fts",
)


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, tuple[str, ...]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO})


class Migration(migrations.Migration):
    dependencies = [("intel", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
