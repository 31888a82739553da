"""Pipeline throughput: parse → normalise → dedupe → tag → store, beside plain trafilatura.extract.

    uv run python -m bench.bench_pipeline [--pages 500] [--batch 50]
    uv run python -m bench.bench_pipeline --retag 10000    # agglowatch retag on a 10k store

On the generated corpus (bench/corpus.py: half Chinese, half English, ~30 KB pages, one in twenty a
republication). Per page: decode (parsers.encoding.decode_body) and parse
(parsers.article.extract_article), and, interleaved with it so that load on a shared machine hits
both alike, plain `trafilatura.extract` on the same decoded page (default options). Then the
records are stored as agglowatch.runner._store_in stores a source's harvest: through
storage.store.store_documents, `--batch` records per transaction, into a real SQLite database
(WAL) with the SQL dedupe index and the seeds loaded, the Tagger tagging inside the store. The
tagging and near-duplicate stages are timed by wrapping the objects the store calls; normalise is
timed in a separate pass over the same records; "store" is the rest (identity lookup, exact
duplicates, inserts, versions, commits). Printed, never asserted.

The parse stage is then run again through parsers.pool.ParsePool (what sources.articles.parse_page
uses) with 1 worker and with one worker per CPU, the two pools taking turns over chunks of 25
pages, all pages of a chunk in flight at once as a source's fetches would hand them over: their
wall times give the N-core / 1-core speed-up, and the pipeline's time with the parse stage in the
pool (decode + pooled parse + store) is compared with trafilatura.extract alone too (the 2-core
figures are load-sensitive: the CPU-bound speed-up, worker CPU time over the busiest worker's, is
not). Dedupe recall is counted on the corpus's planted republications and on bench.bench_dedupe's
planted set (numpy MinHash beside datasketch).

With --retag N: a store of N generated documents (paragraphs of generated articles recombined,
inserted in bulk without tags) and `agglowatch.retag.retag_all` over it, timed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import trafilatura
from sqlalchemy import insert, select

from agglowatch import textnorm
from agglowatch.config import Config
from agglowatch.records import DocumentRecord, NormalisedDocument, TagResult
from agglowatch.retag import retag_all
from agglowatch.runner import RunContext, close_run, open_database, open_run
from bench.bench_dedupe import compare_minhash
from bench.corpus import SEED, Article, ArticlePage, generate, make_article
from dedupe import normalise as normalise_module
from dedupe.index import Deduper
from dedupe.normalise import normalise
from parsers.article import extract_article
from parsers.encoding import decode_body
from parsers.pool import ParsePool, default_workers
from storage import store
from storage.db import transaction
from storage.models import Document, SeedDocument
from storage.signature_index import SqlSignatureIndex
from tagging import Tagger

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
BASE = "https://bench.example.org"


@dataclass(slots=True)
class Clock:
    """Seconds spent in one stage, and how often it ran."""

    seconds: float = 0.0
    calls: int = 0

    def time(self, call: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return call()
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


class TimedTagger:
    """The store's Tagging, timed."""

    def __init__(self, tagger: Tagger) -> None:
        self.inner, self.clock = tagger, Clock()

    def tag_record(self, record: DocumentRecord) -> TagResult:
        return self.clock.time(partial(self.inner.tag_record, record))


class TimedDeduper:
    """The store's NearDuplicates (a Deduper over the SQL index), timed; counts LSH candidates."""

    def __init__(self, inner: Deduper, clock: Clock, candidates: list[int]) -> None:
        self.inner, self.clock, self.candidates = inner, clock, candidates

    def check(self, doc: NormalisedDocument) -> Any:
        match = self.clock.time(partial(self.inner.check, doc))
        sketch = self.inner.sketch(doc.match_text)  # cached by check(); counted off the clock
        if sketch is not None:
            self.candidates.append(len(self.inner.index.candidates(sketch.band_keys)))
        return match

    def add(self, key: str, doc: NormalisedDocument) -> Any:
        return self.clock.time(partial(self.inner.add, key, doc))

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The Deduper's batch (buffered index writes), its final write timed as dedupe."""
        block = self.inner.batch()
        block.__enter__()
        try:
            yield
        except BaseException as error:
            block.__exit__(type(error), error, error.__traceback__)
            raise
        self.clock.time(partial(block.__exit__, None, None, None))


