"""A feed cut short (truncated XML) is not a listing to count documents missing from."""

from __future__ import annotations

import codecs
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


def test_a_whole_utf16_feed_is_not_cut_short(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """A UTF-16 feed (BOM, prolog) that ends with its root element is whole: what it stops
    listing is counted missing as in any other feed."""
    site = site_with(httpserver, ALL)
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"), "removed_after: 1\n")
    base = httpserver.url_for("").rstrip("/")

    def put_utf16(paths: list[str]) -> None:
        xml = feed_xml(base, [(p, p) for p in paths]).replace('"utf-8"', '"utf-16"')
        site.put("/feed.xml", codecs.BOM_UTF16_LE + xml.encode("utf-16-le"), "application/xml")

    put_utf16(ALL)
    first = run_once(config)
    assert first["totals"]["new"] == 3
    assert not any("cut short" in w for w in first["sources"][0]["warnings"])
    put_utf16(ALL[:2])
    assert [d["url"].rsplit("/", 1)[-1] for d in run_once(config)["removed"]] == ["p3.html"]
