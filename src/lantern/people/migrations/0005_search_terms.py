"""The vocabulary misspellings are looked up in: the distinct name words of all search keys.

PostgreSQL: a table with a GIN trigram index (pg_trgm's ``%`` and ``similarity``). SQLite: the same table
and an FTS5 index over it with the trigram tokenizer, kept in step by triggers. Looking a misspelling up
among a few thousand distinct words, then the matches by exact key, is far cheaper than a trigram index
over every key, so that index (0004) goes.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRESQL = (
    "CREATE TABLE IF NOT EXISTS people_searchterm (value varchar(100) PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS people_searchterm_trgm ON people_searchterm USING gin (value gin_trgm_ops)",
    "INSERT INTO people_searchterm (value) SELECT DISTINCT value FROM people_searchkey WHERE kind = 'name' "
    "ON CONFLICT DO NOTHING",
    "DROP INDEX IF EXISTS people_searchkey_value_trgm",
)
POSTGRESQL_UNDO = (
    "CREATE INDEX IF NOT EXISTS people_searchkey_value_trgm ON people_searchkey USING gin (value gin_trgm_ops)",
    "DROP TABLE IF EXISTS people_searchterm",
)
SQLITE = (
    "CREATE TABLE IF NOT EXISTS people_searchterm (value varchar(100) NOT NULL PRIMARY KEY)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS people_searchterm_fts USING fts5("
    "value, content='people_searchterm', content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS people_searchterm_added AFTER INSERT ON people_searchterm BEGIN "
    "INSERT INTO people_searchterm_fts (rowid, value) VALUES (new.rowid, new.value); END",
    "CREATE TRIGGER IF NOT EXISTS people_searchterm_removed AFTER DELETE ON people_searchterm BEGIN "
    "INSERT INTO people_searchterm_fts (people_searchterm_fts, rowid, value) VALUES ('delete', old.rowid, old.value); "
    "END",
    "INSERT INTO people_searchterm (value) SELECT DISTINCT value FROM people_searchkey WHERE kind = 'name' "
    "ON CONFLICT DO NOTHING",
)
SQLITE_UNDO = (
    "DROP TRIGGER IF EXISTS people_searchterm_added",
    "DROP TRIGGER IF EXISTS people_searchterm_removed",
    "DROP TABLE IF EXISTS people_searchterm_fts",
    "DROP TABLE IF EXISTS people_searchterm",
)


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, tuple[str, ...]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO})


class Migration(migrations.Migration):
    dependencies = [("people", "0004_search_trigrams")]

    operations = [migrations.RunPython(create, drop)]
