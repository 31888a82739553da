"""Plain-text bytes → DocumentRecord: the first non-empty line is the title.

Analysts drop notes and copied announcements into a folder as .txt files, often GBK-encoded; the
bytes are decoded like web pages, and a date line near the top (发布时间：…) is used when present.
"""

from __future__ import annotations

import datetime as dt

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord
from parsers.dates import parse_date
from parsers.encoding import decode_body, looks_binary
from parsers.language import detect_language

DATE_LINES = 6  # lines after the title searched for a publication date


def parse_text(
    content: bytes, url: str, *, source: str, content_type: str | None = None
) -> DocumentRecord:
    """Decode and split a text file; ParseError when it holds no text."""
    decoded, _codec = decode_body(content, content_type)
    if looks_binary(decoded):
        raise ParseError(f"{url}: the body is binary data, not text")
    lines = [line.strip() for line in decoded.replace("\r\n", "\n").split("\n")]
    filled = [line for line in lines if line]
    if not filled:
        raise ParseError(f"{url}: the text file is empty")
    title = filled[0][:200]
    body = "\n".join(lines[lines.index(filled[0]) + 1 :]).strip() or title
    return DocumentRecord(
        source=source,
        url=url,
        title=title,
        text=_paragraphs(body),
        published=_first_date(filled[1 : 1 + DATE_LINES]),
        language=detect_language(body[:5000]),
        extra={"format": "text"},
    )


def _paragraphs(body: str) -> str:
    """Keep blank-line paragraph breaks; single newlines inside a paragraph stay as they are."""
    blocks = [block.strip() for block in body.split("\n\n")]
    return "\n\n".join(block for block in blocks if block)


def _first_date(lines: list[str]) -> dt.date | None:
    for line in lines:
        if len(line) <= 80:  # a date line, not a paragraph that happens to mention a date
            found = parse_date(line)
            if found is not None:
                return found
    return None
