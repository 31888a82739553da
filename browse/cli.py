"""`agglowatch browse`: serve the archive on loopback (uvicorn), read-only.

The database is migrated first (so an existing store gets its full-text index), then opened
read-only for the app: SQLite `PRAGMA query_only`, PostgreSQL read-only transactions. A host other
than loopback is refused unless `allow_remote` is set, since the archive has no login; on
loopback, requests naming any other Host are refused too (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from sqlalchemy import Engine, event
from starlette.applications import Starlette

from agglowatch.config import Config, load_config
from agglowatch.errors import ConfigError
from browse.app import create_app
from reports.labels import load_labels
from storage.db import make_engine, session_factory, upgrade

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def serve_browse(
    config_path: str | None,
    db: str | None,
    host: str = "127.0.0.1",
    port: int = 8765,
    allow_remote: bool = False,
) -> None:
    """Run the browse app until interrupted (Ctrl-C). Raises ConfigError for a refused host."""
    import uvicorn

    check_host(host, allow_remote)
    config = load_config(config_path, db)
    app = build_app(config, host)
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="info", server_header=False)


def check_host(host: str, allow_remote: bool) -> None:
    if not allow_remote and not is_loopback(host):
        raise ConfigError(
            f"--host {host!r} is not a loopback address; the archive has no login, so serving it "
            "beyond this machine needs --allow-remote"
        )


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def build_app(config: Config, host: str = "127.0.0.1") -> Starlette:
    """Migrate, then the app over a read-only engine of the config's database."""
    writer = make_engine(config.database, config.base_dir)
    try:
        upgrade(writer)
    finally:
        writer.dispose()
    reader = read_only(make_engine(config.database, config.base_dir))
    hosts = [*LOOPBACK_NAMES, host] if is_loopback(host) else None
    return create_app(
        session_factory(reader),
        load_labels(config.path(config.themes)),
        title=f"{config.digest.title} — archive",
        allowed_hosts=hosts,
    )


def read_only(engine: Engine) -> Engine:
    """Every connection of `engine` refuses writes (a second guard behind GET-only routes)."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        elif engine.dialect.name == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()  # a SET inside a rolled-back transaction would not stay
        cursor.close()

    event.listen(engine, "connect", on_connect)
    return engine
