"""A sitemap cut short (truncated XML) keeps last run's URLs: nothing looks removed."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_httpserver import HTTPServer

from agglowatch.config import load_config
from tests.test_pipeline_e2e import make_config, run_once
from tests.test_removal import site_with, statuses

PAGES = ["/p1.html", "/p2.html", "/p3.html"]


def sitemap(base: str) -> str:
    urls = "".join(
        f"<url><loc>{base}{path}</loc><lastmod>2024-03-0{i + 5}</lastmod></url>"
        for i, path in enumerate(PAGES)  # oldest first, as many CMSs write them
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def write_kind(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "agglowatch.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: feed", f"kind: {kind}"))
    return path


def test_truncated_sitemap_does_not_remove_its_newest_documents(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = site_with(httpserver, PAGES)
    base = httpserver.url_for("").rstrip("/")
    whole = sitemap(base)
    site.put("/sitemap.xml", whole, "application/xml")
    config = make_config(tmp_path, db_url, httpserver.url_for("/sitemap.xml"), "removed_after: 2")
    config = load_config(write_kind(tmp_path, "sitemap"))
    assert run_once(config)["totals"]["new"] == 3

    site.put("/sitemap.xml", whole[: whole.index("</url>") + 30], "application/xml")  # mid-<loc>
    reports = [run_once(config) for _ in range(3)]
    assert [r["totals"]["removed"] for r in reports] == [0, 0, 0]
    (source,) = reports[0]["sources"]
    assert any("cut short" in w for w in source["warnings"]), source["warnings"]
    # no fetch of a half-written <loc> (a status, not the server's port: localhost:40461)
    assert not any(re.search(r"\b404\b", w) for w in source["warnings"]), source["warnings"]
    assert set(statuses(config).values()) == {"active"}
