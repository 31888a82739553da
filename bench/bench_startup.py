"""Start-up: how long a fresh `agglowatch` process takes before it does any work.

    uv run python -m bench.bench_startup [--repeat 7]

Every CLI call pays the interpreter start and its imports, so commands that run no flow must not
import Prefect or the pipeline. Timed whole, as a shell pays it (fresh process, warm file cache):
`agglowatch --help`, `agglowatch check` on the shipped config, and for scale a process that only
imports Prefect. Medians of `--repeat` runs. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_SECONDS = 0.8

COMMANDS = {
    "agglowatch --help": [str(BIN / "agglowatch"), "--help"],
    "agglowatch check": [str(BIN / "agglowatch"), "check", "--config", "agglowatch.yaml"],
    "python -c 'import prefect'": [sys.executable, "-c", "import prefect"],
}


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    for command in COMMANDS.values():
        wall_time(command)  # warm the file cache and .pyc files once
    print(f"fresh-process wall time, median of {args.repeat} (target < {TARGET_SECONDS} s):")
    for label, command in COMMANDS.items():
        median = statistics.median(wall_time(command) for _ in range(args.repeat))
        print(f"  {label:30s} {median:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
