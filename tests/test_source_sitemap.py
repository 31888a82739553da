"""parsers/sitemap.py and the sitemap kind against a loopback site."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import zlib
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.config import FetchSettings, SitemapSource
from agglowatch.errors import ParseError
from agglowatch.records import Harvest, Validators
from parsers.sitemap import MAX_DECOMPRESSED, lastmod_date, parse_sitemap
from sources.base import SourceContext
from sources.http import Fetcher
from sources.sitemap import SitemapKind

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay=0, backoff=0.01, respect_robots=False
)
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)
YRD = "/news/2024/0530/yrd.html"
REPORT = "/news/2023/0116/report.html"
OLD = "/news/2019/0101/old.html"
UNDATED = "/news/undated.html"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """Gzip data that inflates past the 50 MB sitemap limit (about 60 KB on the wire)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * 1_000_000
    parts = [packer.compress(chunk) for _ in range(MAX_DECOMPRESSED // len(chunk) + 2)]
    return b"".join([*parts, packer.flush()])


def text(name: str, base: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", base)


def serve_site(httpserver: HTTPServer) -> str:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/sitemap_index.xml").respond_with_data(
        text("sitemap-index.xml", base), content_type="application/xml"
    )
    news = gzip.compress(text("sitemap-news.xml", base).encode())
    httpserver.expect_request("/sitemap-news.xml.gz").respond_with_data(
        news, content_type="application/x-gzip"
    )
    httpserver.expect_request("/sitemap-pages.xml").respond_with_data(
        text("sitemap-pages.xml", base), content_type="text/xml"
    )
    english = (FIXTURES / "article-en.html").read_bytes()
    chinese = (FIXTURES / "article-zh.gbk.html").read_bytes()
    for path, body in ((YRD, chinese), (REPORT, english), (OLD, english), (UNDATED, english)):
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html")
    return base


def source(base: str, **fields: Any) -> SitemapSource:
    settings = {
        "name": "site-map",
        "kind": "sitemap",
        "url": f"{base}/sitemap_index.xml",
        "exclude": "/about/",
    }
    return SitemapSource.model_validate({**settings, **fields})


def harvest(config: SitemapSource, validators: dict[str, Validators] | None = None) -> Harvest:
    async def go() -> Harvest:
        async with Fetcher(SETTINGS) as fetcher:
            page_fetcher = fetcher.for_source(config.name, validators)
            context = SourceContext(config=config, fetcher=page_fetcher, now=NOW)
            return await SitemapKind().harvest(context)

    return asyncio.run(go())


def requested(httpserver: HTTPServer) -> list[str]:
    return [request.path for request, _response in httpserver.log]


def test_index_with_gzipped_child(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    validators: dict[str, Validators] = {}
    result = harvest(source(base), validators)
    assert result.listed_urls == [base + p for p in (YRD, REPORT, OLD, UNDATED)]
    assert result.complete_listing
    titles = {d.listing_url: d.title for d in result.documents}
    assert titles[base + YRD] == "长三角城市群新基建投资持续加快"
    assert len(result.documents) == 4 and not result.stats.errors
    assert validators[base + YRD].lastmod == "2024-05-30T10:30:00+08:00"
    assert validators[base + UNDATED].lastmod is None


def test_unchanged_lastmod_is_not_fetched_again(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    validators: dict[str, Validators] = {}
    harvest(source(base), validators)
    httpserver.clear_log()
    validators[base + REPORT].lastmod = "2024-04-01"  # as if the sitemap said so last run
    before = dict(validators)  # what the runner keeps to save only what changed
    result = harvest(source(base), validators)
    assert before[base + REPORT].lastmod == "2024-04-01"  # new values in new objects
    assert validators[base + REPORT].lastmod == "2024-05-01"
    fetched = sorted(p for p in requested(httpserver) if p.startswith("/news/"))
    assert fetched == sorted([REPORT, UNDATED])  # lastmod moved; no lastmod: conditional GET
    assert [d.listing_url for d in result.documents] == []  # the bytes did not change
    assert len(result.listed_urls) == 4


def test_since_days_and_max_documents(httpserver: HTTPServer) -> None:
    base = serve_site(httpserver)
    result = harvest(source(base, since_days=10))
    assert [d.listing_url for d in result.documents] == [base + YRD]
    assert result.listed_urls == [base + p for p in (YRD, REPORT, OLD)]  # listed, not fetched
    assert "/sitemap-pages.xml" not in requested(httpserver)  # its lastmod is before the cutoff
    assert not result.complete_listing
    httpserver.clear_log()
    result = harvest(source(base, max_documents=1))
    assert [d.listing_url for d in result.documents] == [base + YRD]  # newest first
    assert any("3 changed URLs left" in w for w in result.warnings)


def test_failing_child_makes_the_listing_partial(httpserver: HTTPServer, bomb: bytes) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/sitemap_index.xml").respond_with_data(
        text("sitemap-index.xml", base)
    )
    httpserver.expect_request("/sitemap-news.xml.gz").respond_with_data(bomb)
    httpserver.expect_request("/sitemap-pages.xml").respond_with_data(
        text("sitemap-pages.xml", base)
    )
    httpserver.expect_request(UNDATED).respond_with_data(
        (FIXTURES / "article-en.html").read_bytes(), content_type="text/html"
    )
    result = harvest(source(base))
    assert not result.complete_listing
    assert result.listed_urls == [base + UNDATED]
    assert len(result.stats.errors) == 1 and "refused" in result.stats.errors[0]


def test_gzip_bomb_as_the_root_is_refused(httpserver: HTTPServer, bomb: bytes) -> None:
    httpserver.expect_request("/sitemap.xml.gz").respond_with_data(bomb)
    config = SitemapSource(name="b", kind="sitemap", url=httpserver.url_for("/sitemap.xml.gz"))
    with pytest.raises(ParseError, match="inflates beyond"):
        harvest(config)


def test_not_a_sitemap_is_a_parse_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        "<html><body>Page not found</body></html>", content_type="text/html"
    )
    config = SitemapSource(name="b", kind="sitemap", url=httpserver.url_for("/sitemap.xml"))
    with pytest.raises(ParseError, match="not a sitemap"):
        harvest(config)


def test_parser_reads_text_sitemaps_raw_ampersands_and_no_namespace() -> None:
    plain = parse_sitemap(b"https://a.example/1\nhttps://a.example/2\n", "u")
    assert [e.loc for e in plain.entries] == ["https://a.example/1", "https://a.example/2"]
    sloppy = parse_sitemap(
        b"<urlset><url><loc>https://a.example/?a=1&b=2</loc><lastmod>2024-01-02</lastmod>"
        b"</url></urlset>",
        "u",
    )
    assert sloppy.kind == "urlset"
    assert sloppy.entries[0].loc == "https://a.example/?a=1&b=2"
    assert sloppy.entries[0].lastmod == "2024-01-02"


def test_parser_refuses_entities_and_garbage() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<urlset><url><loc>https://x/&b;</loc></url></urlset>"
    )
    assert [e.loc for e in parse_sitemap(laughs, "u").entries] == ["https://x/"]
    with pytest.raises(ParseError):
        parse_sitemap(b"\x00\x01binary", "u")
    with pytest.raises(ParseError, match="broken gzip"):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage", "u")


def test_lastmod_date() -> None:
    assert lastmod_date("2024-05-30T10:30:00+08:00") == dt.date(2024, 5, 30)
    assert lastmod_date("2024-13-01") is None
    assert lastmod_date(None) is None
