"""The bundled snapshot site that `python -m demo` serves on loopback, in two versions.

Two sources live on it: a bilingual think tank's RSS feed (/feed.xml) of article pages, and a news
portal's HTML listing (/portal/list.html) that republishes one of those articles. Version 2 adds
two articles and edits one; every other page stays byte-identical, so a conditional GET of it is
answered 304. Pages are HTML templates under demo/snapshot/, written in UTF-8 and encoded to each
page's charset when served; `{{base}}` in them becomes the server's origin.

The server is http.server with validators: an ETag (sha256 of the body), Last-Modified, and 304 on
If-None-Match / If-Modified-Since, so the pipeline's conditional requests are exercised for real.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

SNAPSHOT = Path(__file__).with_name("snapshot")
VERSIONS = (1, 2)
CST = dt.timezone(dt.timedelta(hours=8), "CST")
FEED_PATH = "/feed.xml"
PORTAL_PATH = "/portal/list.html"
ROBOTS = b"User-agent: *\nAllow: /\n"
PORTAL_LINKS = "ul.news-list a[href]"  # the portal listing's article links (the config's `links`)
PORTAL_INCLUDE = r"/portal/content/\d{4}-\d{2}/\d{2}/content_\d+\.html$"


def _cst(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CST)


@dataclass(frozen=True, slots=True)
class Article:
    """One article page: where it is served, its template, and what its feed entry says."""

    path: str
    template: str  # file name under demo/snapshot/
    title: str  # the page's headline, and its feed entry's title
    summary: str
    published: dt.datetime
    modified: dt.datetime | None = None  # Last-Modified when later than `published`
    charset: str = "utf-8"
    header_charset: bool = True  # False: the charset is only in the page's <meta>
    in_feed: bool = True  # False: listed by the portal, not by the feed
    category: str = "News"

    @property
    def content_type(self) -> str:
        return f"text/html; charset={self.charset}" if self.header_charset else "text/html"

    @property
    def last_modified(self) -> dt.datetime:
        return self.modified or self.published


@dataclass(frozen=True, slots=True)
class Page:
    """One resource as served: exact bytes and the validators derived from them."""

    path: str
    body: bytes
    content_type: str
    last_modified: dt.datetime  # whole seconds, aware
    title: str = ""

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest() + '"'

    @property
    def last_modified_header(self) -> str:
        return email.utils.format_datetime(self.last_modified.astimezone(dt.UTC), usegmt=True)


CHENGDU_CHONGQING = Article(
    path="/en/news/2024-03/chengdu-chongqing-new-infrastructure.html",
    template="en-chengdu-chongqing.v1.html",
    title="Tianyuan Institute Releases Study on New Infrastructure in the Chengdu–Chongqing "
    "Twin-City Economic Circle",
    summary="A year-long field study finds that computing hubs, 5G and intercity rail are turning "
    "the two cities' rivalry into a division of labour.",
    published=_cst(2024, 3, 18, 10, 30),
    category="Research News",
)
CHENGDU_CHONGQING_EDITED = Article(
    path=CHENGDU_CHONGQING.path,
    template="en-chengdu-chongqing.v2.html",
    title="Study Finds New Infrastructure Is Knitting Together the Chengdu–Chongqing Twin-City "
    "Economic Circle",
    summary=CHENGDU_CHONGQING.summary,
    published=CHENGDU_CHONGQING.published,
    modified=_cst(2024, 6, 20, 16, 5),
    category="Research News",
)
JING_JIN_JI = Article(
    path="/zh/xwzx/202404/t20240410_2187.html",
    template="zh-jingjinji.html",
    title="京津冀协同发展十周年：以城市群高质量发展引领区域协调",
    summary="研究院举办“京津冀协同发展与城市群高质量发展”专题研讨会，与会专家围绕非首都功能疏解、"
    "交通一体化和创新链产业链协同展开讨论。",
    published=_cst(2024, 4, 10, 9, 30),
    category="新闻中心",
)
YANGTZE_DELTA = Article(
    path="/zh/yjcg/202405/t20240522_2203.html",
    template="zh-yangtze-delta.gbk.html",
    title="长三角一体化背景下科技创新共同体建设的进展与路径",
    summary="研究简报：长三角科技创新共同体在大型仪器共享、创新券通用通兑和G60科创走廊等方面的"
    "进展，以及下一步的制度路径。",
    published=_cst(2024, 5, 22, 15, 0),
    charset="gbk",
    header_charset=False,
    category="研究成果",
)
CDRF_REPUBLISHED = Article(
    path="/en/news/2023-01/cdrf-report-city-clusters-new-infrastructure.html",
    template="en-cdrf-republished.html",
    title="Partner News: CDRF Report Sees New Infrastructure Powering China's City Clusters",
    summary="The China Development Research Foundation released its executive report on new "
    "infrastructure and the high-quality development of urban agglomerations in Beijing.",
    published=_cst(2023, 1, 17, 11, 0),
    category="Partner News",
)
GREATER_BAY_AREA = Article(
    path="/en/news/2024-06/gba-carbon-neutrality-pathways.html",
    template="en-gba-carbon-neutrality.html",
    title="Policy Brief: Pathways to Carbon Neutrality in the Guangdong–Hong Kong–Macao Greater "
    "Bay Area",
    summary="Power, buildings and cross-boundary green finance decide whether the Bay Area's "
    "eleven cities peak and cut emissions together.",
    published=_cst(2024, 6, 12, 14, 0),
    category="Policy Briefs",
)
CENTRAL_PLAINS = Article(
    path="/zh/xwzx/202406/t20240618_2241.html",
    template="zh-central-plains.html",
    title="中原城市群建设与新型城镇化：以郑州都市圈为引领推进以县城为重要载体的城镇化",
    summary="研究院课题组在河南调研后提出，中原城市群应以郑州都市圈为引领，推动农业转移人口"
    "市民化和县城补短板强弱项。",
    published=_cst(2024, 6, 18, 10, 0),
    category="新闻中心",
)
PORTAL_JING_JIN_JI = Article(
    path="/portal/content/2024-04/12/content_5521.html",
    template="portal-jingjinji.html",
    title="京津冀协同发展十年：城市群高质量发展引领区域协调发展",
    summary="",
    published=_cst(2024, 4, 12, 8, 45),
    in_feed=False,
)
PORTAL_MIDDLE_YANGTZE = Article(
    path="/portal/content/2024-05/08/content_5540.html",
    template="portal-middle-yangtze.html",
    title="长江中游城市群省会城市合作迈出新步伐 四省会共推“跨省通办”和产业链协作",
    summary="",
    published=_cst(2024, 5, 8, 16, 20),
    in_feed=False,
)

ARTICLES: Mapping[int, tuple[Article, ...]] = {
    1: (
        CHENGDU_CHONGQING,
        JING_JIN_JI,
        YANGTZE_DELTA,
        CDRF_REPUBLISHED,
        PORTAL_JING_JIN_JI,
        PORTAL_MIDDLE_YANGTZE,
    ),
    2: (
        CHENGDU_CHONGQING_EDITED,
        JING_JIN_JI,
        YANGTZE_DELTA,
        CDRF_REPUBLISHED,
        GREATER_BAY_AREA,
        CENTRAL_PLAINS,
        PORTAL_JING_JIN_JI,
        PORTAL_MIDDLE_YANGTZE,
    ),
}
PORTAL_LISTING_MODIFIED = _cst(2024, 5, 8, 16, 30)


def articles(version: int) -> tuple[Article, ...]:
    """The article pages of one version of the site."""
    if version not in ARTICLES:
        raise ValueError(f"the demo site has versions {VERSIONS}, not {version!r}")
    return ARTICLES[version]


def build_site(version: int, base: str) -> dict[str, Page]:
    """Every page of one version, by path, with `base` (scheme://host:port) filled in."""
    pages = [_article_page(article, base) for article in articles(version)]
    pages.append(_feed_page(version, base))
    pages.append(_template_page(PORTAL_PATH, "portal-list.html", base, PORTAL_LISTING_MODIFIED))
    pages.append(Page("/robots.txt", ROBOTS, "text/plain; charset=utf-8", _cst(2023, 1, 1)))
    return {page.path: page for page in pages}


def render_template(name: str, base: str, charset: str = "utf-8") -> bytes:
    """A snapshot template with its `{{base}}` filled in, encoded strictly to `charset`."""
    text = (SNAPSHOT / name).read_text(encoding="utf-8")
    return text.replace("{{base}}", base).encode(charset)


def _article_page(article: Article, base: str) -> Page:
    body = render_template(article.template, base, article.charset)
    return Page(article.path, body, article.content_type, article.last_modified, article.title)


def _template_page(path: str, template: str, base: str, modified: dt.datetime) -> Page:
    return Page(path, render_template(template, base), "text/html; charset=utf-8", modified)


def _feed_page(version: int, base: str) -> Page:
    entries = sorted(
        (a for a in articles(version) if a.in_feed), key=lambda a: a.published, reverse=True
    )
    built = max(a.last_modified for a in entries)
    body = render_feed(entries, base, built).encode("utf-8")
    return Page(FEED_PATH, body, "application/rss+xml; charset=utf-8", built)


def render_feed(entries: Iterable[Article], base: str, built: dt.datetime) -> str:
    """The think tank's RSS 2.0 feed: one <item> per article, newest first."""
    items = "".join(_feed_item(article, base) for article in entries)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "<channel>\n"
        "  <title>Tianyuan Institute for Regional Development — News and Research</title>\n"
        f"  <link>{base}/</link>\n"
        f'  <atom:link href="{base}{FEED_PATH}" rel="self" type="application/rss+xml"/>\n'
        "  <description>News releases, research briefs and partner news on China's urban "
        "agglomerations and regional development.</description>\n"
        "  <language>en</language>\n"
        f"  <lastBuildDate>{_rfc822(built)}</lastBuildDate>\n"
        "  <ttl>60</ttl>\n"
        f"{items}"
        "</channel>\n"
        "</rss>\n"
    )


