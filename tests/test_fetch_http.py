"""sources/http.py against real loopback servers: validators, decoding, retries, caps, redirects."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import FetchSettings
from agglowatch.errors import BlockedURLError, FetchError, HTTPStatusError
from agglowatch.records import FetchedPage, Validators
from sources.base import PageFetcher
from sources.http import Fetcher, SourceFetcher, parse_retry_after

ZH = "长三角城市群高质量发展与新型基础设施建设"
ZH_TRAD = "粵港澳大灣區城市群協同創新"


def settings(**overrides: Any) -> FetchSettings:
    base: dict[str, Any] = {
        "allow_private_addresses": True,  # the test servers are on loopback
        "respect_robots": False,
        "per_host_delay": 0.0,
        "backoff": 0.01,
        "retries": 3,
        "timeout": 5.0,
    }
    return FetchSettings(**{**base, **overrides})


class RecordingSleep:
    """Injected sleep: records every requested wait and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def run(
    config: FetchSettings,
    body: Callable[[SourceFetcher], Awaitable[Any]],
    sleep: RecordingSleep | None = None,
) -> Any:
    async def main() -> Any:
        async with Fetcher(config, sleep=sleep or RecordingSleep()) as fetcher:
            return await body(fetcher.for_source("test"))

    return asyncio.run(main())


def get(url: str, config: FetchSettings | None = None, **kwargs: Any) -> FetchedPage:
    async def body(source: SourceFetcher) -> FetchedPage:
        return await source.get(url, **kwargs)

    page: FetchedPage = run(config or settings(), body)
    return page