@dataclass(slots=True)
class Stages:
    decode: Clock = field(default_factory=Clock)
    parse: Clock = field(default_factory=Clock)
    trafilatura: Clock = field(default_factory=Clock)
    normalise: Clock = field(default_factory=Clock)
    dedupe: Clock = field(default_factory=Clock)
    tag: Clock = field(default_factory=Clock)
    store_total: Clock = field(default_factory=Clock)
    candidates: list[int] = field(default_factory=list)
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    pooled: dict[int, Pooled] = field(default_factory=dict)  # by number of workers
    pool_equal: bool = False  # records parsed in the pool equal the in-process ones
    planted_found: int = 0
    planted: int = 0
    false_duplicates: int = 0

    @property
    def store_rest(self) -> float:
        inner = self.normalise.seconds + self.dedupe.seconds + self.tag.seconds
        return self.store_total.seconds - inner

    @property
    def pipeline(self) -> float:
        return self.decode.seconds + self.parse.seconds + self.store_total.seconds


def url_of(page: ArticlePage) -> str:
    return BASE + page.path


def parse_all(pages: list[ArticlePage], stages: Stages) -> list[DocumentRecord]:
    """Decode and extract every page; trafilatura.extract on the same text right after each."""
    records: list[DocumentRecord] = []
    for page in pages[:2]:  # warm-up (lazy imports, first-call set-up), not timed
        html = decode_body(page.body, page.content_type)[0]
        extract_article(html, url_of(page), source=page.site)
        trafilatura.extract(html)
    for page in pages:
        text = stages.decode.time(partial(decode_body, page.body, page.content_type))[0]
        try:
            parse = partial(extract_article, text, url_of(page), source=page.site)
            records.append(stages.parse.time(parse))
        except Exception:  # counted: the pipeline would report it and go on
            stages.failed += 1
        stages.trafilatura.time(partial(trafilatura.extract, text))
    return records


def timed_extract(html: str, url: str, source: str) -> tuple[DocumentRecord, int, float]:
    """extract_article in a pool worker: (record, the worker's pid, CPU seconds it took)."""
    started = time.process_time()
    record = extract_article(html, url, source=source)
    return record, os.getpid(), time.process_time() - started


@dataclass(slots=True)
class Pooled:
    """One run of the parse stage through a ParsePool."""

    records: list[DocumentRecord | None]
    wall: float
    cpu_by_worker: dict[int, float]

    @property
    def cpu_bound_speedup(self) -> float:
        """Total worker CPU over the busiest worker's: the speed-up with a free core each."""
        busiest = max(self.cpu_by_worker.values(), default=0.0)
        return sum(self.cpu_by_worker.values()) / busiest if busiest else 0.0


def parse_pooled(pages: list[ArticlePage], workers: list[int], chunk: int = 25) -> list[Pooled]:
    """The parse stage through one ParsePool per entry of `workers`, all pages of a chunk in
    flight at once, the pools taking turns chunk by chunk (so that the machine's other load hits
    them alike). Workers are started and warmed up before the clocks start."""
    texts = [decode_body(page.body, page.content_type)[0] for page in pages]
    results = [Pooled([], 0.0, {}) for _ in workers]

    async def parse(pool: ParsePool, number: int, into: Pooled) -> DocumentRecord | None:
        page = pages[number]
        try:
            record, pid, seconds = await pool.submit(
                timed_extract, texts[number], url_of(page), page.site
            )
        except Exception:
            return None
        into.cpu_by_worker[pid] = into.cpu_by_worker.get(pid, 0.0) + seconds
        return record

    async def run(pools: list[ParsePool]) -> None:
        for pool, size in zip(pools, workers, strict=True):
            warm = Pooled([], 0.0, {})
            await asyncio.gather(*(parse(pool, i, warm) for i in range(min(len(pages), 4 * size))))
        for start in range(0, len(pages), chunk):
            numbers = range(start, min(start + chunk, len(pages)))
            for pool, into in zip(pools, results, strict=True):
                started = time.perf_counter()
                into.records += await asyncio.gather(*(parse(pool, i, into) for i in numbers))
                into.wall += time.perf_counter() - started

    pools = [ParsePool(size, min_pages=0) for size in workers]
    try:
        asyncio.run(run(pools))
    finally:
        for pool in pools:
            pool.shutdown()
    return results


def measure_pool(pages: list[ArticlePage], records: list[DocumentRecord], stages: Stages) -> None:
    """Parse-stage wall time with 1 worker and with one per CPU; equality with in-process."""
    workers = sorted({1, max(1, default_workers())})
    for size, pooled in zip(workers, parse_pooled(pages, workers), strict=True):
        stages.pooled[size] = pooled
        stages.pool_equal = [r for r in pooled.records if r is not None] == records


def _text_lookup(session: Any) -> Callable[[str], str | None]:
    """As agglowatch.runner gives the Deduper: a candidate's stored text (the Deduper puts it in
    matching form itself)."""

    def text_of(key: str) -> str | None:
        kind, _, ident = key.partition(":")
        model: Any = SeedDocument if kind == "seed" else Document
        row = session.get(model, ident)
        return row.text if row is not None else None

    return text_of


