"""A run killed with SIGKILL in the middle of storing a source: nothing half written, nothing lost.

A subprocess runs the pipeline (the runner functions, as the flow chains them) over four feed
sources of ten articles each. It is instrumented to stop inside the store transaction of the second
source (three of its documents written, not committed) and write a marker file; the test then kills
it with SIGKILL. The next run, in this process, must complete, store every document exactly once,
leave no version half written, and close the killed run as failed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from agglowatch.config import Config
from agglowatch.errors import RunLockedError
from agglowatch.runner import open_run, release
from storage.models import Document, DocumentVersion, Lease, Run
from tests.conftest import BACKENDS, _truncate_all
from tests.e2e_site import Site, feed_xml
from tests.test_faults import article_html, make_config, run_once

ROOT = Path(__file__).resolve().parent.parent
SOURCES = 4
ARTICLES = 10
KILL_IN = "s2"  # the source whose store transaction is open when the process dies
KILL_AFTER = 3  # documents of it written (flushed, not committed)

SCRIPT = """
import asyncio, sys, time
import storage.store as store
from agglowatch.config import load_config
from agglowatch.runner import close_run, fail_source, harvest_source, open_run, store_source
from sources.http import Fetcher

config_path, marker, kill_in, kill_after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
original, written = store.store_document, []

def store_document(session, source, record, ctx, result):
    original(session, source, record, ctx, result)
    if source == kill_in:
        written.append(record.url)
        if len(written) == kill_after:
            session.flush()
            open(marker, "w").close()
            time.sleep(60)  # SIGKILL arrives here, inside the source's transaction

store.store_document = store_document

async def main():
    config = load_config(config_path)
    run = open_run(config, config.select())
    reports = []
    async with Fetcher(config.fetch) as fetcher:
        for source in run.sources:
            try:
                fetched = await harvest_source(run, fetcher, source)
                reports.append(store_source(run, source, fetched))
            except Exception as error:
                reports.append(fail_source(run, source, error))
    close_run(run, reports)

asyncio.run(main())
"""


def site_with_sources(server: HTTPServer) -> Site:
    site = Site(server)
    base = server.url_for("").rstrip("/")
    for number in range(1, SOURCES + 1):
        items = []
        for article in range(1, ARTICLES + 1):
            path = f"/s{number}/a{article}.html"
            site.put(
                path, article_html(f"Source {number} article {article}", number * 100 + article)
            )
            items.append((path, f"Source {number} article {article}"))
        site.put(f"/s{number}/feed.xml", feed_xml(base, items), "application/rss+xml")
    site.install()
    return site


@dataclass
class Killed:
    """What the database held right after the kill, and the reports of the two runs after it."""

    config: Config
    killed_run: str
    after_kill: dict[str, int]  # documents per source
    leases_after_kill: int
    next_report: dict[str, Any]
    third_report: dict[str, Any]


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(select(Document.source, func.count()).group_by(Document.source))
        return {source: number for source, number in rows}


def kill_mid_store(config: Config, path: Path, marker: Path) -> subprocess.Popen[bytes]:
    """Start the run in a subprocess and SIGKILL it once it sits inside KILL_IN's transaction."""
    command = [sys.executable, "-c", SCRIPT, str(path), str(marker), KILL_IN, str(KILL_AFTER)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    for _ in range(1200):  # polled for up to a minute; usually a few seconds (imports)
        if marker.exists() or process.poll() is not None:
            break
        time.sleep(0.05)
    if not marker.exists():
        process.kill()
        _, stderr = process.communicate()
        pytest.fail(f"the run ended before reaching {KILL_IN}: {stderr.decode()[-2000:]}")
    process.send_signal(signal.SIGKILL)
    process.wait()  # reaped: a zombie would still look alive to the lease check
    assert process.returncode == -signal.SIGKILL
    return process


@pytest.fixture(scope="module", params=BACKENDS)
def killed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Killed]:
    tmp_path = tmp_path_factory.mktemp("kill")
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'agglowatch.db'}"
    else:
        db_url = request.getfixturevalue("pg_database")
        _truncate_all(db_url)
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        site = site_with_sources(server)
        sources = [
            {"name": f"s{n}", "kind": "feed", "url": site.url(f"/s{n}/feed.xml")}
            for n in range(1, SOURCES + 1)
        ]
        config = make_config(tmp_path, db_url, sources)
        kill_mid_store(config, tmp_path / "agglowatch.yaml", tmp_path / "storing")
        engine = create_engine(config.database)
        with Session(engine) as session:
            (killed_run,) = session.scalars(select(Run.id).where(Run.status == "running"))
            leases = session.scalar(select(func.count()).select_from(Lease)) or 0
        after_kill = counts(engine)
        engine.dispose()
        yield Killed(config, killed_run, after_kill, leases, run_once(config), run_once(config))
    finally:
        server.clear()
        server.stop()


