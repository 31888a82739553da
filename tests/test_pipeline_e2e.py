"""Issue 2 end to end without Prefect: feed → fetch → parse → dedupe → tag → store → report."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.config import Config, load_config
from agglowatch.export import export_documents
from agglowatch.runner import close_run, fail_source, harvest_source, open_run, store_source
from sources.http import Fetcher
from tests.e2e_site import feed_xml, news_site

ROOT = Path(__file__).resolve().parent.parent


def make_config(tmp_path: Path, db_url: str, feed_url: str, extra: str = "") -> Config:
    text = f"""
database: {db_url}
output: {tmp_path / "out"}
seeds: {ROOT / "seeds"}
themes: {ROOT / "themes.yaml"}
fetch: {{allow_private_addresses: true, per_host_delay: 0, backoff: 0.01, respect_robots: false}}
sources:
  - name: news
    kind: feed
    url: {feed_url}
{extra}"""
    path = tmp_path / "agglowatch.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def run_once(config: Config) -> dict[str, Any]:
    """One run through the same functions the flow chains, with no Prefect."""

    async def go() -> dict[str, Any]:
        run = open_run(config, config.select())
        reports = []
        async with Fetcher(config.fetch) as fetcher:
            for source in run.sources:
                try:
                    fetched = await harvest_source(run, fetcher, source)
                    reports.append(store_source(run, source, fetched))
                except Exception as error:
                    reports.append(fail_source(run, source, error))
        return close_run(run, reports)

    return asyncio.run(go())


def exported(config: Config) -> list[dict[str, Any]]:
    buffer = io.StringIO()
    export_documents(config, buffer, "jsonl")
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_feed_run_then_unchanged_rerun(httpserver: HTTPServer, tmp_path: Path, db_url: str) -> None:
    news_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))

    first = run_once(config)
    assert first["status"] == "completed"
    assert first["totals"]["new"] == 2
    titles = {doc["title"] for doc in first["new"]}
    assert "京津冀城市群建设提速" in titles
    source = first["sources"][0]
    assert source["status"] == "ok" and source["items"] == 2 and source["new"] == 2
    assert source["requests"] >= 3 and source["bytes"] > 0

    second = run_once(config)
    assert second["totals"]["new"] == 0
    assert second["totals"]["updated"] == 0
    assert second["sources"][0]["not_modified"] >= 1  # the feed itself: 304
    assert second["sources"][0]["status"] == "not_modified"

    docs = {doc["title"]: doc for doc in exported(config)}
    chinese = docs["京津冀城市群建设提速"]
    assert chinese["language"] == "zh"
    assert chinese["published"] == "2024-03-06"
    assert "新型基础设施" in chinese["text"]
    assert {t["id"] for t in chinese["themes"]} >= {"urban-agglomeration", "new-infrastructure"}
    assert "beijing-tianjin-hebei" in {r["id"] for r in chinese["regions"]}
    assert all(doc["version"] == 1 and doc["status"] == "active" for doc in docs.values())


def test_new_item_and_edited_article(httpserver: HTTPServer, tmp_path: Path, db_url: str) -> None:
    site = news_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))
    run_once(config)

    base = httpserver.url_for("").rstrip("/")
    page = site.pages["/a1.html"][0].decode().replace("First article.", "A rewritten opening.")
    site.put("/a1.html", page.replace("for urban clusters", "for city clusters"), "text/html")
    site.put("/a3.html", page.replace("urban clusters", "rural revitalisation"), "text/html")
    items = [("/a1.html", "x"), ("/a2.html", "y"), ("/a3.html", "z")]
    site.put("/feed.xml", feed_xml(base, items), "application/rss+xml")

    report = run_once(config)
    assert report["totals"]["updated"] == 1
    change = report["updated"][0]["changes"]
    assert change["title"] == [
        "New infrastructure for urban clusters",
        "New infrastructure for city clusters",
    ]
    assert change["text"]["added"] >= 1 and change["text"]["removed"] >= 1
    # a3 is a1's text with a different headline: a near duplicate, not new
    assert report["totals"]["new"] + report["totals"]["duplicates"] == 1
    versions = {doc["title"]: doc["version"] for doc in exported(config)}
    assert versions["New infrastructure for city clusters"] == 2


def test_broken_source_is_reported_and_run_goes_on(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    news_site(httpserver)
    extra = f"""  - name: dead
    kind: feed
    url: {httpserver.url_for("/missing.xml")}
