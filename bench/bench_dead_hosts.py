"""What dead sources cost: the loopback world of bench/world.py with and without its 3 dead sources.

    uv run python -m bench.bench_dead_hosts [--runs 3] [--timeout 5] [--retries 3] [--articles 3]

Twelve sources, each site on its own loopback port (9 healthy: feeds, html listings, sitemaps with
a .xml.gz child, one page over the size cap, one site with `Crawl-delay: 0.4`; 3 dead: always 500,
never answering, a redirect loop), run the way the monitor flow runs them (agglowatch.runner
.run_sources: all sources concurrently, one Fetcher) but without Prefect, `--runs` times on one
database, `broken_after: 2`. The same runs on a world without the dead sources are the baseline.
Runs 2 and later are unchanged re-runs; from run 3 the dead sources are broken and tried once.
Printed, never asserted; the two worlds alternate run by run so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from agglowatch.config import load_config
from agglowatch.runner import close_run, open_run, run_sources
from bench.world import World, build_world, write_config


def run_once(config_path: Path) -> tuple[float, dict[str, Any]]:
    config = load_config(config_path)

    async def go() -> dict[str, Any]:
        ctx = open_run(config, config.select())
        return close_run(ctx, await run_sources(ctx))

    started = time.perf_counter()
    report = asyncio.run(go())
    return time.perf_counter() - started, report


def dead_requests(world: World, mark: dict[str, int]) -> str:
    """Requests the dead sources received in one run."""
    hits = Counter(site.name for site in world.sites if site.name not in world.healthy
                   for _ in site.hits[mark.get(site.name, 0):])  # fmt: skip
    silent = ", ".join(f"{s.name} {s.connections} connections so far" for s in world.silent)
    return ", ".join(f"{name} {count}" for name, count in sorted(hits.items())) + f"; {silent}"


def conditional_share(world: World, mark: dict[str, int]) -> str:
    hits = world.since(mark, world.healthy)
    if not hits:
        return "no request"
    share = sum(hit.conditional for hit in hits) / len(hits)
    body = sum(hit.sent for hit in hits)
    return f"{len(hits)} requests to healthy sites, {share:.0%} conditional, {body} body bytes"


def statuses(report: dict[str, Any]) -> str:
    counts = Counter(entry["status"] for entry in report["sources"])
    single = sum(1 for entry in report["sources"] if entry.get("single_attempt"))
    text = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    return text + (f" ({single} tried once: broken)" if single else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--articles", type=int, default=3, help="articles per healthy source")
    args = parser.parse_args(argv)
    logging.getLogger("sources.http").setLevel(logging.ERROR)  # the dead hosts' robots.txt notes
    fetch = {"timeout": args.timeout, "retries": args.retries, "backoff": 1.0,
             "max_bytes": 200_000}  # fmt: skip
    with_dead = build_world(articles=args.articles, dead=True, big_bytes=600_000)
    without = build_world(articles=args.articles, dead=False, big_bytes=600_000)
    rows: list[tuple[int, float, float]] = []
    try:
        with tempfile.TemporaryDirectory() as temp:
            dead_path = write_config(_mkdir(Path(temp, "dead")), with_dead, **fetch)
            base_path = write_config(_mkdir(Path(temp, "base")), without, **fetch)
            print(
                f"12 loopback sources, 3 of them dead, against the same 9 without them; "
                f"timeout {args.timeout:g} s, retries {args.retries}, broken_after 2, no Prefect"
            )
            for number in range(1, args.runs + 1):
                mark = with_dead.mark()
                dead_s, report = run_once(dead_path)
                base_s, _ = run_once(base_path)
                rows.append((number, dead_s, base_s))
                print(f"  run {number}: with dead {dead_s:6.2f} s, without {base_s:6.2f} s "
                      f"({statuses(report)})")  # fmt: skip
                print(f"      dead sources' requests: {dead_requests(with_dead, mark)}")
                print(f"      {conditional_share(with_dead, mark)}")
    finally:
        with_dead.stop()
        without.stop()
    number, dead_s, base_s = rows[-1]
    target = 1.3 * base_s + args.timeout
    print(
        f"  unchanged run {number}: {dead_s:.2f} s with the dead sources, {base_s:.2f} s without: "
        f"{dead_s / base_s:.2f}x (target <= 1.3x plus one timeout = {target:.2f} s: "
        f"{'met' if dead_s <= target else 'NOT met'})"
    )
    budget = args.timeout * (args.retries + 1)
    print(f"  a dead host's budget per run: timeout x (retries + 1) = {budget:g} s, "
          "once per run; one timeout once its source is broken")  # fmt: skip
    return 0


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":
    raise SystemExit(main())
