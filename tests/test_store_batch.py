"""Batched store writes: a harvest stored in one store_documents call ends exactly as the same
records stored one call each, with fewer SQL statements; SqlSignatureIndex.deferred() answers
from its buffer as if written. SQLite always, PostgreSQL when AGGLOWATCH_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from agglowatch.config import DedupeSettings
from agglowatch.records import DocumentRecord, TagResult
from dedupe.index import Deduper
from storage import store
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.models import Document, DocumentVersion, LshBand, SeedDocument, Signature
from storage.signature_index import SqlSignatureIndex
from tests.test_dedupe_sql import _postgres_engine, entry

FIXTURES = Path(__file__).parent / "fixtures" / "dedupe"
NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield from _postgres_engine()
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


class NoTags:
    """Tagging is not under test here: every record gets no theme and no region."""

    def tag_record(self, record: DocumentRecord) -> TagResult:
        return TagResult(themes=[], regions=[])


def body(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def record(path: str, text: str, title: str = "T", **extra: Any) -> DocumentRecord:
    return DocumentRecord(
        source="s", url=f"https://site.example/{path}", title=title, text=text, **extra
    )


def harvest() -> list[DocumentRecord]:
    """New texts, a near-duplicate, an exact copy, a seed's text, one URL twice (edited)."""
    zh = body("zh_02_jingjinji")
    paragraphs = zh.split("\n\n")
    trimmed = "\n\n".join(paragraphs[:-1])
    return [
        record("a.html", zh, published=dt.date(2026, 2, 1)),
        record("b.html", trimmed, published=dt.date(2026, 2, 3)),  # near duplicate of a
        record("c.html", zh + "\n\n", published=dt.date(2026, 2, 4)),  # exact copy of a
        record("d.html", body("en_01_report")),
        record("e.html", body("zh_05_bay_area"), doi="10.1/xyz"),
        record("f.html", body("en_03_brief")),  # a seed's text
        record("d.html", body("en_01_report"), title="T, revised"),  # d again, edited
        record("g.html", body("zh_04_new_infra")),
        record("h.html", body("zh_04_new_infra").replace("。", "。\n")),  # g re-wrapped
    ]


def prepare(engine: Engine) -> None:
    """A seed whose text is one of the harvest's (as storage.seeds would have loaded it)."""
    text = body("en_03_brief")
    with transaction(session_factory(engine)) as session:
        session.add(
            SeedDocument(
                id="seed1.txt",
                url="https://seed.example/1",
                title="seed",
                file_hash="0" * 64,
                text_hash=store.normalise(record("x", text)).text_hash,
                text=text,
                loaded_at=NOW,
            )
        )


def store_in(engine: Engine, groups: list[list[DocumentRecord]]) -> None:
    """Store each group in one store_documents call, all in one transaction."""
    with transaction(session_factory(engine)) as session:
        deduper = Deduper(SqlSignatureIndex(session), DedupeSettings(), text_of=_text_of(session))
        for group in groups:
            ctx = store.StoreContext("run1", NOW, NoTags(), deduper)
            store.store_documents(session, "s", [dataclasses.replace(r) for r in group], ctx)


def _text_of(session: Session) -> Callable[[str], str | None]:
    def text_of(key: str) -> str | None:
        kind, _, ident = key.partition(":")
        row: Any = session.get(SeedDocument if kind == "seed" else Document, ident)
        return row.text if row is not None else None

    return text_of


def snapshot(engine: Engine) -> dict[str, Any]:
    with session_factory(engine)() as session:
        docs = sorted(
            (d.canonical_url, d.id, d.cluster_id, d.duplicate_of, d.version, d.title, d.text_hash)
            for d in session.scalars(select(Document))
        )
        versions = sorted(
            (v.document_id, v.version, v.title, v.text_hash, v.changes)
            for v in session.scalars(select(DocumentVersion))
        )
        signatures = sorted(session.scalars(select(Signature.key)))
        bands = sorted(session.execute(select(LshBand.key, LshBand.band_key)).tuples())
    return {"documents": docs, "versions": versions, "signatures": signatures, "bands": bands}


def clear(engine: Engine) -> None:
    with transaction(session_factory(engine)) as session:
        for model in (LshBand, Signature, DocumentVersion, Document, SeedDocument):
            session.query(model).delete()


