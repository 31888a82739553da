"""The `monitor` flow: one run over the configured sources, a task per source (never per document).

load config ─► open run (migrate, leases, seeds) ─► per source: fetch (network, retried)
  ─► store (parse results normalised, deduped, tagged, written in one transaction)
  ─► close run (report files, Prefect artifacts)
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun

from agglowatch.config import load_config
from agglowatch.errors import BlockedURLError, FetchError, HTTPStatusError
from agglowatch.runner import (
    Fetched,
    RunContext,
    SourceReport,
    abort_run,
    close_run,
    fail_source,
    harvest_source,
    open_run,
    store_source,
)
from agglowatch.sharding import select_sources
from reports.run_report import new_documents_table, render_report_markdown, write_report_files
from sources.http import Fetcher

FETCH_RETRY_DELAY = 5.0


async def _transient(task_: Any, task_run: TaskRun, state: State[Any]) -> bool:
    """Retry a source only when the network, not the source's content, failed."""
    error: Any = state.result(raise_on_failure=False)
    if inspect.isawaitable(error):
        error = await error
    if isinstance(error, BlockedURLError):
        return False
    if isinstance(error, HTTPStatusError):
        return error.status >= 500 or error.status == 429
    return isinstance(error, FetchError)


@task(
    name="fetch-source",
    task_run_name="fetch {source.name}",
    retries=1,
    retry_delay_seconds=FETCH_RETRY_DELAY,
    retry_condition_fn=_transient,
    cache_policy=NO_CACHE,
)
async def fetch_source(run: RunContext, fetcher: Fetcher, source: Any) -> Fetched:
    return await harvest_source(run, fetcher, source)


@task(name="store-source", task_run_name="store {source.name}", cache_policy=NO_CACHE)
async def store_source_task(run: RunContext, source: Any, fetched: Fetched) -> SourceReport:
    return await asyncio.to_thread(store_source, run, source, fetched)


async def monitor_source(run: RunContext, fetcher: Fetcher, source: Any) -> SourceReport:
    logger = get_run_logger()
    try:
        fetched = await fetch_source(run, fetcher, source)
        report = await store_source_task(run, source, fetched)
    except Exception as error:  # one broken source never stops the run
        report = await asyncio.to_thread(fail_source, run, source, error)
        logger.warning("source %s failed: %s", source.name, report.outcome.error)
        return report
    outcome = report.outcome
    logger.info(
        "source %s: %s, %d items, %d new, %d requests (%d not modified)",
        source.name, outcome.status, outcome.items, outcome.new,
        outcome.requests, outcome.not_modified,
    )  # fmt: skip
    return report


@flow(name="monitor", log_prints=True)
async def monitor(
    config: str = "agglowatch.yaml",
    sources: list[str] | None = None,
    shard: str | None = None,
    tags: list[str] | None = None,
    dry_run: bool = False,
    database: str | None = None,
) -> dict[str, Any]:
    """Fetch every selected source, store what is new or changed, and write the run report.

    Args:
        config: path of agglowatch.yaml (relative to the working directory).
        sources: only these source names (default: every enabled source).
        shard: "i/n" to take the i-th of n shards of the sources (several workers, one database).
        tags: only sources carrying one of these tags.
        dry_run: fetch, parse, dedupe and tag, but write nothing.
        database: a database URL overriding the config's `database`.
    """
    settings = load_config(config, database)
    run = open_run(settings, select_sources(settings, sources, shard, tags), dry_run=dry_run)
    try:
        async with Fetcher(settings.fetch) as fetcher:
            reports = await asyncio.gather(*(monitor_source(run, fetcher, s) for s in run.sources))
        report = close_run(run, list(reports))
    except BaseException as error:
        abort_run(run, error)
        raise
    await publish(run, report)
    return report


async def publish(run: RunContext, report: dict[str, Any]) -> None:
    """Report files under <output>/runs/<run_id>/ and the Prefect artifacts."""
    if not run.dry_run:
        files = write_report_files(report, run.config.path(run.config.output))
        report["files"] = [str(path) for path in files]
    markdown = render_report_markdown(report)
    await acreate_markdown_artifact(markdown, key="monitor-report", description="Run report")
    rows = new_documents_table(report)
    if rows:
        await acreate_table_artifact(rows, key="monitor-new", description="New documents")
