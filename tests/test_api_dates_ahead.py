"""A Crossref or OpenAlex work dated a day ahead of UTC keeps its date; one months ahead does not.

Publishers date works in their own time zone: from 16:00 UTC it is already tomorrow in Beijing,
and a work issued that day came dated in the future of the run's UTC day. Crossref and OpenAlex
dropped any such date (pages allowed a day for time zones), so the work was stored undated and
reported `updated` with its date once the UTC day caught up.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.test_pipeline_e2e import exported, run_once
from tests.test_qa4_api_sources import api_config, crossref_answer, openalex_answer


def serve_dated(httpserver: HTTPServer, day: dt.date) -> None:
    """Both APIs answer the one work (one landing page), dated `day`."""
    landing = httpserver.url_for("/article/1")
    crossref = crossref_answer(landing)
    crossref["message"]["items"][0]["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
    openalex = openalex_answer(landing)
    openalex["results"][0]["publication_date"] = day.isoformat()

    def answer(body: dict[str, Any]) -> Any:
        def handler(request: Request) -> Response:
            first = request.args.get("cursor") == "*"
            page = body if first else {"status": "ok", "message": {"items": []}, "results": []}
            return Response(json.dumps(page), content_type="application/json")

        return handler

    httpserver.expect_request("/cr/works").respond_with_handler(answer(crossref))
    httpserver.expect_request("/oa/works").respond_with_handler(answer(openalex))


@pytest.mark.parametrize("kind", ["cr", "oa"])
def test_a_work_dated_tomorrow_in_utc_keeps_its_date(
    httpserver: HTTPServer, tmp_path: Path, db_url: str, kind: str
) -> None:
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    serve_dated(httpserver, tomorrow)
    config = api_config(tmp_path, db_url, httpserver, (kind,))
    run_once(config)
    (doc,) = exported(config)
    assert doc["published"] == tomorrow.isoformat()


def test_a_work_dated_months_ahead_is_undated(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    serve_dated(httpserver, dt.datetime.now(dt.UTC).date() + dt.timedelta(days=60))
    config = api_config(tmp_path, db_url, httpserver, ("cr", "oa"))
    run_once(config)
    (doc,) = exported(config)
    assert doc["published"] is None
