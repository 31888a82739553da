"""Bug hunt 6: planted faults, through a run over loopback servers, as a user meets them."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from agglowatch.cli import app
from agglowatch.config import Config, FetchSettings, load_config
from agglowatch.errors import ConfigError, FetchError
from agglowatch.runner import open_run
from parsers import pool as parse_pool
from parsers.pool import ParsePool
from sources import articles
from sources.http import Fetcher
from tests.e2e_site import ARTICLE_EN, Site
from tests.test_pipeline_e2e import make_config, run_once
from tests.test_rounds_of_change import html_config

ROOT = Path(__file__).resolve().parents[1]

PARA = "<p>京津冀城市群协同创新共同体建设，推动新型基础设施和高质量发展。</p>\n"


def test_a_big_page_parses_without_stalling_the_other_sources_fetches(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of megabytes takes seconds to parse (a 10 MB report ~45 s); parsed on the event
    loop, it froze every other source's requests until they timed out ("no answer in time")."""
    big = "<html><body><h1>大报告</h1>" + PARA * 8000 + "</body></html>"
    httpserver.expect_request("/big.html").respond_with_data(big, content_type="text/html")
    real = articles.parse_html

    def slow_parse(html: str, *args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)  # CPU-bound work holds the thread it runs on, as extraction does
        return real(html[:2000], *args, **kwargs)

    monkeypatch.setattr(articles, "parse_html", slow_parse)
    monkeypatch.setattr(parse_pool, "_shared", ParsePool(0))  # in this process, as a small run

    async def go() -> tuple[int, str]:
        settings = FetchSettings(allow_private_addresses=True, respect_robots=False)
        async with Fetcher(settings) as fetcher:
            page = await fetcher.for_source("big").get(httpserver.url_for("/big.html"))
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        beat = asyncio.create_task(ticker())
        record = await articles.parse_page(page, source="big")
        beat.cancel()
        return ticks, record.title

    ticks, title = asyncio.run(go())
    assert title == "大报告"
    assert ticks >= 5, f"the event loop ran {ticks} times in 1 s of parsing"


def feed_site_config(tmp_path: Path, httpserver: HTTPServer, body: bytes) -> Config:
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml"
    )
    database = f"sqlite:///{tmp_path / 'db.sqlite'}"
    return make_config(tmp_path, database, httpserver.url_for("/feed.xml"))


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
            b"<item><title>a & b</link></item></channel></rss>",
            "the feed's XML is broken (not well-formed (invalid token) at line 1, column",
        ),
        (
            b"<rss version='2.0'><channel><item><title>a</title></item>"
            b"<item><title>b</title></item></channel></rss>",
            "the feed has 2 entries, but none links to a page",
        ),
    ],
    ids=["invalid-xml", "no-links"],
)
def test_a_feed_nothing_could_be_read_from_is_an_error_saying_why(
    httpserver: HTTPServer, tmp_path: Path, body: bytes, error: str
) -> None:
    """Before, both ran 'empty' with only 'the feed has no entries', as a feed with no items."""
    report = run_once(feed_site_config(tmp_path, httpserver, body))
    (news,) = report["sources"]
    assert news["status"] == "error" and error in news["error"], news


def test_a_well_formed_feed_without_items_stays_empty(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    body = b"<rss version='2.0'><channel><title>x</title></channel></rss>"
    (news,) = run_once(feed_site_config(tmp_path, httpserver, body))["sources"]
    assert news["status"] == "empty" and news["error"] is None, news


LISTING_FAULTS = {
    "empty": (b"", "text/html", "the server sent an empty page"),
    "pdf": (
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        "application/pdf",
        "application/pdf, not HTML",
    ),
    "image": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "text/html", "binary data"),
    "soft-404": (
        "<html><head><title>404 页面不存在</title></head><body><h1>页面不存在</h1>"
        "<p>您访问的页面已删除，请返回首页。</p></body></html>".encode(),
        "text/html; charset=utf-8",
        "it is an error page (its title says",
    ),
}