def count_planted(run: RunContext, pages: list[ArticlePage], stages: Stages) -> None:
    """Planted republications stored as duplicates in their original's cluster; other pages
    stored as duplicates anyway."""
    with run.factory() as session:
        docs = {d.url: d for d in session.scalars(select(Document))}
    for page in pages:
        doc = docs.get(url_of(page))
        if doc is None:
            continue
        if page.republishes is None:
            stages.false_duplicates += doc.duplicate_of is not None
            continue
        stages.planted += 1
        origin = docs.get(url_of(pages[page.republishes]))
        if doc.duplicate_of and origin is not None and doc.cluster_id == origin.cluster_id:
            stages.planted_found += 1


def store_all(run: RunContext, records: list[DocumentRecord], batch: int, stages: Stages) -> None:
    """store_documents per batch of records, one transaction each (as one source of a run)."""
    tagger = TimedTagger(run.tagger)
    for start in range(0, len(records), batch):
        part = records[start : start + batch]
        stages.store_total.time(partial(_store_batch, run, part, tagger, stages))
    stages.tag = tagger.clock
    clear_text_caches()  # the store's folded texts must not make this pass look cheaper
    for record in records:  # normalise again, alone, to see its share of the store's time
        stages.normalise.time(partial(normalise, record))


def clear_text_caches() -> None:
    """Forget the folded texts and hash forms cached by agglowatch.textnorm / dedupe.normalise."""
    textnorm._fold_cached.cache_clear()
    normalise_module._hash_form_cached.cache_clear()


def _store_batch(
    run: RunContext, part: list[DocumentRecord], tagger: TimedTagger, stages: Stages
) -> None:
    with transaction(run.factory) as session:
        index = SqlSignatureIndex(session)
        deduper = Deduper(index, run.config.dedupe, text_of=_text_lookup(session))
        timed = TimedDeduper(deduper, stages.dedupe, stages.candidates)
        ctx = store.StoreContext(run.run_id, dt.datetime.now(dt.UTC), tagger, timed)
        result = store.store_documents(session, part[0].source, part, ctx)
    stages.new += len(result.new)
    stages.duplicates += len(result.duplicates)


def run_benchmark(count: int, batch: int) -> tuple[list[ArticlePage], Stages]:
    pages = generate(count)
    stages = Stages()
    records = parse_all(pages, stages)
    measure_pool(pages, records, stages)
    with tempfile.TemporaryDirectory() as folder:
        config = Config(
            database=f"sqlite:///{Path(folder) / 'bench.db'}",
            output=str(Path(folder) / "out"),
            seeds=str(ROOT / "seeds"),
            themes=str(ROOT / "themes.yaml"),
        )
        run = open_run(config, [])
        try:
            store_all(run, records, batch, stages)
            count_planted(run, pages, stages)
        finally:
            close_run(run, [])
            run.engine.dispose()
    return pages, stages


def report(pages: list[ArticlePage], stages: Stages) -> list[str]:
    n = len(pages)
    size = sum(len(p.body) for p in pages) / n / 1000
    total = stages.pipeline
    extract = stages.trafilatura.seconds
    rows = [
        ("decode (decode_body)", stages.decode.seconds),
        ("parse (extract_article)", stages.parse.seconds),
        ("normalise", stages.normalise.seconds),
        ("dedupe (MinHash, LSH, SQL index)", stages.dedupe.seconds),
        ("tag (Tagger.tag_record)", stages.tag.seconds),
        ("store (SQL: lookups, inserts, versions, commits)", stages.store_rest),
    ]
    candidates = sum(stages.candidates) / max(len(stages.candidates), 1)
    lines = [
        f"pipeline on {n} generated pages (~{size:.0f} KB each, half zh / half en): "
        f"{stages.new} new, {stages.duplicates} duplicates "
        f"({n // 20} republications planted), {stages.failed} failed to parse",
        f"  pipeline, parse in-process (1 core):  {total:6.1f} s, {n / total:6.1f} docs/s",
        f"  trafilatura.extract alone, same pages: {extract:6.1f} s, {n / extract:6.1f} docs/s",
        f"  ratio pipeline / trafilatura.extract, parse in-process: {total / extract:.2f}",
    ]
    lines += pool_lines(n, stages)
    lines.append("  where the pipeline's time goes (parse in-process):")
    lines += [f"    {name:50s} {sec:6.2f} s {sec / total:6.1%} {1000 * sec / n:6.1f} ms/doc"
              for name, sec in rows]  # fmt: skip
    lines.append(f"  LSH candidates per dedupe check: {candidates:.2f} (store up to {n} documents)")
    lines.append(
        f"  dedupe recall on the corpus's planted republications: {stages.planted_found} of "
        f"{stages.planted}; other pages stored as duplicates: {stages.false_duplicates}"
    )
    return lines


