"""A title-only feed entry whose page is gone (404) is not stored as an empty 'new' document."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.test_pipeline_e2e import exported, make_config, run_once
from tests.test_removal import set_feed, site_with


def test_title_only_entry_of_a_404_page_waits_for_the_page(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = site_with(httpserver, ["/p1.html", "/gone.html"])
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))
    first = run_once(config)
    assert [d["url"].rsplit("/", 1)[-1] for d in first["new"]] == ["p1.html"]
    (source,) = first["sources"]
    assert any("gone.html" in w and "404" in w for w in source["warnings"])
    assert [d["url"].rsplit("/", 1)[-1] for d in exported(config)] == ["p1.html"]

    site.pages["/gone.html"] = site.pages["/p2.html"]  # the page goes up after the feed named it
    set_feed(site, ["/p1.html", "/gone.html"])
    second = run_once(config)
    assert [d["url"].rsplit("/", 1)[-1] for d in second["new"]] == ["gone.html"]
    assert second["new"][0]["title"] == "Study on the economy of city clusters"