@pytest.mark.parametrize("fault", sorted(LISTING_FAULTS))
def test_a_listing_that_is_no_listing_page_fails_its_source_saying_what(
    httpserver: HTTPServer, tmp_path: Path, fault: str
) -> None:
    """Before, the source ran 'empty' with "the links selector found no article links (did the
    site change its layout?)": the user was sent to the selector when the URL was the problem,
    and an empty listing counts every document of the source missing, towards 'removed'."""
    site = Site(httpserver)
    site.put("/copies/", "<html><body></body></html>")
    article = ARTICLE_EN.format(title="Urban clusters and new infrastructure", body="One.")
    site.put("/news/", '<html><body><a href="/news/a.html">a</a></body></html>')
    site.put("/news/a.html", article, "text/html; charset=utf-8")
    site.install()
    config = html_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", site, removed_after=1)
    assert run_once(config)["totals"]["new"] == 1
    body, content_type, why = LISTING_FAULTS[fault]
    site.put("/news/", body, content_type)
    report = run_once(config)
    news = report["sources"][0]
    assert news["status"] == "error", (news["error"], news["warnings"])
    assert why in news["error"] and "check the source's url" in news["error"], news["error"]
    assert report["removed"] == []


def test_a_listing_with_no_matching_links_still_points_at_the_selector(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = Site(httpserver)
    site.put("/copies/", "<html><head><title>Copies</title></head><body><p>None yet.</p></body>")
    site.put("/news/", "<html><head><title>News</title></head><body><p>Soon.</p></body></html>")
    site.install()
    config = html_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", site)
    news = run_once(config)["sources"][0]
    assert news["status"] == "empty" and news["error"] is None
    assert any("links selector" in w for w in news["warnings"]), news


def broken_paths_config(tmp_path: Path, case: str) -> Path:
    """A valid agglowatch.yaml whose themes file or seeds folder is wrong."""
    themes, seeds = ROOT / "themes.yaml", ROOT / "seeds"
    if case == "themes-missing":
        themes = tmp_path / "nothere.yaml"
    elif case == "seeds-missing":
        seeds = tmp_path / "noseeds"
    elif case == "themes-invalid":
        themes = tmp_path / "themes.yaml"
        themes.write_text("themes:\n  - id: x\n    bogus: 1\n", encoding="utf-8")
    path = tmp_path / "agglowatch.yaml"
    path.write_text(
        f"database: sqlite:///{tmp_path / 'db.sqlite'}\noutput: {tmp_path / 'out'}\n"
        f"themes: {themes}\nseeds: {seeds}\nsources: []\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("case", "named"),
    [("themes-missing", "themes: "), ("seeds-missing", "seeds: ")],
)
def test_check_and_run_refuse_a_missing_themes_file_or_seeds_folder(
    tmp_path: Path, case: str, named: str
) -> None:
    """`check` said "configuration OK" and the run migrated a database before it failed."""
    config = str(broken_paths_config(tmp_path, case))
    for command in (["check"], ["run", "--json"]):
        result = CliRunner().invoke(app, [*command, "--config", config])
        assert result.exit_code == 2, (command, result.output)
        assert named in result.output and "agglowatch.yaml" in result.output, result.output
    assert not (tmp_path / "db.sqlite").exists()


def test_a_run_with_an_invalid_taxonomy_writes_nothing(tmp_path: Path) -> None:
    config = load_config(broken_paths_config(tmp_path, "themes-invalid"))
    with pytest.raises(ConfigError, match='theme "x", field "bogus": unknown key'):
        open_run(config, config.select())
    assert not (tmp_path / "db.sqlite").exists() and not (tmp_path / "out").exists()


def test_a_host_name_the_fetcher_cannot_encode_is_a_configuration_error(tmp_path: Path) -> None:
    """'http://☃.net/' passed the config and failed the source every run ("not a valid URL")."""
    path = tmp_path / "agglowatch.yaml"
    source = "sources:\n  - name: snow\n    kind: html\n    url: http://☃.net/\n"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(ConfigError, match=r'source "snow", field "url": .*not a valid intern'):
        load_config(path)


def test_an_idn_host_is_fetched_under_its_punycode_name(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/新闻/").respond_with_data("<p>好</p>", content_type="text/html")
    asked: list[str] = []

    async def resolver(host: str) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    async def go() -> str | None:
        settings = FetchSettings(allow_private_addresses=True, respect_robots=False)
        async with Fetcher(settings, resolver=resolver) as fetcher:
            url = f"http://城市群.example:{httpserver.port}/新闻/"
            return (await fetcher.for_source("idn").get(url)).text

    assert asyncio.run(go()) == "<p>好</p>"
    assert asked == ["xn--uis47l9y5a.example"]


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ({"cron": "0 7 * * *", "timezone": "Asia/Shangai"}, "Asia/Shangai"),
        ({"cron": "61 7 * * *"}, "61 7 * * *"),
    ],
    ids=["timezone", "cron"],
)
def test_a_bad_schedule_in_prefect_yaml_is_a_configuration_error(
    entry: dict[str, str], named: str
) -> None:
    """A misspelt time zone escaped `serve` as a pydantic traceback (exit 1, not 2)."""
    from flows.serve import deployment_specs, to_deployment

    spec = {**deployment_specs()[0], "schedules": [entry]}
    with pytest.raises(ConfigError, match=r"prefect\.yaml") as caught:
        to_deployment(spec, "/tmp/agglowatch.yaml")
    assert named in str(caught.value) and "errors.pydantic.dev" not in str(caught.value)


