"""Pages that move with <meta http-equiv="refresh">: the article is stored where it now lives."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.records import FetchedPage
from sources.refresh import refresh_target
from tests.e2e_site import ARTICLE_ZH, Site
from tests.test_pipeline_e2e import exported, make_config, run_once

BASE = "https://gov.example/art/2024/old.html"


def page(head: str, content_type: str = "text/html") -> FetchedPage:
    html = f"<html><head>{head}</head><body>正在跳转……</body></html>".encode()
    return FetchedPage(BASE, BASE, 200, html, content_type, {})


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta http-equiv="refresh" content="0; url=/art/2024/new.html">',
         "https://gov.example/art/2024/new.html"),
        ("<META HTTP-EQUIV=Refresh CONTENT='0;URL=http://www.gov.example/a.html'>",
         "http://www.gov.example/a.html"),
        ('<meta content="3,new.html" http-equiv="refresh">', "https://gov.example/art/2024/new.html"),
        ('<meta http-equiv="refresh" content="0; url=&quot;b.html&quot;">',
         "https://gov.example/art/2024/b.html"),
    ],
)  # fmt: skip
def test_refresh_targets(head: str, expected: str) -> None:
    assert refresh_target(page(head)) == expected


@pytest.mark.parametrize(
    "head",
    [
        '<meta http-equiv="refresh" content="300">',  # reloads itself every 5 minutes
        '<meta http-equiv="refresh" content="600; url=/elsewhere.html">',  # too slow to be a move
        f'<meta http-equiv="refresh" content="0; url={BASE}#top">',  # itself
        '<meta http-equiv="refresh" content="0; url=javascript:void(0)">',
        '<meta name="refresh" content="0; url=/x.html">',  # not http-equiv
    ],
)
def test_not_redirects(head: str) -> None:
    assert refresh_target(page(head)) is None


def test_only_html_is_read() -> None:
    head = '<meta http-equiv="refresh" content="0; url=/x.html">'
    assert refresh_target(page(head, "application/pdf")) is None


def test_a_moved_article_is_stored_at_its_new_address(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = Site(httpserver)
    body = "粤港澳大湾区城市群建设加快推进，广州、深圳、香港和澳门在科技创新方面深化合作。" * 4
    site.put(
        "/new.html", ARTICLE_ZH.format(title="大湾区科技创新合作深化", body=body).encode("gbk")
    )
    stub = '<html><head><meta http-equiv="refresh" content="0;url=/new.html"></head></html>'
    site.put("/old.html", stub)
    loop = '<html><head><meta http-equiv="refresh" content="0;url=/loop-{}.html"></head></html>'
    site.put("/loop-a.html", loop.format("b"))
    site.put("/loop-b.html", loop.format("a"))
    links = '<a href="/old.html">1</a><a href="/loop-a.html">2</a>'
    site.put("/list.html", f'<ul class="news">{links}</ul>')
    site.install()
    extra = f"""  - name: listing
    kind: html
    url: {httpserver.url_for("/list.html")}
    links: "ul.news a"
"""
    config = make_config(tmp_path, db_url, httpserver.url_for("/none.xml"), extra)
    report = run_once(config)
    assert report["totals"]["new"] == 1
    (stored,) = exported(config)
    assert stored["url"] == httpserver.url_for("/new.html")
    assert stored["title"] == "大湾区科技创新合作深化"
    assert site.hits["/loop-a.html"] + site.hits["/loop-b.html"] <= 4  # the loop is cut short

    again = run_once(config)
    assert again["totals"]["new"] == 0 and again["totals"]["updated"] == 0
