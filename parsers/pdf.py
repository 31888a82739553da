"""PDF bytes → DocumentRecord with pypdf: the text layer plus the document information metadata.

Reports and papers are often published only as PDFs. Titles in PDF metadata are frequently junk
("Microsoft Word - draft3.doc"), so those fall back to the first line of the first page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from pypdf import PdfReader

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord
from parsers.language import detect_language

MAX_PAGES = 300  # text beyond this is not needed for matching and costs seconds per page
DOI_PATTERN = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_JUNK_TITLE = re.compile(
    r"^(untitled|microsoft (word|powerpoint)|powerpoint presentation|slide \d+|无标题)"
    r"|\.(docx?|pdf|pptx?|wps|indd|tex)$",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|；|、|，|&|\band\b)\s*")
_KEYWORD_SPLIT = re.compile(r"\s*[;,；，、]\s*")
_SENTENCE_END = tuple(".!?。！？：:;；”\"'）)")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def parse_pdf(content: bytes, url: str, *, source: str) -> DocumentRecord:
    """Read a PDF's text and metadata; ParseError for encrypted, broken or text-less files."""
    reader = _open(content, url)
    try:
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
        info = reader.metadata
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise ParseError(f"{url}: cannot read PDF text: {exc}") from exc
    text = "\n\n".join(p for p in (reflow(page) for page in pages) if p)
    if not text.strip():
        raise ParseError(f"{url}: PDF has no text layer (scanned image?)")
    meta = _metadata(info)
    first_page = pages[0] if pages else ""
    title, title_from = _title(meta.get("title"), first_page, url)
    return DocumentRecord(
        source=source,
        url=url,
        title=title,
        text=text,
        authors=_split(meta.get("author"), _AUTHOR_SPLIT),
        published=meta.get("date"),
        language=detect_language(text[:5000]),
        doi=find_doi(first_page) or find_doi(meta.get("subject") or ""),
        keywords=_split(meta.get("keywords"), _KEYWORD_SPLIT),
        extra={"pages": len(reader.pages), "title_from": title_from, "format": "pdf"},
    )


def _open(content: bytes, url: str) -> PdfReader:
    if not content.lstrip()[:5].startswith(b"%PDF"):
        raise ParseError(f"{url}: not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError(f"{url}: PDF is encrypted with a password")
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError(f"{url}: broken PDF: {exc}") from exc
    return reader


def _metadata(info: Any) -> dict[str, Any]:
    """Title, author, subject, keywords and creation date; any unreadable field is left out."""
    found: dict[str, Any] = {}
    if info is None:
        return found
    for name in ("title", "author", "subject", "keywords"):
        try:
            value = getattr(info, name)
        except Exception:
            continue
        if isinstance(value, str) and value.strip():
            found[name] = " ".join(value.split())
    try:
        created = info.creation_date
    except Exception:
        created = None
    if isinstance(created, dt.datetime) and created.date() <= dt.date.today():
        found["date"] = created.date()
    return found


def _title(meta_title: str | None, first_page: str, url: str) -> tuple[str, str]:
    """(title, its origin): metadata unless junk, else the first line, else the file name."""
    if meta_title and not _JUNK_TITLE.search(meta_title) and len(meta_title) > 3:
        return meta_title, "metadata"
    for line in first_page.splitlines():
        line = line.strip()
        if len(line) >= 2:
            return line[:200], "text"
    stem = PurePosixPath(unquote(urlsplit(url).path)).stem
    return stem or url, "filename"


def find_doi(text: str) -> str | None:
    """The first DOI in `text`, lower case, without trailing punctuation."""
    match = DOI_PATTERN.search(text)
    return match.group(1).rstrip(".,;:)]}>。，；").lower() if match else None


def reflow(page: str) -> str:
    """Join the hard-wrapped lines of one page into paragraphs separated by blank lines.

    A line ends its paragraph when it is blank, when it ends a sentence while being clearly
    shorter than the page's longest line (the usual shape of a paragraph's last line), or when it
    is much shorter than that (a heading).
    """
    lines = [" ".join(line.split()) for line in page.splitlines()]
    width = max((_width(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            paragraphs.append(current)
            current = ""
            continue
        current = _join(current, line)
        size = _width(line)
        if (size < 0.8 * width and line.endswith(_SENTENCE_END)) or size < 0.5 * width:
            paragraphs.append(current)
            current = ""
    paragraphs.append(current)
    return "\n\n".join(p for p in paragraphs if p)


def _width(line: str) -> int:
    """Display width: a Han character takes the room of two Latin letters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _join(head: str, line: str) -> str:
    if not head:
        return line
    if head.endswith("-") and line[:1].islower():
        return head[:-1] + line
    if _CJK.match(head[-1]) or _CJK.match(line[0]):
        return head + line
    return head + " " + line


def _split(value: str | None, pattern: re.Pattern[str]) -> list[str]:
    return [part for part in pattern.split(value or "") if part.strip()]
