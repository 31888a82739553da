"""storage.fulltext: a harvest's documents indexed in one statement (SQLite, migration 0004) are
found by search exactly as if the insert trigger had indexed each; the index stays consistent
when a document of the same harvest is updated; writers outside the store are still indexed by
the trigger; a failed harvest leaves nothing behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

from agglowatch.config import DedupeSettings
from agglowatch.records import DocumentRecord
from browse.search import SearchQuery, search
from dedupe.index import Deduper
from storage import fulltext, store
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.signature_index import SqlSignatureIndex
from tests.test_digest_support import add_doc
from tests.test_store_batch import NOW, NoTags, _text_of, harvest


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'fts.db'}")
    upgrade(engine)
    return engine


def store_records(engine: Engine, records: list[DocumentRecord]) -> None:
    with transaction(session_factory(engine)) as session:
        deduper = Deduper(SqlSignatureIndex(session), DedupeSettings(), text_of=_text_of(session))
        ctx = store.StoreContext("run1", NOW, NoTags(), deduper)
        store.store_documents(session, "s", [dataclasses.replace(r) for r in records], ctx)


def found(engine: Engine, query: str) -> set[str]:
    with session_factory(engine)() as session:
        return {hit.url.rsplit("/", 1)[1] for hit in search(session, SearchQuery(q=query)).hits}


def check_index(engine: Engine) -> list[str]:
    """The indexed ids; raises if the index disagrees with itself."""
    with engine.connect() as connection:
        connection.execute(
            text("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        )
        assert connection.execute(text("SELECT count(*) FROM documents_fts_defer")).scalar() == 0
        return sorted(connection.execute(text("SELECT doc_id FROM documents_fts_ids")).scalars())


QUERIES = ["京津冀", "revised", "粤港澳", "新基建", "report", "协同发展", "T"]


def test_a_harvest_is_indexed_in_few_statements_and_found_as_row_by_row(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    store_records(engine, harvest())
    index_statements = [s for s in statements if s.startswith("INSERT INTO documents_fts(")]
    # sorted by URL: a-d indexed together before d.html's edit (an update), then e-h at the end
    assert [s.count("?") for s in index_statements] == [4, 4]
    with engine.connect() as connection:
        ids = sorted(connection.execute(text("SELECT id FROM documents")).scalars())
    assert check_index(engine) == ids and len(ids) == 8  # d.html came twice

    @contextmanager
    def not_deferred(session: object) -> Iterator[None]:
        yield None

    monkeypatch.setattr(fulltext, "deferred", not_deferred)  # the trigger indexes each row
    row_by_row = make_engine(f"sqlite:///{tmp_path / 'rows.db'}")
    upgrade(row_by_row)
    store_records(row_by_row, harvest())
    assert check_index(row_by_row) == ids
    for query in QUERIES:
        assert found(engine, query) == found(row_by_row, query), query
    assert "d.html" in found(engine, "revised") and found(engine, "京津冀")


def test_a_document_edited_in_its_own_harvest_keeps_the_index_consistent(engine: Engine) -> None:
    first = harvest()[3]
    edited = dataclasses.replace(first, text=first.text + "\n\nA closing paragraph on hydrogen.")
    later = harvest()[4]  # e.html: stored after the edit (its lookups flush the edit's UPDATE)
    store_records(engine, [first, edited, later])
    assert len(check_index(engine)) == 2
    assert found(engine, "hydrogen") == {"d.html"}
    store_records(engine, [dataclasses.replace(first, text="Only wind power now.")])
    check_index(engine)
    assert found(engine, "hydrogen") == set() and found(engine, "wind power") == {"d.html"}


def test_writers_outside_the_store_are_indexed_by_the_trigger(engine: Engine) -> None:
    store_records(engine, harvest()[:1])
    with transaction(session_factory(engine)) as session:
        add_doc(session, "other", dt.datetime(2026, 1, 5, tzinfo=dt.UTC), text="粤港澳大湾区科技。")
    assert len(check_index(engine)) == 2
    with session_factory(engine)() as session:
        assert {hit.id for hit in search(session, SearchQuery(q="大湾区科技")).hits} == {"other"}


def test_a_failed_harvest_leaves_no_deferral_and_no_documents(engine: Engine) -> None:
    class Broken(NoTags):
        calls = 0

        def tag_record(self, record: DocumentRecord) -> object:  # type: ignore[override]
            Broken.calls += 1
            if Broken.calls == 3:
                raise RuntimeError("tagger broke")
            return super().tag_record(record)

    with pytest.raises(RuntimeError), transaction(session_factory(engine)) as session:
        deduper = Deduper(SqlSignatureIndex(session), DedupeSettings())
        ctx = store.StoreContext("run1", NOW, Broken(), deduper)
        store.store_documents(session, "s", harvest(), ctx)
    assert check_index(engine) == []
    store_records(engine, harvest()[:2])  # and the next harvest is indexed
    assert len(check_index(engine)) == 2 and "a.html" in found(engine, "京津冀")
