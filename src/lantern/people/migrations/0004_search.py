"""Person search: one search document per person, in a full-text index, and the vocabulary of name words
misspellings are looked up in.

PostgreSQL: a tsvector column generated from the document's terms, with a GIN index, and the vocabulary
with a pg_trgm GIN index (``%`` and ``similarity``). SQLite: FTS5 tables over both (the vocabulary with the
trigram tokenizer), kept in step by triggers. Documents for records already held are built at the end.
"""

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Terms hold letters, digits, "+", "-", ":" and "_" (lantern.people.search.term): FTS5 must keep them whole.
FTS_TOKENIZER = "unicode61 tokenchars ':+-_'"

POSTGRESQL = (
    "CREATE TABLE IF NOT EXISTS people_searchterm (value varchar(100) PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS people_searchterm_trgm ON people_searchterm USING gin (value gin_trgm_ops)",
    "ALTER TABLE people_searchdocument ADD COLUMN doc tsvector "
    "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED",
    "CREATE INDEX people_searchdocument_doc ON people_searchdocument USING gin (doc)",
)
POSTGRESQL_UNDO = (
    "DROP INDEX IF EXISTS people_searchdocument_doc",
    "ALTER TABLE people_searchdocument DROP COLUMN IF EXISTS doc",
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
    "CREATE VIRTUAL TABLE IF NOT EXISTS people_searchdocument_fts USING fts5("
    f"terms, content='people_searchdocument', content_rowid='id', tokenize=\"{FTS_TOKENIZER}\")",
    "CREATE TRIGGER IF NOT EXISTS people_searchdocument_added AFTER INSERT ON people_searchdocument BEGIN "
    "INSERT INTO people_searchdocument_fts (rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER IF NOT EXISTS people_searchdocument_removed AFTER DELETE ON people_searchdocument BEGIN "
    "INSERT INTO people_searchdocument_fts (people_searchdocument_fts, rowid, terms) "
    "VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER IF NOT EXISTS people_searchdocument_changed AFTER UPDATE ON people_searchdocument BEGIN "
    "INSERT INTO people_searchdocument_fts (people_searchdocument_fts, rowid, terms) "
    "VALUES ('delete', old.id, old.terms); "
    "INSERT INTO people_searchdocument_fts (rowid, terms) VALUES (new.id, new.terms); END",
)
SQLITE_UNDO = (
    "DROP TRIGGER IF EXISTS people_searchdocument_added",
    "DROP TRIGGER IF EXISTS people_searchdocument_removed",
    "DROP TRIGGER IF EXISTS people_searchdocument_changed",
    "DROP TABLE IF EXISTS people_searchdocument_fts",
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


def index_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Documents for people recorded before search existed, built as ``index_people`` builds them."""
    from lantern.people.search import keys_for, remember_terms, term

    record_model: Any = apps.get_model("people", "SourceRecord")
    document_model: Any = apps.get_model("people", "SearchDocument")
    terms: dict[Any, set[str]] = {}
    names: dict[Any, tuple[str, str]] = {}
    words: set[str] = set()
    records = record_model.objects.filter(person__status="active").select_related("person")
    for record in records.prefetch_related("aliases", "phones", "vehicles").iterator(chunk_size=2000):
        dob = "-".join(
            [f"{record.dob_year:04d}"] + [f"{v:02d}" for v in (record.dob_month, record.dob_day) if v]
        ) if record.dob_year else ""  # fmt: skip
        keys = keys_for(
            given_name=record.given_name, family_name=record.family_name,
            aliases=[a.name for a in record.aliases.all()], phones=[p.number for p in record.phones.all()],
            vrms=[v.vrm for v in record.vehicles.all()], dob=dob,
        )  # fmt: skip
        terms.setdefault(record.person_id, set()).update(term(record.agency_id, k, v) for k, v in keys)
        names[record.person_id] = (record.person.family_name[:100], record.person.given_name[:100])
        words.update(v for k, v in keys if k == "name")
    document_model.objects.bulk_create(
        (
            document_model(person_id=pk, family_name=names[pk][0], given_name=names[pk][1], terms=" ".join(sorted(t)))
            for pk, t in terms.items()
        ),
        batch_size=2000,
    )
    remember_terms(words)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_source_records_and_resolution")]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("family_name", models.CharField(max_length=100)),
                ("given_name", models.CharField(max_length=100)),
                ("terms", models.TextField(help_text="space-separated agency:kind:value terms")),
                (
                    "person",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE, related_name="+", to="people.person"
                    ),
                ),
            ],
        ),
        migrations.RunPython(create, drop),
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
