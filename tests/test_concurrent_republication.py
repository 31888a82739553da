"""One article republished by several sources that are harvested and stored concurrently in one
run: it is stored once, the other copies are its duplicates (nothing shown twice)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from agglowatch.config import Config, load_config
from agglowatch.runner import close_run, open_run, run_sources
from tests.e2e_site import ARTICLE_ZH, Site, feed_xml

ROOT = Path(__file__).resolve().parent.parent
COPIES = 6
PARAGRAPHS = [
    "成渝地区双城经济圈建设推进会日前召开，会议总结了过去一年两地在交通、产业和公共服务方面的合作成果。",
    "会议指出，成都和重庆两个中心城市要发挥带动作用，推动城际铁路、高速公路和航空枢纽互联互通。",
    "据介绍，两地已共建十余个产业合作园区，电子信息、汽车制造和装备制造产业链协同水平不断提高。",
    "在公共服务方面，两地推出跨省通办事项三百余项，医保异地结算和社保关系转移接续更加便捷。",
    "下一步，两地将围绕科技创新中心建设，联合布局重大科技基础设施，推动高校和科研院所开放共享。",
    "与会专家认为，双城经济圈要处理好中心城市与周边中小城市的关系，促进大中小城市协调发展。",
]


def _copy(n: int) -> str:
    """Copy n: its own headline, portal chrome, and (from the second on) one paragraph dropped."""
    kept = [p for i, p in enumerate(PARAGRAPHS) if n == 0 or i != n % len(PARAGRAPHS)]
    page = ARTICLE_ZH.format(title=f"成渝双城经济圈建设取得新进展（{n}）", body="".join(kept))
    return page.replace("中国发展网", f"第{n}门户网")


def _config(tmp_path: Path, db_url: str, server: HTTPServer) -> Config:
    sources = "".join(
        f"  - {{name: portal-{n}, kind: feed, url: '{server.url_for(f'/feed{n}.xml')}'}}\n"
        for n in range(COPIES)
    )
    text = f"""
database: {db_url}
output: {tmp_path / "out"}
seeds: {ROOT / "seeds"}
themes: {ROOT / "themes.yaml"}
fetch: {{allow_private_addresses: true, per_host_delay: 0, per_host_concurrency: 8,
         respect_robots: false}}
sources:
{sources}"""
    path = tmp_path / "agglowatch.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def _run(config: Config) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        ctx = open_run(config, config.select())
        return close_run(ctx, await run_sources(ctx))  # the sources concurrently, as the flow

    return asyncio.run(go())


def test_copies_stored_concurrently_are_one_document(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = Site(httpserver)
    base = httpserver.url_for("").rstrip("/")
    for n in range(COPIES):
        site.put(f"/a{n}.html", _copy(n).encode("gbk"), "text/html")
        site.put(f"/feed{n}.xml", feed_xml(base, [(f"/a{n}.html", "x")]), "application/rss+xml")
    site.install()
    report = _run(_config(tmp_path, db_url, httpserver))
    assert [s["status"] for s in report["sources"]] == ["ok"] * COPIES
    assert report["totals"]["new"] == 1, report["new"]
    assert report["totals"]["duplicates"] == COPIES - 1
    original = report["new"][0]["id"]
    assert {d["duplicate_of"]["id"] for d in report["duplicates"]} == {original}
