"""DOCX bytes → DocumentRecord with python-docx: paragraphs and tables plus the core properties.

A .docx is a zip; its declared uncompressed size is checked first so a zip bomb is refused before
python-docx inflates it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord
from parsers.language import detect_language
from parsers.pdf import find_doi

MAX_UNCOMPRESSED = 200_000_000
_SPLIT = re.compile(r"\s*[;,；，、]\s*")


def parse_docx(content: bytes, url: str, *, source: str) -> DocumentRecord:
    """Read a Word document; ParseError when it is not a readable .docx."""
    document = _open(content, url)
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    paragraphs += _table_text(document)
    if not paragraphs:
        raise ParseError(f"{url}: the document has no text")
    props = _core_properties(document)
    title = _clean(props.title) or paragraphs[0][:200]
    body = paragraphs[1:] if paragraphs[0] == title and len(paragraphs) > 1 else paragraphs
    text = "\n\n".join(body)
    return DocumentRecord(
        source=source,
        url=url,
        title=title,
        text=text,
        authors=[a for a in _SPLIT.split(_clean(props.author)) if a],
        published=_past_date(props.created),
        language=_language(props.language) or detect_language(text[:5000]),
        doi=find_doi(_clean(props.identifier)) or find_doi(text[:3000]),
        keywords=[k for k in _SPLIT.split(_clean(props.keywords)) if k],
        abstract=_clean(props.subject) or None,
        extra={"format": "docx"},
    )


def _open(content: bytes, url: str) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            size = sum(info.file_size for info in archive.infolist())
        if size > MAX_UNCOMPRESSED:
            raise ParseError(f"{url}: DOCX inflates to {size} bytes, over {MAX_UNCOMPRESSED}")
        return docx.Document(io.BytesIO(content))
    except ParseError:
        raise
    except Exception as exc:  # zipfile, lxml and python-docx each raise their own errors
        raise ParseError(f"{url}: not a readable DOCX file: {exc}") from exc


class _NoProperties:
    """Stands in for the core properties of a file that has none."""

    title = author = language = identifier = keywords = subject = None
    created = None


def _core_properties(document: Any) -> Any:
    """The file's own core properties; python-docx invents defaults when the part is missing
    (title "Word Document"), which must not become the document's title."""
    try:
        document.part.package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)
    except KeyError:
        return _NoProperties()
    return document.core_properties


def _table_text(document: Any) -> list[str]:
    rows: list[str] = []
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                rows.append(" | ".join(dict.fromkeys(cells)))  # merged cells repeat their text
    return rows


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _past_date(value: dt.datetime | None) -> dt.date | None:
    if value is None or value.date() > dt.date.today():
        return None
    return value.date()


def _language(value: str | None) -> str | None:
    """'zh-CN' → 'zh'; python-docx gives the raw dc:language text."""
    code = _clean(value).split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None
