"""sources/http.py safety and politeness: private addresses, DNS rebinding, robots.txt, per-host
limits. Loopback servers throughout; public-looking names come from an injected resolver."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import FetchSettings
from agglowatch.errors import BlockedURLError, FetchError
from agglowatch.records import FetchedPage, FetchStats
from sources.hostlimits import host_key
from sources.http import Fetcher
from sources.netguard import is_public_address
from sources.robots import MAX_CRAWL_DELAY

PUBLIC_IP = "93.184.216.34"  # never contacted: every test routes to loopback or refuses first


def settings(**overrides: Any) -> FetchSettings:
    base: dict[str, Any] = {
        "allow_private_addresses": True,
        "respect_robots": False,
        "per_host_delay": 0.0,
        "backoff": 0.01,
        "retries": 1,
        "timeout": 5.0,
    }
    return FetchSettings(**{**base, **overrides})


class RecordingSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def table_resolver(table: dict[str, list[str]]) -> Callable[[str], Awaitable[list[str]]]:
    async def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError(f"unknown test host {host}")
        return table[host]

    return resolve


class RecordingTransport(httpx.AsyncBaseTransport):
    """Fails the test's expectations by recording anything that reaches the network layer."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, content=b"should not have been sent")


@pytest.fixture(scope="module")
def threaded() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def concurrent_server(threaded: HTTPServer) -> HTTPServer:
    threaded.clear()
    return threaded


# -- private addresses -------------------------------------------------------------------------


def test_loopback_url_is_refused_without_a_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/secret").respond_with_data("secret")

    async def main() -> FetchStats:
        async with Fetcher(settings(allow_private_addresses=False, respect_robots=True)) as fetcher:
            source = fetcher.for_source("s")
            with pytest.raises(BlockedURLError, match="allow_private_addresses"):
                await source.get(httpserver.url_for("/secret"))
            return source.stats

    stats = asyncio.run(main())
    assert stats.requests == 0 and httpserver.log == []  # not even robots.txt was asked for


@pytest.mark.parametrize(
    ("url", "table"),
    [
        ("http://intranet.example.org/", {"intranet.example.org": ["10.20.30.40"]}),
        ("http://mixed.example.org/", {"mixed.example.org": [PUBLIC_IP, "192.168.1.10"]}),
        ("http://meta.example.org/", {"meta.example.org": ["169.254.169.254"]}),
        ("http://v6.example.org/", {"v6.example.org": ["::ffff:127.0.0.1"]}),
        ("http://[::1]:8080/", {}),
        ("http://0.0.0.0/", {}),
        ("http://100.64.1.1/", {}),
    ],
)
def test_private_targets_are_refused_before_sending(url: str, table: dict[str, list[str]]) -> None:
    transport = RecordingTransport()

    async def main() -> None:
        config = settings(allow_private_addresses=False, respect_robots=True)
        async with Fetcher(config, transport=transport, resolver=table_resolver(table)) as fetcher:
            await fetcher.for_source("s").get(url)

    with pytest.raises(BlockedURLError, match="non-public address"):
        asyncio.run(main())
    assert transport.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/secret",
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://10.1.2.3/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://router.example.org/",
    ],
)
def test_redirect_to_private_address_is_refused(httpserver: HTTPServer, target: str) -> None:
    """The first hop goes to the loopback server under a name that resolves 'publicly' for the
    check (a plain transport then connects by the system resolver); the hop it redirects to must
    be refused before it is requested."""
    location = target.format(port=httpserver.port)
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": location}
    )
    httpserver.expect_request("/secret").respond_with_data("secret")
    resolver = table_resolver({"localhost": [PUBLIC_IP], "router.example.org": ["192.168.0.1"]})

    async def main() -> FetchStats:
        config = settings(allow_private_addresses=False)
        transport = httpx.AsyncHTTPTransport()
        async with Fetcher(config, transport=transport, resolver=resolver) as fetcher:
            source = fetcher.for_source("s")
            with pytest.raises(BlockedURLError, match="non-public"):
                await source.get(f"http://localhost:{httpserver.port}/go")
            return source.stats

    stats = asyncio.run(main())
    assert [request.path for request, _ in httpserver.log] == ["/go"]
    assert stats.requests == 1


