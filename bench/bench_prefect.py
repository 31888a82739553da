"""Prefect's share of a 1,000-document run: the `monitor` flow vs the same work without Prefect.

    uv run python -m bench.bench_prefect [--pages 1000] [--sources 10] [--reruns 5] [--firsts 3]

The loopback corpus site (bench/bench_rerun.py) serves `--pages` generated pages behind
`--sources` html listings, one source each (one task per source that fetches and stores, as in a
real config). Each path runs on a database of its own: a first run that fetches, parses and stores
every page, then unchanged re-runs (alternating the two paths; medians). The plain path is
bench.bench_rerun.run_plain: the flow's own runner calls, concurrently per source, stores in
threads, report files written; the flow adds the flow and task runs, their states and logs on the
Prefect server, and the report artifacts. The server is Prefect's test harness (a temporary server
in a subprocess, PREFECT_HOME in a temporary folder); its start-up and `import prefect` are
reported apart and excluded. A small warm-up run of each path comes first, so one-off set-up
(imports, caches) is not charged to either. First runs are `--firsts` pairs on fresh
databases, the order alternating, medians taken (one pair is within the machine's noise).
BENCHMARKS.md records the figures before and after the flow became one task per source.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agglowatch.config import Config
from bench.bench_rerun import run_plain, write_config
from bench.corpus import CorpusSite, generate

PREFECT_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


CPU: dict[str, list[float]] = {}  # CPU seconds of each timed run, by path and kind of run


def timed(call: Callable[[], dict[str, Any]], path: str = "") -> tuple[float, dict[str, Any]]:
    """Wall seconds and the report; the CPU seconds it took go to CPU[path]."""
    cpu = cpu_seconds()
    started = time.perf_counter()
    report = call()
    seconds = time.perf_counter() - started
    if path:
        CPU.setdefault(path, []).append(cpu_seconds() - cpu)
    return seconds, report


def cpu_seconds() -> float:
    """CPU used so far by this process and by the Prefect server it started (a child running
    uvicorn): a cost the other load on a shared machine inflates much less than wall time."""
    total = time.process_time()
    tick, me = os.sysconf("SC_CLK_TCK"), os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != me or b"uvicorn" not in (stat.parent / "cmdline").read_bytes():
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total


def flow_runner(config: Config) -> Callable[[], dict[str, Any]]:
    from flows.monitor import monitor

    def run() -> dict[str, Any]:
        flow: Any = monitor
        result: dict[str, Any] = asyncio.run(flow(config=str(config.base_dir / "agglowatch.yaml")))
        return result

    return run


def plain_runner(config: Config) -> Callable[[], dict[str, Any]]:
    return lambda: run_plain(config)


def share(flow: float, plain: float) -> str:
    return f"{flow - plain:+6.2f} s = {(flow - plain) / flow:6.1%} of the flow's wall time"


def cpu_share(flow: float, plain: float) -> str:
    return (
        f"    in CPU seconds (this process and the Prefect server; medians): plain {plain:.2f}, "
        f"flow {flow:.2f}: {flow - plain:+.2f} s = {(flow - plain) / flow:.1%} of the flow's CPU"
    )


def summary(report: dict[str, Any]) -> str:
    totals = report["totals"]
    return f"new {totals['new']}, duplicates {totals['duplicates']}, errors {totals['errors']}"


def compare(site: CorpusSite, folder: Path, sources: int, reruns: int, firsts: int) -> list[str]:
    """`firsts` pairs of first runs (fresh databases, the order alternating), then alternating
    unchanged re-runs on the last pair's databases; medians; lines to print."""
    plain_first: list[float] = []
    flow_first: list[float] = []
    for pair in range(firsts):
        plain_config = write_config(_mkdir(folder / f"plain{pair}"), site, sources=sources)
        flow_config = write_config(_mkdir(folder / f"flow{pair}"), site, sources=sources)
        plain, flow = plain_runner(plain_config), flow_runner(flow_config)
        order = ((plain, plain_first), (flow, flow_first))
        for path, seconds in order if pair % 2 == 0 else reversed(order):
            took, report = timed(path, "plain first" if path is plain else "flow first")
            seconds.append(took)
    plain_again: list[float] = []
    flow_again: list[float] = []
    for _ in range(reruns):
        plain_again.append(timed(plain, "plain again")[0])
        flow_again.append(timed(flow, "flow again")[0])
    cpu = {path: statistics.median(values) for path, values in CPU.items()}
    first_plain, first_flow = statistics.median(plain_first), statistics.median(flow_first)
    plain_median, flow_median = statistics.median(plain_again), statistics.median(flow_again)
    return [
        f"  first run, plain runner: {first_plain:7.2f} s (median of {_list(plain_first)}; "
        f"last: {summary(report)})",
        f"  first run, monitor flow: {first_flow:7.2f} s (median of {_list(flow_first)})",
        f"    Prefect orchestration: {share(first_flow, first_plain)}",
        cpu_share(cpu["flow first"], cpu["plain first"]),
        f"  unchanged re-run, plain: {plain_median:7.2f} s (median of {_list(plain_again)})",
        f"  unchanged re-run, flow:  {flow_median:7.2f} s (median of {_list(flow_again)})",
        f"    Prefect orchestration: {share(flow_median, plain_median)}",
        cpu_share(cpu["flow again"], cpu["plain again"]),
        f"  the re-run's overhead (same flow and task runs, less noise) against the first run: "
        f"{(flow_median - plain_median) / first_flow:.1%} of the flow's wall time",
    ]


def _list(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def warm_up(folder: Path) -> list[str]:
    """A 20-page run of each path on its own site: imports and first calls, not charged."""
    with CorpusSite(generate(20), sections=2) as small:
        plain_s = timed(plain_runner(write_config(_mkdir(folder / "wp"), small, sources=2)))[0]
        flow_s = timed(flow_runner(write_config(_mkdir(folder / "wf"), small, sources=2)))[0]
    return [f"  warm-up, 20 pages: plain {plain_s:.2f} s, flow {flow_s:.2f} s (first flow call)"]


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--sources", type=int, default=10, help="html sources sharing the pages")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--firsts", type=int, default=3, help="pairs of first runs (medians)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        os.environ.update(PREFECT_ENV)
        os.environ["PREFECT_HOME"] = str(_mkdir(folder / "prefect-home"))
        started = time.perf_counter()
        from prefect.testing.utilities import prefect_test_harness

        import flows.monitor  # noqa: F401  (its import cost is Prefect's too)

        imported = time.perf_counter()
        with prefect_test_harness(server_startup_timeout=120):
            ready = time.perf_counter()
            lines = warm_up(folder)
            with CorpusSite(generate(args.pages), sections=args.sources) as site:
                lines += compare(site, folder, args.sources, args.reruns, args.firsts)
    print(
        f"Prefect's share of a {args.pages}-document run ({args.sources} html sources, "
        "one task each); server start-up excluded:"
    )
    print(
        f"  start-up (excluded): import prefect and flows {imported - started:.1f} s, "
        f"test server {ready - imported:.1f} s"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
