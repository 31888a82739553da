"""Start flows from the CLI with Prefect's settings for a one-shot process.

With no PREFECT_API_URL, Prefect starts a temporary local server (ephemeral mode); its start-up can
take 15–25 s on a loaded machine, so the timeout is raised. Settings the user set win.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any

from agglowatch.config import config_path

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def prefect_defaults() -> None:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)


def database_from_environment(database: str | None) -> None:
    """Hand --db to the flow through the environment: flow parameters are stored and shown in
    Prefect's UI, and a database URL may hold a password."""
    if database:
        os.environ["AGGLOWATCH_DATABASE_URL"] = database


def run_monitor(
    config: str,
    sources: list[str] | None,
    *,
    shard: str | None = None,
    dry_run: bool = False,
    database: str | None = None,
) -> dict[str, Any]:
    prefect_defaults()
    database_from_environment(database)
    from flows.monitor import monitor

    coroutine = monitor(
        config=str(config_path(config or None)),
        sources=sources or None,
        shard=shard,
        dry_run=dry_run,
    )
    result: dict[str, Any] = asyncio.run(coroutine)
    return result


def run_digest(
    config: str, *, since: dt.datetime | None, send: bool, database: str | None = None
) -> dict[str, Any]:
    prefect_defaults()
    database_from_environment(database)
    from flows.digest import digest

    coroutine = digest(
        config=str(config_path(config or None)),
        since=since.isoformat() if since else None,
        send=send,
    )
    result: dict[str, Any] = asyncio.run(coroutine)
    return result
