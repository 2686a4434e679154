"""Trigram search on PostgreSQL: pg_trgm and a GIN index over search keys, so misspelt names are found
in milliseconds among millions. SQLite has neither and searches by exact and phonetic keys only."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

INDEX = "people_searchkey_value_trgm"


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_searchkey USING gin (value gin_trgm_ops)"
        )


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_source_records_and_resolution")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
