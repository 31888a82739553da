"""A page whose view counter ticks between runs is not an edited page.

Chinese CMS pages end their article with "【打印】【关闭】 访问量：3111" or "点击数：57" inside the
article body; the count changes on every visit, and each run reported the page updated (a new
version, a digest entry) for a changed number of visits. A real edit of the same page is still
reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.e2e_site import Site
from tests.test_pipeline_e2e import exported, run_once
from tests.test_rounds_of_change import digest_now, html_config, listing

ZH = [
    "京津冀协同发展进入新阶段，城市群一体化建设加快推进。新型基础设施建设为城市群高质量发展提供"
    "有力支撑，数据中心、工业互联网和城际铁路把北京、天津和河北的创新资源连接起来。",
    "专家认为，要推动科技协同创新共同体建设，完善区域协调机制，促进公共服务共建共享。",
    "雄安新区承接北京非首都功能疏解，一批高校和医院陆续落地，交通网络不断完善。",
]
EDIT = "三地还将联合建设一批重大科技基础设施，共同培育世界级先进制造业集群。"
COUNTERS = [
    "【打印】【关闭】 访问量：{n}",
    "点击数：{n}",
    "阅读次数：{n}  【字体：大 中 小】",
    "浏览量: {n}",
]


def page(paragraphs: list[str], counter: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><meta charset='utf-8'><title>京津冀城市群协同发展新进展</title></head><body>"
        "<div class='article'><h1>京津冀城市群协同发展新进展</h1>"
        f"<div class='info'>发布时间：2024-03-06</div>{body}<p>{counter}</p></div></body></html>"
    )


@pytest.mark.parametrize("counter", COUNTERS)
def test_a_ticking_view_counter_is_no_edit(
    httpserver: HTTPServer, tmp_path: Path, db_url: str, counter: str
) -> None:
    site = Site(httpserver)
    site.put("/copies/", listing([]))
    site.put("/news/", listing(["/news/a1.html"]))
    site.install()
    config = html_config(tmp_path, db_url, site)
    site.put("/news/a1.html", page(ZH, counter.format(n=3111)))
    assert run_once(config)["totals"]["new"] == 1
    digest_now(config)

    for visits in (3222, 3333):
        site.put("/news/a1.html", page(ZH, counter.format(n=visits)))
        report = run_once(config)
        assert report["updated"] == [] and report["totals"]["unchanged"] == 1
    assert digest_now(config)["updated"] == []

    site.put("/news/a1.html", page([*ZH, EDIT], counter.format(n=3444)))
    (updated,) = run_once(config)["updated"]
    assert updated["changes"]["text"]["excerpt_added"] == [EDIT]
    assert [doc["version"] for doc in exported(config)] == [2]
