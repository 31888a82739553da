"""Run-level fault injection: one source misbehaves, the others complete, the next run retries it.

Every test runs the pipeline as the flow chains it (open → harvest/store per source → close), with
no Prefect, against loopback servers: pytest-httpserver for HTTP faults and a raw socket server
for the ones HTTP servers cannot produce (a server that never answers, a reset connection).
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import random
import re
import socket
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from werkzeug import Request, Response

from agglowatch.config import Config, load_config
from agglowatch.runner import (
    close_run,
    fail_source,
    harvest_source,
    open_run,
    store_source,
)
from reports.markup import md_escape
from reports.run_report import write_report_files
from sources.http import Fetcher
from storage.models import Document, DocumentVersion
from tests.e2e_site import Site, feed_xml

ROOT = Path(__file__).resolve().parent.parent
FAST_FETCH: dict[str, Any] = {
    "allow_private_addresses": True,
    "respect_robots": False,
    "per_host_delay": 0,
    "backoff": 0.01,
    "retries": 1,
    "timeout": 1.0,
    "max_bytes": 1_000_000,
}
WORDS = [
    "urban",
    "agglomeration",
    "city",
    "cluster",
    "rail",
    "network",
    "data",
    "centre",
    "innovation",
    "community",
    "planning",
    "coordination",
    "market",
    "integration",
    "public",
    "service",
    "ecology",
    "carbon",
    "river",
    "delta",
    "corridor",
    "port",
    "logistics",
    "talent",
    "university",
    "industry",
    "chain",
    "manufacturing",
    "finance",
    "governance",
    "county",
    "town",
    "metropolitan",
    "circle",
    "commuting",
    "housing",
    "water",
    "energy",
    "grid",
    "digital",
    "economy",
    "platform",
    "research",
]


# -- pages ----------------------------------------------------------------------------------------


def article_html(title: str, seed: int, paragraphs: int = 4, words: int = 60) -> str:
    """An article page whose text is its own (so no two are near-duplicates of each other)."""
    rng = random.Random(seed)
    body = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + ".</p>"
        for _ in range(paragraphs)
    )
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="citation_publication_date" content="2024/03/05"></head>'
        f"<body><nav>Home | News</nav><article><h1>{title}</h1>{body}</article></body></html>"
    )


def listing_html(links: list[str]) -> str:
    items = "".join(f'<li><a href="{link}">item</a></li>' for link in links)
    return f'<html><body><ul class="news">{items}</ul></body></html>'


def sitemap_xml(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{url}</loc><lastmod>2024-03-05</lastmod></url>" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


@functools.cache
def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes gzip-compressed (about 1000:1)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    return b"".join([*(packer.compress(block) for _ in range(size // len(block))), packer.flush()])


@dataclass
class FaultySite(Site):
    """The e2e site plus per-path faults: a handler that answers instead of the page."""

    faults: dict[str, Callable[[Request], Response]] = field(default_factory=dict)

    def handle(self, request: Request) -> Response:
        fault = self.faults.get(request.path)
        if fault is None:
            return super().handle(request)
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        return fault(request)

    def base(self) -> str:
        return self.server.url_for("").rstrip("/")


def healthy_site(server: HTTPServer) -> FaultySite:
    """Two healthy sources (a feed and an HTML listing) and the pages a broken source will list
    once it is fixed (/broken/c1.html, /broken/c2.html)."""
    site = FaultySite(server)
    base = site.base()
    for folder, names in (("good", ("a1", "a2")), ("list", ("b1", "b2")), ("broken", ("c1", "c2"))):
        for number, name in enumerate(names):
            seed = hash((folder, number)) & 0xFFFF
            site.put(f"/{folder}/{name}.html", article_html(f"{folder} {name}", seed))
    items = [("/good/a1.html", "Good one"), ("/good/a2.html", "Good two")]
    site.put("/good/feed.xml", feed_xml(base, items), "application/rss+xml")
    site.put("/list/index.html", listing_html(["/list/b1.html", "/list/b2.html"]))
    site.install()
    return site


def fixed_feed(site: FaultySite) -> str:
    items = [("/broken/c1.html", "Broken one"), ("/broken/c2.html", "Broken two")]
    return feed_xml(site.base(), items)


# -- a raw socket server --------------------------------------------------------------------------


class RawServer:
    """A bare HTTP/1.1 server on loopback: answers from `pages`, or with `mode` "hang" reads the
    request and never answers, or with "reset" resets the connection (RST) without answering."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.mode = "serve"
        self.pages: dict[str, bytes] = {}
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}{path}"

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.listener.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            if self.mode == "hang":
                self.stop.wait(10)
                return
            if self.mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00" * 2)
                return
            path = head.split(b" ", 2)[1].decode("ascii", "replace")
            body = self.pages.get(path)
            status = b"200 OK" if body is not None else b"404 Not Found"
            body = body if body is not None else b"not found"
            conn.sendall(
                b"HTTP/1.1 " + status + b"\r\nContent-Type: application/rss+xml\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body
            )


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


