"""An unchanged listing page answers 304 and its links are reused; articles are still checked."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.test_pipeline_e2e import make_config, run_once
from tests.test_source_health import html_source, listing_site


def test_unchanged_listing_is_not_downloaded_again(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = listing_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/none.xml"), html_source(httpserver))
    totals = run_once(config)["totals"]
    assert totals["new"] + totals["duplicates"] == 2  # the two fixture stories share a template

    second = {s["name"]: s for s in run_once(config)["sources"]}["listing"]
    assert second["status"] == "not_modified"
    assert second["items"] == 2
    assert second["not_modified"] == 3  # the listing and both articles

    page = site.pages["/n1.html"][0].decode().replace("Story 1", "Story one, revised")
    site.put("/n1.html", page, "text/html")
    third = run_once(config)
    assert third["totals"]["updated"] == 1 and third["totals"]["removed"] == 0

    items = '<li><a href="/n1.html">1</a></li><li><a href="/n2.html">2</a></li>'
    site.put("/list.html", f'<html><body><ul class="news">{items}<!-- v2 --></ul></body></html>')
    asked_before = _requests_for(httpserver, "/list.html")
    fourth = {s["name"]: s for s in run_once(config)["sources"]}["listing"]
    assert fourth["items"] == 2 and fourth["status"] in ("ok", "not_modified")
    assert _requests_for(httpserver, "/list.html") == asked_before + 1  # a changed listing: once


def _requests_for(httpserver: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)
