"""sources/http.py politeness and economy against loopback servers: one retry budget per host and
run, Crawl-delay across slots, robots.txt cached (RFC 9309), pages cut at the cap remembered."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import FetchSettings
from agglowatch.errors import BlockedURLError, FetchError, HTTPStatusError
from agglowatch.records import Validators
from bench.world import Silent
from sources.http import Fetcher
from sources.robots import RobotsRecord, origin_key
from tests.test_fetch_http import RecordingSleep


def settings(**overrides: Any) -> FetchSettings:
    base: dict[str, Any] = {
        "allow_private_addresses": True,
        "respect_robots": False,
        "per_host_delay": 0.0,
        "backoff": 0.01,
        "retries": 2,
        "timeout": 5.0,
    }
    return FetchSettings(**{**base, **overrides})


def run(config: FetchSettings, body: Callable[[Fetcher], Awaitable[Any]], **options: Any) -> Any:
    async def main() -> Any:
        async with Fetcher(config, **options) as fetcher:
            return await body(fetcher)

    return asyncio.run(main())


def paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


@pytest.fixture
def threaded() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


# -- one retry budget per host and run ----------------------------------------------------------


def test_a_never_answering_host_is_asked_once_with_its_retries_then_refused() -> None:
    silent = Silent("silent").start()
    sleep = RecordingSleep()
    try:

        async def body(fetcher: Fetcher) -> tuple[list[str], int]:
            one, two = fetcher.for_source("one"), fetcher.for_source("two")
            errors = []
            for source, path in ((one, "/feed.xml"), (two, "/list.html"), (one, "/a.html")):
                with pytest.raises(FetchError) as caught:
                    await source.get(silent.url(path))
                errors.append(str(caught.value))
            return errors, one.stats.requests + two.stats.requests

        config = settings(timeout=0.3, retries=2, backoff=0.1)
        errors, requests = run(config, body, sleep=sleep)
    finally:
        silent.stop()
    assert silent.connections == 3 and requests == 3  # retries + 1, once for the whole run
    assert "no answer from" in errors[0] and "after 3 attempts" in errors[0]
    assert all("did not answer earlier in this run" in e for e in errors[1:])
    # backoff counts from the start of the timed-out attempt: no second wait after a timeout
    assert sleep.calls and max(sleep.calls) < 0.1


def test_a_failing_host_gets_one_attempt_per_request_until_it_answers(
    httpserver: HTTPServer,
) -> None:
    for path in ("/a", "/b", "/d"):
        httpserver.expect_request(path).respond_with_data("busy", status=503)
    httpserver.expect_request("/c").respond_with_data("fine")

    async def body(fetcher: Fetcher) -> None:
        source = fetcher.for_source("s")
        for path in ("/a", "/b"):
            with pytest.raises(HTTPStatusError):
                await source.get(httpserver.url_for(path))
        assert (await source.get(httpserver.url_for("/c"))).content == b"fine"
        with pytest.raises(HTTPStatusError, match="after 3 attempts"):
            await source.get(httpserver.url_for("/d"))

    run(settings(retries=2), body, sleep=RecordingSleep())
    assert paths(httpserver) == ["/a"] * 3 + ["/b", "/c"] + ["/d"] * 3


def test_a_source_can_have_a_smaller_budget(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("busy", status=503)

    async def body(fetcher: Fetcher) -> None:
        with pytest.raises(HTTPStatusError, match="after 1 attempt"):
            await fetcher.for_source("broken", retries=0).get(httpserver.url_for("/x"))

    run(settings(retries=3), body, sleep=RecordingSleep())
    assert paths(httpserver) == ["/x"]


# -- Crawl-delay across slots -------------------------------------------------------------------


def test_crawl_delay_holds_across_concurrent_slots_and_sources(threaded: HTTPServer) -> None:
    arrivals: list[float] = []
    lock = threading.Lock()

    def handler(request: Request) -> Response:
        with lock:
            arrivals.append(time.monotonic())
        time.sleep(0.05)
        if request.path == "/robots.txt":
            return Response("User-agent: *\nCrawl-delay: 0.25\n", content_type="text/plain")
        return Response("<p>x</p>", content_type="text/html")

    threaded.expect_request("/robots.txt").respond_with_handler(handler)
    for n in range(8):
        threaded.expect_request(f"/p{n}").respond_with_handler(handler)

    async def body(fetcher: Fetcher) -> None:
        a, b = fetcher.for_source("a"), fetcher.for_source("b")
        urls = [threaded.url_for(f"/p{n}") for n in range(8)]
        await asyncio.gather(*((a if n % 2 else b).get(u) for n, u in enumerate(urls)))

    run(settings(respect_robots=True, per_host_concurrency=2), body)
    times = sorted(arrivals)
    assert len(times) == 9
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.25


# -- robots.txt cached as RFC 9309 allows ---------------------------------------------------------


ROBOTS = "User-agent: *\nDisallow: /private/\n"


def cached(server: HTTPServer, age: dt.timedelta, **validators: str) -> dict[str, RobotsRecord]:
    key = origin_key(httpx.URL(server.url_for("/")))
    fetched = dt.datetime.now(dt.UTC) - age
    return {key: RobotsRecord(key, ROBOTS.encode(), fetched, **validators)}


def test_fresh_robots_txt_is_not_asked_for(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/open").respond_with_data("open")

    async def body(fetcher: Fetcher) -> dict[str, RobotsRecord]:
        source = fetcher.for_source("s")
        with pytest.raises(BlockedURLError):
            await source.get(httpserver.url_for("/private/x"))
        await source.get(httpserver.url_for("/open"))
        return fetcher.robots_updates

    cache = cached(httpserver, dt.timedelta(hours=23), etag='"r1"')
    updates = run(settings(respect_robots=True), body, robots_cache=cache)
    assert paths(httpserver) == ["/open"] and updates == {}


def test_stale_robots_txt_is_asked_conditionally_and_a_304_renews_it(
    httpserver: HTTPServer,
) -> None:
    seen: list[dict[str, str]] = []

    def robots(request: Request) -> Response:
        seen.append(dict(request.headers))
        return Response(status=304, headers={"ETag": '"r1"'})

    httpserver.expect_request("/robots.txt").respond_with_handler(robots)
    httpserver.expect_request("/open").respond_with_data("open")

    async def body(fetcher: Fetcher) -> dict[str, RobotsRecord]:
        source = fetcher.for_source("s")
        with pytest.raises(BlockedURLError):  # the cached rules still apply after the 304
            await source.get(httpserver.url_for("/private/x"))
        await source.get(httpserver.url_for("/open"))
        return fetcher.robots_updates

    last_modified = "Mon, 02 Dec 2024 08:00:00 GMT"
    cache = cached(httpserver, dt.timedelta(hours=25), etag='"r1"', last_modified=last_modified)
    updates = run(settings(respect_robots=True), body, robots_cache=cache)
    assert seen[0]["If-None-Match"] == '"r1"' and seen[0]["If-Modified-Since"] == last_modified
    (record,) = updates.values()
    assert record.body == ROBOTS.encode() and record.fresh(dt.datetime.now(dt.UTC))


def test_a_robots_txt_that_cannot_be_refreshed_applies_as_last_read(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=500)

    async def body(fetcher: Fetcher) -> list[str]:
        with pytest.raises(BlockedURLError):
            await fetcher.for_source("s").get(httpserver.url_for("/private/x"))
        return fetcher.robots_notes

    cache = cached(httpserver, dt.timedelta(days=3), etag='"r1"')
    notes = run(settings(respect_robots=True, retries=0), body, robots_cache=cache)
    assert len(notes) == 1 and "its copy of" in notes[0]


def test_robots_txt_read_this_run_is_handed_back_for_the_cache(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        ROBOTS, headers={"ETag": '"r2"', "Last-Modified": "Tue, 03 Dec 2024 08:00:00 GMT"}
    )
    httpserver.expect_request("/open").respond_with_data("open")

    async def body(fetcher: Fetcher) -> dict[str, RobotsRecord]:
        await fetcher.for_source("s").get(httpserver.url_for("/open"))
        return fetcher.robots_updates

    (record,) = run(settings(respect_robots=True), body).values()
    assert record.body == ROBOTS.encode() and record.etag == '"r2"'
    assert record.last_modified == "Tue, 03 Dec 2024 08:00:00 GMT"


# -- pages cut at the size cap --------------------------------------------------------------------


def test_a_cut_page_is_asked_conditionally_until_the_cap_is_raised(
    httpserver: HTTPServer,
) -> None:
    big = b"x" * 50_000
    headers: list[dict[str, str]] = []

    def page(request: Request) -> Response:
        headers.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"big"':
            return Response(status=304, headers={"ETag": '"big"'})
        return Response(big, headers={"ETag": '"big"'}, content_type="text/html")

    httpserver.expect_request("/big").respond_with_handler(page)
    url = httpserver.url_for("/big")
    validators: dict[str, Validators] = {}

    async def fetch(fetcher: Fetcher) -> tuple[int, bool, list[str]]:
        source = fetcher.for_source("s", validators)
        fetched = await source.get(url)
        return fetched.status, fetched.truncated, source.stats.cut_unchanged

    assert run(settings(max_bytes=10_000), fetch) == (200, True, [])
    assert validators[url].cut_at == 10_000 and validators[url].length == 50_000
    assert run(settings(max_bytes=10_000), fetch) == (304, False, [url])
    assert headers[1]["If-None-Match"] == '"big"'
    assert run(settings(max_bytes=100_000), fetch) == (200, False, [])  # the cap was raised
    assert "If-None-Match" not in headers[2]
    assert validators[url].cut_at is None


def test_a_cut_page_without_validators_is_recognised_by_length_and_first_bytes(
    httpserver: HTTPServer,
) -> None:
    body = {"data": bytes(range(256)) * 1200}  # 300 kB, no ETag, no Last-Modified

    def page(request: Request) -> Response:
        return Response(body["data"], content_type="application/octet-stream")

    httpserver.expect_request("/big").respond_with_handler(page)
    url = httpserver.url_for("/big")
    validators: dict[str, Validators] = {}

    async def fetch(fetcher: Fetcher) -> tuple[int, int, list[str]]:
        source = fetcher.for_source("s", validators)
        fetched = await source.get(url)
        return fetched.status, source.stats.bytes, source.stats.cut_unchanged

    cap = settings(max_bytes=200_000)
    assert run(cap, fetch) == (200, 200_000, [])
    assert validators[url].length == 307_200 and validators[url].head_hash
    status, read, unchanged = run(cap, fetch)
    assert status == 304 and read < 200_000 and unchanged == [url]  # stopped after the start
    body["data"] = b"edited" + body["data"][6:]
    assert run(cap, fetch) == (200, 200_000, [])  # same length, other start: read again
