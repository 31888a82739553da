"""A document found through a share link (utm_* and the like) is linked without them in digests.

Export keeps `url` as SPEC defines it, the final URL as fetched; canonical_url is clean. The
digest, the reader's view, links to the same page without the tracking parameters, in every
format, and lists its republications the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.config import load_config
from dedupe.normalise import without_tracking
from tests.e2e_site import Site
from tests.test_pipeline_e2e import exported, run_once
from tests.test_rounds_of_change import OTHER, PARAS, article, digest_now, html_config, listing

SHARE = "utm_source=wechat&utm_medium=share&fbclid=IwAR0"


@pytest.fixture
def site(httpserver: HTTPServer) -> Site:
    site = Site(httpserver)
    site.install()
    return site


def test_digests_link_to_pages_without_tracking_parameters(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    path = tmp_path / "agglowatch.yaml"  # links with a query string are articles too
    path.write_text(path.read_text(encoding="utf-8").replace("\\.html$", "\\.html"), "utf-8")
    config = load_config(path)
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    site.put("/news/a3.html", article("Greater Bay Area talent policy", OTHER))
    site.put("/copies/c1.html", article("Twin-city circle builds infrastructure", PARAS[:3]))
    site.put("/news/", listing([f"/news/a1.html?{SHARE}", "/news/a3.html?page=2&utm_campaign=x"]))
    site.put("/copies/", listing([f"/copies/c1.html?{SHARE}"]))
    run_once(config)

    docs = {d["canonical_url"]: d for d in exported(config)}
    a1 = docs[site.url("/news/a1.html")]
    assert a1["url"] == site.url(f"/news/a1.html?{SHARE}")  # the final URL, as SPEC says

    digest = digest_now(config)
    shown = [d for theme in digest["themes"] for d in theme["documents"]]
    by_title = {d["title"]: d for d in shown}
    assert by_title[a1["title"]]["url"] == site.url("/news/a1.html")
    assert by_title[a1["title"]]["also_at"] == [site.url("/copies/c1.html")]
    assert site.url("/news/a3.html?page=2") in {d["url"] for d in shown}  # others kept
    for name in digest["delivered"]["files"]:
        assert b"utm_" not in Path(name).read_bytes(), name
    assert "utm_" not in json.dumps(digest)


def test_without_tracking_keeps_everything_else() -> None:
    url = "https://Example.org/a/B.html?id=7&utm_source=x&Lang=en&spm=a.b#top"
    assert without_tracking(url) == "https://Example.org/a/B.html?id=7&Lang=en#top"
    assert without_tracking("https://example.org/a?utm_x=1") == "https://example.org/a"
    wechat = "https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=ab&chksm=9&pass_ticket=T"
    assert without_tracking(wechat) == "https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=ab"
    assert without_tracking("mailto:a@b.org?utm_source=x") == "mailto:a@b.org?utm_source=x"
