"""Crossref /works JSON → DocumentRecords (the REST API's documented `work-list` message).

The record's `url` is the DOI resolver URL (https://doi.org/<doi>): stable, and where any reader
lands whatever the publisher's site does. `canonical_url` is the publisher's landing page
(`resource.primary.URL`), so the same article found on the journal's own listing matches it.
Abstracts come as JATS XML; the tags are stripped and <jats:p> paragraphs kept.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord
from parsers.language import detect_language

DOI_RESOLVER = "https://doi.org/"
# A publisher dates a work in its own time zone, up to a day ahead of the run's UTC day (Beijing
# is from 16:00 UTC); as for pages (parsers.dates), only a date beyond that is in the future.
DATE_AHEAD = dt.timedelta(days=1)
_DATE_FIELDS = ("published-online", "published-print", "issued", "published")
_BREAK = re.compile(r"</?(?:jats:)?(?:p|sec|list-item|title)\b[^>]*>", re.IGNORECASE)
_HEADING = re.compile(
    r"<(jats:)?title\b[^>]*>\s*(abstract|summary|摘要|内容提要)\s*[:：]?\s*</(jats:)?title>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(slots=True)
class WorkPage:
    """One page of an API's work list."""

    records: list[DocumentRecord]
    next_cursor: str | None
    total: int | None
    last_date: dt.date | None = None  # window date (index/publication) of the page's last item
    errors: list[str] = field(default_factory=list)  # items that could not be mapped
    size: int = 0  # items on the page, mapped or not


def load_json_object(content: bytes, url: str) -> dict[str, Any]:
    """Parse a JSON body that must be an object; ParseError otherwise."""
    if (page := _html_instead(content)) is not None:
        raise ParseError(
            f"{url}: not JSON: the answer is an HTML page ({page!r}): the API is down or "
            "refusing us, or base_url is not the API's address"
        )
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"{url}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ParseError(f"{url}: expected a JSON object, got {type(data).__name__}")
    return data


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _html_instead(content: bytes) -> str | None:
    """What an HTML page served in place of JSON says (its title, else its first words)."""
    head = content[:20_000].lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "replace")
    if not head.startswith("<"):
        return None
    title = _TITLE.search(head)
    words = strip_markup(title.group(1) if title else _SCRIPT.sub(" ", head))
    return words[:120] or "empty"


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def parse_works(content: bytes, url: str, *, source: str, today: dt.date | None = None) -> WorkPage:
    """Map one /works answer; ParseError when it is not a Crossref work list."""
    data = load_json_object(content, url)
    message = data.get("message")
    if data.get("status") != "ok" or not isinstance(message, dict):
        raise ParseError(f"{url}: not a Crossref answer: {str(data.get('message'))[:200]}")
    items = message.get("items")
    if not isinstance(items, list):
        raise ParseError(f"{url}: Crossref answer without an 'items' list")
    page = WorkPage(
        [], _text(message.get("next-cursor")) or None, _int(message.get("total-results"))
    )
    page.size = len(items)
    for item in items:
        try:
            page.records.append(work_to_record(item, source, today=today))
        except ParseError as exc:
            page.errors.append(str(exc))
    if items and isinstance(items[-1], dict):
        page.last_date = date_parts(items[-1].get("indexed"))
    return page


def work_to_record(item: Any, source: str, *, today: dt.date | None = None) -> DocumentRecord:
    """One Crossref work; ParseError when it has no DOI or no title."""
    if not isinstance(item, dict):
        raise ParseError("Crossref item is not an object")
    doi = _text(item.get("DOI")).lower()
    title = strip_markup(" ".join(_texts(item.get("title"))))
    if not doi or not title:
        raise ParseError(f"Crossref item without DOI or title: {doi or title or '?'}")
    abstract = jats_to_text(_text(item.get("abstract"))) or None
    return DocumentRecord(
        source=source,
        url=DOI_RESOLVER + doi,
        canonical_url=_landing_page(item),
        title=title,
        text=f"{title}\n\n{abstract}" if abstract else title,
        authors=[name for name in map(author_name, _list(item.get("author"))) if name],
        published=best_date(item, today or dt.date.today()),
        language=_text(item.get("language")).lower()[:2] or detect_language(abstract or title),
        doi=doi,
        abstract=abstract,
        container=strip_markup(" ".join(_texts(item.get("container-title")))) or None,
        extra=_extra(item),
    )


def author_name(author: Any) -> str:
    """'given family' for Latin names; Chinese names as written, family name first, no space."""
    if not isinstance(author, dict):
        return ""
    given, family = _text(author.get("given")), _text(author.get("family"))
    if not (given or family):
        return _text(author.get("name"))
    if _HAN.search(given + family):
        return family + given
    return " ".join(part for part in (given, family) if part)


def best_date(item: dict[str, Any], today: dt.date) -> dt.date | None:
    """Earliest of the most precise publication dates that is not in the future."""
    found: list[tuple[int, dt.date]] = []
    for name in _DATE_FIELDS:
        parts = _parts(item.get(name))
        if parts:
            value = date_parts(item.get(name))
            if value is not None and not_in_future(value, today):
                found.append((-len(parts), value))
    return min(found)[1] if found else None


def not_in_future(day: dt.date, today: dt.date) -> bool:
    """`day` is no later than `today` in the time zone furthest ahead (DATE_AHEAD)."""
    return day <= today + DATE_AHEAD


def date_parts(value: Any) -> dt.date | None:
    """A Crossref date object ({'date-parts': [[2023, 1, 16]]}); missing month/day read as 1."""
    parts = _parts(value)
    if not parts:
        return None
    try:
        return dt.date(parts[0], *[*parts[1:3], 1, 1][:2])
    except ValueError:
        return None


def jats_to_text(value: str) -> str:
    """JATS/HTML abstract → plain paragraphs, blank-line separated; 'Abstract' heading dropped."""
    if not value:
        return ""
    value = _BREAK.sub("\n\n", _HEADING.sub("", value))
    paragraphs = (" ".join(html.unescape(_TAG.sub("", p)).split()) for p in value.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def strip_markup(value: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", value)).split())


def _parts(value: Any) -> list[int]:
    if not isinstance(value, dict):
        return []
    outer = value.get("date-parts")
    if not isinstance(outer, list) or not outer or not isinstance(outer[0], list):
        return []
    parts: list[int] = []
    for part in outer[0][:3]:
        if not isinstance(part, int) or isinstance(part, bool):
            break
        parts.append(part)
    return parts


def _landing_page(item: dict[str, Any]) -> str | None:
    resource = item.get("resource")
    primary = resource.get("primary") if isinstance(resource, dict) else None
    return (_text(primary.get("URL")) or None) if isinstance(primary, dict) else None


def _extra(item: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {"api": "crossref"}
    for key, name in (("type", "type"), ("publisher", "publisher"), ("URL", "crossref_url")):
        if _text(item.get(key)):
            extra[name] = _text(item.get(key))
    if subjects := _texts(item.get("subject")):
        extra["subjects"] = subjects
    if (indexed := date_parts(item.get("indexed"))) is not None:
        extra["indexed"] = indexed.isoformat()
    return extra


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: Any) -> list[str]:
    return [v.strip() for v in _list(value) if isinstance(v, str) and v.strip()]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