def pool_lines(n: int, stages: Stages) -> list[str]:
    """The parse stage in parsers.pool: N-core / 1-core speed-up, pipeline ratio with it."""
    if not stages.pooled:
        return []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    most = max(stages.pooled)
    pooled = stages.pooled[most]
    one = stages.pooled[1].wall
    total = stages.decode.seconds + pooled.wall + stages.store_total.seconds
    extract = stages.trafilatura.seconds
    equal = "equal to" if stages.pool_equal else "DIFFERENT from"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"  parse stage in the process pool (parsers.pool, {most} workers on {cores} CPUs, load "
        f"average {load}): {pooled.wall:5.2f} s wall, {1000 * pooled.wall / n:.1f} ms/doc; "
        f"records {equal} in-process parsing",
        f"    {most}-core / 1-core speed-up of the parse stage: {one / pooled.wall:.2f}x wall "
        f"over a 1-worker pool ({one:.2f} s; the machine's other load included), "
        f"{pooled.cpu_bound_speedup:.2f}x CPU-bound (worker CPU time over the busiest worker's)",
        f"  pipeline, parse in the pool ({most} workers): {total:6.1f} s, {n / total:6.1f} "
        f"docs/s; ratio pipeline / trafilatura.extract: {total / extract:.2f}",
    ]


# --- retag on a large store ----------------------------------------------------------------------


def retag_texts(count: int, seed: int = SEED) -> list[tuple[str, str, str]]:
    """(language, title, text) of `count` distinct documents: paragraphs of generated articles
    recombined (generating every article whole would take longer than the retag itself)."""
    rng = random.Random(seed)
    pool: dict[str, list[Article]] = {"zh": [], "en": []}
    for number in range(min(count, 400)):
        language = "zh" if number % 2 == 0 else "en"
        size = 3500 if language == "zh" else 9000
        pool[language].append(make_article(random.Random(f"retag:{number}"), language, size))
    documents = []
    for number in range(count):
        articles = pool["zh" if number % 2 == 0 else "en"]
        lead = rng.choice(articles)
        paragraphs = [p for a in rng.sample(articles, 3) for p in a.paragraphs]
        kept = rng.sample(paragraphs, min(len(paragraphs), rng.randint(6, 12)))
        documents.append((lead.language, lead.title, "\n\n".join(kept)))
    return documents


def fill_store(config: Config, count: int) -> None:
    """`count` documents inserted in bulk, stored without tags (so retag rewrites every tagged
    one: the worst case for its writes)."""
    engine, factory = open_database(config)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for number, (language, title, text) in enumerate(retag_texts(count)):
        ident = f"{number:016x}"
        url = f"{BASE}/retag/{number}.html"
        rows.append({
            "id": ident, "source": "bench", "url": url, "canonical_url": url, "listing_url": url,
            "text_hash": hashlib.sha256(text.encode()).hexdigest(), "title": title,
            "authors": [], "published": now.date(), "language": language, "keywords": [],
            "text": text, "themes": [], "regions": [], "cluster_id": ident, "first_seen": now,
            "last_seen": now, "changed_at": now, "version": 1, "status": "active",
            "missing_runs": 0, "extra": {},
        })  # fmt: skip
    with transaction(factory) as session:
        for start in range(0, len(rows), 1000):
            session.execute(insert(Document), rows[start : start + 1000])
    engine.dispose()


def retag_benchmark(count: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        config = Config(
            database=f"sqlite:///{Path(folder) / 'retag.db'}", themes=str(ROOT / "themes.yaml")
        )
        started = time.perf_counter()
        fill_store(config, count)
        filled = time.perf_counter()
        summary = retag_all(config)
        seconds = time.perf_counter() - filled
        size = (Path(folder) / "retag.db").stat().st_size / 2**20
    changed = len(summary.get("changes", []))
    return [
        f"retag (agglowatch.retag.retag_all) on a store of {count:,} documents "
        f"(database {size:.0f} MB, filled in {filled - started:.0f} s): {seconds:.1f} s, "
        f"{count / seconds:.0f} documents/s; {changed} themes/regions gained or lost documents"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--batch", type=int, default=50, help="records per store transaction")
    parser.add_argument(
        "--retag", type=int, default=0, metavar="N", help="instead: retag a store of N documents"
    )
    args = parser.parse_args(argv)
    if args.retag:
        print("\n".join(retag_benchmark(args.retag)))
        return 0
    pages, stages = run_benchmark(args.pages, args.batch)
    print("\n".join(report(pages, stages)))
    print("  " + "\n  ".join(compare_minhash(1000)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
