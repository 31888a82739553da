"""Short texts: a news flash carried by two sources is one publication; articles that share a
paywall stub are not.

Wires and portals re-post a 90-character flash with their own dateline and reporter around it:
the texts differ, so their hashes do, but the flash is one publication. Another flash of the same
template (another region, other cities) is another publication. Different articles behind one
paywall share the same short text; their titles tell them apart (dedupe.short).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from dedupe.short import titles_agree
from tests.e2e_site import Site
from tests.test_dedupe_index import FLASH
from tests.test_pipeline_e2e import exported, run_once
from tests.test_rounds_of_change import html_config, listing


@pytest.fixture
def site(httpserver: HTTPServer) -> Site:
    site = Site(httpserver)
    site.install()
    return site


def page(title: str, body: str) -> str:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="citation_publication_date" content="2024-03-05"></head>'
        f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


def test_a_short_flash_re_posted_elsewhere_is_one_document(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    site.put("/news/f1.html", page("长江中游城市群实施方案印发", FLASH))
    site.put("/news/", listing(["/news/f1.html"]))
    site.put("/copies/", listing([]))
    (original,) = run_once(config)["new"]

    other = FLASH.replace("长江中游", "北部湾").replace("武汉、长沙、南昌三大", "南宁、湛江、海口")
    site.put("/copies/c1.html", page("快讯：方案印发", f"新华社武汉3月5日电 {FLASH}（记者 王磊）"))
    site.put("/copies/c2.html", page("北部湾城市群实施方案印发", other))
    site.put("/copies/", listing(["/copies/c1.html", "/copies/c2.html"]))
    report = run_once(config)
    assert [d["url"] for d in report["new"]] == [site.url("/copies/c2.html")]
    (copy,) = report["duplicates"]
    assert copy["url"] == site.url("/copies/c1.html")
    assert copy["duplicate_of"]["id"] == original["id"]
    assert len(exported(config)) == 3


STUB = "This is a preview of subscription content, log in via an institution to check access."


def test_articles_behind_one_paywall_stub_are_each_new(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    """Their texts are the same stub (or the stub and a line more): only their titles tell them
    apart, and they do; the same article at a second address still is a duplicate."""
    config = html_config(tmp_path, db_url, site)
    titles = {
        "/news/a.html": "Spatial structure of the Yangtze River Delta urban agglomeration",
        "/news/b.html": "Carbon emissions of the Pearl River Delta cities",
        "/news/c.html": "Hukou reform and migrant workers in Chengdu",
    }
    for path, title in titles.items():
        extra = " Access options: buy article." if path.endswith("c.html") else ""
        site.put(path, page(title, STUB + extra))
    site.put("/news/", listing(list(titles)))
    site.put("/copies/a.html", page(titles["/news/a.html"], STUB))
    site.put("/copies/", listing(["/copies/a.html"]))
    report = run_once(config)
    assert sorted(d["title"] for d in report["new"]) == sorted(titles.values())
    (copy,) = report["duplicates"]
    assert copy["url"] == site.url("/copies/a.html")


def test_titles_agree_on_shared_pairs_of_the_shorter_title() -> None:
    assert titles_agree("快讯：方案印发", "长江中游城市群实施方案印发")
    assert titles_agree("Reprint: Hukou reform in Chengdu", "Hukou reform in Chengdu")
    assert not titles_agree("长三角一体化示范区揭牌", "粤港澳大湾区建设提速")
    assert not titles_agree(
        "Spatial structure of the Yangtze River Delta",
        "Carbon emissions of Pearl River Delta cities",
    )
    assert titles_agree("", "Any title")  # no title: no evidence against