@pytest.fixture(scope="module")
def threaded() -> Iterator[HTTPServer]:
    """A server that answers concurrent requests (slow handlers must not block the next test)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def slow_server(threaded: HTTPServer) -> HTTPServer:
    threaded.clear()
    return threaded


def test_source_fetcher_is_a_page_fetcher() -> None:
    async def body(source: SourceFetcher) -> PageFetcher:
        fetcher: PageFetcher = source  # checked by mypy against the protocol in sources/base.py
        return fetcher

    fetcher = run(settings(), body)
    assert fetcher.stats.requests == 0 and fetcher.validators == {}


# -- conditional GET and validators ------------------------------------------------------------


def test_etag_round_trip_gives_304(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(b"<p>hello</p>", content_type="text/html", headers={"ETag": '"v1"'})

    httpserver.expect_request("/page").respond_with_handler(handler)
    url = httpserver.url_for("/page")

    async def body(source: SourceFetcher) -> tuple[FetchedPage, FetchedPage, SourceFetcher]:
        return await source.get(url), await source.get(url), source

    first, second, source = run(settings(), body)
    assert first.status == 200 and first.content == b"<p>hello</p>"
    assert source.validators[url].etag == '"v1"'
    assert source.validators[url].content_hash == hashlib.sha256(b"<p>hello</p>").hexdigest()
    assert second.status == 304 and second.not_modified and second.content == b""
    assert second.validators.etag == '"v1"'
    assert source.stats.requests == 2 and source.stats.not_modified == 1
    assert source.stats.bytes == len(b"<p>hello</p>")
    sent = [req.headers.get("If-None-Match") for req, _ in httpserver.log]
    assert sent == [None, '"v1"']


def test_last_modified_only_and_validators_from_earlier_run(httpserver: HTTPServer) -> None:
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response(b"text", content_type="text/plain", headers={"Last-Modified": stamp})

    httpserver.expect_request("/lm").respond_with_handler(handler)
    url = httpserver.url_for("/lm")
    earlier = {url: Validators(last_modified=stamp, lastmod="2026-10-21")}

    async def body(source: SourceFetcher) -> FetchedPage:
        return await source.get(url)

    async def main() -> tuple[FetchedPage, FetchedPage]:
        async with Fetcher(settings(), sleep=RecordingSleep()) as fetcher:
            unchanged = await body(fetcher.for_source("a", earlier))
            fresh = await body(fetcher.for_source("b"))
            return unchanged, fresh

    unchanged, fresh = asyncio.run(main())
    assert unchanged.status == 304
    assert unchanged.validators.lastmod == "2026-10-21"
    assert fresh.status == 200 and fresh.validators.last_modified == stamp
    assert fresh.validators.etag is None
    sent = [
        (r.headers.get("If-Modified-Since"), r.headers.get("If-None-Match"))
        for r, _ in httpserver.log
    ]
    assert sent == [(stamp, None), (None, None)]


def test_unconditional_get_sends_no_validators_but_records_them(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/u").respond_with_data("new", headers={"ETag": '"n"'})
    url = httpserver.url_for("/u")
    validators = {url: Validators(etag='"old"', lastmod="2026-01-01")}

    async def body(source: SourceFetcher) -> FetchedPage:
        return await source.get(url, conditional=False)

    async def main() -> FetchedPage:
        async with Fetcher(settings()) as fetcher:
            return await body(fetcher.for_source("s", validators))

    page = asyncio.run(main())
    assert page.status == 200
    assert httpserver.log[0][0].headers.get("If-None-Match") is None
    assert validators[url].etag == '"n"' and validators[url].lastmod == "2026-01-01"


def test_unasked_304_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/x").respond_with_data("", status=304)
    with pytest.raises(HTTPStatusError, match="no conditional request"):
        get(httpserver.url_for("/x"))


def test_params_are_merged_and_key_the_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api", query_string={"q": "城市群", "rows": "2"}).respond_with_json(
        {"ok": True}, headers={"ETag": 'W/"j"'}
    )
    url = httpserver.url_for("/api")

    async def body(source: SourceFetcher) -> tuple[FetchedPage, dict[str, Validators]]:
        page = await source.get(url, params={"q": "城市群", "rows": "2"}, accept="application/json")
        return page, source.validators

    page, validators = run(settings(), body)
    assert page.content_type == "application/json"
    assert page.text is not None and json.loads(page.text) == {"ok": True}
    assert page.url.startswith(url + "?") and "rows=2" in page.url
    assert validators[page.url].etag == 'W/"j"'
    assert httpserver.log[0][0].headers["Accept"] == "application/json"


# -- decoding ----------------------------------------------------------------------------------


def test_gbk_charset_only_in_meta(httpserver: HTTPServer) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{ZH}</title></head><body><p>{ZH}。</p></body></html>"
    )
    httpserver.expect_request("/gbk").respond_with_data(
        html.encode("gbk"), content_type="text/html"
    )
    page = get(httpserver.url_for("/gbk"))
    assert page.content_type == "text/html"
    assert page.encoding == "gb18030"
    assert page.text is not None and f"<p>{ZH}。</p>" in page.text


def test_no_charset_anywhere_is_detected(httpserver: HTTPServer) -> None:
    html = (
        f"<html><head><title>新闻</title></head><body><p>{ZH}，推动区域协调发展。</p></body></html>"
    )
    httpserver.expect_request("/bare").respond_with_data(
        html.encode("gb18030"), content_type="text/html"
    )
    page = get(httpserver.url_for("/bare"))
    assert page.text is not None and f"<p>{ZH}，推动区域协调发展。</p>" in page.text


def test_big5_charset_in_header(httpserver: HTTPServer) -> None:
    html = f"<html><body><h1>{ZH_TRAD}</h1></body></html>"
    httpserver.expect_request("/big5").respond_with_data(
        html.encode("big5"), content_type="Text/HTML; Charset=Big5"
    )
    page = get(httpserver.url_for("/big5"))
    assert page.content_type == "text/html"
    assert page.encoding == "big5hkscs"
    assert page.text is not None and ZH_TRAD in page.text


def test_utf8_page_behind_a_wrong_gbk_header_is_read_as_utf8(httpserver: HTTPServer) -> None:
    html = f'<html><head><meta charset="utf-8"></head><body><p>{ZH}。</p></body></html>'
    httpserver.expect_request("/mislabelled").respond_with_data(
        html.encode("utf-8"), content_type="text/html; charset=gb2312"
    )
    page = get(httpserver.url_for("/mislabelled"))
    assert page.encoding == "utf-8"
    assert page.text is not None and f"<p>{ZH}。</p>" in page.text


def test_missing_content_type_is_sniffed_and_decoded(httpserver: HTTPServer) -> None:
    response = Response(f"<!DOCTYPE html><html><body>{ZH}</body></html>".encode("gb18030"))
    del response.headers["Content-Type"]
    httpserver.expect_request("/none").respond_with_response(response)
    page = get(httpserver.url_for("/none"))
    assert page.content_type == "text/html"
    assert page.text is not None and ZH in page.text


def test_octet_stream_html_is_decoded_but_pdf_is_not(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/html").respond_with_data(
        f"<html><body>{ZH}</body></html>".encode(), content_type="application/octet-stream"
    )
    httpserver.expect_request("/pdf").respond_with_data(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", content_type="application/octet-stream"
    )
    html = get(httpserver.url_for("/html"))
    pdf = get(httpserver.url_for("/pdf"))
    assert html.content_type == "text/html" and html.text is not None and ZH in html.text
    assert pdf.content_type == "application/pdf" and pdf.text is None


# -- retries -----------------------------------------------------------------------------------


def sequence(*responses: Response) -> Callable[[Request], Response]:
    """A handler answering with the given responses in turn, then repeating the last."""
    remaining = list(responses)

    def handler(request: Request) -> Response:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return handler


def test_503_twice_then_200(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/flaky").respond_with_handler(
        sequence(Response(status=503), Response(status=503), Response(b"ok"))
    )
    sleep = RecordingSleep()

    async def body(source: SourceFetcher) -> tuple[FetchedPage, int]:
        return await source.get(httpserver.url_for("/flaky")), source.stats.requests

    page, requests = run(settings(backoff=0.01), body, sleep)
    assert page.status == 200 and page.content == b"ok"
    assert requests == 3 == len(httpserver.log)
    assert sleep.calls == pytest.approx([0.01, 0.02])  # exponential backoff


def test_429_retry_after_seconds_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/busy").respond_with_handler(
        sequence(Response(status=429, headers={"Retry-After": "1"}), Response(b"done"))
    )
    sleep = RecordingSleep()

    async def body(source: SourceFetcher) -> FetchedPage:
        return await source.get(httpserver.url_for("/busy"))

    page = run(settings(backoff=0.01), body, sleep)
    assert page.content == b"done"
    assert len(sleep.calls) == 1 and sleep.calls[0] >= 1.0


def test_retry_after_too_long_gives_up_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/later").respond_with_data(
        "", status=503, headers={"Retry-After": "3600"}
    )
    sleep = RecordingSleep()

    async def body(source: SourceFetcher) -> FetchedPage:
        return await source.get(httpserver.url_for("/later"))

    with pytest.raises(HTTPStatusError, match=r"Retry-After") as caught:
        run(settings(), body, sleep)
    assert caught.value.status == 503
    assert "3600 s" in str(caught.value)
    assert len(httpserver.log) == 1 and sleep.calls == []


def test_parse_retry_after_http_date() -> None:
    import datetime as dt

    now = dt.datetime(2026, 10, 21, 7, 28, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now) == 0.0
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    assert parse_retry_after("nan") is None and parse_retry_after("-5") == 0.0


def test_500_forever_raises_after_all_attempts(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("boom", status=500)
    url = httpserver.url_for("/down")
    sleep = RecordingSleep()

    async def body(source: SourceFetcher) -> None:
        try:
            await source.get(url)
        finally:
            assert source.stats.requests == 4

    with pytest.raises(HTTPStatusError) as caught:
        run(settings(retries=3), body, sleep)
    assert caught.value.status == 500 and caught.value.url == url
    assert str(caught.value) == f"500 INTERNAL SERVER ERROR from {url} after 4 attempts"
    assert len(httpserver.log) == 4 and len(sleep.calls) == 3


def test_404_is_final_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with pytest.raises(HTTPStatusError, match="404") as caught:
        get(httpserver.url_for("/gone"))
    assert caught.value.status == 404
    assert len(httpserver.log) == 1


def test_timeout_raises_fetch_error_after_retries(slow_server: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response(b"late")

    slow_server.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(FetchError, match=r"no answer from .* after 2 attempts") as caught:
        get(slow_server.url_for("/slow"), settings(timeout=0.1, retries=1))
    assert not isinstance(caught.value, HTTPStatusError)


@pytest.fixture
def closing_server() -> Iterator[tuple[str, list[int]]]:
    """A raw TCP server that accepts and resets every connection without answering."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            conn.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/", accepted
    stop.set()
    thread.join()
    listener.close()


