"""Hot statements sent to the driver as compiled text, past SQLAlchemy's per-call work.

`session.execute(insert(table), rows)` processes every row's parameters in Python (about 2.5 us
a row): for the ~42 LSH band rows of each stored document that is more than the database's own
work. An expanding IN list is rendered anew at every execution: for the one band-key lookup per
checked document, about as long as the indexed lookup. Here the statements are SQLAlchemy's
own, compiled once per shape and dialect (so both databases get their own parameter style), and
executed on the session's connection, inside its transaction. Values sent this way must need no
type conversion (integers, strings).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter


def insert_many(
    session: Session, table: Table, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT `rows` (tuples of plain values in `columns` order) in one executemany."""
    if not rows:
        return
    connection = session.connection()
    sql, order = _insert_sql(table, columns, connection.dialect)
    if order is None:  # named parameters (psycopg)
        params: Sequence[Any] = [dict(zip(columns, row, strict=True)) for row in rows]
    elif order == columns:
        params = rows
    else:
        index = [columns.index(name) for name in order]
        params = [tuple(row[i] for i in index) for row in rows]
    connection.exec_driver_sql(sql, params)  # type: ignore[arg-type]


@lru_cache(maxsize=32)
def _insert_sql(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[str, ...] | None]:
    """The dialect's INSERT text and, for positional parameter styles, the parameter order."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    if not compiled.positional:
        return compiled.string, None
    return compiled.string, tuple(compiled.positiontup or ())


def distinct_in(
    session: Session, table: Table, column: str, where: str, values: Sequence[Any]
) -> list[Any]:
    """SELECT DISTINCT `column` FROM `table` WHERE `where` IN (`values`), one statement."""
    if not values:
        return []
    connection = session.connection()
    sql, positional = _distinct_in_sql(table, column, where, len(values), connection.dialect)
    params: Any = tuple(values) if positional else {f"v{i}": v for i, v in enumerate(values)}
    return list(connection.exec_driver_sql(sql, params).scalars())


@lru_cache(maxsize=256)
def _distinct_in_sql(
    table: Table, column: str, where: str, count: int, dialect: Dialect
) -> tuple[str, bool]:
    binds: list[BindParameter[Any]] = [bindparam(f"v{i}") for i in range(count)]
    statement = select(table.c[column]).where(table.c[where].in_(binds)).distinct()
    compiled = statement.compile(dialect=dialect)
    if compiled.positional:  # v0, v1... in order, so plain tuples bind
        assert tuple(compiled.positiontup or ()) == tuple(f"v{i}" for i in range(count))
    return compiled.string, bool(compiled.positional)
