"""A loopback world of 12 sources, 3 of them dead (bench/world.py), run as the flow runs it.

What the server side saw is asserted: dead hosts are asked once per run (their retries spent
once), an unchanged world is asked only conditionally (robots.txt and sitemaps included), a page
cut at the size cap is not downloaded again, Crawl-delay holds across concurrent slots, and a
source broken for broken_after runs is tried once until it answers again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from agglowatch.config import Config, load_config
from agglowatch.runner import close_run, open_database, open_run, run_sources
from bench.world import World, build_world, gaps, write_config
from storage.models import RobotsTxt

RETRIES = 2
# a loaded machine can take over 0.5 s to answer on loopback: a 500 host then looks silent
TIMEOUT = 1.0
DELAY = 0.3
CAP = 100_000


@pytest.fixture
def world() -> Iterator[World]:
    built = build_world(articles=3, crawl_delay=DELAY, big_bytes=3 * CAP)
    try:
        yield built
    finally:
        built.stop()


def run(config: Config) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        ctx = open_run(config, config.select())
        return close_run(ctx, await run_sources(ctx))

    return asyncio.run(go())


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in report["sources"]}


def world_config(tmp_path: Path, world: World, database: str | None = None) -> Config:
    fetch = {"timeout": TIMEOUT, "retries": RETRIES, "backoff": 0.05, "max_bytes": CAP}
    return load_config(write_config(tmp_path, world, database, **fetch))


def age_robots(config: Config, hours: int) -> None:
    _, factory = open_database(config)
    with factory.begin() as session:
        old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
        session.execute(update(RobotsTxt).values(fetched_at=old))


def test_an_unchanged_world_is_asked_conditionally_and_dead_hosts_once(
    tmp_path: Path, world: World, db_url: str
) -> None:
    config = world_config(tmp_path, world, db_url)
    silent = world.silent[0]
    failing = next(site for site in world.sites if site.name == "dead-500")

    first = by_name(run(config))
    assert {n for n, e in first.items() if e["status"] == "ok"} == world.healthy
    assert {n for n, e in first.items() if e["status"] == "error"} == {
        "dead-500", "dead-silent", "dead-loop",
    }  # fmt: skip
    # the never-answering host: robots.txt with its retries, then nothing more this run
    assert silent.connections == RETRIES + 1
    assert "did not answer earlier in this run" in first["dead-silent"]["error"]
    assert first["dead-silent"]["requests"] == RETRIES + 1
    # the always-500 host: its retries are spent once (robots.txt), the feed gets one attempt
    paths = [hit.path for hit in failing.hits]
    assert paths.count("/robots.txt") == RETRIES + 1 and paths.count("/feed.xml") == 1
    big = next(site for site in world.sites if site.name == "big-1")
    assert [h.status for h in big.hits if h.path == "/huge.html"] == [200]
    assert any("cut at the size cap" in w for w in first["big-1"]["warnings"])

    mark = world.mark()
    second = by_name(run(config))
    healthy = world.since(mark, world.healthy)
    conditional = sum(hit.conditional for hit in healthy)
    assert healthy and conditional / len(healthy) >= 0.99
    assert {hit.status for hit in healthy} == {304}
    assert not [hit for hit in healthy if hit.path == "/robots.txt"]  # cached, fresh for 24 h
    assert any(hit.path.endswith(".xml.gz") for hit in healthy)  # sitemaps asked, conditionally
    assert {second[n]["status"] for n in world.healthy} == {"not_modified"}
    assert any("not downloaded again" in w for w in second["big-1"]["warnings"])
    assert silent.connections == 2 * (RETRIES + 1)  # once per run
    assert (
        second["dead-silent"]["status"] == "broken" and not second["dead-silent"]["single_attempt"]
    )

    age_robots(config, hours=25)
    mark = world.mark()
    third = by_name(run(config))
    healthy = world.since(mark, world.healthy)
    robots = [hit for hit in healthy if hit.path == "/robots.txt"]
    assert len(robots) == len(world.healthy) and all(hit.conditional for hit in robots)
    assert {hit.status for hit in healthy} == {304}
    assert sum(hit.sent for hit in healthy) == 0  # not one byte of body: all unchanged
    # broken for broken_after (2) runs: tried once, without retries, and the report says so
    assert silent.connections == 2 * (RETRIES + 1) + 1
    entry = third["dead-silent"]
    assert entry["status"] == "broken" and entry["single_attempt"] is True
    assert any("tried once, without retries" in w for w in entry["warnings"])
    assert [hit.path for hit in world.since(mark, {"dead-500"})] == ["/robots.txt", "/feed.xml"]
    assert not third["feed-1"]["single_attempt"]


def test_crawl_delay_holds_between_all_requests_of_a_host(tmp_path: Path, world: World) -> None:
    """per_host_concurrency 2, six articles: the server never sees two requests closer than the
    Crawl-delay of its robots.txt (measured on arrival)."""
    config = world_config(tmp_path, world)
    site = world.crawl_delay_site
    assert site is not None
    run(config)
    assert len(site.hits) >= 8  # robots.txt, the listing and six articles
    assert min(gaps(site.hits)) >= DELAY
    before = len(site.hits)
    run(config)  # robots.txt from the cache: its Crawl-delay still applies
    assert min(gaps(site.hits[before:])) >= DELAY
