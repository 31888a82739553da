"""Documents missing from their listing `removed_after` runs in a row are removed; then return."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.e2e_site import Site, feed_xml
from tests.test_pipeline_e2e import exported, make_config, run_once

PAGE = """<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="citation_publication_date" content="{date}"></head><body><article><h1>{title}</h1>
<p>{body}</p>
</article></body></html>"""

TOPICS = {"/p1.html": ("2024-03-05", "planning"), "/p2.html": ("2024-03-06", "economy"),
          "/p3.html": ("2024-03-07", "ecology"), "/p0.html": ("2024-01-01", "history")}  # fmt: skip
BODIES = {
    "planning": "Planners in Chengdu and Chongqing agreed on a joint land-use map, shared zoning "
    "rules for the border counties and a common list of protected farmland parcels.",
    "economy": "Output in the Yangtze River Delta grew faster than the national average as "
    "electronics exports recovered and private investment in Jiangsu and Zhejiang rose.",
    "ecology": "Wetland restoration along the Pearl River estuary has brought back migratory "
    "birds, and water quality at monitoring stations improved for the third year.",
    "history": "The idea of a capital region around Beijing dates back to plans of the 1980s, "
    "when economists first proposed a coordinated Bohai rim economic zone.",
}


def site_with(server: HTTPServer, paths: list[str]) -> Site:
    site = Site(server)
    for path, (date, topic) in TOPICS.items():
        title = f"Study on the {topic} of city clusters"
        page = PAGE.format(title=title, date=date, body=BODIES[topic])
        site.put(path, page, "text/html; charset=utf-8")
    set_feed(site, paths)
    site.install()
    return site


def set_feed(site: Site, paths: list[str]) -> None:
    base = site.server.url_for("").rstrip("/")
    site.put("/feed.xml", feed_xml(base, [(p, p) for p in paths]), "application/rss+xml")


def statuses(config: object) -> dict[str, str]:
    return {doc["url"].rsplit("/", 1)[-1]: doc["status"] for doc in exported(config)}  # type: ignore[arg-type]


def test_missing_three_runs_is_removed_then_returns(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = site_with(httpserver, ["/p0.html", "/p1.html", "/p2.html", "/p3.html"])
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))
    assert run_once(config)["totals"]["new"] == 4

    set_feed(site, ["/p1.html", "/p3.html"])  # p2 taken down; p0 rolled off the feed's window
    reports = [run_once(config) for _ in range(3)]
    assert [r["totals"]["removed"] for r in reports] == [0, 0, 1]
    assert reports[2]["removed"][0]["url"].endswith("/p2.html")
    assert statuses(config) == {
        "p0.html": "active", "p1.html": "active", "p2.html": "removed", "p3.html": "active",
    }  # fmt: skip

    set_feed(site, ["/p1.html", "/p2.html", "/p3.html"])
    back = run_once(config)
    assert back["totals"]["new"] == 0
    assert [u["changes"] for u in back["updated"]] == [{"status": ["removed", "active"]}]
    assert statuses(config)["p2.html"] == "active"
    assert len(exported(config)) == 4
