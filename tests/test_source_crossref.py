"""The crossref kind against a loopback server speaking the /works API."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import CrossrefSource, FetchSettings
from agglowatch.errors import ParseError
from agglowatch.records import Harvest, Validators
from parsers.crossref import jats_to_text, parse_works
from sources.base import SourceContext
from sources.crossref import CrossrefKind
from sources.http import Fetcher

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay=0, backoff=0.01, respect_robots=False
)
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)
PAGE_2 = "DnF1ZXJ5VGhlbkZldGNoBgAAAAAA-page2"
VALIDATORS: dict[str, Validators] = {}  # shared by every run: API pages must leave nothing


def harvest(config: Any, state: dict[str, Any] | None = None, **ctx: Any) -> Harvest:
    async def go() -> Harvest:
        async with Fetcher(SETTINGS) as fetcher:
            page_fetcher = fetcher.for_source(config.name, VALIDATORS)
            context = SourceContext(
                config=config,
                fetcher=page_fetcher,
                state=state or {},
                now=NOW,
                **ctx,
            )
            return await CrossrefKind().harvest(context)

    return asyncio.run(go())


class CrossrefServer:
    """Serves the fixture pages by cursor and remembers every query it was asked."""

    def __init__(self, httpserver: HTTPServer, pages: dict[str, Any]) -> None:
        self.pages = pages
        self.queries: list[dict[str, str]] = []
        httpserver.expect_request("/works").respond_with_handler(self.answer)
        self.base_url = httpserver.url_for("").rstrip("/")

    def answer(self, request: Request) -> Response:
        self.queries.append(dict(request.args))
        body = self.pages[request.args["cursor"]]
        if isinstance(body, str):  # a broken answer
            return Response(body, content_type="text/html")
        return Response(json.dumps(body), content_type="application/json")


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def server(httpserver: HTTPServer) -> CrossrefServer:
    return CrossrefServer(
        httpserver,
        {"*": fixture("crossref-works-1.json"), PAGE_2: fixture("crossref-works-2.json")},
    )


def source(server: CrossrefServer, **fields: Any) -> CrossrefSource:
    settings: dict[str, Any] = {
        "name": "crossref-ua",
        "kind": "crossref",
        "query": "urban agglomeration",
        "filter": {"type": "journal-article"},
        "mailto": "monitor@example.org",
        "base_url": server.base_url,
    }
    return CrossrefSource.model_validate({**settings, **fields})


def test_cursor_paging_maps_works(server: CrossrefServer) -> None:
    result = harvest(source(server))
    assert [q["cursor"] for q in server.queries] == ["*", PAGE_2]
    first = server.queries[0]
    assert first["query"] == "urban agglomeration"
    assert first["filter"] == "type:journal-article"  # first run: no date window
    assert first["mailto"] == "monitor@example.org"
    assert "sort" not in first
    fang, zh, cities = result.documents
    assert fang.doi == "10.1007/s11442-019-1682-6"
    assert fang.url == "https://doi.org/10.1007/s11442-019-1682-6"
    assert fang.canonical_url == "https://link.springer.com/10.1007/s11442-019-1682-6"
    assert fang.authors == ["Chuanglin Fang", "王振波"]
    assert fang.container == "Journal of Geographical Sciences"
    assert fang.published == dt.date(2019, 11, 20)  # online, earlier than print (2019-12)
    assert fang.abstract == (
        "Urban agglomerations are the main form of new urbanization in China.\n\n"
        "We build a & framework of science and technology collaborative innovation."
    )
    assert fang.language == "en"
    assert zh.authors == ["方创琳"] and zh.language == "zh" and zh.container == "地理学报"
    assert zh.published == dt.date(2023, 1, 1)
    assert cities.authors == ["Greater Bay Area Research Group"]
    assert cities.published is None  # 2099 is in the future
    assert result.listed_urls == [d.url for d in result.documents]
    assert result.dates_unparsed == 1
    assert len(result.stats.errors) == 1 and "without DOI or title" in result.stats.errors[0]
    assert result.state["from_date"] == "2024-06-01"
    assert not result.complete_listing
    assert VALIDATORS == {}  # cursor URLs are not kept as validators


def test_second_run_asks_only_for_what_is_new(server: CrossrefServer) -> None:
    first = harvest(source(server))
    server.queries.clear()
    harvest(source(server), state=first.state)
    query = server.queries[0]
    assert query["filter"] == "type:journal-article,from-index-date:2024-06-01"
    assert (query["sort"], query["order"]) == ("indexed", "asc")


def test_window_from_last_success_and_own_later_filter(server: CrossrefServer) -> None:
    config = source(server, filter={"from-index-date": "2024-05-01"})
    harvest(config, last_success=dt.datetime(2024, 4, 2, 23, 0, tzinfo=dt.UTC))
    assert server.queries[0]["filter"] == "from-index-date:2024-05-01"
    server.queries.clear()
    harvest(config, last_success=dt.datetime(2024, 5, 20, 3, 0, tzinfo=dt.UTC))
    assert server.queries[0]["filter"] == "from-index-date:2024-05-20"


def test_max_results_cut_resumes_from_last_index_date(server: CrossrefServer) -> None:
    result = harvest(source(server, max_results=2), state={"from_date": "2024-05-01"})
    assert [q["cursor"] for q in server.queries] == ["*"]
    assert server.queries[0]["rows"] == "2"
    assert len(result.documents) == 2
    assert result.state["from_date"] == "2024-05-21"  # the last work's index date


def test_empty_page_ends_paging(httpserver: HTTPServer) -> None:
    listing = fixture("crossref-works-1.json")
    listing["message"]["total-results"] = 1000  # deep-paging counts are not to be trusted
    empty = fixture("crossref-works-2.json")
    empty["message"]["items"] = []
    server = CrossrefServer(httpserver, {"*": listing, PAGE_2: empty})
    result = harvest(source(server))
    assert len(result.documents) == 2 and len(server.queries) == 2


def test_later_page_failure_keeps_what_was_read(httpserver: HTTPServer) -> None:
    pages = {"*": fixture("crossref-works-1.json"), PAGE_2: "<html>Bad gateway</html>"}
    server = CrossrefServer(httpserver, pages)
    result = harvest(source(server), state={"from_date": "2024-05-01"})
    assert len(result.documents) == 2
    assert any("paging stopped" in w for w in result.warnings)
    assert result.state["from_date"] == "2024-05-21"


def test_not_json_or_wrong_shape_is_a_parse_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/works").respond_with_data("<html>rate limited</html>")
    with pytest.raises(ParseError, match="not JSON"):
        harvest(CrossrefSource(name="c", kind="crossref", base_url=httpserver.url_for("")))
    with pytest.raises(ParseError, match="not a Crossref answer"):
        parse_works(b'{"status": "failed", "message": "bad filter"}', "u", source="s")
    with pytest.raises(ParseError, match="items"):
        parse_works(b'{"status": "ok", "message": {"items": 3}}', "u", source="s")


def test_jats_markup_is_stripped() -> None:
    assert (
        jats_to_text(
            "<jats:sec><jats:title>摘要</jats:title><jats:p>城市群&lt;b&gt;是"
            "<jats:bold>主体</jats:bold>形态。</jats:p></jats:sec><p>Second.</p>"
        )
        == "城市群<b>是主体形态。\n\nSecond."
    )
