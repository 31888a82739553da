"""Issue 7 without Prefect: leases refuse overlapping runs, dead holders are taken over, and two
shards running at the same time against one database store every document exactly once.

The shard test is really concurrent on PostgreSQL (two threads, each a whole run whose sources
are stored in parallel, released together by a barrier); on SQLite the busy timeout serializes
the writers, which is what SQLite users get.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from typer.testing import CliRunner

from agglowatch.cli import app
from agglowatch.config import Config, load_config
from agglowatch.errors import RunLockedError
from agglowatch.runner import (
    RunContext,
    close_run,
    harvest_source,
    open_database,
    open_run,
    store_source,
)
from agglowatch.sharding import select_sources, shard_of
from sources.http import Fetcher
from storage.db import transaction
from storage.models import Document, DocumentVersion, Lease, Run
from tests.e2e_site import Site, feed_xml, news_site

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [f"src-{i}" for i in range(10)]
ARTICLES = 8
# fmt: off
WORDS = [
    "river", "delta", "corridor", "province", "metropolitan", "rail", "port", "logistics",
    "talent", "university", "firm", "industry", "chain", "cluster", "market", "finance", "policy",
    "planning", "governance", "carbon", "energy", "grid", "water", "ecology", "farmland",
    "housing", "migration", "census", "wage", "service", "hospital", "school", "culture",
    "tourism", "highway", "airport", "data", "cloud", "chip", "robot", "vehicle", "battery",
    "solar", "wind", "hydrogen", "steel", "textile", "export", "import", "customs", "zone",
    "pilot", "reform", "county", "village", "town", "district", "bay", "coast", "mountain"
]
# fmt: on


def write_config(tmp_path: Path, db_url: str, sources: list[tuple[str, str]]) -> Config:
    """An agglowatch.yaml with one feed source per (name, url), for a loopback site."""
    listed = "".join(f"  - {{name: {name}, kind: feed, url: '{url}'}}\n" for name, url in sources)
    text = f"""
database: {db_url}
output: {tmp_path / "out"}
seeds: {ROOT / "seeds"}
themes: {ROOT / "themes.yaml"}
fetch: {{allow_private_addresses: true, per_host_delay: 0, backoff: 0.01, respect_robots: false,
         per_host_concurrency: 4}}
