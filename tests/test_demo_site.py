"""The demo's snapshot site: validators and 304s, the GBK page, and what version 2 changes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
from bs4 import BeautifulSoup
from protego import Protego

from demo.site import (
    CDRF_REPUBLISHED,
    CENTRAL_PLAINS,
    CHENGDU_CHONGQING,
    FEED_PATH,
    GREATER_BAY_AREA,
    JING_JIN_JI,
    PORTAL_INCLUDE,
    PORTAL_JING_JIN_JI,
    PORTAL_LINKS,
    PORTAL_MIDDLE_YANGTZE,
    PORTAL_PATH,
    YANGTZE_DELTA,
    Page,
    SnapshotServer,
    build_site,
    not_modified,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CDRF_SEED = "000_427ca8a6bf4e2fd1"


@pytest.fixture
def site() -> Iterator[SnapshotServer]:
    with SnapshotServer() as server:
        yield server


@pytest.fixture
def client(site: SnapshotServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base_url, timeout=10) as http:
        yield http


def _paragraphs(html: str, selector: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    return [p.get_text(strip=True) for p in soup.select(selector) if p.get_text(strip=True)]


def test_page_has_etag_of_its_body_then_answers_304(client: httpx.Client) -> None:
    first = client.get(CHENGDU_CHONGQING.path)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    assert first.headers["etag"] == '"' + hashlib.sha256(first.content).hexdigest() + '"'
    assert first.headers["last-modified"] == "Mon, 18 Mar 2024 02:30:00 GMT"

    by_etag = client.get(CHENGDU_CHONGQING.path, headers={"If-None-Match": first.headers["etag"]})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag.headers["etag"] == first.headers["etag"]

    since = {"If-Modified-Since": first.headers["last-modified"]}
    assert client.get(CHENGDU_CHONGQING.path, headers=since).status_code == 304
    stale = {"If-None-Match": '"stale"', **since}
    assert client.get(CHENGDU_CHONGQING.path, headers=stale).status_code == 200


def test_if_none_match_wins_over_if_modified_since() -> None:
    page = build_site(1, "http://127.0.0.1:1")[FEED_PATH]
    later = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert not not_modified(page, '"other"', later)
    assert not_modified(page, f'"other", W/{page.etag}', None)
    assert not_modified(page, "*", None)
    assert not_modified(page, None, later)
    assert not not_modified(page, None, "Sun, 01 Jan 2023 00:00:00 GMT")
    assert not not_modified(page, None, "not a date")


def test_gbk_page_declares_its_charset_only_in_meta(client: httpx.Client) -> None:
    answer = client.get(YANGTZE_DELTA.path)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        answer.content.decode("utf-8")
    text = answer.content.decode("gbk")
    assert "charset=gbk" in text
    assert "长三角科技创新共同体" in text
    assert YANGTZE_DELTA.title in text


def test_robots_allows_everything_and_unknown_paths_are_404(
    site: SnapshotServer, client: httpx.Client
) -> None:
    robots = client.get("/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    rules = Protego.parse(robots.text)
    assert rules.can_fetch(site.url(PORTAL_PATH), "agglowatch")
    assert rules.can_fetch(site.url(YANGTZE_DELTA.path), "agglowatch")
    assert client.get("/no/such/page.html").status_code == 404
    head = client.head(FEED_PATH)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(site.pages[FEED_PATH].body)
    assert [hit.status for hit in site.hits()] == [200, 404, 200]


def test_feed_names_the_served_article_pages(site: SnapshotServer, client: httpx.Client) -> None:
    feed = feedparser.parse(client.get(FEED_PATH).content)
    links = [urlsplit(entry.link).path for entry in feed.entries]
    assert sorted(links) == sorted(
        a.path for a in (CHENGDU_CHONGQING, JING_JIN_JI, YANGTZE_DELTA, CDRF_REPUBLISHED)
    )
    for entry in feed.entries:
        assert entry.link.startswith(site.base_url)
        page = client.get(entry.link)
        assert page.status_code == 200
        assert entry.title in page.content.decode(page.charset_encoding or "gbk")


def test_portal_links_selector_finds_its_two_articles(site: SnapshotServer) -> None:
    html = site.pages[PORTAL_PATH].body.decode("utf-8")
    found = [
        urlsplit(urljoin(site.url(PORTAL_PATH), str(a["href"]))).path
        for a in BeautifulSoup(html, "lxml").select(PORTAL_LINKS)
    ]
    wanted = [p for p in found if re.search(PORTAL_INCLUDE, p)]
    assert wanted == [PORTAL_MIDDLE_YANGTZE.path, PORTAL_JING_JIN_JI.path]
    assert all(path in site.pages for path in wanted)


def test_portal_republishes_the_beijing_article_under_another_headline(
    site: SnapshotServer,
) -> None:
    original = site.pages[JING_JIN_JI.path].body.decode("utf-8")
    copy = site.pages[PORTAL_JING_JIN_JI.path].body.decode("utf-8")
    body = _paragraphs(original, "#zoom p")
    assert len(body) >= 5
    assert _paragraphs(copy, "#detail p:not(.yuanbiaoti)") == body
    assert JING_JIN_JI.title != PORTAL_JING_JIN_JI.title
    assert JING_JIN_JI.title not in BeautifulSoup(copy, "lxml").h1.get_text()  # type: ignore[union-attr]


def test_cdrf_republication_carries_the_seed_text(site: SnapshotServer) -> None:
    seeds = sorted(SEEDS.glob(f"{CDRF_SEED}*")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(f"the seed {CDRF_SEED} is not in {SEEDS}")
    seed_text = " ".join(seeds[0].read_text(encoding="utf-8").split())
    html = site.pages[CDRF_REPUBLISHED.path].body.decode("utf-8")
    body = _paragraphs(html, ".news-content p")
    assert len(body) == 5
    assert all(" ".join(paragraph.split()) in seed_text for paragraph in body)
    assert CDRF_REPUBLISHED.title not in seed_text


def _fetch_all(client: httpx.Client, paths: list[str]) -> dict[str, httpx.Response]:
    return {path: client.get(path) for path in paths}


def test_version_two_adds_two_edits_one_and_keeps_the_rest(
    site: SnapshotServer, client: httpx.Client
) -> None:
    before = _fetch_all(client, sorted(site.pages))
    site.switch(2)
    after_pages: dict[str, Page] = site.pages
    assert set(after_pages) - set(before) == {GREATER_BAY_AREA.path, CENTRAL_PLAINS.path}
    assert set(before) <= set(after_pages)

    revalidated = {
        path: client.get(path, headers={"If-None-Match": answer.headers["etag"]})
        for path, answer in before.items()
    }
    changed = {path for path, answer in revalidated.items() if answer.status_code == 200}
    assert changed == {CHENGDU_CHONGQING.path, FEED_PATH}
    assert all(revalidated[p].status_code == 304 for p in set(before) - changed)

    edited = revalidated[CHENGDU_CHONGQING.path].text
    assert CHENGDU_CHONGQING.title not in edited
    assert "Knitting Together" in edited
    old_paragraphs = _paragraphs(before[CHENGDU_CHONGQING.path].text, ".news-content p")
    new_paragraphs = _paragraphs(edited, ".news-content p")
    assert len(new_paragraphs) == len(old_paragraphs) + 1
    assert old_paragraphs[:-1] == new_paragraphs[: len(old_paragraphs) - 1]

    feed = feedparser.parse(revalidated[FEED_PATH].content)
    assert len(feed.entries) == 6
    assert {h.version for h in site.hits()} == {1, 2}


def test_new_pages_are_in_their_languages(site: SnapshotServer, client: httpx.Client) -> None:
    site.switch(2)
    bay = client.get(GREATER_BAY_AREA.path)
    plains = client.get(CENTRAL_PLAINS.path)
    assert 'name="citation_title"' in bay.text and "Greater Bay Area" in bay.text
    assert "中原城市群" in plains.text and "新型城镇化" in plains.text
    with pytest.raises(ValueError):
        site.switch(3)


def test_demo_config_is_valid_and_points_at_the_site(tmp_path: Path) -> None:
    from agglowatch.config import FeedSource, HtmlSource, load_config
    from demo.__main__ import write_config

    path = write_config(tmp_path, "http://127.0.0.1:8765")
    config = load_config(path)
    assert config.path(config.output) == tmp_path / "out"
    assert config.fetch.allow_private_addresses and config.fetch.per_host_delay == 0
    feed, portal = config.sources
    assert isinstance(feed, FeedSource) and feed.url == "http://127.0.0.1:8765" + FEED_PATH
    assert isinstance(portal, HtmlSource) and portal.include == PORTAL_INCLUDE
    assert config.digest.email is None and len(config.digest.formats) == 5
