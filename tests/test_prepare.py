"""dedupe.prepare: records normalised, sketched and tagged in the parse workers store exactly as
records the store prepares itself; stale or foreign prepared values are never used."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine, select

from agglowatch.config import DedupeSettings
from agglowatch.records import DocumentRecord, FetchedPage, TagResult
from agglowatch.runner import close_run, harvest_source, open_run
from dedupe.index import Deduper, compute_sketch
from dedupe.prepare import (
    Prepared,
    PrepareSpec,
    attach,
    prepare,
    tagger_for,
    taxonomy_digest,
    valid_for,
)
from parsers import pool as parse_pool
from parsers.pool import ParsePool
from sources.articles import PREPARE, parse_html, parse_page
from sources.http import Fetcher
from storage import store
from storage.db import session_factory, transaction
from storage.models import Document
from storage.signature_index import SqlSignatureIndex
from tagging import Tagger, load_taxonomy
from tests.test_faults import make_config
from tests.test_parse_pool import html_pages, listing_site
from tests.test_store_batch import NOW, _text_of, clear, db, harvest, snapshot  # noqa: F401

THEMES = Path(__file__).resolve().parent.parent / "themes.yaml"
DIGEST = taxonomy_digest(THEMES)
SPEC = PrepareSpec(128, 200, str(THEMES), DIGEST)


class Refuse:
    """A tagger the store must not need: every record comes prepared and tagged."""

    def tag_record(self, record: DocumentRecord) -> TagResult:
        raise AssertionError(f"tagged in the store: {record.url}")


class Counting:
    def __init__(self, tagger: Tagger) -> None:
        self.tagger, self.calls = tagger, 0

    def tag_record(self, record: DocumentRecord) -> TagResult:
        self.calls += 1
        return self.tagger.tag_record(record)


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_taxonomy(THEMES))


def same_prepared(got: Prepared, want: Prepared) -> bool:
    sketches = (got.sketch, want.sketch)
    if sketches[0] is None or sketches[1] is None:
        same_sketch = sketches[0] is sketches[1]
    else:
        same_sketch = (
            np.array_equal(sketches[0].minhash, sketches[1].minhash)
            and sketches[0].band_keys == sketches[1].band_keys
            and sketches[0].count == sketches[1].count
        )
    fields = ("spec", "basis", "doc_id", "canonical_url", "match_text", "text_hash", "tags")
    return same_sketch and all(getattr(got, f) == getattr(want, f) for f in fields)


def test_the_pool_prepares_what_this_process_prepares() -> None:
    pages = html_pages()
    with ParsePool(2, min_pages=0) as pool:

        async def run() -> list[Any]:
            calls = [pool.submit(parse_html, h, u, "s", spec=SPEC) for h, u in pages]
            return await asyncio.gather(*calls, return_exceptions=True)

        pooled = asyncio.run(run())
        assert pool.used
    sketched = 0
    for got, (html, url) in zip(pooled, pages, strict=True):
        try:
            want = parse_html(html, url, "s", spec=SPEC)
        except Exception as exc:
            assert type(got) is type(exc)
            continue
        assert got == want and got.prepared is not None and want.prepared is not None
        assert same_prepared(got.prepared, want.prepared)
        assert got.prepared.tags is not None
        if got.prepared.sketch is not None:  # None: too short to index
            sketched += 1
            assert got.prepared.sketch.shingles is None  # light: the shingle set stays there
    assert sketched > len(pages) // 2


def test_prepared_values_are_the_stores_own(tagger: Tagger) -> None:
    record = harvest()[0]
    prepared = prepare(record, SPEC)
    norm = store._normalised(
        dataclasses.replace(record), store.StoreContext("r", NOW, tagger, _no_dedupe())
    )
    sketch = compute_sketch(norm.match_text, 128, 200)
    assert (prepared.doc_id, prepared.canonical_url) == (norm.doc_id, norm.canonical_url)
    assert (prepared.match_text, prepared.text_hash) == (norm.match_text, norm.text_hash)
    assert sketch is not None and prepared.sketch is not None
    assert np.array_equal(prepared.sketch.minhash, sketch.minhash)
    assert prepared.sketch.count == sketch.count and prepared.tags == tagger.tag_record(record)


def _no_dedupe() -> Any:
    return Deduper(_NoIndex(), DedupeSettings())


class _NoIndex:
    def candidates(self, band_keys: Any) -> set[str]:
        return set()


def store_harvest(engine: Engine, records: list[DocumentRecord], tagging: Any, spec: Any) -> None:
    with transaction(session_factory(engine)) as session:
        deduper = Deduper(SqlSignatureIndex(session), DedupeSettings(), text_of=_text_of(session))
        ctx = store.StoreContext("run1", NOW, tagging, deduper, prepare=spec)
        store.store_documents(session, "s", records, ctx)


def tags_of(engine: Engine) -> list[Any]:
    with session_factory(engine)() as session:
        return sorted((d.url, d.themes, d.regions) for d in session.scalars(select(Document)))


def test_records_prepared_in_the_pool_store_exactly_as_unprepared_ones(
    db: Engine,  # noqa: F811
    tagger: Tagger,
) -> None:
    """Near and exact duplicates, an edited URL, a seed text: same rows, signatures, bands and
    tags, and the store's tagger never called."""
    store_harvest(db, harvest(), tagger, None)
    expected, expected_tags = snapshot(db), tags_of(db)
    clear(db)
    with ParsePool(2, min_pages=0) as pool:

        async def run() -> list[DocumentRecord]:
            return list(await asyncio.gather(*(pool.submit(attach, r, SPEC) for r in harvest())))

        records = asyncio.run(run())
    assert all(valid_for(r, SPEC) is not None for r in records)
    store_harvest(db, records, Refuse(), SPEC)
    assert snapshot(db) == expected and tags_of(db) == expected_tags