def test_connection_reset_raises_fetch_error(closing_server: tuple[str, list[int]]) -> None:
    url, accepted = closing_server

    async def body(source: SourceFetcher) -> None:
        try:
            await source.get(url)
        finally:
            assert source.stats.requests == 3

    with pytest.raises(FetchError, match=r"after 3 attempts") as caught:
        run(settings(retries=2), body)
    assert not isinstance(caught.value, HTTPStatusError)
    assert len(accepted) == 3


@pytest.fixture
def dripping_server() -> Iterator[str]:
    """A raw TCP server that answers 200 and then sends its body one byte every 50 ms, forever:
    no read ever waits long enough for a read timeout."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 99999\r\n\r\n"
            )
            while not stop.is_set():
                try:
                    conn.sendall(b"x")
                except OSError:
                    return
                time.sleep(0.05)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    stop.set()
    thread.join()
    listener.close()


def test_a_slow_drip_is_cut_at_the_deadline_and_says_so(dripping_server: str) -> None:
    with pytest.raises(FetchError, match=r"in all \(fetch.timeout 0.2 s x 10; a slow drip\?\)"):
        get(dripping_server, settings(timeout=0.2, retries=0))


# -- body size cap -----------------------------------------------------------------------------


def peak_memory(action: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def extra_memory(
    httpserver: HTTPServer, url: str, config: FetchSettings
) -> tuple[FetchedPage, int]:
    """Peak traced memory of fetching `url`, minus that of fetching a tiny page the same way
    (the client's own set-up, e.g. loading CA certificates, costs several MB by itself)."""
    httpserver.expect_request("/tiny").respond_with_data(b"tiny")
    peak_memory(lambda: get(httpserver.url_for("/tiny"), config))  # warm up imports
    _, baseline = peak_memory(lambda: get(httpserver.url_for("/tiny"), config))
    page, peak = peak_memory(lambda: get(url, config))
    assert isinstance(page, FetchedPage)
    return page, peak - baseline


def test_body_over_cap_is_truncated_with_bounded_memory(httpserver: HTTPServer) -> None:
    chunk = b"x" * 65536
    total = 32 * 1024 * 1024

    def stream() -> Iterator[bytes]:
        for _ in range(total // len(chunk)):
            yield chunk

    def handler(request: Request) -> Response:
        return Response(stream(), content_type="text/plain", headers={"Content-Length": str(total)})

    httpserver.expect_request("/big").respond_with_handler(handler)
    url = httpserver.url_for("/big")
    cap = 256 * 1024

    async def body(source: SourceFetcher) -> tuple[FetchedPage, list[str], int]:
        page = await source.get(url)
        return page, source.stats.truncated, source.stats.bytes

    page, truncated, counted = run(settings(max_bytes=cap), body)
    assert page.truncated and truncated == [url]
    assert len(page.content) == cap == counted
    _, extra = extra_memory(httpserver, url, settings(max_bytes=cap))
    # body, a copy and decoded text plus some MB of noise from the server thread; 32 MB if unbounded
    assert extra < 12 * 1024 * 1024


def test_body_exactly_at_cap_is_not_truncated(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fit").respond_with_data(b"a" * 1000)
    httpserver.expect_request("/over").respond_with_data(b"a" * 1001)
    fit = get(httpserver.url_for("/fit"), settings(max_bytes=1000))
    over = get(httpserver.url_for("/over"), settings(max_bytes=1000))
    assert not fit.truncated and len(fit.content) == 1000
    assert over.truncated and len(over.content) == 1000


def gzip_bomb(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    return b"".join([*(packer.compress(block) for _ in range(size // len(block))), packer.flush()])


def test_gzip_bomb_is_capped_on_decoded_bytes(httpserver: HTTPServer) -> None:
    bomb = gzip_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="application/octet-stream", headers={"Content-Encoding": "gzip"}
    )
    url = httpserver.url_for("/bomb")
    cap = 1024 * 1024
    page, extra = extra_memory(httpserver, url, settings(max_bytes=cap))
    assert page.truncated and len(page.content) == cap and page.content == bytes(cap)
    # the kept body and a copy plus noise from the server thread; an unbounded gzip decoder
    # inflates the first 64 KiB network chunk alone to about 64 MB
    assert extra < 16 * 1024 * 1024


@pytest.mark.parametrize("coding", ["gzip", "deflate-zlib", "deflate-raw"])
def test_compressed_pages_are_decoded(httpserver: HTTPServer, coding: str) -> None:
    html = f"<html><body>{ZH * 50}</body></html>".encode()
    if coding == "gzip":
        data, header = gzip.compress(html), "gzip"
    elif coding == "deflate-zlib":
        data, header = zlib.compress(html), "deflate"
    else:
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        data, header = packer.compress(html) + packer.flush(), "deflate"
    httpserver.expect_request("/z").respond_with_data(
        data, content_type="text/html; charset=utf-8", headers={"Content-Encoding": header}
    )
    page = get(httpserver.url_for("/z"))
    assert page.content == html and not page.truncated
    assert httpserver.log[0][0].headers["Accept-Encoding"] == "gzip, deflate"


def test_unsupported_content_encoding_is_a_clear_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/br").respond_with_data(
        b"\x0b\x02", headers={"Content-Encoding": "br"}
    )
    with pytest.raises(FetchError, match="Content-Encoding br"):
        get(httpserver.url_for("/br"))


# -- redirects and schemes ---------------------------------------------------------------------


def test_redirects_are_followed_and_final_url_kept(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/mid"}
    )
    httpserver.expect_request("/mid").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data("here")
    url = httpserver.url_for("/old")

    async def body(source: SourceFetcher) -> tuple[FetchedPage, int]:
        return await source.get(url), source.stats.requests

    page, requests = run(settings(), body)
    assert page.url == url and page.final_url == httpserver.url_for("/new")
    assert page.content == b"here" and requests == 3


def test_redirect_loop_is_a_fetch_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    url = httpserver.url_for("/a")
    with pytest.raises(FetchError, match="redirect loop") as caught:
        get(url)
    assert caught.value.url == url and url in str(caught.value)
    assert len(httpserver.log) == 2


def chain(httpserver: HTTPServer, hops: int) -> str:
    for index in range(hops):
        httpserver.expect_request(f"/r{index}").respond_with_data(
            "", status=307, headers={"Location": f"/r{index + 1}"}
        )
    httpserver.expect_request(f"/r{hops}").respond_with_data("end")
    return httpserver.url_for("/r0")


def test_five_redirects_are_fine(httpserver: HTTPServer) -> None:
    page = get(chain(httpserver, 5))
    assert page.content == b"end" and page.final_url.endswith("/r5")


def test_more_than_five_redirects_is_a_fetch_error(httpserver: HTTPServer) -> None:
    url = chain(httpserver, 6)
    with pytest.raises(FetchError, match="too many redirects") as caught:
        get(url)
    assert url in str(caught.value)
    assert len(httpserver.log) == 6  # the sixth Location is never requested


def test_redirect_without_location_is_a_status_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/nowhere").respond_with_data("", status=302)
    with pytest.raises(HTTPStatusError, match="without a Location") as caught:
        get(httpserver.url_for("/nowhere"))
    assert caught.value.status == 302


@pytest.mark.parametrize(
    "url", ["ftp://example.org/file.txt", "file:///etc/passwd", "gopher://x/", "/relative/path"]
)
def test_non_http_schemes_are_refused(url: str) -> None:
    async def body(source: SourceFetcher) -> int:
        with pytest.raises(BlockedURLError):
            await source.get(url)
        return source.stats.requests

    assert run(settings(), body) == 0


def test_user_agent_and_accept_language_are_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    get(httpserver.url_for("/ua"), settings(user_agent="agglowatch-test/9 (+mailto:a@b.c)"))
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == "agglowatch-test/9 (+mailto:a@b.c)"
    assert request.headers["Accept-Language"].startswith("zh-CN")
