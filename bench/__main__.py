"""Every benchmark in turn, each in its own process; what `make bench` runs.

    uv run python -m bench [--quick] [--only NAME ...]

Prints each benchmark's figures as it finishes, then how long each took. `--quick` uses small
sizes (a smoke run of the whole suite in a few minutes; its figures are not the published ones).
The figures are printed, never asserted; BENCHMARKS.md records a full run. A benchmark that fails
or is missing is reported and the others still run (exit status 1 at the end).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Benchmark:
    name: str
    title: str
    module: str
    full: tuple[str, ...]
    quick: tuple[str, ...]


BENCHMARKS = (
    Benchmark("pipeline", "1. pipeline throughput beside trafilatura.extract",
              "bench.bench_pipeline", ("--pages", "500"), ("--pages", "60")),
    Benchmark("rerun", "2. unchanged re-run against a loopback site",
              "bench.bench_rerun", ("--pages", "1000"), ("--pages", "100", "--reruns", "2")),
    Benchmark("dedupe", "3. dedupe cost per document at 10k and 100k stored, peak memory",
              "bench.bench_dedupe", (),
              ("--timed", "200", "--small", "2000", "--large", "10000")),
    Benchmark("prefect", "4. Prefect's share of a 1,000-document run",
              "bench.bench_prefect", ("--pages", "1000"),
              ("--pages", "100", "--sources", "4", "--reruns", "2", "--firsts", "1")),
    Benchmark("urlwatch", "5. side by side with urlwatch",
              "bench.bench_urlwatch", ("--pages", "200"), ("--pages", "40", "--reruns", "2")),
    Benchmark("deadhosts", "6. an unchanged run with 3 dead sources, and without them",
              "bench.bench_dead_hosts", (), ("--timeout", "1", "--retries", "2")),
    Benchmark("tagging", "tagging throughput",
              "bench.bench_tagging", ("--documents", "100"), ("--documents", "20")),
    Benchmark("retag", "agglowatch retag on a 10k-document store",
              "bench.bench_pipeline", ("--retag", "10000"), ("--retag", "1000")),
    Benchmark("startup", "start-up of a fresh agglowatch process",
              "bench.bench_startup", ("--repeat", "7"), ("--repeat", "3")),
    Benchmark("browse", "full-text index: storing cost and search latency",
              "bench.bench_browse", ("--docs", "5000"), ("--docs", "500")),
)  # fmt: skip


def module_exists(module: str) -> bool:
    return (ROOT / Path(*module.split("."))).with_suffix(".py").is_file()


def run(benchmark: Benchmark, quick: bool) -> tuple[str, float]:
    """Run one benchmark with its output passed through; (outcome, seconds)."""
    print(f"\n=== {benchmark.title} ({benchmark.module}) ===", flush=True)
    if not module_exists(benchmark.module):
        print(f"{benchmark.module} is not in the repository yet: no figure.", flush=True)
        return "missing", 0.0
    args = benchmark.quick if quick else benchmark.full
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", benchmark.module, *args], cwd=ROOT, check=False)
    seconds = time.perf_counter() - started
    outcome = "ok" if done.returncode == 0 else f"failed (exit status {done.returncode})"
    if done.returncode != 0:
        print(f"{benchmark.module} {outcome}", flush=True)
    return outcome, seconds


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{os.cpu_count()} CPUs ({model}), load average {load}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    names = [b.name for b in BENCHMARKS]
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=", ".join(names))
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    print(f"agglowatch benchmarks{' (quick sizes)' if args.quick else ''} on {machine()}")
    started = time.perf_counter()
    outcomes = [(b, *run(b, args.quick)) for b in chosen]
    print("\n=== time taken ===")
    for benchmark, outcome, seconds in outcomes:
        print(f"  {benchmark.name:10s} {seconds:6.0f} s  {outcome}")
    print(f"  {'total':10s} {time.perf_counter() - started:6.0f} s; finished on {machine()}")
    return 0 if all(outcome == "ok" for _, outcome, _ in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
