"""The archive in the browser: search with facets, document pages, sources, an Atom feed per search.

Server-rendered (Starlette and Jinja2, autoescaped, no JavaScript), read-only: only GET and HEAD
routes exist, so anything else is 405, and `serve_browse` opens the database read-only as well.
Every page carries a Content-Security-Policy that allows no script at all, so a fetched string
that slipped past escaping still could not run. Links to originals are made only from absolute
http(s) URLs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from browse.pages import document_page, sources_page
from browse.search import (
    DEFAULT_PER_PAGE,
    FACETS,
    MAX_PAGE,
    MAX_PER_PAGE,
    Hit,
    SearchQuery,
    clean,
    search,
)
from digest.feed import FeedEntry, document_entry_id, feed_id, render_entries
from reports.labels import Labels
from reports.markup import safe_href

TEMPLATES = Path(__file__).with_name("templates")
FEED_ENTRIES = 50
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def create_app(
    factory: sessionmaker[Session],
    labels: Labels,
    *,
    title: str = "agglowatch archive",
    allowed_hosts: Sequence[str] | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> Starlette:
    """The ASGI app over a store. `allowed_hosts` guards a loopback server from DNS rebinding."""
    site = _Site(factory, labels, title, now or (lambda: dt.datetime.now(dt.UTC)))
    routes = [
        Route("/", site.search_page, methods=["GET", "HEAD"]),
        Route("/doc/{doc_id}", site.document, methods=["GET", "HEAD"]),
        Route("/sources", site.sources, methods=["GET", "HEAD"]),
        Route("/feed.atom", site.feed, methods=["GET", "HEAD"]),
    ]
    middleware = [Middleware(_SecurityHeaders)]
    if allowed_hosts:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    return Starlette(routes=routes, middleware=middleware)


class _SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (errors and 405s included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class _Site:
    def __init__(
        self,
        factory: sessionmaker[Session],
        labels: Labels,
        title: str,
        now: Callable[[], dt.datetime],
    ) -> None:
        self.factory, self.labels, self.title, self.now = factory, labels, title, now
        self.env = _environment(labels)

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(site_title=self.title, **context)
        return HTMLResponse(html, status_code=status)

    def search_page(self, request: Request) -> Response:
        query = query_from(request.query_params)
        with self.factory() as session:
            result = search(session, query)
        return self.render(
            "search.html.j2",
            result=result,
            query=result.query,
            facets=FACETS,
            link=_Links(result.query),
            feed_href="/feed.atom?" + _params(result.query, page=None),
        )

    def document(self, request: Request) -> Response:
        doc_id = str(request.path_params["doc_id"])
        with self.factory() as session:
            page = document_page(session, doc_id, self.labels)
        if page is None:
            return self.render("error.html.j2", status=404, message="No such document.")
        return self.render("document.html.j2", page=page, doc=page.doc)

    def sources(self, request: Request) -> Response:
        with self.factory() as session:
            page = sources_page(session, self.now())
        return self.render("sources.html.j2", page=page)

    def feed(self, request: Request) -> Response:
        """The newest documents of a search (any filters), one entry each: subscribe to a query."""
        query = replace(query_from(request.query_params), sort="date", page=1)
        query = replace(query, per_page=FEED_ENTRIES)
        with self.factory() as session:
            result = search(session, query, with_facets=False)
        described = query.q or "all documents"
        xml = render_entries(
            [_hit_entry(hit) for hit in result.hits],
            title=f"{self.title}: {described}",
            feed_urn=feed_id("search:" + _params(query, page=None)),
            labels=self.labels,
            subtitle="The newest documents matching a search of the archive",
            self_href=str(request.url),
            page_href="/?" + _params(query, page=None),
        )
        return Response(xml, media_type="application/atom+xml")


def _hit_entry(hit: Hit) -> FeedEntry:
    moment = (
        dt.datetime.combine(hit.published, dt.time(), dt.UTC)
        if hit.published
        else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    )
    return FeedEntry(
        id=document_entry_id(hit.id),
        title=hit.title,
        url=hit.url,
        source=hit.source,
        published=moment,
        updated=moment,
        summary=hit.snippet.striptags(),
        themes=hit.themes,
        regions=hit.regions,
        related=f"/doc/{hit.id}",
    )


def query_from(params: Mapping[str, str]) -> SearchQuery:
    """A SearchQuery from URL parameters; anything malformed falls back to its default."""
    sort = params.get("sort", "relevance")
    return SearchQuery(
        q=clean(params.get("q")).strip(),
        theme=clean(params.get("theme"), 100).strip() or None,
        region=clean(params.get("region"), 100).strip() or None,
        source=clean(params.get("source"), 100).strip() or None,
        language=clean(params.get("language"), 16).strip() or None,
        year=_int(params.get("year"), None, 1, 9999),
        sort="date" if sort == "date" else "relevance",
        page=_int(params.get("page"), 1, 1, MAX_PAGE) or 1,
        per_page=_int(params.get("per_page"), DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        or DEFAULT_PER_PAGE,
        duplicates=params.get("duplicates") in ("1", "true", "on"),
    ).bounded()


def _int(value: str | None, default: int | None, low: int, high: int) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, low), high)


def _params(query: SearchQuery, **changes: Any) -> str:
    """The URL query of `query` with `changes` (None removes a parameter); defaults left out."""
    values: dict[str, Any] = {
        "q": query.q,
        **query.filters(),
        "sort": query.sort if query.sort != "relevance" else None,
        "page": query.page if query.page != 1 else None,
        "per_page": query.per_page if query.per_page != DEFAULT_PER_PAGE else None,
        "duplicates": "1" if query.duplicates else None,
    }
    values.update(changes)
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


class _Links:
    """URLs for the search page: the same query with one thing changed (paging resets)."""

    def __init__(self, query: SearchQuery) -> None:
        self.query = query

    def __call__(self, **changes: Any) -> str:
        changes.setdefault("page", None)
        return "/?" + _params(self.query, **changes)

    def page(self, number: int) -> str:
        return "/?" + _params(self.query, page=number if number > 1 else None)


def _environment(labels: Labels) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = safe_href
    env.filters["theme"] = lambda tid: labels.theme(str(tid)).text
    env.filters["region"] = lambda rid: labels.region(str(rid)).text
    env.filters["when"] = _when
    env.filters["paragraphs"] = _paragraphs
    env.globals["ceil"] = math.ceil
    return env


def _when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "—" if value in (None, "") else str(value)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]
