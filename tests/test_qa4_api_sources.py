"""One work found by two API sources (Crossref and OpenAlex) at one address, run after run.

Both kinds give the DOI resolver URL as the work's `url` and the publisher's landing page as its
`canonical_url`, so the two records are one stored document. They carry different renderings
(Crossref an abstract, OpenAlex often none): the second source stored must not rewrite the
first's document each run, which listed one document twice in a report's `updated` and then
reported it updated every run after, its abstract dropped and restored in turn.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agglowatch.config import Config, load_config
from sources.crossref import Paged, next_window
from tests.test_pipeline_e2e import ROOT, exported, run_once

ABSTRACT = (
    "Urban agglomerations are the main spatial carriers of new urbanization in China. This "
    "paper evaluates the high-quality development of the Yangtze River Delta urban "
    "agglomeration with an entropy weight model and finds gaps in coordinated innovation."
)
TITLE = "High-quality development of the Yangtze River Delta urban agglomeration"
DOI = "10.1234/ua.2024.001"


def crossref_answer(landing: str) -> dict[str, Any]:
    item = {
        "DOI": DOI,
        "title": [TITLE],
        "abstract": f"<jats:p>{ABSTRACT}</jats:p>",
        "author": [{"given": "Chuanglin", "family": "Fang"}],
        "issued": {"date-parts": [[2024, 2, 1]]},
        "indexed": {"date-parts": [[2024, 3, 1]]},
        "resource": {"primary": {"URL": landing}},
    }
    message = {"items": [item], "next-cursor": "end", "total-results": 1}
    return {"status": "ok", "message-type": "work-list", "message": message}


def openalex_answer(landing: str) -> dict[str, Any]:
    work = {
        "id": "https://openalex.org/W1",
        "doi": f"https://doi.org/{DOI}",
        "title": TITLE,
        "publication_date": "2024-02-01",
        "primary_location": {"landing_page_url": landing},
        "abstract_inverted_index": None,
        "authorships": [{"author": {"display_name": "Chuanglin Fang"}}],
    }
    return {"meta": {"count": 1, "next_cursor": None}, "results": [work]}


def serve_apis(httpserver: HTTPServer) -> None:
    landing = httpserver.url_for("/article/1")

    def answer(build: Any) -> Any:
        def handler(request: Request) -> Response:
            first = request.args.get("cursor") == "*"
            body = build(landing) if first else {"status": "ok", "message": {"items": []}}
            return Response(json.dumps(body), content_type="application/json")

        return handler

    httpserver.expect_request("/cr/works").respond_with_handler(answer(crossref_answer))
    httpserver.expect_request("/oa/works").respond_with_handler(answer(openalex_answer))


def api_config(
    tmp_path: Path, db_url: str, httpserver: HTTPServer, order: tuple[str, ...] = ("cr", "oa")
) -> Config:
    sources = {
        "cr": f"""  - name: cr
    kind: crossref
    query: urban agglomeration
    base_url: {httpserver.url_for("/cr")}
""",
        "oa": f"""  - name: oa
    kind: openalex
    search: urban agglomeration
    base_url: {httpserver.url_for("/oa")}
""",
    }
    text = f"""
