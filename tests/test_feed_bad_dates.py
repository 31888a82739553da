"""Feed entries with impossible dates ("0000-00-00", 30 February, month 13): the source is read,
and such a date is no date (not feedparser's roll-over into the next month or year)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.e2e_site import Site
from tests.test_faults import article_html
from tests.test_pipeline_e2e import exported, make_config, run_once

BAD_DATES = [
    "0000-00-00 00:00:00",  # what many Chinese CMSs print for "no date"
    "2024-02-30",
    "2024-13-45T00:00:00Z",
    "2024-00-10",
]


def undated_article(title: str, seed: int) -> str:
    page = article_html(title, seed)
    return page.replace('<meta name="citation_publication_date" content="2024/03/05">', "")


@pytest.mark.parametrize("bad", BAD_DATES)
def test_an_impossible_entry_date_is_no_date_and_the_feed_is_read(
    httpserver: HTTPServer, tmp_path: Path, db_url: str, bad: str
) -> None:
    site = Site(httpserver)
    base = httpserver.url_for("").rstrip("/")
    dates = {"/a1.html": bad, "/a2.html": "Tue, 05 Mar 2024 08:00:00 GMT"}
    for n, path in enumerate(dates):
        site.put(path, undated_article(f"Article {n} on city clusters", seed=n))
    items = "".join(
        f"<item><title>Entry {path}</title><link>{base}{path}</link>"
        f"<pubDate>{date}</pubDate></item>"
        for path, date in dates.items()
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    )
    site.put("/feed.xml", feed, "application/rss+xml")
    site.install()
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))

    report = run_once(config)
    (source,) = report["sources"]
    assert source["status"] == "ok" and source["error"] is None
    assert report["totals"]["new"] == 2
    published = {d["url"].rsplit("/", 1)[-1]: d["published"] for d in exported(config)}
    assert published == {"a1.html": None, "a2.html": "2024-03-05"}
