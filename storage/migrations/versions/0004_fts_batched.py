"""full-text index of stored documents filled per harvest (SQLite)

The FTS5 trigram index costs about 1.3 ms per document inserted one row at a time by the insert
trigger of 0003, and about 0.8 ms when a batch of documents is indexed by one INSERT ... SELECT.
The store (storage.fulltext) now does the latter: inside its transaction it puts a row in
`documents_fts_defer`, inserts the harvest's documents, indexes them in one statement, and
deletes the row, all before the commit. While that row exists the insert trigger does nothing;
nobody else ever sees the row (SQLite has one writer at a time, and the row never outlives its
transaction), so every other writer (retag, the browse tests, a shard of an older version, the
sqlite3 shell) is indexed by the trigger as before. The update and delete triggers are unchanged.

PostgreSQL: nothing (its trigram index is an ordinary GIN index, maintained by the database).

Revision ID: 0004_fts_batched
Revises: 0003_fulltext
"""

from __future__ import annotations

from alembic import op

revision = "0004_fts_batched"
down_revision = "0003_fulltext"
branch_labels = None
depends_on = None

# As in 0003.
_ADD = (
    "INSERT INTO documents_fts(rowid, title, abstract, text) "
    "SELECT n, new.title, coalesce(new.abstract, ''), new.text "
    "FROM documents_fts_ids WHERE doc_id = new.id;"
)


def _insert_trigger(condition: str) -> str:
    return f"""CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents {condition} BEGIN
        INSERT OR IGNORE INTO documents_fts_ids(doc_id) VALUES (new.id);
        {_ADD}
    END"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE documents_fts_defer (holder INTEGER PRIMARY KEY)")
    op.execute("DROP TRIGGER IF EXISTS documents_fts_insert")
    op.execute(_insert_trigger("WHEN NOT EXISTS (SELECT 1 FROM documents_fts_defer)"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS documents_fts_insert")
    op.execute(_insert_trigger(""))
    op.execute("DROP TABLE IF EXISTS documents_fts_defer")
