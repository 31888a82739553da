"""RSS and Atom feeds -> FeedEntry, with feedparser (which tolerates the feeds of the real web).

A feed with entries is read even when its XML is slightly broken (feedparser's "bozo" flag); a body
that is not a feed at all (an HTML error page, an image, nothing) is a ParseError that says why.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.sax
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord
from parsers.article import split_names
from parsers.dates import SHANGHAI, parse_date, plausible
from parsers.encoding import decode_body
from parsers.language import detect_language, normalise_language
from parsers.metadata import clean_space, element_text, normalise_doi


class BrokenFeedError(ParseError):
    """The feed's XML breaks before any whole entry (a feed cut short breaks so too)."""


@dataclass(slots=True)
class FeedEntry:
    """What one feed entry says about a document."""

    url: str
    title: str
    summary: str | None
    published: dt.date | None
    authors: list[str] = field(default_factory=list)
    doi: str | None = None
    language: str | None = None

    def to_record(self, source: str) -> DocumentRecord:
        """The document as the feed alone describes it (when its page cannot be fetched)."""
        return DocumentRecord(
            source=source,
            url=self.url,
            title=self.title,
            text=self.summary or "",
            authors=list(self.authors),
            published=self.published,
            language=self.language,
            doi=self.doi,
            abstract=self.summary,
            listing_url=self.url,
            extra={"from_feed": True},
        )


def parse_feed(content: bytes, url: str, *, now: dt.datetime | None = None) -> list[FeedEntry]:
    """Entries of an RSS/Atom feed, URLs absolute; ParseError when `content` is not a feed."""
    if not content or not content.strip():
        raise ParseError(f"{url} is not an RSS or Atom feed: the body is empty")
    parsed = _feedparse(content, url)
    if not parsed.get("version") and not parsed.entries:
        raise ParseError(f"{url} is not an RSS or Atom feed: {_reason(content, parsed)}")
    feed_language = normalise_language(parsed.feed.get("language"))
    entries = []
    for raw in parsed.entries:
        entry = _entry(raw, url, feed_language, now)
        if entry is not None:
            entries.append(entry)
    if not entries:
        _nothing_read(parsed, url)
    return entries


def _nothing_read(parsed: Any, url: str) -> None:
    """A feed none of whose entries could be read says why, instead of passing for an empty
    feed: XML broken before any whole entry (feedparser gave up on it), or entries without a
    link. A well-formed feed with no items is just empty (no error)."""
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        where = f"line {problem.getLineNumber()}, column {problem.getColumnNumber()}"
        raise BrokenFeedError(
            f"{url}: the feed's XML is broken ({problem.getMessage()} at {where}) and no entry"
            " could be read; open the feed in a browser, and tell its publisher"
        )
    if parsed.entries:
        raise ParseError(
            f"{url}: the feed has {len(parsed.entries)} entries, but none links to a page"
        )


def _feedparse(content: bytes, url: str) -> Any:
    """feedparser on text decoded our way: it would read undeclared GBK as windows-1252."""
    text, _ = decode_body(content)
    data = _declare_utf8(text.encode("utf-8", errors="replace"))
    headers = {"content-location": url} if url else {}
    try:
        return feedparser.parse(data, response_headers=headers)
    except Exception as exc:  # feedparser's own bugs on hostile bytes must not escape as crashes
        raise ParseError(f"{url} is not an RSS or Atom feed: unreadable ({exc})") from exc


_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


def _declare_utf8(data: bytes) -> bytes:
    """Replace the XML declaration (which may name the original charset) with a UTF-8 one."""
    return _XML_DECLARATION.sub(b'<?xml version="1.0" encoding="utf-8"?>', data, count=1)


def _reason(content: bytes, parsed: Any) -> str:
    head = content[:512].lstrip().lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "it is an HTML page"
    if b"\x00" in content[:512] or not _mostly_text(content[:512]):
        return "it is binary data"
    problem = parsed.get("bozo_exception")
    return f"no RSS/Atom root element ({problem})" if problem else "no RSS/Atom root element"


