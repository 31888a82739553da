"""The `digest` flow: everything new since the last delivered digest, as files and email."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import acreate_markdown_artifact

from agglowatch.config import load_config
from agglowatch.runner import open_database, utcnow
from digest.service import make_digest


def block_credentials(block_name: str) -> tuple[str | None, str | None]:
    """(username, password) from a prefect-email EmailServerCredentials block."""
    from prefect_email import EmailServerCredentials

    block = EmailServerCredentials.load(block_name, _sync=True)  # type: ignore[call-arg]
    return block.username, block.password.get_secret_value()


@flow(name="digest", log_prints=True)
async def digest(
    config: str = "agglowatch.yaml",
    since: str | None = None,
    send: bool = True,
    database: str | None = None,
) -> dict[str, Any]:
    """Build the digest of what is new since the last digest; write its files; email it.

    Args:
        config: path of agglowatch.yaml (relative to the working directory).
        since: ISO date or date-time to start from instead of the last digest's end.
        send: send the email (when the config has one); false writes the files only.
        database: a database URL overriding the config's `database`.
    """
    settings = load_config(config, database)
    start = _parse(since)
    _, factory = open_database(settings)
    result: dict[str, Any] = await asyncio.to_thread(
        make_digest,
        factory,
        settings,
        since=start,
        send=send,
        now=utcnow(),
        credentials_provider=block_credentials,
    )
    stats = result.get("stats", {})
    get_run_logger().info(
        "digest %s: %s documents, email %s",
        result.get("id"), stats.get("documents"), result.get("delivered", {}).get("email"),
    )  # fmt: skip
    await acreate_markdown_artifact(_artifact(result), key="digest", description="Latest digest")
    return result


def _parse(since: str | None) -> dt.datetime | None:
    if not since:
        return None
    value = dt.datetime.fromisoformat(since)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _artifact(result: dict[str, Any]) -> str:
    lines = [f"# Digest {result.get('id')}", ""]
    for theme in result.get("themes", []):
        lines.append(f"## {theme.get('label') or theme.get('id')}")
        lines += [f"- [{d['title']}]({d['url']})" for d in theme.get("documents", [])]
        lines.append("")
    files = result.get("delivered", {}).get("files", [])
    lines += [f"- file: `{path}`" for path in files]
    return "\n".join(lines)
