"""The openalex kind against a loopback server speaking the /works API."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import FetchSettings, OpenAlexSource
from agglowatch.errors import ParseError
from agglowatch.records import Harvest
from parsers.openalex import clean_doi, parse_works, rebuild_abstract
from sources.base import SourceContext
from sources.http import Fetcher
from sources.openalex import OpenAlexKind

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay=0, backoff=0.01, respect_robots=False
)
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


PAGE_1 = fixture("openalex-works-1.json")
PAGE_2 = fixture("openalex-works-2.json")
CURSOR_2 = PAGE_1["meta"]["next_cursor"]
CURSOR_3 = PAGE_2["meta"]["next_cursor"]


class OpenAlexServer:
    def __init__(self, httpserver: HTTPServer, pages: dict[str, Any]) -> None:
        self.pages = pages
        self.queries: list[dict[str, str]] = []
        httpserver.expect_request("/works").respond_with_handler(self.answer)
        self.base_url = httpserver.url_for("/")

    def answer(self, request: Request) -> Response:
        self.queries.append(dict(request.args))
        return Response(json.dumps(self.pages[request.args["cursor"]]), mimetype="application/json")


@pytest.fixture
def server(httpserver: HTTPServer) -> OpenAlexServer:
    end = fixture("openalex-works-end.json")
    return OpenAlexServer(httpserver, {"*": PAGE_1, CURSOR_2: PAGE_2, CURSOR_3: end})


def source(server: OpenAlexServer, **fields: Any) -> OpenAlexSource:
    settings = {
        "name": "openalex-ua",
        "kind": "openalex",
        "search": "urban agglomeration",
        "filter": "type:article,language:en|zh",
        "mailto": "monitor@example.org",
        "base_url": server.base_url,
    }
    return OpenAlexSource.model_validate({**settings, **fields})


def harvest(config: OpenAlexSource, state: dict[str, Any] | None = None, **ctx: Any) -> Harvest:
    async def go() -> Harvest:
        async with Fetcher(SETTINGS) as fetcher:
            context = SourceContext(
                config=config,
                fetcher=fetcher.for_source(config.name),
                state=state or {},
                now=NOW,
                **ctx,
            )
            return await OpenAlexKind().harvest(context)

    return asyncio.run(go())


def test_cursor_paging_maps_works(server: OpenAlexServer) -> None:
    result = harvest(source(server))
    assert [q["cursor"] for q in server.queries] == ["*", CURSOR_2]  # count 3 reached
    first = server.queries[0]
    assert first["search"] == "urban agglomeration"
    assert first["filter"] == "type:article,language:en|zh"
    assert first["mailto"] == "monitor@example.org" and first["per-page"] == "100"
    fang, zh, land = result.documents
    assert fang.doi == "10.1007/s11442-019-1682-6"
    assert fang.url == "https://doi.org/10.1007/s11442-019-1682-6"
    assert fang.canonical_url == "https://link.springer.com/article/10.1007/s11442-019-1682-6"
    assert fang.authors == ["Chuanglin Fang", "王振波"]  # Chinese name kept as printed
    assert fang.abstract == "Urban agglomerations are the main form of the new urbanization."
    assert fang.container == "Journal of Geographical Sciences"
    assert fang.published == dt.date(2019, 11, 20)
    assert fang.keywords == ["Urban agglomeration"]
    assert zh.doi is None and zh.url == zh.canonical_url
    assert zh.language == "zh" and zh.authors == ["方创琳"] and zh.text == zh.title
    assert land.doi == "10.3390/land13050601" and land.abstract == "Investment in 5G networks"
    assert result.state["from_date"] == "2024-05-02"  # today less the 30-day overlap


def test_second_run_window_and_sort(server: OpenAlexServer) -> None:
    first = harvest(source(server))
    server.queries.clear()
    harvest(source(server), state=first.state)
    query = server.queries[0]
    assert query["filter"] == "type:article,language:en|zh,from_publication_date:2024-05-02"
    assert query["sort"] == "publication_date:asc"


def test_first_run_after_a_success_uses_last_success_less_overlap(server: OpenAlexServer) -> None:
    config = source(server, filter="from_publication_date:2024-01-01,type:article")
    harvest(config, last_success=dt.datetime(2024, 5, 31, tzinfo=dt.UTC))
    assert server.queries[0]["filter"] == "type:article,from_publication_date:2024-05-01"


def test_paging_stops_on_empty_results(httpserver: HTTPServer) -> None:
    page_1, page_2 = fixture("openalex-works-1.json"), fixture("openalex-works-2.json")
    page_1["meta"]["count"] = page_2["meta"]["count"] = None
    end = fixture("openalex-works-end.json")
    server = OpenAlexServer(httpserver, {"*": page_1, CURSOR_2: page_2, CURSOR_3: end})
    result = harvest(source(server))
    assert [q["cursor"] for q in server.queries] == ["*", CURSOR_2, CURSOR_3]
    assert len(result.documents) == 3


def test_max_results_cut_resumes_from_last_publication_date(server: OpenAlexServer) -> None:
    result = harvest(source(server, max_results=2), state={"from_date": "2024-04-01"})
    assert len(server.queries) == 1 and server.queries[0]["per-page"] == "2"
    assert result.state["from_date"] == "2024-04-20"  # the last work read


def test_wrong_shape_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not an OpenAlex answer"):
        parse_works(b'{"error": "Invalid query parameters"}', "u", source="s")
    with pytest.raises(ParseError, match="not JSON"):
        parse_works(b"\x89PNG", "u", source="s")


def test_abstract_rebuild_and_doi_cleaning() -> None:
    assert rebuild_abstract({"b": [1], "a": [0, 2], "bad": ["x", -1, 10**9]}) == "a b a"
    assert rebuild_abstract(None) == ""
    assert clean_doi("https://dx.doi.org/10.1/ABC") == "10.1/abc"
