"""The `agglowatch` command line: run, digest, check, export, retag, serve, browse, db upgrade.

Exit status: 0 when the command completed (even if some sources failed: they are in the report);
2 for bad configuration or arguments; 1 for anything that stopped the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from agglowatch.config import Config, check_paths, load_config
from agglowatch.errors import AgglowatchError, ConfigError, RunLockedError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
err = Console(stderr=True)
out = Console()
T = TypeVar("T")

ConfigOpt = Annotated[
    str | None, typer.Option("--config", "-c", help="agglowatch.yaml (or AGGLOWATCH_CONFIG)")
]
DbOpt = Annotated[
    str | None, typer.Option("--db", help="database URL (or AGGLOWATCH_DATABASE_URL)")
]
SourceOpt = Annotated[
    list[str] | None, typer.Option("--source", "-s", help="only this source (repeatable)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the JSON result on stdout")]


@contextmanager
def exit_codes() -> Iterator[None]:
    """Map our errors to the spec's exit statuses with a message on stderr."""
    try:
        yield
    except ConfigError as error:
        err.print(f"[bold red]configuration error:[/] {error}", highlight=False)
        raise typer.Exit(2) from None
    except RunLockedError as error:
        err.print(f"[bold yellow]not started:[/] {error}", highlight=False)
        raise typer.Exit(1) from None
    except AgglowatchError as error:
        err.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(1) from None


def _config(config: str | None, db: str | None = None) -> Config:
    return load_config(config, db)


def _parse_since(since: str | None) -> dt.datetime | None:
    if since is None:
        return None
    try:
        value = dt.datetime.fromisoformat(since)
    except ValueError:
        raise ConfigError(f"--since {since!r} is not an ISO date or date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _with_status(message: str, work: Callable[[], T]) -> T:
    """Show a spinner on a terminal while `work` runs; stay quiet when piped."""
    if not err.is_terminal:
        return work()
    with err.status(message):
        return work()


@app.command()
def run(
    config: ConfigOpt = None,
    db: DbOpt = None,
    source: SourceOpt = None,
    shard: Annotated[str | None, typer.Option(help="'i/n': the i-th of n shards")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="write nothing")] = False,
    as_json: JsonOpt = False,
) -> None:
    """One monitoring run (the `monitor` flow); prints a summary or the run report JSON."""
    with exit_codes():
        settings = _config(config, db)
        from agglowatch.sharding import select_sources

        select_sources(settings, source, shard)  # unknown names fail here, before Prefect starts
        check_paths(settings)
        from flows.launch import run_monitor

        report = _with_status(
            "monitoring…",
            lambda: run_monitor(
                str(config or ""), source, shard=shard, dry_run=dry_run, database=db
            ),
        )
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        from agglowatch.summary import print_run_summary

        print_run_summary(out, report)


@app.command()
def digest(
    config: ConfigOpt = None,
    db: DbOpt = None,
    since: Annotated[str | None, typer.Option(help="ISO date: cover from here")] = None,
    no_send: Annotated[bool, typer.Option("--no-send", help="write files, send no email")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Digest of everything new since the last digest: files, and email if configured."""
    with exit_codes():
        _config(config, db)
        start = _parse_since(since)
        from flows.launch import run_digest

        result = _with_status(
            "building digest…",
            lambda: run_digest(str(config or ""), since=start, send=not no_send, database=db),
        )
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        from agglowatch.summary import print_digest_summary

        print_digest_summary(out, result)


@app.command()
def check(
    config: ConfigOpt = None,
    live: Annotated[bool, typer.Option("--live", help="fetch each source now")] = False,
    source: SourceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate the config; --live fetches sources and shows what they yield, writing nothing."""
    with exit_codes():
        settings = _config(config)
        selected = settings.select(source)
        check_paths(settings)
        if not live:
            from agglowatch.check import print_config

            print_config(out, settings, selected)
            return
        from agglowatch import check_live as checking

        results = asyncio.run(checking.check_live(settings, selected))
    if as_json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    else:
        checking.print_live(out, results)


@app.command()
def export(
    config: ConfigOpt = None,
    db: DbOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv")] = "jsonl",
    since: Annotated[str | None, typer.Option(help="ISO date: first seen from here")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file (default stdout)")
    ] = None,
) -> None:
    """Every stored document, one per line (JSON Lines or CSV)."""
    with exit_codes():
        if format not in ("jsonl", "csv"):
            raise ConfigError(f"--format {format!r}: use jsonl or csv")
        settings = _config(config, db)
        from agglowatch.export import export_documents

        stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            export_documents(settings, stream, format, _parse_since(since))
        finally:
            if output:
                stream.close()


@app.command()
def retag(config: ConfigOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Re-apply the (edited) taxonomy to every stored document; reports what changed per theme."""
    with exit_codes():
        settings = _config(config, db)
        from agglowatch.retag import retag_all

        summary = retag_all(settings)
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        from agglowatch.summary import print_retag_summary

        print_retag_summary(out, summary)


@app.command()
def serve(config: ConfigOpt = None) -> None:
    """Run the scheduled deployments of prefect.yaml in this one process (Ctrl-C stops)."""
    with exit_codes():
        _config(config)
        from flows.serve import serve_deployments

        serve_deployments(config)


@app.command()
def browse(
    config: ConfigOpt = None,
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="address to listen on (loopback)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8765,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="allow a non-loopback --host (no login!)")
    ] = False,
) -> None:
    """Browse and search the archive in a web browser (read-only; Ctrl-C stops)."""
    with exit_codes():
        from browse.cli import serve_browse

        serve_browse(config, db, host, port, allow_remote)


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Apply database migrations."""
    with exit_codes():
        settings = _config(config, db)
        from agglowatch.runner import open_database

        engine, _ = open_database(settings)
        out.print(f"database at head: {engine.url.render_as_string(hide_password=True)}")


def main() -> Any:  # pragma: no cover - console entry point
    return app()