def test_the_kill_left_whole_sources_only(killed: Killed) -> None:
    """The first source was committed; the one being stored when the process died left nothing."""
    assert killed.after_kill == {"s1": ARTICLES}
    assert killed.leases_after_kill == SOURCES  # held by the dead process


def test_the_next_run_completes_and_stores_every_document_exactly_once(killed: Killed) -> None:
    report = killed.next_report
    assert report["status"] == "completed"
    assert report["totals"]["new"] == (SOURCES - 1) * ARTICLES
    assert report["totals"]["duplicates"] == 0 and report["totals"]["errors"] == 0
    assert killed.third_report["totals"]["new"] == 0
    assert killed.third_report["totals"]["updated"] == 0
    engine = create_engine(killed.config.database)
    try:
        assert counts(engine) == {f"s{n}": ARTICLES for n in range(1, SOURCES + 1)}
        with Session(engine) as session:
            docs = list(session.scalars(select(Document)))
            urls = [doc.canonical_url for doc in docs]
            assert len(urls) == len(set(urls)) == SOURCES * ARTICLES
            latest = select(DocumentVersion.document_id, func.max(DocumentVersion.version))
            versions = {
                doc_id: number
                for doc_id, number in session.execute(latest.group_by(DocumentVersion.document_id))
            }
            firsts = set(
                session.scalars(
                    select(DocumentVersion.document_id).where(DocumentVersion.version == 1)
                )
            )
            assert {doc.id: doc.version for doc in docs} == versions  # no version half written
            assert firsts == {doc.id for doc in docs}
    finally:
        engine.dispose()


def test_the_dead_process_leases_are_taken_over_and_released(
    killed: Killed, request: pytest.FixtureRequest
) -> None:
    engine = create_engine(killed.config.database)
    try:
        with Session(engine) as session:
            assert list(session.scalars(select(Lease.holder))) == []
    finally:
        engine.dispose()


def test_the_next_run_closes_the_killed_run_as_failed(killed: Killed) -> None:
    engine = create_engine(killed.config.database)
    try:
        with Session(engine) as session:
            run = session.get(Run, killed.killed_run)
            assert run is not None
            assert run.status == "failed"
            assert "stopped before it finished" in (run.report or {}).get("error", "")
            assert any(killed.killed_run in note for note in killed.next_report["notes"])
    finally:
        engine.dispose()


def test_a_later_run_closes_the_killed_run_at_the_latest(
    killed: Killed, request: pytest.FixtureRequest
) -> None:
    """Never 'running' for ever: by the second run after the kill it is closed as failed."""
    engine = create_engine(killed.config.database)
    try:
        with Session(engine) as session:
            statuses = {
                run_id: status for run_id, status in session.execute(select(Run.id, Run.status))
            }
        assert statuses[killed.killed_run] == "failed"
        assert list(statuses.values()).count("running") == 0
    finally:
        engine.dispose()


def test_a_live_run_holding_the_sources_stops_an_overlapping_run(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """What the killed run's leases are for while its process lives: no second writer."""
    sources = [{"name": "s1", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml"}]
    config = make_config(tmp_path, db_url, sources)
    first = open_run(config, config.select())
    try:
        with pytest.raises(RunLockedError, match=r"source 's1' is being monitored by another run"):
            release(open_run(config, config.select()))
    finally:
        release(first)
    release(open_run(config, config.select()))  # free again once the holder let go
