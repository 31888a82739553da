"""Sources that break are noticed: selectors that stop matching, repeated failures, lost dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytest_httpserver import HTTPServer

from agglowatch.runner import open_database, utcnow
from digest.service import make_digest
from tests.e2e_site import ARTICLE_EN, Site
from tests.test_pipeline_e2e import make_config, run_once

LISTING = '<html><body><ul class="news">{items}</ul></body></html>'
REDESIGNED = '<html><body><div class="cards">{items}</div></body></html>'


def listing_site(server: HTTPServer) -> Site:
    site = Site(server)
    items = ""
    for n in (1, 2):
        body = f"Article number {n} on a different subject: " + ("word " * 40) * n
        site.put(f"/n{n}.html", ARTICLE_EN.format(title=f"Story {n}", body=body), "text/html")
        items += f'<li><a href="/n{n}.html">Story {n}</a></li>'
    site.put("/list.html", LISTING.format(items=items), "text/html")
    site.put("/cards.html", REDESIGNED.format(items=items.replace("li>", "span>")), "text/html")
    site.install()
    return site


def html_source(server: HTTPServer) -> str:
    return f"""  - name: listing
    kind: html
    url: {server.url_for("/list.html")}
    links: "ul.news a"
"""


def test_selector_that_stops_matching_is_broken(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = listing_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/none.xml"), html_source(httpserver))
    first = {s["name"]: s for s in run_once(config)["sources"]}["listing"]
    assert first["status"] == "ok" and first["items"] == 2

    site.put("/list.html", site.pages["/cards.html"][0], "text/html")  # the site was redesigned
    second = {s["name"]: s for s in run_once(config)["sources"]}["listing"]
    assert second["status"] == "broken"
    assert "selector" in second["error"]
    assert second["failures_in_row"] == 1
    assert second["last_ok"] is not None

    third = {s["name"]: s for s in run_once(config)["sources"]}["listing"]
    assert third["status"] == "broken" and third["failures_in_row"] == 2


def test_failing_source_turns_broken_and_the_digest_names_it(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    listing_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/none.xml"), html_source(httpserver))
    statuses = []
    for _ in range(3):
        report = run_once(config)
        statuses.append({s["name"]: s for s in report["sources"]}["news"]["status"])
    assert statuses == ["error", "error", "broken"]
    assert report["status"] == "partial"

    _, factory = open_database(config)
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    digest = make_digest(factory, config, since=start, send=False, now=utcnow())
    broken = {s["name"]: s for s in digest["broken_sources"]}
    assert broken["news"]["status"] == "broken"
    assert broken["news"]["failures_in_row"] == 3


def test_one_undated_new_page_does_not_make_a_source_broken(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """A single new page without a date (a notice, a page whose date meta was dropped) is not a
    layout change; every page of a larger batch losing its date still is."""
    site = listing_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/none.xml"), html_source(httpserver))
    assert {s["name"]: s for s in run_once(config)["sources"]}["listing"]["status"] == "ok"

    def undated(n: int, words: str) -> str:
        page = ARTICLE_EN.format(title=f"Notice {n}", body=f"Notice {n}: " + words * 30)
        return page.replace('<meta name="citation_publication_date" content="2024/03/05">', "")

    items = "".join(f'<li><a href="/n{n}.html">Story {n}</a></li>' for n in (1, 2, 3))
    site.put("/n3.html", undated(3, "parking "), "text/html")
    site.put("/list.html", LISTING.format(items=items), "text/html")
    report = run_once(config)
    listing = {s["name"]: s for s in report["sources"]}["listing"]
    assert listing["status"] == "ok" and listing["error"] is None
    stored = [d["url"] for d in report["new"]] + [d["url"] for d in report["duplicates"]]
    assert stored == [site.url("/n3.html")]

    for n, word in [(1, "tickets "), (2, "opening "), (3, "closure ")]:  # the site's dates vanish
        site.put(f"/n{n}.html", undated(n, word), "text/html")
    listing = {s["name"]: s for s in run_once(config)["sources"]}["listing"]
    assert listing["status"] == "broken" and "no date" in listing["error"]