def count_statements(engine: Engine, call: Callable[[], None]) -> int:
    statements = 0

    def counted(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return statements


def test_one_batch_ends_as_one_record_at_a_time(db: Engine) -> None:
    records = harvest()
    prepare(db)
    one_by_one = count_statements(db, lambda: store_in(db, [[r] for r in records]))
    expected = snapshot(db)
    clear(db)
    prepare(db)
    batched = count_statements(db, lambda: store_in(db, [records]))
    assert snapshot(db) == expected
    assert batched < one_by_one

    docs = {row[0].rsplit("/", 1)[1]: row for row in expected["documents"]}
    a = docs["a.html"]
    assert docs["b.html"][2] == a[1] and docs["b.html"][3]["similarity"] >= 0.7  # near duplicate
    assert docs["c.html"][3] == {"id": a[1], "url": a[0], "seed": False, "similarity": 1.0}
    assert docs["f.html"][3]["seed"] is True
    assert docs["d.html"][4] == 2 and docs["d.html"][5] == "T, revised"
    assert docs["h.html"][2] == docs["g.html"][1]
    assert len(expected["versions"]) == len(docs) + 1


def test_batched_store_issues_few_statements_per_document(db: Engine) -> None:
    """New distinct documents: an exact-duplicate lookup, an LSH lookup and the insert each; the
    rest (existing documents, seeds, versions, signatures, bands) per batch."""
    texts = [body(p.stem) for p in sorted(FIXTURES.glob("*.txt"))]
    records = [record(f"n{i}.html", text) for i, text in enumerate(texts)]
    statements = count_statements(db, lambda: store_in(db, [records]))
    assert statements <= 3 * len(records) + 12, statements


def test_deferred_adds_answer_before_they_are_written(db: Engine) -> None:
    factory = session_factory(db)
    key, keys, blob, count = entry("doc:a", 1)
    with transaction(factory) as session:
        index = SqlSignatureIndex(session)
        with index.deferred():
            index.add(key, keys, blob, count)
            assert session.scalar(select(func.count()).select_from(Signature)) == 0
            assert index.candidates(keys[:2]) == {"doc:a"}
            stored = index.signatures(["doc:a"])["doc:a"]
            assert stored.shingles == count and stored.minhash.astype("<u8").tobytes() == blob
            assert index.keys("doc:") == {"doc:a"}
        assert session.scalar(select(func.count()).select_from(Signature)) == 1
    with transaction(factory) as session:
        assert SqlSignatureIndex(session).candidates(keys) == {"doc:a"}


def test_deferred_re_add_replaces_stored_bands(db: Engine) -> None:
    factory = session_factory(db)
    _, old_keys, old_blob, old_count = entry("doc:a", 1)
    _, new_keys, new_blob, new_count = entry("doc:a", 2)
    with transaction(factory) as session:
        SqlSignatureIndex(session).add("doc:a", old_keys, old_blob, old_count)
    with transaction(factory) as session:
        index = SqlSignatureIndex(session)
        with index.deferred():
            index.add("doc:a", new_keys, new_blob, new_count)
            assert index.candidates(old_keys) == set()  # stale bands are not candidates
            assert index.candidates(new_keys) == {"doc:a"}
            assert index.signature("doc:a").shingles == new_count  # type: ignore[union-attr]
    with transaction(factory) as session:
        index = SqlSignatureIndex(session)
        assert index.candidates(old_keys) == set()
        assert index.candidates(new_keys) == {"doc:a"}


def test_deferred_remove_and_failure_write_nothing(db: Engine) -> None:
    factory = session_factory(db)
    key, keys, blob, count = entry("doc:b", 3)
    with transaction(factory) as session:
        index = SqlSignatureIndex(session)
        with index.deferred():
            index.add(key, keys, blob, count)
            index.remove(key)
            assert index.candidates(keys) == set()
        with pytest.raises(RuntimeError), index.deferred():
            index.add(key, keys, blob, count)
            raise RuntimeError("the store failed half-way")
        assert session.scalar(select(func.count()).select_from(Signature)) == 0
        index.add(key, keys, blob, count)  # outside a deferred block: written at once
        assert session.scalar(select(func.count()).select_from(Signature)) == 1
