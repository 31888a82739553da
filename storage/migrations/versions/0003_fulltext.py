"""full-text search over documents (title, abstract, text), kept in sync by the database

SQLite: a contentless FTS5 table with the trigram tokenizer (any script, Chinese included; terms of
3+ characters) plus `documents_fts_ids`, which gives each document a stable integer rowid (the
documents table has a string key, and its implicit rowid may change on VACUUM). Triggers on
documents keep the index in step with every insert, every change of an indexed field and every
delete, whoever writes (the store, retag, a shard on another machine); existing rows are indexed
here. A contentless table stores no second copy of the text; a delete hands it the old values,
which the trigger has.

PostgreSQL: pg_trgm and one GIN trigram index on the concatenated fields, which ILIKE uses; no
trigger is needed. When the extension cannot be created (no privilege), search still works
(ILIKE scans) and nothing fails.

Revision ID: 0003_fulltext
Revises: 0001
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0003_fulltext"
down_revision = "0002"
branch_labels = None
depends_on = None

# Keep in step with browse.search.PG_SEARCH_EXPRESSION.
PG_EXPRESSION = "(coalesce(title, '') || ' ' || coalesce(abstract, '') || ' ' || coalesce(text, ''))"

# INSERT ... SELECT: nothing happens for a document without an id row (never, once migrated).
_ADD = (
    "INSERT INTO documents_fts(rowid, title, abstract, text) "
    "SELECT n, new.title, coalesce(new.abstract, ''), new.text "
    "FROM documents_fts_ids WHERE doc_id = new.id;"
)
_DROP = (
    "INSERT INTO documents_fts(documents_fts, rowid, title, abstract, text) "
    "SELECT 'delete', n, old.title, coalesce(old.abstract, ''), old.text "
    "FROM documents_fts_ids WHERE doc_id = old.id;"
)

SQLITE_UP = [
    "CREATE TABLE documents_fts_ids ("
    "n INTEGER PRIMARY KEY AUTOINCREMENT, doc_id VARCHAR(40) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE documents_fts USING fts5("
    "title, abstract, text, content='', tokenize='trigram')",
    f"""CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT OR IGNORE INTO documents_fts_ids(doc_id) VALUES (new.id);
        {_ADD}
    END""",
    f"""CREATE TRIGGER documents_fts_update AFTER UPDATE OF id, title, abstract, text ON documents
    WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.abstract IS NOT new.abstract
        OR old.text IS NOT new.text
    BEGIN
        {_DROP}
        UPDATE documents_fts_ids SET doc_id = new.id WHERE doc_id = old.id;
        INSERT OR IGNORE INTO documents_fts_ids(doc_id) VALUES (new.id);
        {_ADD}
    END""",
    f"""CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
        {_DROP}
        DELETE FROM documents_fts_ids WHERE doc_id = old.id;
    END""",
    "INSERT INTO documents_fts_ids(doc_id) SELECT id FROM documents ORDER BY first_seen, id",
    "INSERT INTO documents_fts(rowid, title, abstract, text) "
    "SELECT i.n, d.title, coalesce(d.abstract, ''), d.text "
    "FROM documents d JOIN documents_fts_ids i ON i.doc_id = d.id",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS documents_fts_insert",
    "DROP TRIGGER IF EXISTS documents_fts_update",
    "DROP TRIGGER IF EXISTS documents_fts_delete",
    "DROP TABLE IF EXISTS documents_fts",
    "DROP TABLE IF EXISTS documents_fts_ids",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        _pg_trigram_index(bind)


def _pg_trigram_index(bind) -> None:  # type: ignore[no-untyped-def]
    """The extension and the index, or nothing (in a savepoint, so the migration goes on)."""
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        bind.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_documents_search_trgm ON documents "
            f"USING gin ({PG_EXPRESSION} gin_trgm_ops)"
        )
    except DBAPIError:
        savepoint.rollback()
    else:
        savepoint.commit()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_search_trgm")