# -- running --------------------------------------------------------------------------------------


def make_config(
    tmp_path: Path,
    db_url: str,
    sources: list[dict[str, Any]],
    *,
    digest: dict[str, Any] | None = None,
    **fetch: Any,
) -> Config:
    """agglowatch.yaml in tmp_path with fast fetch settings (`fetch` overrides them)."""
    raw: dict[str, Any] = {
        "database": db_url,
        "output": str(tmp_path / "out"),
        "seeds": str(ROOT / "seeds"),
        "themes": str(ROOT / "themes.yaml"),
        "fetch": {**FAST_FETCH, **fetch},
        "sources": sources,
    }
    if digest:
        raw["digest"] = digest
    path = tmp_path / "agglowatch.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def healthy_sources(site: FaultySite) -> list[dict[str, Any]]:
    listing = site.url("/list/index.html")
    return [
        {"name": "good-feed", "kind": "feed", "url": site.url("/good/feed.xml")},
        {"name": "good-list", "kind": "html", "url": listing, "links": "ul.news a"},
    ]


def run_once(config: Config, **fetcher_options: Any) -> dict[str, Any]:
    """One run through the functions the flow chains, without Prefect; report files written."""

    async def go() -> dict[str, Any]:
        run = open_run(config, config.select())
        reports = []
        async with Fetcher(config.fetch, **fetcher_options) as fetcher:
            for source in run.sources:
                try:
                    fetched = await harvest_source(run, fetcher, source)
                    reports.append(store_source(run, source, fetched))
                except Exception as error:
                    reports.append(fail_source(run, source, error))
        return close_run(run, reports)

    report = asyncio.run(go())
    write_report_files(report, config.path(config.output))
    return report


def report_markdown(config: Config, report: dict[str, Any]) -> str:
    path = config.path(config.output) / "runs" / str(report["run_id"]) / "report.md"
    return path.read_text(encoding="utf-8")


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {source["name"]: source for source in report["sources"]}


def stored(config: Config, source: str) -> list[Document]:
    """The source's documents as stored (detached, fully loaded)."""
    engine = create_engine(config.database)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Document).where(Document.source == source)))
    finally:
        engine.dispose()


def assert_healthy_completed(report: dict[str, Any], first_run: bool) -> None:
    sources = by_name(report)
    for name in ("good-feed", "good-list"):
        assert sources[name]["status"] in ("ok", "not_modified"), sources[name]
        assert sources[name]["error"] is None
        assert sources[name]["new"] == (2 if first_run else 0)


# -- source-level faults: reported, the others complete, the next run retries ---------------------


@dataclass(frozen=True)
class Fault:
    name: str
    kind: str  # the broken source's kind: feed or sitemap
    path: str
    reason: str  # what the error must say (a regular expression)
    on_raw: bool = False  # served by the raw socket server instead of the HTTP server


def _always(response: Callable[[], Response]) -> Callable[[Request], Response]:
    return lambda _request: response()


