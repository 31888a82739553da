"""Engines and migrations: SQLite (WAL) embedded by default, PostgreSQL in production."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agglowatch.errors import ConfigError, StorageError

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_MS = 30_000
_upgrade_lock = threading.Lock()


def make_engine(url: str, base_dir: Path | None = None) -> Engine:
    """Engine for a database URL; relative SQLite paths resolve against `base_dir`."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        shown = _masked(url)
        raise ConfigError(
            f"database: {shown!r} is not a database URL ({_masked(str(exc))})"
        ) from None
    if parsed.drivername.startswith("sqlite"):
        return _sqlite_engine(parsed.database, base_dir)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(parsed, pool_pre_ping=True, future=True)
    except (ArgumentError, ImportError, ValueError) as exc:
        shown = parsed.render_as_string(hide_password=True)
        raise ConfigError(f"database: cannot use {shown!r}: {_masked(str(exc))}") from None


_CREDENTIALS = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def _masked(text: str) -> str:
    """A URL or message with any password in a URL replaced by ***."""
    return _CREDENTIALS.sub(r"\1***@", text)


def _sqlite_engine(database: str | None, base_dir: Path | None) -> Engine:
    if database and database != ":memory:":
        path = Path(database)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": SQLITE_BUSY_MS / 1000})
    else:
        engine = create_engine("sqlite://", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (idempotent; safe to call at every start, from shards too)."""
    with _upgrade_lock:
        try:
            if is_current(engine):
                return
            with _migration_lock(engine):
                if not is_current(engine):  # another process may have just migrated
                    command.upgrade(alembic_config(engine), "head")
        except SQLAlchemyError as exc:
            if _migrated_by_another(engine):
                return
            raise StorageError(f"database migration failed on {engine.url!r}: {exc}") from exc


MIGRATION_LOCK = 0x61676777


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Across processes on PostgreSQL: an advisory lock held while migrating."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
            connection.commit()


def _migrated_by_another(engine: Engine) -> bool:
    """SQLite: another process migrating the same file right now; wait for it (10 s at most)."""
    for _ in range(20):
        time.sleep(0.5)
        with contextlib.suppress(SQLAlchemyError):
            if is_current(engine):
                return True
    return False


def is_current(engine: Engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One atomic unit of work: committed whole, or rolled back whole."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
