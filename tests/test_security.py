"""Security at the run level: no request into the private network, only http(s), fetched strings
escaped in every HTML/Markdown output, and secrets never written to logs, reports or the database.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
import re
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import lxml.html
import pytest
from lxml import etree
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from agglowatch.config import load_config
from agglowatch.errors import ConfigError
from agglowatch.runner import (
    close_run,
    harvest_source,
    open_database,
    open_run,
    store_source,
    utcnow,
)
from digest.service import make_digest
from sources.http import Fetcher
from storage.db import make_engine
from storage.models import OutboxMessage
from tests.e2e_site import feed_xml
from tests.test_digest_support import Recorder, free_port, smtp_server
from tests.test_faults import (
    FaultySite,
    article_html,
    by_name,
    healthy_site,
    healthy_sources,
    listing_html,
    make_config,
    report_markdown,
    run_once,
    sitemap_xml,
    stored,
)

# -- private addresses ----------------------------------------------------------------------------


def test_a_loopback_source_is_refused_before_any_request(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = healthy_site(httpserver)
    port = httpserver.port
    sources = [
        {"name": "by-name", "kind": "feed", "url": site.url("/good/feed.xml")},  # localhost
        {"name": "by-ip", "kind": "html", "url": f"http://127.0.0.1:{port}/list/index.html"},
        {"name": "ipv6", "kind": "feed", "url": f"http://[::1]:{port}/good/feed.xml"},
        {"name": "mapped", "kind": "feed", "url": f"http://[::ffff:127.0.0.1]:{port}/x.xml"},
        {"name": "metadata", "kind": "feed", "url": "http://169.254.169.254/latest/meta-data/"},
        {"name": "intranet", "kind": "sitemap", "url": "http://10.0.0.1/sitemap.xml"},
    ]
    config = make_config(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", sources, allow_private_addresses=False
    )
    report = run_once(config)
    assert report["status"] == "failed"
    for entry in report["sources"]:
        assert entry["status"] == "error" and entry["requests"] == 0, entry
        assert "non-public address" in entry["error"], entry["error"]
        assert "allow_private_addresses" in entry["error"]
    assert httpserver.log == []  # not one request reached the server
    assert "non-public address" in report_markdown(config, report)


PUBLIC = {
    "news.example": ["93.184.216.34"],
    "rebind.example": ["93.184.216.35", "127.0.0.1"],  # one private address is enough to refuse
    "metadata.example": ["169.254.169.254"],
    "intranet.example": ["10.1.2.3"],
}


async def table_resolver(host: str) -> list[str]:
    if host not in PUBLIC:
        raise OSError(f"no such host {host}")
    return PUBLIC[host]


class InternetOnLoopback(httpx.AsyncBaseTransport):
    """Plays the public internet: news.example is the loopback test server; every request that
    reaches the wire is recorded (anything else must never be sent)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(str(request.url))
        if request.url.host != "news.example":
            return httpx.Response(599)
        target = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.server.port)
        return await self.inner.handle_async_request(
            httpx.Request(request.method, target, headers=request.headers)
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def redirect_to(location: str) -> Callable[[Request], Response]:
    return lambda _request: Response(status=302, headers={"Location": location})


def test_private_targets_behind_dns_and_redirects_are_refused_in_a_run(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = FaultySite(httpserver)
    loopback = f"http://127.0.0.1:{httpserver.port}/secret"
    site.put("/a1.html", article_html("A public article", 1))
    site.put("/secret", "internal admin page")
    for path, location in (
        ("/to-loopback", loopback),
        ("/to-intranet", "http://intranet.example/"),
    ):
        site.faults[path] = redirect_to(location)
    entries = [
        ("/a1.html", "Public"),
        ("/to-loopback", "Redirects to loopback"),
        ("/to-intranet", "Redirects to a name resolving to 10.1.2.3"),
    ]
    direct = ["http://metadata.example/latest/", "http://rebind.example/x", loopback]
    xml = feed_xml("http://news.example", entries).replace(
        "</channel>",
        "".join(f"<item><title>Direct</title><link>{escape(u)}</link></item>" for u in direct)
        + "</channel>",
    )
    site.put("/feed.xml", xml, "application/rss+xml")
    site.install()
    sources = [{"name": "news", "kind": "feed", "url": "http://news.example/feed.xml"}]
    config = make_config(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", sources, allow_private_addresses=False
    )
    transport = InternetOnLoopback(httpserver)

    async def go() -> tuple[dict[str, Any], list[str]]:
        run = open_run(config, config.select())
        async with Fetcher(config.fetch, transport=transport, resolver=table_resolver) as fetcher:
            fetched = await harvest_source(run, fetcher, run.sources[0])
        return close_run(
            run, [store_source(run, run.sources[0], fetched)]
        ), fetched.harvest.stats.errors

    report, errors = asyncio.run(go())
    assert by_name(report)["news"]["status"] == "ok"
    assert {u.split("//", 1)[1].split("/", 1)[0] for u in transport.sent} == {"news.example"}
    assert "/secret" not in [request.path for request, _ in httpserver.log]
    assert len(errors) == 5 and all("non-public address" in error for error in errors), errors
    titles = {doc.title for doc in stored(config, "news")}
    assert "A public article" in titles  # the public page was fetched and extracted


# -- only http and https --------------------------------------------------------------------------


@pytest.fixture
def ftp_listener() -> Iterator[tuple[int, list[int]]]:
    """A TCP listener that only counts connections: an ftp:// fetch would show up here."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join()
    listener.close()


def test_only_http_and_https_urls_are_fetched(
    httpserver: HTTPServer, tmp_path: Path, ftp_listener: tuple[int, list[int]]
) -> None:
    port, accepted = ftp_listener
    site = healthy_site(httpserver)
    bad = ["file:///etc/passwd", f"ftp://127.0.0.1:{port}/pub/report.pdf", "javascript:alert(1)"]
    items = "".join(f"<item><title>Bad</title><link>{escape(url)}</link></item>" for url in bad)
    site.put(
        "/bad/feed.xml",
        feed_xml(site.base(), [("/good/a1.html", "Good")]).replace(
            "</channel>", items + "</channel>"
        ),
        "application/rss+xml",
    )
    site.put("/bad/list.html", listing_html([*bad, "/list/b1.html"]))
    site.put("/bad/sitemap.xml", sitemap_xml([*bad, site.url("/broken/c1.html")]))
    sources = [
        {"name": "feed", "kind": "feed", "url": site.url("/bad/feed.xml")},
        {"name": "list", "kind": "html", "url": site.url("/bad/list.html"), "links": "a"},
        {"name": "map", "kind": "sitemap", "url": site.url("/bad/sitemap.xml")},
    ]
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", sources)
    report = run_once(config)
    entries = by_name(report)
    for name in ("feed", "list", "map"):
        assert entries[name]["status"] == "ok" and entries[name]["new"] == 1, entries[name]
        urls = [doc.url for doc in stored(config, name)] + [
            doc.canonical_url for doc in stored(config, name)
        ]
        assert all(url.startswith("http://") for url in urls), urls
    assert accepted == []  # no ftp connection
    assert b"root:" not in (tmp_path / "db.sqlite").read_bytes()


# -- escaping -------------------------------------------------------------------------------------

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> & [x](javascript:alert(3))'


def assert_inert_html(tree: lxml.html.HtmlElement) -> None:
    """The hostile title shows as text: no script, no event handler, no javascript: link."""
    assert tree.xpath("//script") == []
    assert [a for a in tree.xpath("//@*") if a.attrname.lower().startswith("on")] == []
    assert not [h for h in tree.xpath("//@href") if not h.startswith(("http", "#", "mailto:"))]
    assert HOSTILE in tree.text_content()


def test_fetched_strings_are_escaped_in_reports_and_digests(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = healthy_site(httpserver)
    page = article_html("PLACEHOLDER", 7).replace("PLACEHOLDER", escape(HOSTILE))
    site.put("/good/a1.html", page)
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", healthy_sources(site))
    report = run_once(config)
    assert HOSTILE in [doc["title"] for doc in report["new"]]  # stored as written: a real test

    _, factory = open_database(config)
    payload = make_digest(
        factory, config, since=None, send=False, now=utcnow() + dt.timedelta(seconds=1)
    )
    files = {Path(name).name: Path(name) for name in payload["delivered"]["files"]}
    assert_inert_html(lxml.html.fromstring(files["digest.html"].read_text(encoding="utf-8")))

    markdowns = [report_markdown(config, report), files["digest.md"].read_text(encoding="utf-8")]
    for markdown in markdowns:
        assert "onerror" in markdown  # the title is there...
        assert re.search(r"(?<!\\)<(script|img)", markdown) is None  # ...but inert
        assert re.search(r"(?<!\\)\]\(javascript:", markdown) is None  # no live link
    atom = etree.fromstring(files["feed.atom"].read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    (entry,) = [
        e for e in atom.findall("a:entry", ns) if e.findtext("a:title", None, ns) == HOSTILE
    ]
    content = entry.find("a:content", ns)
    assert content is not None and content.get("type") == "html"
    shown = lxml.html.fromstring(f"<div>{content.text}</div>")  # what a feed reader shows
    assert shown.xpath("//script") == [] and shown.xpath("//img") == []
    assert not [a for a in shown.xpath("//@*") if a.attrname.lower().startswith("on")]


# -- secrets --------------------------------------------------------------------------------------


def secret_forms(secret: str) -> list[bytes]:
    """The secret as text and as SMTP AUTH would carry it (base64 PLAIN and LOGIN)."""
    plain = base64.b64encode(f"\0monitor\0{secret}".encode())
    return [secret.encode(), base64.b64encode(secret.encode()), plain]


def files_holding(root: Path, forms: list[bytes]) -> list[Path]:
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and any(form in path.read_bytes() for form in forms)
    ]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_smtp_password_never_reaches_logs_reports_or_the_database(
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    secret = f"pw-{uuid.uuid4().hex}"
    monkeypatch.setenv("AGGLOWATCH_TEST_SMTP_SECRET", secret)
    caplog.set_level(logging.DEBUG)
    site = healthy_site(httpserver)
    port = free_port()  # nothing listens there: the SMTP server is down
    email = {
        "to": ["analyst@example.org"],
        "sender": "monitor@example.org",
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "username": "monitor",
        "password_env": "AGGLOWATCH_TEST_SMTP_SECRET",
        "timeout": 5,
    }
    config = make_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        healthy_sources(site),
        digest={"email": email},
    )
    run_once(config)
    _, factory = open_database(config)
    down = make_digest(
        factory, config, since=None, send=True, now=utcnow() + dt.timedelta(seconds=1)
    )
    assert down["delivered"]["email"] == "queued"
    assert "cannot connect to the SMTP server" in down["delivered"]["error"]

    monkeypatch.setattr("tests.test_digest_support.PASSWORD", secret)
    handler = Recorder()  # the server is back, and requires this login
    with smtp_server(handler, port, auth_require_tls=False, auth_required=True,
                     authenticator=handler.authenticator):  # fmt: skip
        sent = make_digest(
            factory, config, since=None, send=True, now=utcnow() + dt.timedelta(seconds=2)
        )
    assert set(handler.logins) == {("monitor", secret)}  # the secret was really used...
    assert sent["delivered"]["email"] == "sent" and len(handler.received) == 2

    forms = secret_forms(secret)
    with factory() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert rows and all(
        not any(form in row.mime or form.decode() in (row.last_error or "") for form in forms)
        for row in rows
    )
    assert files_holding(tmp_path, forms) == []  # database (and WAL), reports, digests, config
    captured = capfd.readouterr()
    for text in (caplog.text, captured.out, captured.err):
        assert not any(form.decode() in text for form in forms)


def test_a_password_written_into_the_config_is_refused_without_echoing_it(tmp_path: Path) -> None:
    secret = f"pw-{uuid.uuid4().hex}"
    path = tmp_path / "agglowatch.yaml"
    path.write_text(
        "digest:\n  email:\n    to: [a@example.org]\n    sender: m@example.org\n"
        f"    host: smtp.example.org\n    password: {secret}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="password") as caught:
        load_config(path)
    assert secret not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+nodriver://monitor:{secret}@db.example/agglowatch",
        "postgres ql://monitor:{secret}@h/db",
    ],
)
def test_a_database_password_is_not_echoed_in_errors(url: str) -> None:
    secret = f"pw-{uuid.uuid4().hex}"
    with pytest.raises(ConfigError) as caught:
        make_engine(url.format(secret=secret))
    assert secret not in str(caught.value)
