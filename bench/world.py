"""A loopback "world" of sites for crawler politeness and dead-host measurements.

Each site is its own server on 127.0.0.1 (its own port: its own host for politeness). Healthy sites
serve robots.txt, feeds, html listings, sitemaps (index + .xml.gz child) and article pages with
ETag and Last-Modified, answer conditional requests with 304, and log every request as the server
saw it (arrival time, path, conditional or not, status, body bytes). Dead sites: one answers 500
to everything, one accepts connections and never answers, one redirects in a loop.

Used by bench/bench_dead_hosts.py and by tests/test_source_world.py.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAST_MODIFIED = "Mon, 02 Dec 2024 08:00:00 GMT"
WORDS = (
    "urban",
    "agglomeration",
    "city",
    "cluster",
    "infrastructure",
    "innovation",
    "corridor",
    "region",
    "planning",
    "transport",
    "energy",
    "carbon",
    "data",
    "centre",
    "railway",
    "port",
    "science",
    "park",
    "industry",
    "policy",
)  # fmt: skip


@dataclass(slots=True)
class Hit:
    """One request as the server saw it."""

    at: float  # time.monotonic() on arrival
    path: str
    conditional: bool
    status: int
    sent: int  # body bytes


@dataclass(slots=True)
class Page:
    body: bytes
    content_type: str
    status: int = 200
    location: str | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


def article(site: str, number: int, paragraphs: int = 4) -> bytes:
    """A small article page of its own words (no two pages share their text)."""
    words = [WORDS[(number * 7 + k * 3 + len(site)) % len(WORDS)] for k in range(60)]
    body = "".join(
        f"<p>{site} report {number}, part {p}: {' '.join(words[p:] + words[:p])}.</p>"
        for p in range(paragraphs)
    )
    title = f"{site} report {number}"
    return (
        f"<html><head><title>{title}</title><meta name='date' content='2024-11-{number + 1:02d}'>"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


class Site:
    """A healthy site: pages by path, conditional GET, a request log."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pages: dict[str, Page] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.server = _Quiet(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes | str, content_type: str = "text/html") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = Page(data, content_type)

    def answer(self, path: str, headers: Any) -> tuple[Page | None, bool, bool]:
        """(page, conditional asked, not modified)."""
        page = self.pages.get(path)
        match = headers.get("If-None-Match")
        since = headers.get("If-Modified-Since")
        conditional = bool(match or since)
        if page is None or page.status != 200:
            return page, conditional, False
        fresh = match == page.etag if match else since == LAST_MODIFIED
        return page, conditional, conditional and fresh

    def start(self) -> Site:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that stops reading at its size cap resets the connection: expected


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            arrived = time.monotonic()
            page, conditional, unchanged = site.answer(self.path, self.headers)
            if page is None:
                status, body, headers = 404, b"not here", {"Content-Type": "text/plain"}
            elif unchanged:
                status, body, headers = 304, b"", {"ETag": page.etag}
            elif page.location:
                status, body, headers = page.status, b"", {"Location": page.location}
            else:
                status, body = page.status, page.body
                headers = {"Content-Type": page.content_type}
                if status == 200:
                    headers |= {"ETag": page.etag, "Last-Modified": LAST_MODIFIED}
            with site.lock:
                site.hits.append(Hit(arrived, self.path, conditional, status, len(body)))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # a client may stop reading at its size cap

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class Silent:
    """Accepts connections and never answers; counts them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.connections = 0
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> Silent:
        self.thread.start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._open.append(conn)  # held open, never read from or written to

    def stop(self) -> None:
        self._stop.set()
        self.thread.join()
        for conn in self._open:
            conn.close()
        self.listener.close()


def _rss(site: Site, paths: list[str]) -> str:
    items = "".join(
        f"<item><title>{site.name} report {n}</title><link>{site.url(p)}</link>"
        f"<pubDate>Mon, 0{n + 1} Dec 2024 08:00:00 GMT</pubDate></item>"
        for n, p in enumerate(paths)
    )
    channel = f"<channel><title>{site.name}</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def _urlset(site: Site, paths: list[str]) -> bytes:
    urls = "".join(
        f"<url><loc>{site.url(p)}</loc><lastmod>2024-11-{n + 1:02d}</lastmod></url>"
        for n, p in enumerate(paths)
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    ).encode()


@dataclass(slots=True)
class World:
    """The sites and the agglowatch sources that watch them."""

    sites: list[Site] = field(default_factory=list)
    silent: list[Silent] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    healthy: set[str] = field(default_factory=set)  # names of the healthy sources
    crawl_delay_site: Site | None = None

    def all_hits(self, sources: set[str] | None = None) -> list[Hit]:
        return [hit for site in self.sites if sources is None or site.name in sources
                for hit in site.hits]  # fmt: skip

    def mark(self) -> dict[str, int]:
        """How many requests each site has seen so far (to take one run's share later)."""
        return {site.name: len(site.hits) for site in self.sites}

    def since(self, mark: dict[str, int], names: set[str]) -> list[Hit]:
        return [hit for site in self.sites if site.name in names
                for hit in site.hits[mark.get(site.name, 0):]]  # fmt: skip

    def stop(self) -> None:
        for site in self.sites:
            site.stop()
        for silent in self.silent:
            silent.stop()


def build_world(
    *,
    articles: int = 3,
    dead: bool = True,
    crawl_delay: float = 0.4,
    big_bytes: int = 400_000,
) -> World:
    """9 healthy sources (3 feeds, 3 html listings, 2 sitemaps, 1 feed with a page over the cap)
    and, with `dead`, 3 dead ones (always 500, never answering, a redirect loop)."""
    world = World()
    for n in range(1, 4):
        site = _site(world, f"feed-{n}")
        paths = [f"/news/{k}.html" for k in range(articles)]
        for k, path in enumerate(paths):
            site.put(path, article(site.name, k))
        site.put("/feed.xml", _rss(site, paths), "application/rss+xml")
        _source(world, site, {"kind": "feed", "url": site.url("/feed.xml")})
    for n in range(1, 4):
        site = _site(world, f"html-{n}", crawl_delay if n == 2 else None)
        paths = [f"/a/{k}.html" for k in range(articles + (3 if n == 2 else 0))]
        for k, path in enumerate(paths):
            site.put(path, article(site.name, k))
        links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
        site.put("/list.html", f'<html><body><ul class="news">{links}</ul></body></html>')
        _source(world, site, {"kind": "html", "url": site.url("/list.html"), "links": "ul.news a"})
        if n == 2:
            world.crawl_delay_site = site
    for n in range(1, 3):
        site = _site(world, f"sitemap-{n}")
        paths = [f"/doc/{k}.html" for k in range(articles)]
        for k, path in enumerate(paths):
            site.put(path, article(site.name, k))
        site.put("/child.xml.gz", gzip.compress(_urlset(site, paths)), "application/gzip")
        index = (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.url('/child.xml.gz')}</loc></sitemap></sitemapindex>"
        )
        site.put("/sitemap.xml", index, "application/xml")
        _source(world, site, {"kind": "sitemap", "url": site.url("/sitemap.xml")})
    site = _site(world, "big-1")
    site.put("/huge.html", article(site.name, 0, paragraphs=max(big_bytes // 600, 10)))
    site.put("/small.html", article(site.name, 1))
    site.put("/feed.xml", _rss(site, ["/huge.html", "/small.html"]), "application/rss+xml")
    _source(world, site, {"kind": "feed", "url": site.url("/feed.xml")})
    world.healthy = {site.name for site in world.sites}
    if dead:
        _add_dead(world)
    return world


def _site(world: World, name: str, crawl_delay: float | None = None) -> Site:
    site = Site(name).start()
    rules = "User-agent: *\nDisallow: /private/\n"
    if crawl_delay:
        rules += f"Crawl-delay: {crawl_delay}\n"
    site.put("/robots.txt", rules, "text/plain")
    world.sites.append(site)
    return site


def _source(world: World, site: Site | Silent, spec: dict[str, Any]) -> None:
    world.sources.append({"name": site.name, **spec})


def _add_dead(world: World) -> None:
    failing = _site(world, "dead-500")
    for path in ("/robots.txt", "/feed.xml"):
        failing.pages[path] = Page(b"oops", "text/plain", status=500)
    _source(world, failing, {"kind": "feed", "url": failing.url("/feed.xml")})
    silent = Silent("dead-silent").start()
    world.silent.append(silent)
    _source(world, silent, {"kind": "html", "url": silent.url("/list.html"), "links": "a"})
    loop = _site(world, "dead-loop")
    loop.pages["/feed.xml"] = Page(b"", "text/plain", status=302, location="/again.xml")
    loop.pages["/again.xml"] = Page(b"", "text/plain", status=302, location="/feed.xml")
    _source(world, loop, {"kind": "feed", "url": loop.url("/feed.xml")})


def write_config(folder: Path, world: World, database: str | None = None, **fetch: Any) -> Path:
    """agglowatch.yaml for the world (respect_robots on; loopback allowed; SQLite by default)."""
    import yaml

    settings = {
        "allow_private_addresses": True,
        "respect_robots": True,
        "per_host_delay": 0,
        "per_host_concurrency": 2,
        **fetch,
    }
    config = {
        "database": database or f"sqlite:///{folder / 'agglowatch.db'}",
        "output": str(folder / "out"),
        "seeds": str(ROOT / "seeds"),
        "themes": str(ROOT / "themes.yaml"),
        "fetch": settings,
        "broken_after": 2,
        "sources": world.sources,
    }
    path = folder / "agglowatch.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def gaps(hits: list[Hit]) -> Iterator[float]:
    """Seconds between consecutive arrivals."""
    times = sorted(hit.at for hit in hits)
    return (b - a for a, b in itertools.pairwise(times))
