"""The full-text index over SearchDocument.terms, in the form each database offers.

SQLite: an FTS5 table with SearchDocument as its external content, kept in step by triggers (so
that a document deleted along with its page leaves the index too). Its tokenizer folds case and
diacritics again, which changes nothing for text that rightsdesk already normalised. A later
migration that rebuilds content_searchdocument on SQLite (a column change) drops these triggers and
must create them again.

PostgreSQL: a GIN index on to_tsvector('simple', terms); search queries use the same expression.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE content_search_fts USING fts5(
        terms,
        content='content_searchdocument',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER content_search_fts_insert AFTER INSERT ON content_searchdocument BEGIN
        INSERT INTO content_search_fts(rowid, terms) VALUES (new.id, new.terms);
    END
    """,
    """
    CREATE TRIGGER content_search_fts_delete AFTER DELETE ON content_searchdocument BEGIN
        INSERT INTO content_search_fts(content_search_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms);
    END
    """,
    """
    CREATE TRIGGER content_search_fts_update AFTER UPDATE ON content_searchdocument BEGIN
        INSERT INTO content_search_fts(content_search_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms);
        INSERT INTO content_search_fts(rowid, terms) VALUES (new.id, new.terms);
    END
    """,
    "INSERT INTO content_search_fts(content_search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS content_search_fts_update",
    "DROP TRIGGER IF EXISTS content_search_fts_delete",
    "DROP TRIGGER IF EXISTS content_search_fts_insert",
    "DROP TABLE IF EXISTS content_search_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE INDEX content_search_terms_fts ON content_searchdocument "
    "USING gin (to_tsvector('simple'::regconfig, terms))",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS content_search_terms_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
