"""`agglowatch retag`: the edited taxonomy applied to every stored document, in one pass.

Documents are read in id order in batches; each batch's changed tags are written and committed
together, so an interrupted retag leaves every document either fully old or fully new.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agglowatch.config import Config
from agglowatch.records import DocumentRecord, RegionMatch, TagResult, ThemeMatch
from agglowatch.runner import open_database
from storage.models import Document
from tagging import Tagger, load_taxonomy
from tagging.retag import diff_tags

BATCH = 500


def retag_all(config: Config) -> dict[str, Any]:
    tagger = Tagger(load_taxonomy(config.path(config.themes)))
    _, factory = open_database(config)
    before: dict[str, TagResult] = {}
    after: dict[str, TagResult] = {}
    last_id = ""
    while True:
        with factory() as session:
            batch = _batch(session, last_id)
            if not batch:
                break
            for doc in batch:
                before[doc.id], after[doc.id] = _stored(doc), _retag(tagger, doc)
            _write_changed(session, batch, after)
            session.commit()
            last_id = batch[-1].id
    summary = diff_tags(before, after).as_dict()
    summary["changes"] = [
        {"id": f"{kind[:-1]} {row['id']}", "gained": row["gained"], "lost": row["lost"]}
        for kind in ("themes", "regions")
        for row in summary[kind]
        if row["gained"] or row["lost"]
    ]
    return summary


def _batch(session: Session, after_id: str) -> list[Document]:
    query = select(Document).where(Document.id > after_id).order_by(Document.id).limit(BATCH)
    return list(session.scalars(query))


def _stored(doc: Document) -> TagResult:
    return TagResult(
        themes=[
            ThemeMatch(t["id"], float(t.get("score", 0)), list(t["terms"])) for t in doc.themes
        ],
        regions=[RegionMatch(r["id"], list(r["terms"])) for r in doc.regions],
    )


def _retag(tagger: Tagger, doc: Document) -> TagResult:
    record = DocumentRecord(
        source=doc.source,
        url=doc.url,
        title=doc.title,
        text=doc.text,
        abstract=doc.abstract,
        keywords=list(doc.keywords or []),
    )
    return tagger.tag_record(record)


def _write_changed(session: Session, batch: list[Document], after: dict[str, TagResult]) -> None:
    for doc in batch:
        themes = [
            {"id": t.id, "score": t.score, "terms": list(t.terms)} for t in after[doc.id].themes
        ]
        regions = [{"id": r.id, "terms": list(r.terms)} for r in after[doc.id].regions]
        if themes != doc.themes or regions != doc.regions:
            session.execute(
                update(Document)
                .where(Document.id == doc.id)
                .values(themes=themes, regions=regions)
                .execution_options(synchronize_session=False)
            )
