"""Fetch the documents a listing names, shared by the feed, html and sitemap kinds.

Each URL is fetched through the source's PageFetcher (so conditional GET, politeness and retries
apply) and parsed by what the bytes are: PDF, DOCX, plain text, else HTML. A URL that answers 304,
or whose bytes hash the same as last time, is unchanged: no record, but the kind still lists it.
One document failing never stops the others: the error goes to `stats.errors`, and the listing's
own record of it (a feed entry) stands in when there is one.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from agglowatch.config import FieldSelectors
from agglowatch.errors import (
    AgglowatchError,
    ErrorPageError,
    FetchError,
    HTTPStatusError,
    ParseError,
)
from agglowatch.records import PAGE_GONE, PAGE_UNREAD, DocumentRecord, FetchedPage, Validators
from dedupe.prepare import PrepareSpec, attach
from parsers import pool as parse_pool
from parsers.article import extract_article
from parsers.docx import parse_docx
from parsers.encoding import decode_body
from parsers.errorpage import error_page_reason
from parsers.pdf import parse_pdf
from parsers.plaintext import parse_text
from sources.base import PageFetcher
from sources.refresh import refresh_target

log = logging.getLogger(__name__)

CONCURRENCY = 4  # documents in flight per source; the fetcher still applies its per-host limit
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf", "application/acrobat"})
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml", ""})
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8"
MAX_REFRESHES = 3  # meta refreshes followed from one listed URL
# HTML longer than this (characters) parses in a thread when it parses in this process: a page of
# megabytes takes seconds to tens of seconds (a 10 MB report about 45 s), and on the event loop it
# would stall every other source's fetching until their requests time out.
BIG_HTML = 256 * 1024
_FILL = ("authors", "published", "language", "doi", "abstract", "container", "keywords")

# The run's settings for preparing records where they are parsed (dedupe.prepare): set by
# agglowatch.runner for a source's harvest; without it records are prepared by the store.
PREPARE: contextvars.ContextVar[PrepareSpec | None] = contextvars.ContextVar(
    "agglowatch_prepare", default=None
)


async def fetch_documents(
    fetcher: PageFetcher,
    urls: Iterable[str],
    *,
    source: str,
    fields: FieldSelectors | None = None,
    fallbacks: dict[str, DocumentRecord] | None = None,
    done: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> list[DocumentRecord]:
    """Changed documents among `urls`, in listing order; failures recorded in fetcher.stats.

    `done(url)` is called for each URL read without error, changed or not.
    """
    limit = asyncio.Semaphore(CONCURRENCY)
    fallbacks = fallbacks or {}

    async def one(url: str) -> DocumentRecord | None:
        async with limit:
            return await fetch_or_fallback(
                fetcher,
                url,
                source=source,
                fields=fields,
                fallback=fallbacks.get(url),
                done=done,
                now=now,
            )

    results = await asyncio.gather(*(one(url) for url in dict.fromkeys(urls)))
    return [record for record in results if record is not None]


async def fetch_or_fallback(
    fetcher: PageFetcher,
    url: str,
    *,
    source: str,
    fields: FieldSelectors | None = None,
    fallback: DocumentRecord | None = None,
    done: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> DocumentRecord | None:
    """fetch_document, with any failure recorded and the fallback (if any) returned instead."""
    gone = False
    try:
        record = await fetch_document(
            fetcher, url, source=source, fields=fields, fallback=fallback, now=now
        )
    except AgglowatchError as exc:
        fetcher.stats.errors.append(_naming(url, exc))
        gone = _gone(exc)
        if gone:
            fetcher.stats.gone.append(url)
        if gone and fallback is not None and not (fallback.text or "").strip():
            return None  # a dead link with a title only is no document (retried next run)
    except Exception as exc:  # a parser bug on one odd page must not lose the whole source
        log.exception("unexpected error on %s", url)
        fetcher.stats.errors.append(f"{url}: unexpected {type(exc).__name__}: {exc}")
    else:
        if done is not None:
            done(url)
        return record
    if fallback is None:
        return None
    extra = {**fallback.extra, PAGE_UNREAD: True, **({PAGE_GONE: True} if gone else {})}
    return dataclasses.replace(fallback, listing_url=url, extra=extra)


def _naming(url: str, exc: AgglowatchError) -> str:
    """The warning for a page that failed, naming its URL once (most messages start with it)."""
    message = str(exc)
    return message if message.startswith(url) else f"{url}: {message}"


def _gone(exc: AgglowatchError) -> bool:
    """The page is not there (404, 410, a "page not found" page): unlike a timeout or a 5xx,
    nothing the feed's title alone could stand in for."""
    if isinstance(exc, ErrorPageError):
        return True
    return isinstance(exc, HTTPStatusError) and exc.status in (404, 410)


