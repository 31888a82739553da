"""A feed cut short (truncated XML) is not a listing to count documents missing from."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.e2e_site import feed_xml
from tests.test_pipeline_e2e import make_config, run_once
from tests.test_removal import site_with, statuses

ALL = ["/p1.html", "/p2.html", "/p3.html"]


def test_truncated_feed_does_not_remove_what_it_no_longer_shows(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = site_with(httpserver, ALL)
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"), "removed_after: 2\n")
    assert run_once(config)["totals"]["new"] == 3

    whole = feed_xml(httpserver.url_for("").rstrip("/"), [(p, p) for p in ALL])
    cut = whole[: whole.index("</item>") + len("</item>") + 12]  # first entry, then cut off
    site.put("/feed.xml", cut, "application/rss+xml")
    reports = [run_once(config) for _ in range(3)]
    assert [r["totals"]["removed"] for r in reports] == [0, 0, 0]
    warnings = reports[0]["sources"][0]["warnings"]
    assert any("cut short" in w for w in warnings), warnings
    assert set(statuses(config).values()) == {"active"}


def test_truncated_feed_with_no_entry_is_an_error(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = site_with(httpserver, ALL)
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))
    whole = feed_xml(httpserver.url_for("").rstrip("/"), [(p, p) for p in ALL])
    site.put("/feed.xml", whole[: whole.index("<item>") + 30], "application/rss+xml")
    (source,) = run_once(config)["sources"]
    assert source["status"] == "error"
    assert "cut short" in source["error"]