def break_source(fault: Fault, site: FaultySite, raw: RawServer) -> None:
    """Install the fault at fault.path."""
    base = site.base()
    faults: dict[str, Callable[[], Response]] = {
        "error-500": lambda: Response("boom", status=500),
        "retry-after-too-long": lambda: Response(
            "slow down", status=429, headers={"Retry-After": "7200"}
        ),
        "redirect-loop": lambda: Response(status=302, headers={"Location": f"{base}/broken/hop"}),
        "feed-is-html": lambda: Response(
            "<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>",
            content_type="application/rss+xml",
        ),
        "feed-is-binary": lambda: Response(
            random.Random(1).randbytes(4000), content_type="text/html"
        ),
        "feed-is-text": lambda: Response(
            "Service temporarily unavailable, try later", content_type="text/xml"
        ),
        "sitemap-gzip-file-bomb": lambda: Response(
            gzip_bomb(64 * 1024 * 1024), content_type="application/x-gzip"
        ),
        "sitemap-gzip-encoding-bomb": lambda: Response(
            gzip_bomb(64 * 1024 * 1024),
            content_type="application/xml",
            headers={"Content-Encoding": "gzip"},
        ),
    }
    if fault.on_raw:
        raw.mode = fault.name
    else:
        site.faults[fault.path] = _always(faults[fault.name])
        if fault.name == "redirect-loop":
            loop_back = Response(status=302, headers={"Location": f"{base}{fault.path}"})
            site.faults["/broken/hop"] = _always(lambda: loop_back)


def fix_source(fault: Fault, site: FaultySite, raw: RawServer) -> None:
    """Serve what the source should have served (the same URL)."""
    broken = [site.url("/broken/c1.html"), site.url("/broken/c2.html")]
    body = sitemap_xml(broken) if fault.kind == "sitemap" else fixed_feed(site)
    if fault.on_raw:
        raw.mode = "serve"
        raw.pages[fault.path] = body.encode("utf-8")
        return
    site.faults.clear()
    data = gzip.compress(body.encode("utf-8")) if fault.path.endswith(".gz") else body
    site.put(fault.path, data, "application/xml")


FAULTS = [
    Fault("hang", "feed", "/broken/feed.xml", r"no answer from \S+ in time .* after 2 attempts",
          on_raw=True),
    Fault("reset", "feed", "/broken/feed.xml",
          r"(connection broke while fetching|could not connect to fetch) \S+ .* after 2 attempts",
          on_raw=True),
    Fault("error-500", "feed", "/broken/feed.xml", r"500 Internal Server Error from \S+ after 2"),
    Fault("retry-after-too-long", "feed", "/broken/feed.xml",
          r"429 Too Many Requests from \S+: the server asks to wait 7200 s \(Retry-After\)"),
    Fault("redirect-loop", "feed", "/broken/feed.xml", r"redirect loop: \S+ leads back to"),
    Fault("feed-is-html", "feed", "/broken/feed.xml", r"is not an RSS or Atom feed: it is an HTML"),
    Fault("feed-is-binary", "feed", "/broken/feed.xml", r"not an RSS or Atom feed: it is binary"),
    Fault("feed-is-text", "feed", "/broken/feed.xml", r"is not an RSS or Atom feed: no RSS/Atom"),
    Fault("sitemap-gzip-file-bomb", "sitemap", "/broken/sitemap.xml.gz",
          r"gzip inflates beyond \d+ bytes; refused"),
    Fault("sitemap-gzip-encoding-bomb", "sitemap", "/broken/sitemap.xml",
          r"not a sitemap .*cut at the size cap"),
]  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_a_broken_source_is_reported_the_others_complete_and_the_next_run_retries(
    fault: Fault, httpserver: HTTPServer, raw: RawServer, tmp_path: Path
) -> None:
    site = healthy_site(httpserver)
    break_source(fault, site, raw)
    url = raw.url(fault.path) if fault.on_raw else site.url(fault.path)
    sources = [*healthy_sources(site), {"name": "broken", "kind": fault.kind, "url": url}]
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", sources)

    first = run_once(config)
    broken = by_name(first)["broken"]
    assert broken["status"] == "error" and broken["items"] == 0 and broken["new"] == 0
    assert url in broken["error"]
    assert re.search(fault.reason, broken["error"], re.IGNORECASE), broken["error"]
    assert_healthy_completed(first, first_run=True)
    assert first["status"] == "partial" and first["totals"]["errors"] == 1
    markdown = report_markdown(config, first)
    assert md_escape(broken["error"])[:120] in markdown  # the reason, readable in report.md
    assert "Needs attention: broken (error)" in markdown
    assert stored(config, "broken") == []
    if fault.on_raw:  # each attempt reached the server: no early give-up, no endless wait
        assert raw.connections == 2

    fix_source(fault, site, raw)
    second = run_once(config)
    broken = by_name(second)["broken"]
    assert broken["status"] == "ok" and broken["error"] is None and broken["new"] == 2
    assert {doc.title for doc in stored(config, "broken")} == {"broken c1", "broken c2"}
    assert_healthy_completed(second, first_run=False)
    assert second["status"] == "completed"