async def fetch_document(
    fetcher: PageFetcher,
    url: str,
    *,
    source: str,
    fields: FieldSelectors | None = None,
    fallback: DocumentRecord | None = None,
    now: dt.datetime | None = None,
) -> DocumentRecord | None:
    """The parsed document at `url`, or None when unchanged; raises FetchError / ParseError."""
    known = fetcher.validators.get(url)
    previous_hash = known.content_hash if known else None
    page = await fetcher.get(url, accept=ACCEPT)
    for hops in range(MAX_REFRESHES + 1):  # a stub that sends on with <meta http-equiv="refresh">
        if (target := refresh_target(page)) is None:
            break
        if hops == MAX_REFRESHES:
            raise FetchError(f"{url}: more than {MAX_REFRESHES} meta refreshes (a loop?)", url)
        page = await fetcher.get(target, accept=ACCEPT)
    if (where := redirected_away(url, page.final_url)) is not None:  # even to an unchanged page
        raise ErrorPageError(f"{url}: redirects to {where} {page.final_url}; not stored", url)
    if page.not_modified:
        return None
    digest = hashlib.sha256(page.content).hexdigest()
    if digest == previous_hash:
        return None
    try:
        record = await parse_page(page, source=source, fields=fields, fallback=fallback, now=now)
    except Exception:
        _forget(fetcher, url, known)  # so the next run fetches and tries these bytes again
        raise
    record.listing_url = url
    note_validators(fetcher.validators, url, content_hash=digest)
    return record


_INDEX_FILE = re.compile(r"/(?:index|default|home)\.[a-z]+$", re.IGNORECASE)


def redirected_away(url: str, final_url: str) -> str | None:
    """'the site's home page' or 'the section page' when following `url` ended on one of them.

    Sites take an article down by redirecting its address to the home page or to the section
    above it: that page is no article of the listing (stored, it was a junk document, reported
    new). An article's path under the section is deeper than the page it lands on; a page that
    moved lands at its new address, never above its old one.
    """
    if final_url == url:
        return None
    old, new = urlsplit(url), urlsplit(final_url)
    old_path, new_path = _folder(old.path), _folder(new.path)
    if not new_path.endswith("/") or len(old_path) <= len(new_path):
        return None
    if new_path == "/":
        return "the site's home page"
    same_site = _host(old.hostname) == _host(new.hostname)
    return "the section page" if same_site and old_path.startswith(new_path) else None


def _folder(path: str) -> str:
    """A path with its index file (index.html, default.aspx...) taken off: '/news/index.htm'
    is the page '/news/'."""
    return _INDEX_FILE.sub("/", path or "/")


def _host(name: str | None) -> str:
    return (name or "").lower().removeprefix("www.")


def note_validators(validators: dict[str, Validators], url: str, **changes: Any) -> None:
    """Record new validator values as a new object: the caller may hold the old ones to compare."""
    validators[url] = dataclasses.replace(validators.get(url) or Validators(), **changes)


