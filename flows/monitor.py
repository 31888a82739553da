"""The `monitor` flow: one run over the configured sources, one task per source (not per document).

load config ─► open run (migrate, leases, seeds) ─► per source, concurrently, one task:
  fetch (network; the fetcher's own retries) ─► store (normalised, deduped, tagged, written in one
  transaction) ─► close run (report files, Prefect artifacts)

Orchestration is kept small: one task run per source, no Prefect retries (the fetcher is the one
retry layer for HTTP; a source that fails is recorded and the run goes on), no result persistence
or caching, and the run's context passed `quote`d so Prefect neither traverses nor validates it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from agglowatch.config import load_config
from agglowatch.runner import (
    RunContext,
    SourceReport,
    abort_run,
    close_run,
    fail_source,
    open_fetcher,
    open_run,
    run_source,
    save_fetch_state,
)
from agglowatch.sharding import select_sources
from reports.run_report import new_documents_table, render_report_markdown, write_report_files
from sources.http import Fetcher


@task(
    name="monitor-source",
    task_run_name="monitor {name}",
    cache_policy=NO_CACHE,
    persist_result=False,
)
async def monitor_source(name: str, run: RunContext, fetcher: Fetcher, source: Any) -> SourceReport:
    """Fetch and store one source; its failure is in the report it returns, never raised."""
    report = await run_source(run, fetcher, source)
    outcome = report.outcome
    logger = get_run_logger()
    if outcome.status in ("error", "broken") and outcome.error:
        logger.warning("source %s %s: %s", name, outcome.status, outcome.error)
    logger.info(
        "source %s: %s, %d items, %d new, %d requests (%d not modified)%s",
        name, outcome.status, outcome.items, outcome.new, outcome.requests,
        outcome.not_modified, " [single attempt: broken]" if outcome.single_attempt else "",
    )  # fmt: skip
    return report


async def _monitor_all(run: RunContext, fetcher: Fetcher) -> list[SourceReport]:
    return list(await asyncio.gather(*(_monitor_one(run, fetcher, s) for s in run.sources)))


async def _monitor_one(run: RunContext, fetcher: Fetcher, source: Any) -> SourceReport:
    """The source's task; should the task itself fail (not the source: run_source records that),
    the source is recorded as failed and the run goes on."""
    try:
        return await monitor_source(source.name, _opaque(run), _opaque(fetcher), _opaque(source))
    except Exception as error:
        get_run_logger().warning("task for source %s failed: %s", source.name, error)
        return await asyncio.to_thread(fail_source, run, source, error)


def _opaque(value: object) -> Any:
    """Passed through as is: not traversed for task inputs, not validated (Prefect unquotes it)."""
    return quote(value)


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
        async with open_fetcher(run) as fetcher:
            reports = await _monitor_all(run, fetcher)
            save_fetch_state(run, fetcher)
        report = close_run(run, reports)
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
