"""A small news site on loopback for end-to-end tests: a feed, article pages, conditional GET."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ARTICLE_EN = """<html><head><meta charset="utf-8"><title>{title} | Example Institute</title>
<meta name="citation_title" content="{title}"><meta name="citation_author" content="Li Wei">
<meta name="citation_publication_date" content="2024/03/05"></head>
<body><nav>Home | About | Contact</nav><article><h1>{title}</h1>
<p>{body}</p>
<p>The Chengdu-Chongqing economic circle and the Yangtze River Delta show how new infrastructure
such as 5G networks, data centres and intercity rail supports high-quality development of urban
agglomerations, while innovation communities link universities and firms across cities.</p>
<p>Researchers recommend coordinated planning, shared public services and a unified market so that
the benefits of agglomeration reach smaller cities and rural areas as well.</p></article>
<footer>Copyright Example Institute</footer></body></html>"""

ARTICLE_ZH = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}_中国发展网</title></head><body><div class="nav">首页 新闻 政策</div>
<div class="article"><h1>{title}</h1>
<div class="info">发布时间：2024年03月06日 10:30 来源：本网</div>
<p>{body}</p>
<p>京津冀协同发展进入新阶段，城市群一体化建设加快推进。新型基础设施建设为城市群高质量发展提供有力支撑，
数据中心、工业互联网和城际铁路把北京、天津和河北的创新资源连接起来。</p>
<p>专家认为，要推动科技协同创新共同体建设，完善区域协调机制，促进公共服务共建共享。</p></div>
<div class="footer">版权所有 中国发展网</div></body></html>"""


def feed_xml(base: str, items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate></item>"
        for path, title in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Example news</title><link>{base}/</link>{entries}</channel></rss>"
    )


@dataclass
class Site:
    """Pages by path; answers If-None-Match with 304 and counts requests per path."""

    server: HTTPServer
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def put(self, path: str, body: str | bytes, content_type: str = "text/html") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = (data, content_type)

    def handle(self, request: Request) -> Response:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        if request.path not in self.pages:
            return Response("not found", status=404)
        body, content_type = self.pages[request.path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, status=200, headers={"ETag": etag, "Content-Type": content_type})

    def install(self) -> None:
        import re

        self.server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    def url(self, path: str) -> str:
        return self.server.url_for(path)


def news_site(server: HTTPServer) -> Site:
    site = Site(server)
    base = server.url_for("").rstrip("/")
    site.put(
        "/a1.html",
        ARTICLE_EN.format(title="New infrastructure for urban clusters", body="First article."),
        "text/html; charset=utf-8",
    )
    zh = ARTICLE_ZH.format(
        title="京津冀城市群建设提速", body="据报道，北京市召开会议部署相关工作。"
    )
    site.put("/a2.html", zh.encode("gbk"), "text/html")
    site.put(
        "/feed.xml",
        feed_xml(base, [("/a1.html", "New infrastructure"), ("/a2.html", "京津冀城市群建设提速")]),
        "application/rss+xml",
    )
    site.install()
    return site
