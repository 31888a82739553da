"""A clock set back after a digest (it ran fast, then was corrected) loses no document.

A digest covers [the last digest's end, now). A digest built while the clock ran two hours fast
ended two hours ahead; the runs after the correction stamped their new documents before that
end, outside every later window: they were in no digest at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from agglowatch.config import Config
from agglowatch.runner import open_database, utcnow
from digest.service import make_digest
from tests.e2e_site import Site
from tests.test_pipeline_e2e import run_once
from tests.test_qa4_redirects import BODIES
from tests.test_rounds_of_change import article, html_config, listing


def digest_at(config: Config, now: dt.datetime) -> dict[str, Any]:
    _, factory = open_database(config)
    return make_digest(factory, config, since=None, send=False, now=now)


def titles(digest: dict[str, Any]) -> list[str]:
    return [doc["title"] for theme in digest["themes"] for doc in theme["documents"]]


def test_documents_found_after_the_clock_went_back_are_in_the_next_digest(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = Site(httpserver)
    site.put("/copies/", listing([]))
    site.put("/news/", listing(["/news/a1.html"]))
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", BODIES[0]))
    site.install()
    config = html_config(tmp_path, db_url, site)
    run_once(config)
    fast = utcnow() + dt.timedelta(hours=2)
    assert titles(digest_at(config, fast)) == ["Chengdu-Chongqing builds new infrastructure"]

    site.put("/news/", listing(["/news/a2.html", "/news/a1.html"]))  # the clock is right again
    site.put("/news/a2.html", article("Bay Area labs", BODIES[1]))
    report = run_once(config)
    assert [doc["title"] for doc in report["new"]] == ["Bay Area labs"]

    later = digest_at(config, utcnow() + dt.timedelta(hours=3))
    assert titles(later) == ["Bay Area labs"]
    assert any("behind the last digest" in note for note in report["notes"])
    assert titles(digest_at(config, utcnow() + dt.timedelta(hours=4))) == []  # shown once