sources:
{listed}"""
    path = tmp_path / "agglowatch.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def news_config(httpserver: HTTPServer, tmp_path: Path, db_url: str) -> Config:
    news_site(httpserver)
    return write_config(tmp_path, db_url, [("news", httpserver.url_for("/feed.xml"))])


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped) on this host."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def put_lease(config: Config, source: str, holder: str, expires: dt.datetime) -> None:
    _, factory = open_database(config)
    with transaction(factory) as session:
        session.add(Lease(name=f"source:{source}", holder=holder, expires_at=expires))


def lease_holders(config: Config) -> dict[str, str]:
    _, factory = open_database(config)
    with factory() as session:
        return {lease.name: lease.holder for lease in session.scalars(select(Lease))}


# --- (a), (b): leases ------------------------------------------------------------------------


def test_overlapping_run_is_refused_until_the_first_closes(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    config = news_config(httpserver, tmp_path, db_url)
    first = open_run(config, config.select())
    with pytest.raises(RunLockedError) as refused:
        open_run(config, config.select())
    message = str(refused.value)
    assert "'news'" in message and first.holder in message
    assert lease_holders(config) == {"source:news": first.holder}

    close_run(first, [])
    assert lease_holders(config) == {}
    second = open_run(config, config.select())
    assert lease_holders(config) == {"source:news": second.holder}
    close_run(second, [])


def test_runs_over_disjoint_sources_go_side_by_side(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    news_site(httpserver)
    feed = httpserver.url_for("/feed.xml")
    config = write_config(tmp_path, db_url, [("a", feed), ("b", feed)])
    run_a = open_run(config, config.select(["a"]))
    run_b = open_run(config, config.select(["b"]))
    with pytest.raises(RunLockedError, match="'a'"):
        open_run(config, config.select())  # wants both: gets neither
    assert lease_holders(config) == {"source:a": run_a.holder, "source:b": run_b.holder}
    close_run(run_a, [])
    close_run(run_b, [])


def dead_run(config: Config, run_id: str) -> None:
    """What a killed run leaves behind: its lease (pid now dead) and its run row, 'running'."""
    now = dt.datetime.now(dt.UTC)
    put_lease(config, "news", f"{socket.gethostname()}:{dead_pid()}:{run_id}",
              now + dt.timedelta(minutes=20))  # fmt: skip
    _, factory = open_database(config)
    with transaction(factory) as session:
        session.add(Run(id=run_id, started=now, heartbeat=now, status="running", sources=["news"]))


def run_status(config: Config, run_id: str) -> str | None:
    _, factory = open_database(config)
    with factory() as session:
        run = session.get(Run, run_id)
        return run.status if run else None


def test_lease_of_a_dead_process_is_taken_over(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    config = news_config(httpserver, tmp_path, db_url)
    dead_run(config, "20240101T000000Z-deadbeef")
    run = open_run(config, config.select())
    assert lease_holders(config) == {"source:news": run.holder}
    close_run(run, [])
    assert lease_holders(config) == {}


def test_run_of_a_dead_process_is_closed_by_the_next_run(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    config = news_config(httpserver, tmp_path, db_url)
    dead_run(config, "20240101T000000Z-deadbeef")
    run = open_run(config, config.select())
    assert any("20240101T000000Z-deadbeef" in note for note in run.notes)
    close_run(run, [])
    assert run_status(config, "20240101T000000Z-deadbeef") == "failed"


def test_live_lease_elsewhere_holds_until_it_expires(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """A holder on another host cannot be checked for life: only its expiry frees the source."""
    config = news_config(httpserver, tmp_path, db_url)
    now = dt.datetime.now(dt.UTC)
    put_lease(config, "news", "other-host:4242:run-x", now + dt.timedelta(minutes=5))
    with pytest.raises(RunLockedError, match="other-host:4242:run-x"):
        open_run(config, config.select())

    _, factory = open_database(config)
    with transaction(factory) as session:
        lease = session.get(Lease, "source:news")
        assert lease is not None
        lease.expires_at = now - dt.timedelta(seconds=1)
    run = open_run(config, config.select())
    assert lease_holders(config) == {"source:news": run.holder}
    close_run(run, [])


# --- (c): two shards at once, racing on the same documents ----------------------------------


def article_text(index: int) -> str:
    words = random.Random(index).choices(WORDS, k=150)
    return " ".join(words[:75]).capitalize() + ". " + " ".join(words[75:]).capitalize() + "."


def shared_site(server: HTTPServer) -> Site:
    """Ten feeds over eight articles: every article is listed by five feeds, in both orders."""
    site = Site(server)
    base = server.url_for("").rstrip("/")
    for index in range(ARTICLES):
        title = f"Report {index} on the {WORDS[index]} economy of city clusters"
        body = "".join(f"<p>{part}</p>" for part in article_text(index).split(". "))
        page = f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        page += f"<article><h1>{title}</h1>{body}</article></body></html>"
        site.put(f"/art{index}.html", page, "text/html; charset=utf-8")
    for number, name in enumerate(SOURCES):
        listed = [(number + k) % ARTICLES for k in range(4)]
        if number % 2:
            listed.reverse()
        items = [(f"/art{i}.html", f"Report {i}") for i in listed]
        site.put(f"/{name}.xml", feed_xml(base, items), "application/rss+xml")
    site.install()
    return site


def run_shard(config: Config, shard: str, barrier: threading.Barrier) -> dict[str, Any]:
    """One whole run over a shard, shaped like the monitor flow: sources stored in parallel."""
    try:
        barrier.wait()
        run = open_run(config, select_sources(config, None, shard))
        return asyncio.run(_harvest_and_store(run, barrier))
    except BaseException:
        barrier.abort()
        raise


async def _harvest_and_store(run: RunContext, barrier: threading.Barrier) -> dict[str, Any]:
    async with Fetcher(run.config.fetch) as fetcher:
        fetched = await asyncio.gather(*(harvest_source(run, fetcher, s) for s in run.sources))
    barrier.wait()  # both shards write at the same moment
    reports = await asyncio.gather(
        *(
            asyncio.to_thread(store_source, run, s, f)
            for s, f in zip(run.sources, fetched, strict=True)
        )
    )
    return close_run(run, list(reports))


def in_threads(*calls: Callable[[], dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the calls in parallel threads; re-raise the first error any of them raised."""
    results: list[Any] = [None] * len(calls)

    def target(index: int) -> None:
        try:
            results[index] = calls[index]()
        except BaseException as error:
            results[index] = error

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def test_two_shards_at_once_store_every_document_once(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    shared_site(httpserver)
    config = write_config(
        tmp_path, db_url, [(name, httpserver.url_for(f"/{name}.xml")) for name in SOURCES]
    )
    shards = {name: shard_of(name, 2) for name in SOURCES}
    assert sorted(shards.values()).count(1) >= 3 and sorted(shards.values()).count(2) >= 3

    barrier = threading.Barrier(2, timeout=120)  # a new database: both also load the seeds
    first, second = in_threads(
        lambda: run_shard(config, "1/2", barrier), lambda: run_shard(config, "2/2", barrier)
    )

    for report, index in ((first, 1), (second, 2)):
        assert {s["name"] for s in report["sources"]} == {
            name for name, shard in shards.items() if shard == index
        }
        assert [s for s in report["sources"] if s["status"] != "ok"] == []
        assert report["status"] == "completed"
    stored_new = first["totals"]["new"] + second["totals"]["new"]
    assert stored_new + first["totals"]["duplicates"] + second["totals"]["duplicates"] == ARTICLES

    _, factory = open_database(config)
    with factory() as session:
        per_url = dict(
            session.execute(
                select(Document.canonical_url, func.count()).group_by(Document.canonical_url)
            ).all()
        )
        versions = session.scalars(select(DocumentVersion.version)).all()
        leases = session.scalars(select(Lease)).all()
    expected = {httpserver.url_for(f"/art{i}.html") for i in range(ARTICLES)}
    assert set(per_url) == expected
    assert set(per_url.values()) == {1}
    assert sorted(versions) == [1] * ARTICLES  # a racing shard saw no change: no second version
    assert leases == []


# --- (d): the command line, while another run holds the source -------------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_cli_run_during_another_run_exits_1_naming_the_holder(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    config = news_config(httpserver, tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    holding = open_run(config, config.select())
    try:
        result = CliRunner().invoke(app, ["run", "--config", str(tmp_path / "agglowatch.yaml")])
    finally:
        close_run(holding, [])
    output = re.sub(r"\s+", " ", result.output)
    assert result.exit_code == 1, result.output
    assert "not started" in output and "being monitored by another run" in output
    assert holding.holder in output
    _, factory = open_database(config)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