def _feed_item(article: Article, base: str) -> str:
    link = escape(base + article.path)
    return (
        "  <item>\n"
        f"    <title>{escape(article.title)}</title>\n"
        f"    <link>{link}</link>\n"
        f'    <guid isPermaLink="true">{link}</guid>\n'
        f"    <pubDate>{_rfc822(article.published)}</pubDate>\n"
        f"    <category>{escape(article.category)}</category>\n"
        f"    <description>{escape(article.summary)}</description>\n"
        "  </item>\n"
    )


def _rfc822(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment)


# --- the server ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the site answered, for the demo's account and the tests."""

    method: str
    path: str
    status: int
    version: int


@dataclass(slots=True)
class _State:
    version: int
    pages: dict[str, Page]
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SnapshotServer:
    """The snapshot site on 127.0.0.1 (a free port) in a background thread; switchable version."""

    def __init__(self, version: int = 1, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = ThreadingHTTPServer((host, port), _SiteHandler)
        self._httpd.daemon_threads = True
        self._state = _State(version, build_site(version, self.base_url))
        self._httpd.site_state = self._state  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def version(self) -> int:
        return self._state.version

    @property
    def pages(self) -> dict[str, Page]:
        return self._state.pages

    def url(self, path: str) -> str:
        return self.base_url + path

    def switch(self, version: int) -> None:
        """Serve another version of the site from the next request on."""
        pages = build_site(version, self.base_url)
        with self._state.lock:
            self._state.version, self._state.pages = version, pages

    def hits(self, version: int | None = None) -> list[Hit]:
        """Requests answered so far (while serving `version`, if given)."""
        with self._state.lock:
            return [h for h in self._state.hits if version is None or h.version == version]

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="demo-site", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class _SiteHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the current version's pages, with ETag / Last-Modified and 304s."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        state: _State = self.server.site_state  # type: ignore[attr-defined]
        with state.lock:
            page = state.pages.get(urlsplit(self.path).path)
            if page is None:
                status = HTTPStatus.NOT_FOUND
            elif not_modified(page, self.headers.get("If-None-Match"), self._since()):
                status = HTTPStatus.NOT_MODIFIED
            else:
                status = HTTPStatus.OK
            state.hits.append(Hit(self.command, self.path, int(status), state.version))
        if page is None:
            self._send(status, _not_found(), "text/html; charset=utf-8", None, send_body)
        else:
            self._send(status, page.body, page.content_type, page, send_body)

    def _since(self) -> str | None:
        return self.headers.get("If-Modified-Since")

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        page: Page | None,
        send_body: bool,
    ) -> None:
        self.send_response(status)
        if page is not None:
            self.send_header("ETag", page.etag)
            self.send_header("Last-Modified", page.last_modified_header)
            self.send_header("Cache-Control", "no-cache")
        if status == HTTPStatus.NOT_MODIFIED:
            self.end_headers()
            return
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo prints its own account of the requests."""


def not_modified(page: Page, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison); else If-Modified-Since."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or page.etag in tags
    if not if_modified_since:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return page.last_modified <= since


def _not_found() -> bytes:
    return (
        b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
        b"<body><h1>404 Not Found</h1><p>The page you requested does not exist.</p></body></html>"
    )