"""
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"), extra)
    report = run_once(config)
    by_name = {s["name"]: s for s in report["sources"]}
    assert by_name["dead"]["status"] == "error"
    assert "404" in by_name["dead"]["error"]
    assert by_name["news"]["status"] == "ok"
    assert report["status"] == "partial"
    assert report["totals"]["errors"] == 1


def test_export_round_trip_jsonl_and_csv(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    news_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))
    run_once(config)
    rows = exported(config)
    assert len(rows) == 2
    required = {"id", "url", "canonical_url", "source", "title", "authors", "published",
                "language", "doi", "abstract", "text", "themes", "regions", "duplicate_of",
                "first_seen", "last_seen", "version", "status"}  # fmt: skip
    assert all(required <= set(row) for row in rows)
    buffer = io.StringIO()
    export_documents(config, buffer, "csv")
    import csv

    parsed = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert {row["id"] for row in parsed} == {row["id"] for row in rows}
    assert (
        json.loads(parsed[0]["themes"])
        == next(r for r in rows if r["id"] == parsed[0]["id"])["themes"]
    )


@pytest.mark.parametrize("round_", [1])
def test_report_json_shape(httpserver: HTTPServer, tmp_path: Path, round_: int) -> None:
    news_site(httpserver)
    config = make_config(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", httpserver.url_for("/feed.xml")
    )
    report = run_once(config)
    assert set(report) >= {"run_id", "started", "finished", "status", "sources", "new", "updated",
                           "removed", "duplicates", "totals"}  # fmt: skip
    assert set(report["sources"][0]) >= {"name", "status", "requests", "not_modified", "bytes",
                                         "items", "new", "error"}  # fmt: skip
    assert set(report["totals"]) == {"new", "updated", "removed", "duplicates", "unchanged",
                                     "errors"}  # fmt: skip
    json.dumps(report)


def test_earlier_published_copy_is_the_original_within_a_run(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """Two sources carry the same article in one run: the earlier-dated copy is the original."""
    from tests.e2e_site import ARTICLE_ZH, Site

    site = Site(httpserver)
    base = httpserver.url_for("").rstrip("/")
    body = "据报道，北京市召开会议部署相关工作。"
    original = ARTICLE_ZH.format(title="京津冀城市群建设提速", body=body)
    copy = original.replace("2024年03月06日", "2024年03月09日").replace("中国发展网", "某门户网")
    site.put("/orig.html", original.encode("gbk"), "text/html")
    site.put("/copy.html", copy.encode("gbk"), "text/html")
    site.put("/a.xml", feed_xml(base, [("/copy.html", "c")]), "application/rss+xml")
    site.put("/b.xml", feed_xml(base, [("/orig.html", "o")]), "application/rss+xml")
    site.install()
    extra = f"""  - name: second
    kind: feed
    url: {httpserver.url_for("/b.xml")}
"""
    config = make_config(tmp_path, db_url, httpserver.url_for("/a.xml"), extra)
    report = run_once(config)  # stores source "news" (the copy) first, then "second"
    assert [doc["url"] for doc in report["new"]] == [httpserver.url_for("/orig.html")]
    assert report["duplicates"][0]["url"] == httpserver.url_for("/copy.html")
    assert report["duplicates"][0]["duplicate_of"]["url"] == httpserver.url_for("/orig.html")
    by_url = {doc["url"]: doc for doc in exported(config)}
    assert by_url[httpserver.url_for("/orig.html")]["duplicate_of"] is None
    copied = by_url[httpserver.url_for("/copy.html")]["duplicate_of"]
    assert copied["id"] == by_url[httpserver.url_for("/orig.html")]["id"]
    assert [s["new"] for s in report["sources"]] == [0, 1]


def test_boilerplate_and_whitespace_churn_is_not_a_change(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = news_site(httpserver)
    config = make_config(tmp_path, db_url, httpserver.url_for("/feed.xml"))
    run_once(config)
    page = site.pages["/a1.html"][0].decode()
    churned = (
        page.replace("Home | About | Contact", "Home | About | Events | Contact | 中文")
        .replace("Copyright Example Institute", "Copyright 2026 Example Institute. All rights.")
        .replace("First article.", "First   article.\n")
    )
    site.put("/a1.html", churned, "text/html; charset=utf-8")
    report = run_once(config)
    assert report["totals"]["updated"] == 0
    assert report["totals"]["unchanged"] == 2
    assert all(doc["version"] == 1 for doc in exported(config))