def _mostly_text(sample: bytes) -> bool:
    printable = sum(1 for b in sample if b >= 0x20 or b in (9, 10, 13))
    return printable >= 0.9 * len(sample)


def _entry(
    raw: Any, base: str, feed_language: str | None, now: dt.datetime | None
) -> FeedEntry | None:
    url = _entry_url(raw, base)
    if url is None:
        return None
    title = _plain(_field(raw, "title") or "")
    summary = _summary(raw)
    doi = normalise_doi(_field(raw, "prism_doi") or _field(raw, "dc_identifier") or "") or (
        normalise_doi(url) if "doi.org/" in url else None
    )
    language = normalise_language(_field(raw, "language")) or feed_language
    return FeedEntry(
        url=url,
        title=title,
        summary=summary,
        published=_published(raw, now),
        authors=_authors(raw),
        doi=doi,
        language=detect_language(f"{title}\n{summary or ''}", language),
    )


def _field(raw: Any, key: str) -> Any:
    """An entry field as the feed wrote it (no feedparser key aliasing, no deprecation noise)."""
    return dict.get(raw, key)


def _entry_url(raw: Any, base: str) -> str | None:
    candidates = [_field(raw, "link")]
    candidates += [
        link.get("href") for link in (_field(raw, "links") or []) if isinstance(link, dict)
    ]
    candidates.append(_field(raw, "id"))
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.strip():
            continue
        try:  # urllib raises ValueError on some malformed URLs ("http://[x")
            absolute = urljoin(base, candidate.strip()) if base else candidate.strip()
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute.split("#", 1)[0]
    return None


def _summary(raw: Any) -> str | None:
    values = [_field(raw, "summary")]
    values += [c.get("value") for c in (_field(raw, "content") or []) if isinstance(c, dict)]
    for value in values:
        text = _plain_block(value) if isinstance(value, str) else ""
        if text:
            return text
    return None


def _plain(value: str) -> str:
    """Feed titles may carry markup or entities: plain text on one line."""
    return clean_space(_plain_block(value))


def _plain_block(value: str | None) -> str:
    if not value or not value.strip():
        return ""
    if "<" not in value and "&" not in value:
        return value.strip()
    try:
        fragment = lxml.html.fragment_fromstring(value, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return clean_space(value)
    return element_text(fragment).strip()


def _published(raw: Any, now: dt.datetime | None) -> dt.date | None:
    """The entry's own date string read our way (naive = Shanghai), else feedparser's UTC tuple
    (for a string it reads and we do not), unless that string names an impossible day."""
    for key in ("published", "issued", "created", "updated", "dc_date", "prism_publicationdate"):
        value = _field(raw, key)
        if isinstance(value, str):
            day = parse_date(value, now=now)
            if day:
                return day
    for key in ("published", "updated", "created"):
        parsed = _field(raw, key + "_parsed")
        if not isinstance(parsed, time.struct_time) or _impossible(_field(raw, key)):
            continue
        try:
            moment = dt.datetime(*parsed[:6], tzinfo=dt.UTC).astimezone(SHANGHAI)
        except (ValueError, OverflowError):  # year 0 or -1: feedparser's reading of 0000-00-00
            continue
        if plausible(moment.date(), now):
            return moment.date()
    return None


_NUMERIC_DAY = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def _impossible(value: Any) -> bool:
    """A numeric year-month-day that is no calendar day ("2024-02-30", "0000-00-00"), which
    feedparser rolls over into another day (2024-03-01) rather than refuse."""
    match = _NUMERIC_DAY.search(value) if isinstance(value, str) else None
    if match is None:
        return False
    try:
        dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return True
    return False


def _authors(raw: Any) -> list[str]:
    names: list[str] = []
    for author in _field(raw, "authors") or []:
        name = author.get("name") if isinstance(author, dict) else None
        if isinstance(name, str):
            names += split_names(_plain(name), loose=True)
    if not names and isinstance(_field(raw, "author"), str):
        names = split_names(_plain(_field(raw, "author")), loose=True)
    return list(dict.fromkeys(names))