database: {db_url}
output: {tmp_path / "out"}
seeds: {ROOT / "seeds"}
themes: {ROOT / "themes.yaml"}
fetch: {{allow_private_addresses: true, per_host_delay: 0, backoff: 0.01, respect_robots: false}}
sources:
{"".join(sources[name] for name in order)}"""
    path = tmp_path / "agglowatch.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize("order", [("cr", "oa"), ("oa", "cr")])
def test_one_work_from_two_apis_is_new_once_and_not_rewritten_by_the_other(
    httpserver: HTTPServer, tmp_path: Path, db_url: str, order: tuple[str, ...]
) -> None:
    """Whichever source is stored first (the flow stores them as they finish), the richer
    rendering (here Crossref's, with the abstract) is the document's, and stays so."""
    serve_apis(httpserver)
    config = api_config(tmp_path, db_url, httpserver, order)

    first = run_once(config)
    assert [doc["title"] for doc in first["new"]] == [TITLE]
    assert first["updated"] == []  # the document is in the report once, as new
    for _ in range(2):  # nothing changed at either API: nothing to report
        later = run_once(config)
        assert later["updated"] == [] and later["new"] == []
        assert later["totals"]["unchanged"] == 2

    (doc,) = exported(config)
    assert doc["abstract"] == ABSTRACT and ABSTRACT in doc["text"]
    assert doc["source"] == "cr" and doc["doi"] == DOI


def test_a_work_repeated_on_the_next_cursor_page_is_counted_once(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    """Cursor pages can overlap (the index moves while one pages through it): a work on two
    pages is one item of the run, new once, not new and then unchanged in the same report."""
    landing = httpserver.url_for("/article/1")
    item = crossref_answer(landing)["message"]["items"][0]
    other = {**item, "DOI": "10.1234/ua.2024.002", "title": ["Innovation in Beijing-Tianjin-Hebei"]}
    other["abstract"] = (
        "Patent co-applications show that Beijing dominates the knowledge flows of the "
        "Beijing-Tianjin-Hebei urban agglomeration while Hebei lags behind."
    )
    other["resource"] = {"primary": {"URL": httpserver.url_for("/article/2")}}
    pages = {"*": ([item], "c2"), "c2": ([item, other], "c3"), "c3": ([], "c4")}

    def handler(request: Request) -> Response:
        items, cursor = pages[request.args["cursor"]]
        message = {"items": items, "next-cursor": cursor, "total-results": 3}
        return Response(json.dumps({"status": "ok", "message": message}))

    httpserver.expect_request("/cr/works").respond_with_handler(handler)
    httpserver.expect_request("/oa/works").respond_with_json({"meta": {"count": 0}, "results": []})
    config = api_config(tmp_path, db_url, httpserver)

    report = run_once(config)
    crossref = report["sources"][0]
    assert (crossref["items"], crossref["new"]) == (2, 2)
    assert report["totals"]["new"] == 2 and report["totals"]["unchanged"] == 0


def test_an_html_error_page_in_place_of_json_is_named_in_the_report(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    page = "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>x"
    httpserver.expect_request("/cr/works").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/oa/works").respond_with_data("<html><body><p>Please log in")
    config = api_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", httpserver)
    errors = {s["name"]: s["error"] for s in run_once(config)["sources"]}
    assert "HTML page ('503 Service Unavailable')" in errors["cr"]
    assert "HTML page ('Please log in')" in errors["oa"] and "base_url" in errors["oa"]


def test_a_first_run_cut_by_a_failing_page_is_read_again_whole(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """The first run reads the whole answer (no date window, by relevance): when a later page
    fails, the window must not move on to today, or the works past it are never read."""
    landing = httpserver.url_for("/article/1")
    first = crossref_answer(landing)["message"]["items"][0]
    second = {**first, "DOI": "10.1234/ua.2024.002", "title": ["Innovation in Jing-Jin-Ji"]}
    second["abstract"] = (
        "Patent co-applications show Beijing leads the knowledge flows of the region."
    )
    second["resource"] = {"primary": {"URL": httpserver.url_for("/article/2")}}
    down = {"page2": True}
    queries: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        queries.append(dict(request.args))
        cursor = request.args["cursor"]
        if cursor == "c2" and down["page2"]:
            return Response("busy", status=503)
        items, nxt = {"*": ([first], "c2"), "c2": ([second], "c3")}.get(cursor, ([], "c4"))
        message = {"items": items, "next-cursor": nxt, "total-results": 2}
        return Response(json.dumps({"status": "ok", "message": message}))

    httpserver.expect_request("/cr/works").respond_with_handler(handler)
    httpserver.expect_request("/oa/works").respond_with_json({"meta": {"count": 0}, "results": []})
    config = api_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", httpserver)

    cut = run_once(config)
    assert [doc["title"] for doc in cut["new"]] == [TITLE]
    assert any("paging stopped" in w for w in cut["sources"][0]["warnings"])

    down["page2"] = False
    queries.clear()
    again = run_once(config)
    assert [doc["title"] for doc in again["new"]] == ["Innovation in Jing-Jin-Ji"]
    assert all("from-index-date" not in q.get("filter", "") for q in queries), queries
    assert len(exported(config)) == 2


def test_a_windowed_reading_that_failed_before_passing_its_start_keeps_its_start() -> None:
    start, today = dt.date(2024, 5, 1), dt.date(2024, 6, 1)
    stuck = Paged(failed=True, last_date=start)  # every work read so far has the start's date
    assert next_window(start, stuck, today) == start
    moved = Paged(failed=True, last_date=dt.date(2024, 5, 9))  # sorted: resume from there
    assert next_window(start, moved, today) == dt.date(2024, 5, 9)
    assert next_window(start, Paged(exhausted=True), today) == today
