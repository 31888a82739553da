"""The feed kind end to end against a loopback site (and the kind registry)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import FeedSource, FetchSettings
from agglowatch.errors import ParseError
from agglowatch.records import Harvest, Validators
from sources.base import SourceContext, kind_for
from sources.feed import FeedKind
from sources.http import Fetcher
from sources.registry import load_kinds

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay=0, backoff=0.01, respect_robots=False
)
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)
YRD = "/xwzx/2024/0530/yrd.html"
REPORT = "/en/news/2023/0116/report.html"


class Site:
    """Pages with ETags that answer 304 to a matching If-None-Match, as real servers do."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.base = httpserver.url_for("").rstrip("/")
        self.pages: dict[str, tuple[bytes, str]] = {}
        httpserver.expect_request("").respond_with_handler(self.answer)
        self.log: list[tuple[str, int]] = []

    def put(self, path: str, body: bytes, content_type: str = "text/html") -> None:
        self.pages[path] = (body, content_type)

    def answer(self, request: Request) -> Response:
        if request.path not in self.pages:
            self.log.append((request.path, 404))
            return Response("<html><body>404 页面不存在</body></html>", status=404)
        body, content_type = self.pages[request.path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.log.append((request.path, 304))
            return Response(status=304, headers={"ETag": etag})
        self.log.append((request.path, 200))
        return Response(body, content_type=content_type, headers={"ETag": etag})


def feed_body(site: Site, name: str = "feed-rss.xml") -> bytes:
    return (FIXTURES / name).read_text(encoding="utf-8").replace("{base}", site.base).encode()


@pytest.fixture
def site(httpserver: HTTPServer) -> Site:
    site = Site(httpserver)
    site.put("/feed.xml", feed_body(site), "application/rss+xml")
    site.put(YRD, (FIXTURES / "article-zh.gbk.html").read_bytes())  # charset only in <meta>
    site.put(REPORT, (FIXTURES / "article-en.html").read_bytes())
    return site


def harvest(
    config: FeedSource,
    validators: dict[str, Validators] | None = None,
    state: dict[str, Any] | None = None,
) -> Harvest:
    async def go() -> Harvest:
        async with Fetcher(SETTINGS) as fetcher:
            context = SourceContext(
                config=config,
                fetcher=fetcher.for_source(config.name, validators),
                state=state or {},
                now=NOW,
            )
            return await FeedKind().harvest(context)

    return asyncio.run(go())


def source(site: Site, **fields: Any) -> FeedSource:
    return FeedSource.model_validate(
        {"name": "news-zh", "kind": "feed", "url": site.base + "/feed.xml", **fields}
    )


def test_feed_end_to_end_with_a_gbk_article(site: Site) -> None:
    result = harvest(source(site))
    assert result.listed_urls == [site.base + YRD, site.base + REPORT]
    zh, en = result.documents
    assert zh.title == "长三角城市群新基建投资持续加快"
    assert "5G基站、数据中心和工业互联网平台" in zh.text
    assert zh.published == dt.date(2024, 5, 30) and zh.language == "zh"
    assert zh.listing_url == site.base + YRD
    assert en.title == "New Infrastructure and High-Quality Development of Urban Agglomerations"
    assert en.canonical_url == "https://foundation.example.org/news/2023/0116/report.html"
    assert en.published == dt.date(2023, 1, 16)
    assert not result.stats.errors and result.dates_unparsed == 0
    assert result.state == {"listed": result.listed_urls}


def test_second_run_uses_304s_and_yields_only_what_changed(site: Site) -> None:
    validators: dict[str, Validators] = {}
    first = harvest(source(site), validators)
    site.log.clear()
    result = harvest(source(site), validators, first.state)
    # the feed is unchanged, and its pages are asked for conditionally (edits behind a 304 feed)
    assert sorted(site.log) == sorted([("/feed.xml", 304), (YRD, 304), (REPORT, 304)])
    assert result.documents == [] and result.listed_urls == first.listed_urls
    assert result.stats.not_modified == 3
    changed = (FIXTURES / "article-en.html").read_text().replace("January 16", "16 January")
    site.put(REPORT, changed.encode())
    site.put("/feed.xml", feed_body(site) + b"\n", "application/rss+xml")
    site.log.clear()
    result = harvest(source(site), validators, first.state)
    assert sorted(site.log) == sorted([("/feed.xml", 200), (YRD, 304), (REPORT, 200)])
    assert [d.listing_url for d in result.documents] == [site.base + REPORT]
    assert len(result.listed_urls) == 2


def test_feed_whose_article_pages_404_still_yields_its_entries(site: Site) -> None:
    del site.pages[YRD], site.pages[REPORT]
    result = harvest(source(site))
    zh, en = result.documents
    assert zh.title == "长三角城市群新基建投资持续加快"
    assert zh.text == "长三角城市群新型基础设施建设投资持续加快。"
    assert zh.published == dt.date(2024, 5, 30) and zh.authors == ["王明"]
    assert en.listing_url == site.base + REPORT
    assert len(result.stats.errors) == 2 and all("404" in e for e in result.stats.errors)


def test_entries_alone_when_articles_are_not_fetched(site: Site) -> None:
    result = harvest(source(site, fetch_articles=False))
    zh, en = result.documents
    assert zh.title == "长三角城市群新基建投资持续加快" and zh.extra["from_feed"]
    assert (
        en.text
        == "The foundation released its report on new infrastructure and urban agglomerations."
    )
    assert [path for path, _status in site.log] == ["/feed.xml"]


def test_a_page_that_is_not_a_feed_fails_the_source(site: Site) -> None:
    site.put("/feed.xml", (FIXTURES / "article-en.html").read_bytes())
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        harvest(source(site))


def test_registry_knows_every_kind() -> None:
    kinds = load_kinds()
    assert sorted(kinds) == ["crossref", "feed", "folder", "html", "openalex", "sitemap"]
    for name, cls in kinds.items():
        assert cls.kind == name and (cls.__doc__ or "").strip()
        assert type(kind_for(name)) is cls