def test_dns_rebinding_is_caught_at_connect_time(httpserver: HTTPServer) -> None:
    """The name resolves publicly for the pre-check and to loopback a moment later; the default
    transport connects only to addresses it checked itself, so nothing reaches the server."""
    httpserver.expect_request("/").respond_with_data("internal")
    answers = [[PUBLIC_IP], ["127.0.0.1"]]

    async def rebinding(host: str) -> list[str]:
        return answers.pop(0) if len(answers) > 1 else answers[0]

    async def main() -> None:
        config = settings(allow_private_addresses=False, retries=0)
        async with Fetcher(config, resolver=rebinding) as fetcher:
            await fetcher.for_source("s").get(f"http://rebind.example.org:{httpserver.port}/")

    with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1"):
        asyncio.run(main())
    assert httpserver.log == []


def test_default_transport_connects_to_the_resolved_address(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok").respond_with_data("reached")
    resolver = table_resolver({"site.example.org": ["127.0.0.1"]})
    url = f"http://site.example.org:{httpserver.port}/ok"

    async def main() -> FetchedPage:
        async with Fetcher(settings(), resolver=resolver) as fetcher:
            return await fetcher.for_source("s").get(url)

    page = asyncio.run(main())
    assert page.content == b"reached" and page.final_url == url
    assert httpserver.log[0][0].headers["Host"] == f"site.example.org:{httpserver.port}"


def test_unresolvable_host_is_a_fetch_error() -> None:
    async def main() -> None:
        config = settings(allow_private_addresses=False)
        async with Fetcher(config, resolver=table_resolver({})) as fetcher:
            await fetcher.for_source("s").get("http://nowhere.example.org/")

    with pytest.raises(FetchError, match=r"cannot resolve host nowhere\.example\.org"):
        asyncio.run(main())


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 wrapping 169.254.169.254
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


# -- robots.txt --------------------------------------------------------------------------------


def robots_run(
    config: FetchSettings,
    body: Callable[[Fetcher], Awaitable[Any]],
    sleep: RecordingSleep | None = None,
) -> Any:
    async def main() -> Any:
        async with Fetcher(config, sleep=sleep or RecordingSleep()) as fetcher:
            return await body(fetcher)

    return asyncio.run(main())


def test_robots_disallow_blocks_and_is_fetched_once_per_run(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n\nUser-agent: agglowatch\nDisallow: /drafts/\n",
        content_type="text/plain",
    )
    httpserver.expect_request("/public/a").respond_with_data("a")
    httpserver.expect_request("/public/b").respond_with_data("b")

    async def body(fetcher: Fetcher) -> tuple[FetchStats, FetchStats]:
        first, second = fetcher.for_source("one"), fetcher.for_source("two")
        await first.get(httpserver.url_for("/public/a"))
        await second.get(httpserver.url_for("/public/b"))
        with pytest.raises(BlockedURLError, match=r"robots.txt of localhost disallows .*/drafts/x"):
            await second.get(httpserver.url_for("/drafts/x"))
        # the agglowatch group replaces '*', so /private/ is allowed for us
        await first.get(httpserver.url_for("/public/a"))
        return first.stats, second.stats

    first, second = robots_run(settings(respect_robots=True), body)
    paths = [request.path for request, _ in httpserver.log]
    assert paths == ["/robots.txt", "/public/a", "/public/b", "/public/a"]
    assert first.requests == 3 and second.requests == 1  # robots.txt counts for who asked first


def test_robots_star_group_applies_when_no_group_names_us(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n"
    )
    httpserver.expect_request("/open").respond_with_data("open")

    async def body(fetcher: Fetcher) -> FetchedPage:
        source = fetcher.for_source("s")
        with pytest.raises(BlockedURLError):
            await source.get(httpserver.url_for("/private/x"))
        return await source.get(httpserver.url_for("/open"))

    page = robots_run(settings(respect_robots=True), body)
    assert page.content == b"open"


def test_crawl_delay_raises_the_host_delay(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 4\n")
    httpserver.expect_request("/p").respond_with_data("p")
    sleep = RecordingSleep()

    async def body(fetcher: Fetcher) -> float:
        source = fetcher.for_source("s")
        await source.get(httpserver.url_for("/p"))
        await source.get(httpserver.url_for("/p"))
        return fetcher.hosts.delay_for(host_key(httpx.URL(httpserver.url_for("/p"))))

    delay = robots_run(settings(respect_robots=True, per_host_delay=0.5), body, sleep)
    assert delay == 4.0
    # each request may start 4 s after the previous one was answered; the fake sleep lets no
    # time pass, so each page waits 4 s (less the few ms since that answer)
    assert sleep.calls == pytest.approx([4.0, 4.0], abs=0.5)


def test_crawl_delay_never_lowers_the_configured_delay_and_is_capped(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 0.1\n")
    httpserver.expect_request("/p").respond_with_data("p")

    async def body(fetcher: Fetcher) -> float:
        await fetcher.for_source("s").get(httpserver.url_for("/p"))
        return fetcher.hosts.delay_for(host_key(httpx.URL(httpserver.url_for("/p"))))

    assert robots_run(settings(respect_robots=True, per_host_delay=2.0), body) == 2.0
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nCrawl-delay: 86400\n"
    )
    httpserver.expect_request("/p").respond_with_data("p")
    assert robots_run(settings(respect_robots=True), body) == MAX_CRAWL_DELAY


def test_missing_robots_allows_all_silently(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("not here", status=404)
    httpserver.expect_request("/page").respond_with_data("page")

    async def body(fetcher: Fetcher) -> FetchStats:
        source = fetcher.for_source("s")
        await source.get(httpserver.url_for("/page"))
        assert fetcher.robots_notes == []
        return source.stats

    stats = robots_run(settings(respect_robots=True), body)
    assert stats.requests == 2 and stats.errors == []


def test_robots_server_error_allows_all_with_a_note(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=503)
    httpserver.expect_request("/page").respond_with_data("page")

    async def body(fetcher: Fetcher) -> tuple[FetchedPage, FetchStats, list[str]]:
        source = fetcher.for_source("s")
        page = await source.get(httpserver.url_for("/page"))
        return page, source.stats, fetcher.robots_notes

    page, stats, notes = robots_run(settings(respect_robots=True, retries=1), body)
    assert page.content == b"page"
    assert stats.requests == 3  # robots.txt twice (one retry), then the page
    assert len(notes) == 1 and "503" in notes[0] and "treated as allowed" in notes[0]
    assert stats.errors == notes


def test_unreachable_robots_allows_all_with_a_note() -> None:
    async def body(fetcher: Fetcher) -> tuple[list[str], FetchStats]:
        source = fetcher.for_source("s")
        with pytest.raises(FetchError, match=r"127\.0\.0\.1:9 did not answer earlier in this run"):
            await source.get("http://127.0.0.1:9/page")  # discard port: nothing listens
        return fetcher.robots_notes, source.stats

    notes, stats = robots_run(settings(respect_robots=True, retries=0), body)
    assert len(notes) == 1 and "robots.txt of 127.0.0.1 could not be read" in notes[0]
    assert stats.requests == 1  # robots.txt found the host down: the page was not asked for


# -- per-host politeness -----------------------------------------------------------------------


class InFlight:
    """Counts concurrent requests inside a slow handler."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.now = 0
        self.max = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.now += 1
            self.max = max(self.max, self.now)
        time.sleep(self.hold)
        with self._lock:
            self.now -= 1
        return Response(b"ok")


def test_per_host_concurrency_is_honoured(concurrent_server: HTTPServer) -> None:
    counter = InFlight(hold=0.15)
    concurrent_server.expect_request("/slow").respond_with_handler(counter)
    url = concurrent_server.url_for("/slow")

    async def body(fetcher: Fetcher) -> list[FetchedPage]:
        sources = [fetcher.for_source("a"), fetcher.for_source("b")]
        jobs = [sources[i % 2].get(url, conditional=False) for i in range(6)]
        return list(await asyncio.gather(*jobs))

    pages = robots_run(settings(per_host_concurrency=2), body)
    assert [p.content for p in pages] == [b"ok"] * 6
    assert counter.max == 2  # never more than two in flight, and the two did overlap


def test_different_hosts_proceed_in_parallel(concurrent_server: HTTPServer) -> None:
    counter = InFlight(hold=0.3)
    concurrent_server.expect_request("/slow").respond_with_handler(counter)
    port = concurrent_server.port
    resolver = table_resolver({"a.example.org": ["127.0.0.1"], "b.example.org": ["127.0.0.1"]})

    async def main() -> None:
        config = settings(per_host_concurrency=1)
        async with Fetcher(config, resolver=resolver) as fetcher:
            source = fetcher.for_source("s")
            await asyncio.gather(
                source.get(f"http://a.example.org:{port}/slow"),
                source.get(f"http://b.example.org:{port}/slow"),
            )

    asyncio.run(main())
    assert counter.max == 2


def test_per_host_delay_spaces_request_starts(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/d").respond_with_data("d")
    sleep = RecordingSleep()

    async def body(fetcher: Fetcher) -> None:
        source = fetcher.for_source("s")
        await asyncio.gather(*(source.get(httpserver.url_for("/d")) for _ in range(3)))

    robots_run(settings(per_host_delay=2.0, per_host_concurrency=3), body, sleep)
    # three concurrent requests take turns: each starts 2 s after the previous one was answered
    # (the fake sleep lets no time pass)
    assert sorted(sleep.calls) == pytest.approx([2.0, 2.0], abs=0.2)
