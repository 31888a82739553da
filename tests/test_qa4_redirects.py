"""An article taken down by redirecting its address to the site's home page or a section page.

Many sites (Chinese government CMSs among them) answer a deleted article's URL with a redirect to
the home page or to the section above it. Followed and parsed, that page was stored as a new
"document" (the home page, reported new and put in the digest); it is no article of the
listing. A redirect to an article's new address is still followed (a move, or just https).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sources.articles import redirected_away
from tests.e2e_site import Site
from tests.test_pipeline_e2e import exported, run_once
from tests.test_rounds_of_change import PARAS, article, html_config, listing

OTHERS = [
    "The Guangdong-Hong Kong-Macao Greater Bay Area will deepen cooperation in science and "
    "technology innovation, with new laboratories in Shenzhen and Guangzhou.",
    "Planners want faster cross-border rail links and a common market for talent, so that firms "
    "in Hong Kong can recruit engineers from the Pearl River Delta.",
    "The middle reaches of the Yangtze River urban agglomeration, linking Wuhan, Changsha and "
    "Nanchang, opened three intercity rail lines this week.",
    "Provincial planners said the new lines cut travel times by half and will help share "
    "hospitals, universities and industrial parks across the three capitals.",
]
BODIES = [PARAS, OTHERS[:2], OTHERS[2:]]

HOME = (
    "<html><head><title>Example Institute</title></head><body><nav>Home | News</nav>"
    "<h1>Welcome to Example Institute</h1><p>We study cities, regions and their planning, "
    "with reports on urban agglomerations and new infrastructure.</p>"
    "<ul><li><a href='/news/'>News</a></li></ul></body></html>"
)


class Redirecting(Site):
    """A Site whose `moves` answer with a redirect to another path."""

    moves: dict[str, str]

    def handle(self, request: Request) -> Response:
        if request.path in getattr(self, "moves", {}):
            return Response(status=301, headers={"Location": self.url(self.moves[request.path])})
        return super().handle(request)


def test_a_redirect_to_the_home_or_section_page_is_no_document(
    httpserver: HTTPServer, tmp_path: Path, db_url: str
) -> None:
    site = Redirecting(httpserver)
    site.moves = {}
    site.put("/", HOME)
    site.put("/copies/", listing([]))
    paths = ["/news/a1.html", "/news/2024/a2.html", "/news/a3.html"]
    site.put("/news/", listing(paths))
    titles = ["Chengdu-Chongqing builds new infrastructure", "Bay Area labs", "Middle Yangtze rail"]
    for path, title, body in zip(paths, titles, BODIES, strict=True):
        site.put(path, article(title, body))
    site.install()
    config = html_config(tmp_path, db_url, site)
    assert run_once(config)["totals"]["new"] == 3

    site.put("/news/2024/a3.html", site.pages["/news/a3.html"][0])
    site.moves = {
        "/news/a1.html": "/",
        "/news/2024/a2.html": "/news/",
        "/news/a3.html": "/news/2024/a3.html",
    }
    report = run_once(config)
    assert report["new"] == [] and report["duplicates"] == []
    assert report["totals"]["errors"] == 0 and report["removed"] == []
    warnings = report["sources"][0]["warnings"]
    assert any(site.url("/news/a1.html") in w and "home page" in w for w in warnings), warnings
    assert any(site.url("/news/2024/a2.html") in w for w in warnings), warnings
    assert sorted(doc["title"] for doc in exported(config)) == sorted(titles)


@pytest.mark.parametrize(
    ("url", "final", "where"),
    [
        ("http://x.cn/news/a.html", "http://x.cn/", "the site's home page"),
        ("http://www.x.cn/a/b.html", "https://x.cn/index.html", "the site's home page"),
        ("http://x.cn/news/2024/a.html", "http://x.cn/news/index.shtml", "the section page"),
        ("http://x.cn/news/show.asp?id=5", "http://x.cn/news/", "the section page"),
        ("http://x.cn/news/a.html", "https://x.cn/news/a.html", None),  # https
        ("http://x.cn/index.php?id=5", "http://x.cn/index.php?id=5&lang=zh", None),
        ("http://x.cn/news/a1", "http://x.cn/news/a1/", None),  # a trailing slash
        ("http://x.cn/a.html", "http://x.cn/en/a.html", None),  # a language prefix
        ("http://x.cn/?p=123", "http://x.cn/2024/03/slug/", None),  # a pretty permalink
        ("http://x.cn/2024/03/05/slug/", "http://x.cn/2024/03/05/s/", None),  # renamed
        ("http://t.cn/abc/def", "http://y.cn/news/", None),  # another site's section
    ],
)
def test_which_redirects_lead_away_from_the_article(
    url: str, final: str, where: str | None
) -> None:
    assert redirected_away(url, final) == where