# -- faults a run recovers from by itself ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "wait"),
    [(503, {}, 0.01), (429, {"Retry-After": "3"}, 3.0)],
    ids=["503-then-200", "429-retry-after-then-200"],
)
def test_a_transient_error_is_retried_within_the_run(
    status: int, headers: dict[str, str], wait: float, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """The wait before the retry is the backoff, or Retry-After when the server sends one."""
    site = healthy_site(httpserver)
    site.put("/broken/feed.xml", fixed_feed(site), "application/rss+xml")
    answers = [Response("busy", status=status, headers=headers)]

    def once_then_page(request: Request) -> Response:
        if answers:
            return answers.pop()
        del site.faults["/broken/feed.xml"]
        return site.handle(request)

    site.faults["/broken/feed.xml"] = once_then_page
    sources = [
        *healthy_sources(site),
        {"name": "flaky", "kind": "feed", "url": site.url("/broken/feed.xml")},
    ]
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", sources)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # recorded, not slept
        waits.append(seconds)

    report = run_once(config, sleep=sleep)
    assert max(waits) == wait
    entry = by_name(report)["flaky"]
    assert entry["status"] == "ok" and entry["new"] == 2 and entry["error"] is None
    assert entry["requests"] == 4  # the feed twice (one retry), then both articles
    assert [r.path for r, _ in httpserver.log].count("/broken/feed.xml") == 2
    assert_healthy_completed(report, first_run=True)
    assert report["status"] == "completed"


# -- one bad page among good ones -----------------------------------------------------------------


def per_item_config(tmp_path: Path, site: FaultySite, **fetch: Any) -> Config:
    site.put("/broken/feed.xml", fixed_feed(site), "application/rss+xml")
    sources = [
        *healthy_sources(site),
        {"name": "broken", "kind": "feed", "url": site.url("/broken/feed.xml")},
    ]
    return make_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", sources, **fetch)


def big_article(title: str, paragraphs: int) -> str:
    return article_html(title, 99, paragraphs=paragraphs, words=80)


def test_a_page_over_the_cap_is_cut_stored_and_fetched_whole_once_the_cap_is_raised(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = healthy_site(httpserver)
    page = big_article("A very long report", 400)  # about 220 kB
    assert 150_000 < len(page) < 400_000
    site.put("/broken/c1.html", page)
    config = per_item_config(tmp_path, site, max_bytes=100_000)

    first = run_once(config)
    entry = by_name(first)["broken"]
    assert entry["status"] == "ok" and entry["new"] == 2
    assert_healthy_completed(first, first_run=True)
    (cut,) = [doc for doc in stored(config, "broken") if doc.title == "A very long report"]
    assert 40_000 < len(cut.text) < 100_000  # the first 100 kB of the page, extracted

    raised = make_config(
        tmp_path, config.database, [s.model_dump() for s in config.sources], max_bytes=1_000_000
    )
    second = run_once(raised)
    assert [doc["title"] for doc in second["updated"]] == ["A very long report"]
    (whole,) = [doc for doc in stored(config, "broken") if doc.title == "A very long report"]
    assert len(whole.text) > 150_000 and whole.version == 2


def test_pages_cut_at_the_cap_or_failing_are_named_in_the_report(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = healthy_site(httpserver)
    site.put("/broken/c1.html", big_article("A very long report", 400))
    site.faults["/broken/c2.html"] = _always(lambda: Response("boom", status=500))
    config = per_item_config(tmp_path, site, max_bytes=100_000)
    report = run_once(config)
    entry = json.dumps(by_name(report)["broken"], ensure_ascii=False)
    markdown = report_markdown(config, report)
    for page in ("/broken/c1.html", "/broken/c2.html"):
        assert site.url(page) in entry
        assert md_escape(site.url(page)) in markdown
    assert "max_bytes" in entry or "size cap" in entry
    assert "500 internal server error" in entry.lower()


def test_truncated_html_is_still_extracted(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = healthy_site(httpserver)
    whole = article_html("Cut short", 5, paragraphs=6)
    cut = whole[: whole.index("</p>", len(whole) // 2)] + "<p>The last paragraph <a hr"
    site.put("/broken/c1.html", cut)
    config = per_item_config(tmp_path, site)
    report = run_once(config)
    assert by_name(report)["broken"]["new"] == 2
    (doc,) = [doc for doc in stored(config, "broken") if doc.title == "Cut short"]
    first_paragraph = whole.split("<p>")[1].split("</p>")[0]
    assert first_paragraph in doc.text
    assert "<a" not in doc.text and "hr" not in doc.text.split()[-1:]


def test_binary_data_served_as_html_is_an_item_error_and_retried_next_run(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = healthy_site(httpserver)
    page = site.pages["/broken/c1.html"]
    site.put("/broken/c1.html", random.Random(3).randbytes(30_000), "text/html")
    config = per_item_config(tmp_path, site)

    first = run_once(config)
    assert by_name(first)["broken"]["status"] == "ok"
    assert_healthy_completed(first, first_run=True)
    docs = {doc.url: doc for doc in stored(config, "broken")}
    fallback = docs[site.url("/broken/c1.html")]
    assert fallback.title == "Broken one"  # what the feed said: no garbage stored as text
    assert "\ufffd" not in fallback.text and fallback.extra.get("from_feed")

    site.pages["/broken/c1.html"] = page  # the server is fixed; the feed is unchanged (304)
    second = run_once(config)
    assert by_name(second)["broken"]["not_modified"] >= 1
    assert [doc["title"] for doc in second["updated"]] == ["broken c1"]
    (doc,) = [d for d in stored(config, "broken") if d.url == site.url("/broken/c1.html")]
    assert doc.version == 2 and "\ufffd" not in doc.text and len(doc.text) > 300


# -- the database locked for a few seconds --------------------------------------------------------


def test_a_locked_sqlite_database_makes_the_store_wait_not_fail(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = healthy_site(httpserver)
    path = tmp_path / "db.sqlite"
    config = make_config(tmp_path, f"sqlite:///{path}", healthy_sources(site))
    locked, storing, released = threading.Event(), threading.Event(), threading.Event()

    def hold_write_lock() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE runs SET heartbeat = heartbeat")
        locked.set()
        storing.wait(10)
        time.sleep(2)  # a few seconds of lock while the run stores
        connection.execute("COMMIT")
        connection.close()
        released.set()

    async def go() -> dict[str, Any]:
        run = open_run(config, config.select())
        async with Fetcher(config.fetch) as fetcher:
            fetched = [(s, await harvest_source(run, fetcher, s)) for s in run.sources]
        holder = threading.Thread(target=hold_write_lock)
        holder.start()
        assert locked.wait(10)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            probe.execute("BEGIN IMMEDIATE")
        probe.close()
        storing.set()
        reports = [store_source(run, source, harvest) for source, harvest in fetched]
        assert released.is_set()  # the stores could only commit after the lock was released
        holder.join()
        return close_run(run, reports)

    report = asyncio.run(go())
    assert report["status"] == "completed" and report["totals"]["new"] == 4
    engine = create_engine(config.database)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Document)).scalar() == 4
        assert connection.execute(select(func.count()).select_from(DocumentVersion)).scalar() == 4
    engine.dispose()
