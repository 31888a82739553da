"""Side by side with urlwatch: the same 200 loopback pages checked for changes, unchanged re-runs.

    uv run python -m bench.bench_urlwatch [--pages 200] [--reruns 3]

Both tools watch the same pages on the loopback corpus site (bench/bench_rerun.py: ETag,
Last-Modified, 304), each in its own temporary folder. Each run is a fresh process, timed whole
(interpreter start, imports, the run: what a scheduler pays) and, from inside the child, the run
alone (after every import, agglowatch's lazily imported source kinds included):

- urlwatch 2.29 (`urlwatch --urls urls.yaml --config urlwatch.yaml --cache cache.db`): one job per
  page, no filter. Per page it sends a GET with If-None-Match / If-Modified-Since from its cache
  (requests, a new connection per job); on 200 it compares the page's text with the cached one,
  stores it and reports a change; on 304 it reports "unchanged". Its thread pool is a module
  constant (urlwatch.worker.MAX_WORKERS = 10), not a setting, so it runs twice: as shipped (10),
  and with the constant set to 4 before its main() runs, matching agglowatch's 4 documents in
  flight per source (sources/articles.py), with per_host_concurrency 8 (so the source's 4 is the
  limit).
- agglowatch: one `html` source over a listing of the same pages, run as the monitor flow chains
  it without Prefect (bench.bench_rerun.run_plain: figure 4 prices Prefect separately). Per run it
  migrates/checks the database, loads the seeds, takes a lease, fetches robots.txt and the listing
  in full, then sends each page a conditional GET over a kept-alive connection; a 304 page is
  unchanged (a 200 would be extracted, deduplicated, tagged and stored, with its version history);
  then it records validators, removals, source health and the run report.

Each tool's first run fills its cache; the figures are medians of `--reruns` unchanged re-runs.
A process that only imports each tool's modules is timed too, to show the fixed cost.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from agglowatch.config import load_config
from bench.bench_rerun import run_plain, write_config
from bench.corpus import CorpusSite, Traffic, generate
from sources.registry import load_kinds

# urlwatch's own main() in a child process, timed from inside (after its imports); the thread pool
# size is set first when given (it is a module constant, urlwatch.worker.MAX_WORKERS).
URLWATCH_CHILD = """
import sys, time
import urlwatch.worker
from urlwatch.cli import main
workers = sys.argv.pop(1)
if workers != "default":
    urlwatch.worker.MAX_WORKERS = int(workers)
sys.argv[0] = "urlwatch"
started = time.perf_counter()
try:
    main()
finally:
    print(f"RUN_SECONDS={time.perf_counter() - started}", file=sys.stderr)
"""
IMPORTS = {
    "urlwatch": "import urlwatch.cli, urlwatch.worker",
    "agglowatch": "import agglowatch.runner, sources.http, parsers.article, bench.bench_rerun",
}


@dataclass(slots=True)
class Runs:
    """One tool's first run and unchanged re-runs: process wall times and in-process run times."""

    first: float
    again: list[float]
    inner: list[float]
    traffic: Traffic


def urlwatch_files(folder: Path, site: CorpusSite) -> list[str]:
    """urls.yaml (one job per page) and urlwatch.yaml; the urlwatch arguments that use them."""
    jobs = "---\n".join(
        f"name: page {n}\nurl: {site.url(page.path)}\n" for n, page in enumerate(site.articles)
    )
    (folder / "urls.yaml").write_text(jobs, encoding="utf-8")
    (folder / "urlwatch.yaml").write_text(
        "display: {new: true, error: true, unchanged: false, empty-diff: true}\n"
        "report:\n  stdout: {enabled: true, color: false}\n",
        encoding="utf-8",
    )
    names = ("urls.yaml", "urlwatch.yaml", "cache.db")
    return [arg for flag, name in zip(("--urls", "--config", "--cache"), names, strict=True)
            for arg in (flag, str(folder / name))]  # fmt: skip


