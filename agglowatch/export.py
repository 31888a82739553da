"""`agglowatch export`: every stored document in the spec's export shape, streamed."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from agglowatch.config import Config
from agglowatch.runner import open_database
from storage.models import Document

CSV_COLUMNS = [
    "id", "url", "canonical_url", "source", "title", "authors", "published", "language", "doi",
    "abstract", "themes", "regions", "duplicate_of", "first_seen", "last_seen", "version",
    "status", "text",
]  # fmt: skip


def document_json(doc: Document) -> dict[str, Any]:
    """One document as the spec's export object."""
    return {
        "id": doc.id,
        "url": doc.url,
        "canonical_url": doc.canonical_url,
        "source": doc.source,
        "title": doc.title,
        "authors": list(doc.authors or []),
        "published": doc.published.isoformat() if doc.published else None,
        "language": doc.language,
        "doi": doc.doi,
        "abstract": doc.abstract,
        "keywords": list(doc.keywords or []),
        "container": doc.container,
        "text": doc.text,
        "themes": list(doc.themes or []),
        "regions": list(doc.regions or []),
        "duplicate_of": doc.duplicate_of,
        "first_seen": _iso(doc.first_seen),
        "last_seen": _iso(doc.last_seen),
        "version": doc.version,
        "status": doc.status,
    }


def iter_documents(session: Session, since: dt.datetime | None = None) -> Iterator[Document]:
    query = select(Document).order_by(Document.first_seen, Document.id)
    if since is not None:
        query = query.where(Document.first_seen >= since)
    yield from session.scalars(query.execution_options(yield_per=500))


def export_documents(
    config: Config, stream: TextIO, format: str, since: dt.datetime | None = None
) -> int:
    _, factory = open_database(config)
    count = 0
    with factory() as session:
        rows = (document_json(doc) for doc in iter_documents(session, since))
        writer = _write_csv if format == "csv" else _write_jsonl
        count = writer(stream, rows)
    return count


def _write_jsonl(stream: TextIO, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(stream: TextIO, rows: Iterator[dict[str, Any]]) -> int:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in CSV_COLUMNS})
        count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
