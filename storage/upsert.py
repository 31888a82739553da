"""Each database's own upsert: INSERT ... ON CONFLICT, never check-then-insert."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Insert

from agglowatch.errors import StorageError


def _insert(session: Session, model: Any) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"database {dialect!r} is not supported (use SQLite or PostgreSQL)")


def rowcount(result: Any) -> int:
    """Rows an INSERT/UPDATE touched; refuses a driver that does not say (rowcount -1)."""
    count = int(getattr(result, "rowcount", 0) or 0)
    if count < 0:
        raise StorageError("the database driver did not report how many rows were written")
    return count


def insert_ignore(session: Session, model: Any, values: dict[str, Any]) -> Insert:
    """INSERT that does nothing when a unique key already exists (rowcount tells which)."""
    statement: Insert = (
        _insert(session, model)
        .values(**values)
        .on_conflict_do_nothing()
        .execution_options(preserve_rowcount=True)  # psycopg drops INSERT rowcounts otherwise
    )
    return statement


def insert_ignore_row(session: Session, table: Table, values: dict[str, Any]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING of one row into a Table: 1 when inserted, 0 when a
    unique key already existed.

    SQLAlchemy gives dialect inserts with an ON CONFLICT clause no cache key, so each would be
    compiled anew (~0.5 ms for a wide table); this is the same plain statement as text (both
    databases spell it alike) with typed parameters, built once per table and column set. It is
    an ordinary INSERT: triggers on the table fire as for any other.
    """
    dialect = session.get_bind().dialect
    if dialect.name not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"database {dialect.name!r} is not supported")
    statement = _insert_ignore_text(table, tuple(values), dialect.identifier_preparer.quote)
    return rowcount(session.execute(statement, values))


@lru_cache(maxsize=32)
def _insert_ignore_text(
    table: Table, columns: tuple[str, ...], quote: Callable[[str], str]
) -> Executable:
    names = ", ".join(quote(name) for name in columns)
    params = ", ".join(f":{name}" for name in columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({params}) ON CONFLICT DO NOTHING"
    binds = [bindparam(name, type_=table.c[name].type) for name in columns]
    return text(sql).bindparams(*binds).execution_options(preserve_rowcount=True)


def upsert(
    session: Session, model: Any, values: dict[str, Any], keys: list[str], update: list[str]
) -> Insert:
    """INSERT, or UPDATE the `update` columns when the `keys` conflict."""
    statement = _insert(session, model).values(**values)
    changes = {column: statement.excluded[column] for column in update}
    result: Insert = statement.on_conflict_do_update(index_elements=keys, set_=changes)
    return result


def upsert_many(
    session: Session,
    model: Any,
    rows: list[dict[str, Any]],
    keys: list[str],
    update: list[str],
    chunk: int = 500,
) -> None:
    """`upsert` of many rows with the same columns: one statement, compiled once, executed for
    `chunk` rows at a time (executemany) instead of one compiled statement per row."""
    if not rows:
        return
    statement = _insert(session, model)
    changes = {column: statement.excluded[column] for column in update}
    statement = statement.on_conflict_do_update(index_elements=keys, set_=changes)
    for start in range(0, len(rows), chunk):
        session.execute(statement, rows[start : start + chunk])
