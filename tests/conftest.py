"""Shared fixtures: databases (SQLite always, PostgreSQL when configured), Prefect's harness,
and the shipped taxonomy's Tagger."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tagging import Tagger

_PREFECT_HOME = tempfile.mkdtemp(prefix="agglowatch-prefect-")
for _key, _value in {
    "PREFECT_HOME": _PREFECT_HOME,
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ[_key] = _value
os.environ.pop("PREFECT_API_URL", None)  # flows run against the test harness, never a real server
os.environ.pop("AGGLOWATCH_CONFIG", None)
os.environ.pop("AGGLOWATCH_DATABASE_URL", None)

PG_URL = os.environ.get("AGGLOWATCH_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this session, dropped at the end."""
    if not PG_URL:
        pytest.skip("AGGLOWATCH_TEST_DATABASE_URL is not set")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"agglowatch_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _truncate_all(url: str) -> None:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    if tables:
        with engine.begin() as connection:
            quoted = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL: a SQLite file, and (when configured) a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'agglowatch.db'}"
    url: str = request.getfixturevalue("pg_database")
    _truncate_all(url)
    return url


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the whole session (about 20 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    """The rules of the shipped themes.yaml, one Tagger per test module: the rules' tests test
    the rules alone (the learned booster has tests of its own, tests/test_booster.py)."""
    from tagging import Tagger, load_taxonomy

    themes = Path(__file__).resolve().parent.parent / "themes.yaml"
    return Tagger(load_taxonomy(themes), booster=False)


@pytest.fixture(scope="module")
def shipped_tagger() -> Tagger:
    """The Tagger as it ships: the rules and, as themes.yaml asks, the learned booster."""
    from tagging import Tagger, load_taxonomy

    return Tagger(load_taxonomy(Path(__file__).resolve().parent.parent / "themes.yaml"))
