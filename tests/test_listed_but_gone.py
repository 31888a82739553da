"""A stored article still named by its listing or feed whose page is gone (404, 410, a redirect to
the home page) is removed after `removed_after` runs, as one missing from the listing is.

Listings and feeds often keep naming an article after it was taken down (a cached section page,
a feed that re-sends its last entries). The link alone kept the document "present": it was
never reported removed and stayed `active` in the export however long its page answered 410.
"""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.e2e_site import Site
from tests.test_feed_page_fails_later import feed_with_summaries, serve_two_articles
from tests.test_pipeline_e2e import exported, make_config, run_once
from tests.test_qa4_redirects import BODIES, HOME, Redirecting
from tests.test_removal import set_feed, site_with
from tests.test_rounds_of_change import article, html_config, listing

PATHS = ["/news/a1.html", "/news/a2.html", "/news/a3.html"]
TITLES = ["Chengdu-Chongqing builds new infrastructure", "Bay Area labs", "Middle Yangtze rail"]
LIVE = "/news/live.html"  # an article that stays up
LIVE_BODY = [
    "Harbin and Changchun are offering housing subsidies and start-up loans to keep graduates "
    "in the northeast, where cities of the urban agglomeration are losing people.",
    "Planners say a shrinking population calls for compact development and better services in "
    "existing neighbourhoods instead of new districts on the edge of town.",
]


class Gone(Redirecting):
    """A Redirecting site whose `dead` paths answer with the given status."""

    dead: dict[str, int]

    def handle(self, request: Request) -> Response:
        if request.path in getattr(self, "dead", {}):
            return Response("gone", status=self.dead[request.path])
        return super().handle(request)


def news_site(server: HTTPServer) -> Gone:
    site = Gone(server)
    site.moves, site.dead = {}, {}
    site.put("/", HOME)
    site.put("/copies/", listing([]))
    site.put("/news/", listing([*PATHS, LIVE]))
    for path, title, body in zip(PATHS, TITLES, BODIES, strict=True):
        site.put(path, article(title, body))
    site.put(LIVE, article("Harbin-Changchun keeps its graduates", LIVE_BODY))
    site.install()
    return site


def statuses(config: object) -> dict[str, str]:
    return {doc["url"].rsplit("/", 1)[-1]: doc["status"] for doc in exported(config)}  # type: ignore[arg-type]


def test_a_listed_article_whose_page_is_gone_is_removed_then_back(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = news_site(httpserver)
    config = html_config(tmp_path, db_url, site, removed_after=2)
    assert run_once(config)["totals"]["new"] == 4

    site.dead = {"/news/a1.html": 404, "/news/a2.html": 410}
    site.moves = {"/news/a3.html": "/"}  # the listing still names all three
    first, second, third = (run_once(config) for _ in range(3))
    assert first["removed"] == [] and first["new"] == [] and first["updated"] == []
    assert sorted(d["url"] for d in second["removed"]) == [site.url(p) for p in PATHS]
    assert third["removed"] == [] and third["totals"]["removed"] == 0  # reported once
    assert statuses(config) == {
        "a1.html": "removed",
        "a2.html": "removed",
        "a3.html": "removed",
        "live.html": "active",
    }

    site.dead, site.moves = {}, {}  # the pages are back
    back = run_once(config)
    assert sorted(d["url"] for d in back["updated"]) == [site.url(p) for p in PATHS]
    assert all(d["changes"] == {"status": ["removed", "active"]} for d in back["updated"])
    assert set(statuses(config).values()) == {"active"}


def test_a_feed_entry_whose_page_answers_410_is_removed(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site: Site = site_with(httpserver, ["/p1.html", "/p2.html"])
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))
    assert run_once(config)["totals"]["new"] == 2

    site.pages.pop("/p2.html")  # 404 from now on; the feed re-sends the entry unchanged
    set_feed(site, ["/p1.html", "/p2.html"])
    reports = [run_once(config) for _ in range(4)]
    assert [r["totals"]["removed"] for r in reports] == [0, 0, 1, 0]
    assert statuses(config) == {"p1.html": "active", "p2.html": "removed"}


def test_every_listed_page_gone_is_a_broken_site_not_removals(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """A site answering 404 for every article its listing names is broken, not emptied."""
    site = news_site(httpserver)
    config = html_config(tmp_path, db_url, site, removed_after=2)
    run_once(config)
    site.dead = dict.fromkeys([*PATHS, LIVE], 404)
    reports = [run_once(config) for _ in range(3)]
    assert [r["totals"]["removed"] for r in reports] == [0, 0, 0]
    assert set(statuses(config).values()) == {"active"}


def test_a_page_failing_with_a_server_error_is_not_removed(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """Only a page that is gone counts as missing: a 503 is the server's trouble, not a removal."""
    site = news_site(httpserver)
    config = html_config(tmp_path, db_url, site, removed_after=2)
    run_once(config)
    site.dead = {"/news/a1.html": 503}
    reports = [run_once(config) for _ in range(3)]
    assert [r["totals"]["removed"] for r in reports] == [0, 0, 0]
    assert statuses(config)["a1.html"] == "active"


def test_a_feed_entry_with_a_summary_keeps_no_gone_page_alive(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """The entry's own title and summary stand in for a page that failed (a 503): for a page
    that is gone they do not, or the stored document would be seen again every run."""
    site = Site(httpserver)
    base = httpserver.url_for("").rstrip("/")
    entries = [
        ("/a1.html", "Rail links", "Intercity rail in brief."),
        ("/a2.html", "Data centres", "Data centres in brief."),
    ]
    config = serve_two_articles(site, tmp_path, db_url, entries)

    site.pages.pop("/a2.html")  # 404; the feed still carries its entry and summary
    reports = []
    for run in range(4):  # the feed changes each run (no 304): its entries are read again
        again = [*entries, ("/a1.html", "Rail links", f"Intercity rail in brief ({run}).")][1:]
        site.put("/feed.xml", feed_with_summaries(base, again), "application/rss+xml")
        reports.append(run_once(config))
    assert [r["totals"]["removed"] for r in reports] == [0, 0, 1, 0]
    assert all(r["updated"] == [] and r["new"] == [] for r in reports)
    assert statuses(config) == {"a1.html": "active", "a2.html": "removed"}
