"""A stored article whose page fails one run (5xx, timeout, a loop) is not "updated" to what the
feed entry alone says; a document stored from its entry alone is deduplicated once its page is."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import Config, load_config
from tests.e2e_site import Site
from tests.test_faults import article_html
from tests.test_pipeline_e2e import exported, make_config, run_once


def feed_with_summaries(base: str, items: list[tuple[str, str, str]]) -> str:
    """RSS whose entries carry their own (shorter) title and a one-line description."""
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><description>{summary}"
        "</description><pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate></item>"
        for path, title, summary in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    )


def serve_two_articles(
    site: Site, tmp_path: Path, db_url: str, entries: list[tuple[str, str, str]]
) -> Config:
    """Two article pages (/a1.html, /a2.html) and a feed of `entries` for them, served; the
    config of a feed source reading it, after a first run that stored both."""
    base = site.url("").rstrip("/")
    site.put("/a1.html", article_html("Rail links for city clusters", seed=1))
    site.put("/a2.html", article_html("Data centres of the delta", seed=2))
    site.put("/feed.xml", feed_with_summaries(base, entries), "application/rss+xml")
    site.install()
    config = make_config(tmp_path, db_url, site.url("/feed.xml"))
    assert run_once(config)["totals"]["new"] == 2
    return config


class FailingSite(Site):
    """A Site whose pages named in `failing` answer 503 (every attempt)."""

    failing: set[str]

    def handle(self, request: Request) -> Response:
        if request.path in self.failing:
            self.hits[request.path] = self.hits.get(request.path, 0) + 1
            return Response("busy", status=503)
        return super().handle(request)


def test_a_stored_article_whose_page_fails_a_run_is_unchanged_not_updated(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = FailingSite(httpserver)
    site.failing = set()
    base = httpserver.url_for("").rstrip("/")
    entries = [
        ("/a1.html", "Rail links", "Intercity rail in brief."),
        ("/a2.html", "Data centres", "Data centres in brief."),
    ]
    config = serve_two_articles(site, tmp_path, db_url, entries)
    stored = {d["url"]: d for d in exported(config)}

    site.failing = {"/a1.html"}  # the server is busy for this page all run long...
    site.put("/a3.html", article_html("Ports of the bay", seed=3))  # ...as the feed grows
    entries.append(("/a3.html", "Ports", "Ports in brief."))
    site.put("/feed.xml", feed_with_summaries(base, entries), "application/rss+xml")
    failed = run_once(config)
    assert failed["updated"] == [] and [d["title"] for d in failed["new"]] == ["Ports of the bay"]
    assert any("a1.html" in w and "503" in w for w in failed["sources"][0]["warnings"])
    after = {d["url"]: d for d in exported(config)}
    a1 = site.url("/a1.html")
    assert after[a1]["title"] == stored[a1]["title"] == "Rail links for city clusters"
    assert after[a1]["text"] == stored[a1]["text"] and after[a1]["version"] == 1
    assert after[a1]["status"] == "active"

    site.failing = set()  # back: the same page as before, still nothing to report
    back = run_once(config)
    assert back["updated"] == [] and back["new"] == []


def test_a_copy_first_stored_from_its_feed_entry_is_a_duplicate_once_its_page_is_read(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """A portal's entry (a title only) is stored while its page fails; when the page comes, it
    is another site's article: the portal's document becomes that article's duplicate, not an
    update of a document of its own (the article would be shown again)."""
    site = FailingSite(httpserver)
    site.failing = {"/portal/x.html"}
    base = httpserver.url_for("").rstrip("/")
    original = article_html("Rail links for city clusters", seed=7)
    site.put("/origin/", '<html><body><a href="/origin/x.html">x</a></body></html>')
    site.put("/origin/x.html", original)
    site.put("/portal/x.html", original.replace("Home | News", "Portal | Sports | Weather"))
    entries = [("/portal/x.html", "Rail links (republished)", "")]
    site.put("/portal/feed.xml", feed_with_summaries(base, entries), "application/rss+xml")
    site.install()
    config = two_sources(tmp_path, db_url, httpserver)

    first = run_once(config)
    by_source = {d["url"]: d for d in first["new"]}
    assert set(by_source) == {site.url("/origin/x.html"), site.url("/portal/x.html")}
    origin_id = by_source[site.url("/origin/x.html")]["id"]

    site.failing = set()
    second = run_once(config)
    assert second["updated"] == [] and second["new"] == []
    (copy,) = second["duplicates"]
    assert copy["url"] == site.url("/portal/x.html")
    assert copy["duplicate_of"]["id"] == origin_id
    stored = {d["url"]: d for d in exported(config)}
    assert stored[site.url("/portal/x.html")]["duplicate_of"]["id"] == origin_id
    assert stored[site.url("/portal/x.html")]["title"] == "Rail links for city clusters"
    assert run_once(config)["duplicates"] == []  # reported once


def two_sources(tmp_path: Path, db_url: str, server: HTTPServer) -> Config:
    make_config(tmp_path, db_url, server.url_for("/portal/feed.xml"))  # writes the file
    path = tmp_path / "agglowatch.yaml"
    origin = f"""  - name: origin
    kind: html
    url: {server.url_for("/origin/")}
    include: '/origin/x'
"""
    path.write_text(path.read_text(encoding="utf-8") + origin, encoding="utf-8")
    return load_config(path)


def test_an_article_edited_behind_an_unchanged_feed_is_an_update(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """The feed answers 304 (same entries), but one of its pages was edited: the pages are still
    asked for (conditionally, as the html kind does), so the edit is not missed."""
    site = FailingSite(httpserver)
    site.failing = set()
    entries = [("/a1.html", "Rail links", ""), ("/a2.html", "Data centres", "")]
    config = serve_two_articles(site, tmp_path, db_url, entries)

    edited = article_html("Rail links for city clusters", seed=1).replace(
        "</article>", "<p>Correction: the line opens in 2026, not 2025.</p></article>"
    )
    site.put("/a1.html", edited)
    report = run_once(config)
    assert report["sources"][0]["not_modified"] >= 2  # the feed and the unchanged page
    (updated,) = report["updated"]
    assert updated["url"] == site.url("/a1.html")
    assert updated["changes"]["text"]["added"] == 1
    assert run_once(config)["updated"] == []  # once
