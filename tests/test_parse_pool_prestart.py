"""parsers.pool.prestart: a run with sources starts the forkserver when it opens (no workers), and
whatever way the run ends, nothing of it outlives the process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from agglowatch.runner import abort_run, close_run, open_run
from parsers import pool as parse_pool
from parsers.pool import ParsePool
from tests.test_faults import make_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def prestarts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Calls of multiprocessing's forkserver start (recorded, not made), on a fresh shared pool."""
    calls: list[int] = []
    monkeypatch.setattr(
        parse_pool.multiprocessing.forkserver, "ensure_running", lambda: calls.append(1)
    )
    monkeypatch.setattr(parse_pool, "_shared", ParsePool(2))
    return calls


def html_source() -> dict[str, str]:
    return {"name": "s", "kind": "html", "url": "http://127.0.0.1:9/list.html", "links": "a"}


def test_a_run_with_sources_starts_the_forkserver_when_it_opens(
    tmp_path: Path, prestarts: list[int]
) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", [html_source()])
    run = open_run(config, config.select())
    try:
        assert prestarts == [1] and not parse_pool.shared().running  # the server, no workers
    finally:
        close_run(run, [])
    assert not parse_pool.shared().running


def test_no_forkserver_for_an_empty_run_or_without_workers(
    tmp_path: Path, prestarts: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", [])
    close_run(open_run(config, []), [])
    monkeypatch.setattr(parse_pool, "_shared", ParsePool(0))
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", [html_source()])
    abort_run(open_run(config, config.select()), RuntimeError("stopped"))
    assert prestarts == []


SCRIPT = textwrap.dedent(
    """
    import multiprocessing.forkserver, sys
    from agglowatch.config import load_config
    from agglowatch.runner import abort_run, close_run, open_run
    from parsers import pool

    if __name__ == "__main__":
        config = load_config(sys.argv[1])
        run = open_run(config, config.select())
        print(multiprocessing.forkserver._forkserver._forkserver_pid, flush=True)
        if sys.argv[2] == "error":
            abort_run(run, RuntimeError("the run failed"))
            raise SystemExit(3)
        close_run(run, [])
    """
)


def gone(pid: int) -> bool:
    """The process has exited (reaped by init once its parent, the script, is gone)."""
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize(("ending", "code"), [("error", 3), ("empty", 0)])
def test_the_early_forkserver_ends_with_the_process(tmp_path: Path, ending: str, code: int) -> None:
    """A process whose run failed, or harvested nothing, exits at once, its forkserver with it."""
    make_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", [html_source()])
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AGGLOWATCH_PARSE_WORKERS": "2"}
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "agglowatch.yaml"), ending],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == code, done.stderr
    server = int(done.stdout.split()[0])
    assert gone(server)