API_REFUSALS = {
    "crossref": {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [
            {
                "type": "filter-not-available",
                "value": "from-pub-dat",
                "message": "Filter from-pub-dat specified but there is no such filter",
            }
        ],
    },
    "openalex": {
        "error": "Invalid query parameters error.",
        "message": "publication_yr is not a valid field",
    },
}


@pytest.mark.parametrize("kind", sorted(API_REFUSALS))
def test_an_api_refusing_the_query_says_which_parameter_in_the_report(
    httpserver: HTTPServer, tmp_path: Path, kind: str
) -> None:
    """A typo in `filter` gave only "400 Bad Request from <url>": the API's own explanation in
    the answer's body was never read."""
    httpserver.expect_request("/works").respond_with_json(API_REFUSALS[kind], status=400)
    path = tmp_path / "agglowatch.yaml"
    path.write_text(
        f"""
database: sqlite:///{tmp_path / "db.sqlite"}
output: {tmp_path / "out"}
seeds: {ROOT / "seeds"}
themes: {ROOT / "themes.yaml"}
fetch: {{allow_private_addresses: true, per_host_delay: 0, backoff: 0.01, respect_robots: false}}
sources:
  - name: api
    kind: {kind}
    base_url: {httpserver.url_for("/").rstrip("/")}
""",
        encoding="utf-8",
    )
    (api,) = run_once(load_config(path))["sources"]
    said = "Filter from-pub-dat specified" if kind == "crossref" else "publication_yr is not a"
    assert api["status"] == "error" and "400 BAD REQUEST" in api["error"].upper(), api
    assert f"the server says: {said}" in api["error"], api["error"]


def test_a_host_that_does_not_resolve_is_named_with_what_to_check() -> None:
    """RFC 6761 reserves .invalid: it never resolves. Nothing is sent, and the user is told to
    look at the host name (before: only the resolver's "Name or service not known")."""

    async def go() -> tuple[str, int]:
        async with Fetcher(FetchSettings(retries=1, backoff=0)) as fetcher:
            source = fetcher.for_source("dns")
            with pytest.raises(FetchError) as caught:
                await source.get("http://nosuchhost.invalid/news/")
        return str(caught.value), source.stats.requests

    message, requests = asyncio.run(go())
    assert "cannot resolve host nosuchhost.invalid" in message, message
    assert "check the host name in the URL" in message and requests == 0
