"""What a run report says of a page that failed: its URL once, then why.

Most parser and fetch errors already begin with the page's URL; the report's warnings put the URL
in front again ("http://x/a.html: http://x/a.html: the body is binary data, ...").
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.e2e_site import Site
from tests.test_pipeline_e2e import run_once
from tests.test_rounds_of_change import html_config

BODIES = {
    "binary.html": random.Random(5).randbytes(20_000),
    "empty.html": b"",
    "fake.pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_a_failed_page_is_named_once_in_the_warnings(
    httpserver: HTTPServer, tmp_path: Path, name: str
) -> None:
    site = Site(httpserver)
    site.put("/copies/", "<html><body></body></html>")
    site.put("/news/", f'<html><body><a href="/news/{name}">x</a></body></html>')
    site.put(f"/news/{name}", BODIES[name], "text/html")
    site.install()
    config = html_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", site)
    config.sources[0] = config.sources[0].model_copy(update={"include": "/news/.+"})
    news = run_once(config)["sources"][0]
    url = site.url(f"/news/{name}")
    (warning,) = [w for w in news["warnings"] if url in w]
    assert warning.count(url) == 1 and len(warning) > len(url) + 10, warning