def _forget(fetcher: PageFetcher, url: str, known: Validators | None) -> None:
    if known is None:
        fetcher.validators.pop(url, None)
    else:
        fetcher.validators[url] = known


async def parse_page(
    page: FetchedPage,
    *,
    source: str,
    fields: FieldSelectors | None = None,
    fallback: DocumentRecord | None = None,
    now: dt.datetime | None = None,
) -> DocumentRecord:
    """Bytes → record by what they are. HTML, PDF and DOCX parse in the process pool once a run
    has enough pages (parsers.pool); before that HTML here (a page over BIG_HTML in a thread),
    binary formats in a thread. Where they parse, parsed records are also prepared for the store
    (normalised, sketched, tagged: dedupe.prepare) when the run set PREPARE."""
    url, kind = page.final_url, document_format(page.content, page.content_type, page.final_url)
    spec = PREPARE.get()
    if kind in ("pdf", "docx") and page.truncated:
        raise ParseError(f"{url}: {kind.upper()} cut at the size cap; raise fetch.max_bytes")
    if kind in ("pdf", "docx"):
        parser = parse_pdf if kind == "pdf" else parse_docx
        return await parse_pool.submit(
            parse_binary, parser, page.content, url, source, fallback, spec, in_thread=True
        )
    if kind == "text":
        record = parse_text(page.content, url, source=source, content_type=page.content_type)
        return merge_fallback(record, fallback)
    if kind == "html":
        html = page.text if page.text is not None else decode_body(page.content)[0]
        big = len(html) > BIG_HTML
        return await parse_pool.submit(
            parse_html,
            html,
            url,
            source,
            fields=fields,
            fallback=fallback,
            now=now,
            spec=spec,
            in_thread=big,
        )
    raise ParseError(f"{url}: unsupported content type {page.content_type or '?'}")


def parse_html(
    html: str,
    url: str,
    source: str,
    *,
    fields: FieldSelectors | None = None,
    fallback: DocumentRecord | None = None,
    now: dt.datetime | None = None,
    spec: PrepareSpec | None = None,
) -> DocumentRecord:
    """extract_article, then the record prepared for the store (run where it is parsed); an
    error page served as 200 is refused before any of that work is spent on it."""
    record = extract_article(html, url, source=source, fields=fields, fallback=fallback, now=now)
    if reason := error_page_reason(record):
        raise ErrorPageError(f"{url}: an error page served as 200 ({reason}); not stored", url)
    return attach(record, spec)


def parse_binary(
    parser: Callable[..., DocumentRecord],
    content: bytes,
    url: str,
    source: str,
    fallback: DocumentRecord | None,
    spec: PrepareSpec | None,
) -> DocumentRecord:
    """A PDF/DOCX parser, the listing's fallback fields, then the record prepared for the store."""
    return attach(merge_fallback(parser(content, url, source=source), fallback), spec)


def document_format(content: bytes, content_type: str, url: str) -> str:
    """'pdf', 'docx', 'text', 'html' or 'other', from the magic bytes first, then the type."""
    head = content[:1024].lstrip()
    if head.startswith(b"%PDF") or content_type in PDF_TYPES:
        return "pdf"
    if content_type == DOCX_TYPE or (head.startswith(b"PK") and url.lower().endswith(".docx")):
        return "docx"
    if content_type == "text/plain" and not head.lower().startswith((b"<!doctype", b"<html")):
        return "text"
    if content_type in HTML_TYPES or content_type.startswith("text/"):
        return "html"
    return "other"


def merge_fallback(record: DocumentRecord, fallback: DocumentRecord | None) -> DocumentRecord:
    """Fill what a PDF/DOCX/text file left empty from the listing's own record of it."""
    if fallback is None:
        return record
    if fallback.title and record.extra.get("title_from") != "metadata":
        record.title = fallback.title
    for name in _FILL:
        if not getattr(record, name) and getattr(fallback, name):
            setattr(record, name, getattr(fallback, name))
    return record
