"""Error pages served with status 200 are not documents, and do not overwrite the article that
used to live at their address."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.records import DocumentRecord
from parsers.errorpage import error_page_reason
from tests.e2e_site import ARTICLE_ZH, Site
from tests.test_pipeline_e2e import exported, make_config, run_once


def reason(title: str, text: str) -> str | None:
    return error_page_reason(
        DocumentRecord(source="s", url="https://x.example/a", title=title, text=text)
    )


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("页面不存在 - 中国政府网", "返回首页 网站地图 联系我们"),
        ("404错误提示", "抱歉，您访问的页面已删除。"),
        ("出错了！", ""),
        ("某某市人民政府门户网站", "您访问的页面不存在或已被删除，请返回首页继续浏览。"),
        ("404 Not Found", "nginx/1.18.0"),
        ("Page not found | Example Institute", "Search our site or go back to the home page."),
        ("Example Institute", "Sorry, the page you are looking for does not exist."),
        ("Error 404", "Home"),
    ],
)
def test_error_pages_are_recognised(title: str, text: str) -> None:
    assert reason(title, text) is not None


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("信息不存在泄露风险，专家解读数据安全新规", "数据安全" * 40),  # the phrase goes on
        ("系统错误导致航班大面积延误", "航班" * 200),
        ("京津冀协同发展十周年", "京津冀城市群" * 200),
        ("Why 404 pages matter", "A long essay. " * 300),
        ("Urban agglomerations and the page not found in planning", "Long text. " * 300),
    ],
)
def test_articles_are_not_error_pages(title: str, text: str) -> None:
    assert reason(title, text) is None


def test_a_soft_404_is_not_stored_nor_an_edit(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = Site(httpserver)
    body = "长三角城市群一体化发展取得新进展，沪苏浙皖四地在交通、产业和公共服务方面加强合作。" * 4
    article = ARTICLE_ZH.format(title="长三角一体化取得新进展", body=body)
    gone = ARTICLE_ZH.format(title="页面不存在", body="抱歉，您访问的页面不存在或已被删除。")
    gone = (
        gone.split('<div class="article">')[0]
        + "<p>您访问的页面不存在或已被删除。</p></body></html>"
    )
    site.put("/a1.html", article.encode("gbk"), "text/html")
    site.put("/a2.html", gone.encode("gbk"), "text/html")
    site.put("/list.html", '<ul class="news"><a href="/a1.html">1</a><a href="/a2.html">2</a></ul>')
    site.install()
    extra = f"""  - name: listing
    kind: html
    url: {httpserver.url_for("/list.html")}
    links: "ul.news a"
"""
    config = make_config(tmp_path, db_url, httpserver.url_for("/none.xml"), extra)
    first = {s["name"]: s for s in run_once(config)["sources"]}["listing"]
    assert first["new"] == 1
    assert [d["title"] for d in exported(config)] == ["长三角一体化取得新进展"]

    site.put("/a1.html", gone.encode("gbk"), "text/html")  # the article was taken down
    second = run_once(config)
    assert second["totals"]["updated"] == 0 and second["totals"]["new"] == 0
    (stored,) = exported(config)
    assert stored["title"] == "长三角一体化取得新进展" and stored["version"] == 1
