"""The html kind: listing pages, paging, PDF links, selectors that stop matching."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from agglowatch.config import FetchSettings, HtmlSource
from agglowatch.errors import HTTPStatusError, ParseError
from agglowatch.records import Harvest, Validators
from sources.base import SourceContext
from sources.html import HtmlKind
from sources.http import Fetcher

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay=0, backoff=0.01, respect_robots=False
)
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)
YRD = "/yjcg/2024/0530/yrd.html"
REPORT = "/en/news/2023/0116/report.html"
PDF = "/yjcg/files/outlook-2024.pdf"
GONE = "/gone/2022/0101/removed.html"


def outlook_pdf() -> bytes:
    figure = Figure()
    figure.text(0.05, 0.9, "Greater Bay Area carbon neutrality outlook 2024")
    figure.text(0.05, 0.8, "Guangdong, Hong Kong and Macao set out a joint path to carbon peaking.")
    buffer = io.BytesIO()
    with mpl.rc_context({"pdf.fonttype": 42}):
        figure.savefig(buffer, format="pdf", metadata={"Author": "Bay Area Institute"})
    return buffer.getvalue()


def serve(httpserver: HTTPServer, listing: str = "listing-1.html") -> str:
    base = httpserver.url_for("").rstrip("/")
    page = (FIXTURES / listing).read_bytes()
    httpserver.expect_request("/yjcg/index.html").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/yjcg/index_1.html").respond_with_data(
        (FIXTURES / "listing-2.html").read_bytes(), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request(YRD).respond_with_data(
        (FIXTURES / "article-zh.gbk.html").read_bytes(), content_type="text/html"
    )
    httpserver.expect_request(REPORT).respond_with_data(
        (FIXTURES / "article-en.html").read_bytes(), content_type="text/html"
    )
    # served as a download with a generic type: recognised by its %PDF magic
    httpserver.expect_request(PDF).respond_with_data(
        outlook_pdf(), content_type="application/octet-stream"
    )
    httpserver.expect_request(GONE).respond_with_data("gone", status=404)
    return base


def source(base: str, **fields: Any) -> HtmlSource:
    settings = {
        "name": "yjcg",
        "kind": "html",
        "url": base + "/yjcg/index.html",
        "links": "ul.news-list a",
        "next": "a.next",
        "max_pages": 5,
        **fields,
    }
    return HtmlSource.model_validate(settings)


def harvest(config: HtmlSource, validators: dict[str, Validators] | None = None) -> Harvest:
    async def go() -> Harvest:
        async with Fetcher(SETTINGS) as fetcher:
            page_fetcher = fetcher.for_source(config.name, validators)
            context = SourceContext(config=config, fetcher=page_fetcher, now=NOW)
            return await HtmlKind().harvest(context)

    return asyncio.run(go())


def test_two_page_listing_with_a_pdf_link(httpserver: HTTPServer) -> None:
    base = serve(httpserver)
    result = harvest(source(base, exclude=r"\?from="))
    assert result.listed_urls == [base + p for p in (YRD, REPORT, PDF, GONE)]
    by_url = {d.listing_url: d for d in result.documents}
    assert by_url[base + YRD].title == "长三角城市群新基建投资持续加快"
    assert by_url[base + REPORT].published == dt.date(2023, 1, 16)
    pdf = by_url[base + PDF]
    assert pdf.title == "Greater Bay Area carbon neutrality outlook 2024"
    assert "joint path to carbon peaking" in pdf.text and pdf.authors == ["Bay Area Institute"]
    assert len(result.documents) == 3
    assert len(result.stats.errors) == 1 and "404" in result.stats.errors[0]
    assert not result.warnings and not result.complete_listing


def test_max_pages_and_include(httpserver: HTTPServer) -> None:
    base = serve(httpserver)
    result = harvest(source(base, max_pages=1, include="/yjcg/"))
    assert result.listed_urls == [base + YRD]
    assert "/yjcg/index_1.html" not in [r.path for r, _ in httpserver.log]


def test_field_selectors_reach_the_extractor(httpserver: HTTPServer) -> None:
    base = serve(httpserver)
    config = source(base, max_pages=1, include="/en/", fields={"title": "p.info"})
    (document,) = harvest(config).documents
    assert document.title.startswith("Published: 2023-01-16")


def test_selector_that_stops_matching_yields_nothing_and_a_warning(httpserver: HTTPServer) -> None:
    base = serve(httpserver)
    assert harvest(source(base, max_pages=1)).listed_urls
    httpserver.clear_all_handlers()
    serve(httpserver, "listing-redesigned.html")
    result = harvest(source(base, max_pages=1))
    assert result.listed_urls == [] and result.documents == []
    assert len(result.warnings) == 1 and "found no article links" in result.warnings[0]


def test_failing_later_page_keeps_the_first(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/yjcg/index.html").respond_with_data(
        (FIXTURES / "listing-1.html").read_bytes(), content_type="text/html"
    )
    httpserver.expect_request("/yjcg/index_1.html").respond_with_data("no", status=404)
    result = harvest(source(base, include="/nothing-to-fetch/"))
    assert any("paging stopped" in w for w in result.warnings)


def test_failing_first_page_fails_the_source(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/yjcg/index.html").respond_with_data("gone", status=404)
    with pytest.raises(HTTPStatusError):
        harvest(source(httpserver.url_for("").rstrip("/")))


def test_bad_selector_is_rejected_at_load_and_a_parse_error_at_run(httpserver: HTTPServer) -> None:
    base = serve(httpserver)
    with pytest.raises(ValidationError, match="not a valid CSS selector"):
        source(base, links="ul[[[")
    unchecked = source(base).model_copy(update={"links": "ul[[["})  # built around validation
    with pytest.raises(ParseError, match="configuration"):
        harvest(unchecked)
