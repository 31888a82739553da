"""An unchanged re-run against a loopback site of 1,000 pages: bytes and wall time vs the first run.

    uv run python -m bench.bench_rerun [--pages 1000] [--reruns 3] [--concurrency 8]

The site serves the generated corpus (bench/corpus.py) with ETag and Last-Modified, answering
conditional requests with 304, behind one `html` source: a listing page linking every article.
This is the more demanding of the two listing kinds: a feed answers 304 itself and its articles
are never asked for, while an html listing is always fetched in full (sources/html.py) and each
article is asked for conditionally. The pipeline runs as the `monitor` flow chains it, without
Prefect (run_plain below), with the real Fetcher: per_host_delay 0, per_host_concurrency 8,
allow_private_addresses true, robots.txt honoured. Bytes are counted on the server's socket, both
directions, headers included. The second run's wall time is the median of `--reruns` re-runs.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agglowatch.config import Config, load_config
from agglowatch.runner import (
    SourceReport,
    close_run,
    fail_source,
    harvest_source,
    open_fetcher,
    open_run,
    save_fetch_state,
    store_source,
)
from bench.corpus import CorpusSite, Traffic, generate
from reports.run_report import write_report_files
from sources.http import Fetcher

ROOT = Path(__file__).resolve().parent.parent
LINKS = "ul.list a"

# --- the pipeline, as the monitor flow chains it, without Prefect ---------------------------------


def write_config(
    folder: Path, site: CorpusSite, *, sources: int = 1, concurrency: int = 8
) -> Config:
    """agglowatch.yaml for the site: an html source per listing (/list.html when `sources` is 1)."""
    paths = ["/list.html"] if sources == 1 else [f"/list/{k}.html" for k in range(1, sources + 1)]
    entries = "".join(
        f"  - {{name: corpus-{n}, kind: html, url: '{site.url(path)}', links: '{LINKS}'}}\n"
        for n, path in enumerate(paths, 1)
    )
    text = (
        f"database: sqlite:///{folder / 'agglowatch.db'}\n"
        f"output: {folder / 'out'}\n"
        f"seeds: {ROOT / 'seeds'}\n"
        f"themes: {ROOT / 'themes.yaml'}\n"
        "fetch: {allow_private_addresses: true, per_host_delay: 0, "
        f"per_host_concurrency: {concurrency}, retries: 1, backoff: 0.1}}\n"
        f"sources:\n{entries}"
    )
    path = folder / "agglowatch.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@dataclass(slots=True)
class Phases:
    """Seconds in each part of a run (fetch and store summed over sources)."""

    open: float = 0.0
    fetch: float = 0.0
    store: float = 0.0
    close: float = 0.0


async def run_plain_async(config: Config, phases: Phases | None = None) -> dict[str, Any]:
    """flows.monitor.monitor's work without Prefect: sources concurrently, stores in threads,
    the report files written (the flow's Prefect artifacts are the only thing left out)."""
    phases = phases or Phases()
    mark = time.perf_counter()
    run = open_run(config, config.select())
    phases.open += time.perf_counter() - mark
    async with open_fetcher(run) as fetcher:
        reports = await asyncio.gather(*(_one_source(run, fetcher, s, phases) for s in run.sources))
        save_fetch_state(run, fetcher)
    mark = time.perf_counter()
    report = close_run(run, list(reports))
    write_report_files(report, config.path(config.output))
    phases.close += time.perf_counter() - mark
    return report


async def _one_source(run: Any, fetcher: Fetcher, source: Any, phases: Phases) -> SourceReport:
    """agglowatch.runner.run_source, with its two halves timed apart."""
    mark = time.perf_counter()
    try:
        fetched = await harvest_source(run, fetcher, source)
        phases.fetch += time.perf_counter() - mark
        mark = time.perf_counter()
        return await asyncio.to_thread(store_source, run, source, fetched)
    except Exception as error:
        return await asyncio.to_thread(fail_source, run, source, error)
    finally:
        phases.store += time.perf_counter() - mark


def run_plain(config: Config, phases: Phases | None = None) -> dict[str, Any]:
    return asyncio.run(run_plain_async(config, phases))


@dataclass(slots=True)
class Measured:
    seconds: float
    traffic: Traffic
    report: dict[str, Any]
    phases: Phases


def measure_run(site: CorpusSite, config: Config) -> Measured:
    before = site.traffic()
    phases = Phases()
    started = time.perf_counter()
    report = run_plain(config, phases)
    seconds = time.perf_counter() - started
    return Measured(seconds, site.traffic().minus(before), report, phases)


def describe(label: str, run: Measured) -> str:
    totals = run.report["totals"]
    statuses = run.traffic.describe_statuses()
    p = run.phases
    return (
        f"  {label}: {run.seconds:6.2f} s, {run.traffic.requests} requests ({statuses}), "
        f"{run.traffic.bytes / 1e6:7.3f} MB on the wire; new {totals['new']}, "
        f"duplicates {totals['duplicates']}, unchanged {totals['unchanged']}, "
        f"errors {totals['errors']}\n"
        f"      open run {p.open:.2f} s, fetch+parse {p.fetch:.2f} s, store {p.store:.2f} s, "
        f"close+report {p.close:.2f} s"
    )


def gzip_estimate(site: CorpusSite, first: Traffic, again: Traffic) -> tuple[float, float]:
    """(first-run MB, re-run share) had the site gzipped its bodies: computed from the measured
    traffic by swapping each body sent for its gzip size (level 6), not measured."""
    bodies = [page.body for page in site.pages.values() if page.path != "/list.html"]
    listing = site.pages["/list.html"].body
    saved_first = sum(len(b) - len(gzip.compress(b, 6)) for b in bodies if len(b) > 1000)
    saved_listing = len(listing) - len(gzip.compress(listing, 6))
    first_bytes = first.bytes - saved_first - saved_listing
    return first_bytes / 1e6, (again.bytes - saved_listing) / first_bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--reruns", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8, help="fetch.per_host_concurrency")
    args = parser.parse_args(argv)
    pages = generate(args.pages)
    with CorpusSite(pages) as site, tempfile.TemporaryDirectory() as folder:
        config = write_config(Path(folder), site, concurrency=args.concurrency)
        first = measure_run(site, config)
        reruns = [measure_run(site, config) for _ in range(args.reruns)]
        listing = len(site.pages["/list.html"].body)
        gzipped = gzip_estimate(site, first.traffic, reruns[0].traffic)
    second = sorted(reruns, key=lambda r: r.seconds)[len(reruns) // 2]
    print(
        f"unchanged re-run, one html listing of {args.pages} pages "
        f"(~{sum(len(p.body) for p in pages) / len(pages) / 1000:.0f} KB each), "
        f"per_host_concurrency {args.concurrency}, per_host_delay 0"
    )
    print(describe("first run ", first))
    print(describe("re-run    ", second))
    times = ", ".join(f"{r.seconds:.2f}" for r in reruns)
    print(f"  re-run wall times: {times} s (median taken)")
    share = second.traffic.bytes / first.traffic.bytes
    print(
        f"  re-run / first run: bytes {share:.2%} (target < 2%), "
        f"wall time {statistics.median(r.seconds for r in reruns) / first.seconds:.1%}"
    )
    requests = max(sum(second.traffic.statuses.values()), 1)
    print(
        f"  re-run bytes: {second.traffic.bytes / 1000:.0f} KB over {requests} requests "
        f"({second.traffic.bytes / requests:.0f} B per request; the listing page is "
        f"{listing / 1000:.0f} KB when it has to be sent whole)"
    )
    print(
        f"  had the site gzipped its pages (computed, not measured): first run "
        f"{gzipped[0]:.1f} MB, re-run share {gzipped[1]:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