def urlwatch_command(args: list[str], workers: int | None) -> list[str]:
    return [sys.executable, "-c", URLWATCH_CHILD, str(workers or "default"), *args]


def agglowatch_command(config_path: Path) -> list[str]:
    return [sys.executable, "-m", "bench.bench_urlwatch", "--agglowatch-run", str(config_path)]


def timed_process(command: list[str], cwd: Path) -> tuple[float, float]:
    """(process wall time, the run's own time as the child reports it on stderr)."""
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, timeout=600,
    )  # fmt: skip
    wall = time.perf_counter() - started
    reported = [line for line in done.stderr.splitlines() if line.startswith("RUN_SECONDS=")]
    return wall, float(reported[-1].partition("=")[2]) if reported else float("nan")


def measure(site: CorpusSite, command: list[str], cwd: Path, reruns: int) -> Runs:
    """A first run, then `reruns` unchanged re-runs (the last one's traffic kept)."""
    first = timed_process(command, cwd)[0]
    runs = Runs(first, [], [], Traffic())
    for _ in range(reruns):
        before = site.traffic()
        wall, inner = timed_process(command, cwd)
        runs.again.append(wall)
        runs.inner.append(inner)
        runs.traffic = site.traffic().minus(before)
    return runs


def line(label: str, runs: Runs) -> str:
    median = statistics.median
    return (
        f"  {label:40s} first run {runs.first:5.2f} s; unchanged re-run: process "
        f"{median(runs.again):5.2f} s (of {', '.join(f'{t:.2f}' for t in runs.again)}), "
        f"run alone {median(runs.inner):5.2f} s; {runs.traffic.requests} requests "
        f"({runs.traffic.describe_statuses()}), {runs.traffic.bytes / 1000:.0f} KB"
    )


def compare(pages: int, reruns: int) -> list[str]:
    root = Path(__file__).resolve().parent.parent
    with CorpusSite(generate(pages)) as site, tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        results: dict[str, Runs] = {}
        for label, workers in (("urlwatch 2.29, 10 threads (as shipped)", None),
                               ("urlwatch 2.29, 4 threads", 4)):  # fmt: skip
            work = folder / f"urlwatch-{workers or 'default'}"
            work.mkdir()
            command = urlwatch_command(urlwatch_files(work, site), workers)
            results[label] = measure(site, command, work, reruns)
        mine = folder / "agglowatch"
        mine.mkdir()
        write_config(mine, site)
        ours = measure(site, agglowatch_command(mine / "agglowatch.yaml"), root, reruns)
        imports = {tool: timed_process([sys.executable, "-c", code], root)[0]
                   for tool, code in IMPORTS.items()}  # fmt: skip
    lines = [f"side by side with urlwatch: {pages} loopback pages, a fresh process per run"]
    lines += [line(label, runs) for label, runs in results.items()]
    lines.append(line("agglowatch, 1 html source (4 in flight)", ours))
    median = statistics.median
    for label, runs in results.items():
        process = median(ours.again) / median(runs.again)
        alone = median(ours.inner) / median(runs.inner)
        lines.append(
            f"  agglowatch / {label}: unchanged re-run wall time x{process:.2f} per process, "
            f"x{alone:.2f} for the run alone"
        )
    lines.append(
        f"  a process that only imports: urlwatch {imports['urlwatch']:.2f} s, "
        f"agglowatch {imports['agglowatch']:.2f} s"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--reruns", type=int, default=3)
    parser.add_argument("--agglowatch-run", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.agglowatch_run is not None:  # the child process: one run, its time on stderr
        load_kinds()  # the source kinds' modules, imported lazily by a run: imports, not the run
        started = time.perf_counter()
        run_plain(load_config(args.agglowatch_run))
        print(f"RUN_SECONDS={time.perf_counter() - started}", file=sys.stderr)
        return 0
    print("\n".join(compare(args.pages, args.reruns)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
