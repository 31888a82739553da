"""OpenAlex /works JSON → DocumentRecords (the documented `meta` + `results` list).

As for Crossref, `url` is the DOI resolver URL when the work has a DOI (else the landing page, else
the OpenAlex id) and `canonical_url` the landing page. OpenAlex ships abstracts only as an inverted
index (word → positions); the text is rebuilt from it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord
from parsers.crossref import (
    DOI_RESOLVER,
    WorkPage,
    load_json_object,
    not_in_future,
    strip_markup,
)
from parsers.language import detect_language

MAX_ABSTRACT_WORDS = 20_000  # an inverted index claiming more positions is not an abstract
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u9fff]")


def parse_works(content: bytes, url: str, *, source: str, today: dt.date | None = None) -> WorkPage:
    """Map one /works answer; ParseError when it is not an OpenAlex result list."""
    data = load_json_object(content, url)
    meta, results = data.get("meta"), data.get("results")
    if not isinstance(meta, dict) or not isinstance(results, list):
        error = data.get("error") or data.get("message") or "no 'meta' and 'results'"
        raise ParseError(f"{url}: not an OpenAlex answer: {str(error)[:200]}")
    cursor = meta.get("next_cursor")
    count = meta.get("count")
    page = WorkPage(
        [],
        cursor if isinstance(cursor, str) and cursor else None,
        count if isinstance(count, int) else None,
    )
    page.size = len(results)
    for work in results:
        try:
            page.records.append(work_to_record(work, source, today=today))
        except ParseError as exc:
            page.errors.append(str(exc))
    if results and isinstance(results[-1], dict):
        page.last_date = _date(results[-1].get("publication_date"))
    return page


def work_to_record(work: Any, source: str, *, today: dt.date | None = None) -> DocumentRecord:
    """One OpenAlex work; ParseError when it has no title or no address at all."""
    if not isinstance(work, dict):
        raise ParseError("OpenAlex result is not an object")
    title = strip_markup(_text(work.get("title")) or _text(work.get("display_name")))
    doi = clean_doi(_text(work.get("doi")))
    location = _dict(work.get("primary_location"))
    landing = _web_url(_text(location.get("landing_page_url")))
    url = DOI_RESOLVER + doi if doi else landing or _web_url(_text(work.get("id")))
    if not title or not url:
        raise ParseError(f"OpenAlex work without title or URL: {_text(work.get('id')) or '?'}")
    abstract = rebuild_abstract(work.get("abstract_inverted_index")) or None
    published = _date(work.get("publication_date"))
    if published is not None and not not_in_future(published, today or dt.date.today()):
        published = None
    language = _text(work.get("language")).lower()[:2] or None
    return DocumentRecord(
        source=source,
        url=url,
        canonical_url=landing,
        title=title,
        text=f"{title}\n\n{abstract}" if abstract else title,
        authors=[n for n in map(author_name, _list(work.get("authorships"))) if n],
        published=published,
        language=language or detect_language(abstract or title),
        doi=doi or None,
        abstract=abstract,
        keywords=_keywords(work),
        container=_text(_dict(location.get("source")).get("display_name")) or None,
        extra=_extra(work),
    )


def clean_doi(value: str) -> str:
    """'https://doi.org/10.1/ABC' → '10.1/abc'."""
    return _DOI_PREFIX.sub("", value.strip()).lower()


def rebuild_abstract(index: Any) -> str:
    """Words placed at their positions and joined; '' when the index is missing or malformed."""
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for position in _list(positions):
            if isinstance(position, int) and 0 <= position < MAX_ABSTRACT_WORDS:
                placed[position] = str(word)
    return " ".join(placed[p] for p in sorted(placed)).strip()


def author_name(authorship: Any) -> str:
    """The author's display name; the name as printed when only that one is in Chinese."""
    entry = _dict(authorship)
    display = _text(_dict(entry.get("author")).get("display_name"))
    raw = _text(entry.get("raw_author_name"))
    if raw and _HAN.search(raw) and not _HAN.search(display):
        return raw
    return display or raw


def _keywords(work: dict[str, Any]) -> list[str]:
    names = [_text(_dict(k).get("display_name")) for k in _list(work.get("keywords"))]
    return [n for n in dict.fromkeys(names) if n]


def _extra(work: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {"api": "openalex"}
    for key in ("id", "type", "updated_date"):
        if _text(work.get(key)):
            extra["openalex_" + key if key == "id" else key] = _text(work.get(key))
    pdf = _text(_dict(work.get("primary_location")).get("pdf_url"))
    if pdf:
        extra["pdf_url"] = pdf
    return extra


def _web_url(value: str) -> str | None:
    """`value` if it is an http(s) URL with a host that urllib can split ('h://[' is not)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