def test_a_record_changed_after_preparing_is_prepared_again(db: Engine, tagger: Tagger) -> None:  # noqa: F811
    records = [attach(r, SPEC) for r in harvest()[:2]]
    records[0].title = "A title the listing gave later"
    assert valid_for(records[0], SPEC) is None and valid_for(records[1], SPEC) is not None
    counting = Counting(tagger)
    store_harvest(db, records, counting, SPEC)
    assert counting.calls == 1
    with session_factory(db)() as session:
        titles = set(session.scalars(select(Document.title)))
    assert "A title the listing gave later" in titles


def test_values_prepared_under_other_settings_are_not_used() -> None:
    record = attach(harvest()[0], SPEC)
    assert valid_for(record, SPEC) is not None
    assert valid_for(record, dataclasses.replace(SPEC, num_perm=64)) is None
    assert valid_for(record, dataclasses.replace(SPEC, taxonomy_digest="0" * 64)) is None
    assert valid_for(record, None) is None
    assert valid_for(harvest()[0], SPEC) is None  # never prepared


def test_a_worker_does_not_tag_with_a_taxonomy_that_changed(tmp_path: Path) -> None:
    themes = tmp_path / "themes.yaml"
    themes.write_bytes(THEMES.read_bytes())
    digest = taxonomy_digest(themes)
    assert tagger_for(str(themes), digest) is not None
    themes.write_bytes(THEMES.read_bytes() + b"\n# edited\n")
    tagger_for.cache_clear()  # a worker started after the edit
    assert tagger_for(str(themes), digest) is None
    spec = PrepareSpec(128, 200, str(themes), digest)
    prepared = prepare(harvest()[0], spec)
    assert prepared.tags is None and prepared.sketch is not None
    tagger_for.cache_clear()


def test_without_a_spec_nothing_is_prepared() -> None:
    html, url = html_pages()[-1]
    assert parse_html(html, url, "s").prepared is None
    assert attach(harvest()[0], None).prepared is None


def test_a_run_prepares_its_records_where_they_are_parsed(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner hands its spec to parse_page (PREPARE, for the harvest only); records come
    back from the pool prepared for exactly that run."""
    pool = ParsePool(2, min_pages=0)
    monkeypatch.setattr(parse_pool, "_shared", pool)
    site = listing_site(httpserver, 6)
    source = {"name": "n", "kind": "html", "url": site.url("/n/index.html"), "links": "ul a"}
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", [source])
    run = open_run(config, config.select())
    try:
        assert run.prepare == PrepareSpec(128, 200, str(THEMES), DIGEST)

        async def go() -> Any:
            async with Fetcher(config.fetch) as fetcher:
                return await harvest_source(run, fetcher, run.sources[0])

        fetched = asyncio.run(go())
        assert pool.used and PREPARE.get() is None
    finally:
        close_run(run, [])
        pool.shutdown()
    documents = fetched.harvest.documents
    assert len(documents) == 6 and all(valid_for(d, run.prepare) for d in documents)


def test_parse_page_outside_a_run_leaves_records_unprepared() -> None:
    html, url = html_pages()[-1]
    page = FetchedPage(url, url, 200, html.encode(), "text/html", {}, "utf-8", html)
    assert asyncio.run(parse_page(page, source="s")).prepared is None


@pytest.fixture(autouse=True)
def _in_process_by_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(parse_pool, "_shared", ParsePool(0))
    yield


def test_a_record_that_cannot_be_prepared_is_left_to_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug while preparing must not lose the page: the store meets it again, as before."""
    import dedupe.prepare as prepare_module

    def broken(record: DocumentRecord, spec: PrepareSpec) -> Prepared:
        raise RuntimeError("tagger bug")

    monkeypatch.setattr(prepare_module, "prepare", broken)
    record = attach(harvest()[0], SPEC)
    assert record.prepared is None and record.text == harvest()[0].text
    no_url = dataclasses.replace(harvest()[0], url="")
    monkeypatch.undo()
    assert attach(no_url, SPEC).prepared is None  # ParseError: the store reports it
