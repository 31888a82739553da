"""Pipeline throughput: fetch → parse → normalise → dedupe → tag → store, beside plain extraction.

    uv run python -m bench.bench_pipeline [--pages 500] [--per-source 50] [--rounds 1]
    uv run python -m bench.bench_pipeline --retag 10000    # agglowatch retag on a 10k store

On the generated corpus (bench/corpus.py: half Chinese, half English, ~30 KB pages, one in twenty a
republication). First, per page: decode (parsers.encoding.decode_body) and parse
(parsers.article.extract_article), and, interleaved with it so that load on a shared machine hits
both alike, plain `trafilatura.extract` on the same decoded page (default options): the reference.

Then the corpus is run as agglowatch.runner runs a monitoring run (open_run; run_source for every
source at once, as run_sources does; close_run), into a fresh SQLite database (WAL, seeds, SQL
dedupe index, full-text index), as html sources of `--per-source` pages each whose listing and
article pages are served from memory (MemoryClient stands in for sources.http.Fetcher: no
network). Parsing goes through parsers.pool as in a run: the first MIN_PAGES in-process, then in
the workers, which also prepare each record for the store (dedupe.prepare: normalise, dedupe
sketch, tags); the main process fetches, looks up and stores. Once with no workers, pinned to one
CPU (the 1-core run), once with one worker per CPU, `--rounds` times taking turns; the pool is
started and its workers' taggers built before the clock starts (once per run, ~0.3 s). Printed:
the wall time of each run and its ratio to trafilatura.extract, the N-core / 1-core speed-up (best
runs), CPU time of the main process and of the workers, how many records the main process had to
tag itself, dedupe recall on the planted republications (pairs found in one cluster), and whether
both runs stored the same documents and clusters.

Last, the stages one after another in this process, timed apart: the records stored through
storage.store.store_documents, `--batch` records per transaction, tagging and the near-duplicate
stage timed by wrapping the objects the store calls, normalise timed in a separate pass, "store"
the rest (identity lookup, exact duplicates, inserts, versions, full-text index, commits). Dedupe
recall is also counted on bench.bench_dedupe's planted set (numpy MinHash beside datasketch).
Printed, never asserted.

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
import statistics
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
from agglowatch.records import (
    DocumentRecord,
    FetchedPage,
    FetchStats,
    NormalisedDocument,
    TagResult,
)
from agglowatch.retag import retag_all
from agglowatch.runner import RunContext, close_run, open_database, open_run, run_source
from bench.bench_dedupe import compare_minhash
from bench.corpus import SEED, Article, ArticlePage, generate, make_article
from dedupe import normalise as normalise_module
from dedupe.index import Deduper
from dedupe.normalise import normalise
from parsers import pool as parse_pool
from parsers.article import extract_article
from parsers.encoding import decode_body
from parsers.pool import ParsePool, default_workers
from sources.articles import parse_html
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

    def is_short(self, doc: NormalisedDocument) -> bool:
        return self.inner.is_short(doc)

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


class MemoryFetcher:
    """A source's PageFetcher over the generated pages (sources.base.PageFetcher): the bytes a
    site would send, decoded as sources.http decodes text, without the network."""

    def __init__(self, pages: dict[str, tuple[bytes, str]], validators: dict[str, Any]) -> None:
        self.pages, self.validators, self.stats = pages, validators, FetchStats()

    async def get(self, url: str, **_: Any) -> FetchedPage:
        body, content_type = self.pages[url]
        self.stats.requests += 1
        self.stats.bytes += len(body)
        text, codec = decode_body(body, content_type)
        return FetchedPage(url, url, 200, body, "text/html", {}, codec, text)


class MemoryClient:
    """The run's client as agglowatch.runner.run_source uses it (for_source), in memory."""

    def __init__(self, pages: dict[str, tuple[bytes, str]]) -> None:
        self.pages = pages

    def for_source(self, name: str, validators: Any = None, **_: Any) -> MemoryFetcher:
        return MemoryFetcher(self.pages, {} if validators is None else validators)


@dataclass(slots=True)
class RunnerRun:
    """One run of the corpus through agglowatch.runner (open_run, run_source per source
    concurrently, close_run), `workers` parse workers (0: in-process on one CPU)."""

    workers: int
    wall: float = 0.0
    reference: float = 0.0  # trafilatura.extract over the same pages, timed just before this run
    main_cpu: float = 0.0  # CPU time of this process (event loop, store threads)
    worker_cpu: float = 0.0  # CPU time of the parse workers (parse, normalise, sketch, tag)
    new: int = 0
    duplicates: int = 0
    tagged_in_main: int = 0  # records the store had to tag itself (not prepared by the pool)
    planted_found: int = 0
    planted: int = 0
    false_duplicates: int = 0
    stored: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    clusters: set[frozenset[str]] = field(default_factory=set)


def corpus_sources(
    pages: list[ArticlePage], per_source: int
) -> tuple[list[dict[str, Any]], dict[str, tuple[bytes, str]]]:
    """html sources of `per_source` pages each, their listing pages and the article pages."""
    served: dict[str, tuple[bytes, str]] = {}
    sources = []
    for number, start in enumerate(range(0, len(pages), per_source)):
        links = [url_of(page) for page in pages[start : start + per_source]]
        items = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
        listing = f"{BASE}/list/{number}.html"
        served[listing] = (f"<html><body><ul>{items}</ul></body></html>".encode(), "text/html")
        sources.append({"name": f"bench{number:02d}", "kind": "html", "url": listing})
    for page in pages:
        served[url_of(page)] = (page.body, page.content_type)
    return sources, served


def run_through_runner(
    pages: list[ArticlePage], workers: int, per_source: int, folder: Path
) -> RunnerRun:
    """The corpus as a run of len(pages) / per_source html sources, stored in a fresh SQLite
    database: what `agglowatch run` does without Prefect and the network. The pool is started
    and its workers' taggers built before the clock starts (a run pays that once, ~0.3 s)."""
    sources, served = corpus_sources(pages, per_source)
    config = Config(
        database=f"sqlite:///{folder / f'runner{workers}.db'}",
        output=str(folder / "out"),
        seeds=str(ROOT / "seeds"),
        themes=str(ROOT / "themes.yaml"),
        sources=sources,  # type: ignore[arg-type]
    )
    result = RunnerRun(workers)
    pool = ParsePool(workers)
    saved, parse_pool._shared = parse_pool._shared, pool
    affinity = _one_cpu() if workers == 0 else None
    try:
        run = open_run(config, config.select())
        tagger = TimedTagger(run.tagger)
        run.tagger = tagger  # type: ignore[assignment]
        asyncio.run(_warm(pool, pages, run))
        client = MemoryClient(served)
        started, cpu, workers_before = time.perf_counter(), time.process_time(), _workers_cpu(pool)
        reports = asyncio.run(_run_all(run, client))
        result.wall, result.main_cpu = time.perf_counter() - started, time.process_time() - cpu
        result.worker_cpu = _workers_cpu(pool) - workers_before
        result.tagged_in_main = tagger.clock.calls
        close_run(run, reports)
        _count_runner(run, pages, result)
        run.engine.dispose()
    finally:
        pool.shutdown()
        parse_pool._shared = saved
        if affinity is not None:
            os.sched_setaffinity(0, affinity)
    return result


async def _run_all(run: RunContext, client: MemoryClient) -> list[Any]:
    reports = [run_source(run, client, s) for s in run.sources]  # type: ignore[arg-type]
    return list(await asyncio.gather(*reports))


async def _warm(pool: ParsePool, pages: list[ArticlePage], run: RunContext) -> None:
    """Start the workers and build their taggers (pages parsed and prepared, not stored)."""
    if pool.workers < 1:
        return
    pool.pages = pool.min_pages
    texts = [decode_body(p.body, p.content_type)[0] for p in pages[: 4 * pool.workers]]
    calls = [
        pool.submit(parse_html, text, BASE + "/warm", "warm", spec=run.prepare) for text in texts
    ]
    await asyncio.gather(*calls)
    pool.pages = 0  # the run counts its own pages (the first MIN_PAGES parse in-process)


def _workers_cpu(pool: ParsePool) -> float:
    """CPU seconds (user + system) the pool's worker processes have used so far (Linux)."""
    executor = pool._executor
    processes = getattr(executor, "_processes", None) or {}
    total = 0
    for pid in processes:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def _one_cpu() -> set[int] | None:
    """Pin this process to one CPU (the 1-core run); the previous affinity, to restore."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    return before


def _count_runner(run: RunContext, pages: list[ArticlePage], result: RunnerRun) -> None:
    """Recall: planted pairs found in one cluster (whichever of the two is the original: with
    the same publication date, the one stored first is); other pages clustered with anything."""
    with run.factory() as session:
        docs = {doc.url: doc for doc in session.scalars(select(Document))}
    clusters: dict[str, set[str]] = {}
    for doc in docs.values():
        clusters.setdefault(doc.cluster_id, set()).add(doc.url)
        result.stored[doc.url] = (doc.title, doc.text, doc.text_hash, doc.themes, doc.regions)
        result.duplicates += doc.duplicate_of is not None
    result.new = len(docs) - result.duplicates
    result.clusters = {frozenset(urls) for urls in clusters.values()}
    planted = {url_of(p): url_of(pages[p.republishes]) for p in pages if p.republishes is not None}
    originals = set(planted.values())
    for copy, original in planted.items():
        result.planted += 1
        result.planted_found += docs[copy].cluster_id == docs[original].cluster_id
    for url, doc in docs.items():
        alone = len(clusters[doc.cluster_id]) == 1
        result.false_duplicates += not alone and url not in planted and url not in originals


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


def run_benchmark(
    count: int, batch: int, per_source: int, rounds: int
) -> tuple[list[ArticlePage], Stages, list[RunnerRun]]:
    pages = generate(count)
    stages = Stages()
    records = parse_all(pages, stages)
    runs: list[RunnerRun] = []
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
        workers = max(1, default_workers())
        texts = [decode_body(page.body, page.content_type)[0] for page in pages]
        for number in range(rounds):  # 1 core and N cores taking turns
            for size in (0, workers):
                place = Path(folder) / f"round{number}"
                place.mkdir(exist_ok=True)
                reference = reference_pass(texts)
                runs.append(run_through_runner(pages, size, per_source, place))
                runs[-1].reference = reference
    return pages, stages, runs


def reference_pass(texts: list[str]) -> float:
    """trafilatura.extract over every page, timed: taken again right before each run, because
    on a shared VM the machine's speed drifts by up to 1.5x within minutes, and a ratio against
    a reference timed minutes earlier measures the drift as much as the pipeline."""
    started = time.perf_counter()
    for text in texts:
        trafilatura.extract(text)
    return time.perf_counter() - started


def report(pages: list[ArticlePage], stages: Stages, runs: list[RunnerRun]) -> list[str]:
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
        f"  trafilatura.extract alone, same pages: {extract:6.2f} s, {n / extract:6.1f} docs/s",
    ]
    lines += runner_lines(n, extract, runs)
    lines += [
        "  stage by stage, one after another in this process (parse, then store_documents "
        "normalising, deduping and tagging):",
        f"    {total:6.2f} s, {n / total:6.1f} docs/s; ratio to trafilatura.extract "
        f"{total / extract:.2f}",
    ]
    lines += [f"    {name:50s} {sec:6.2f} s {sec / total:6.1%} {1000 * sec / n:6.1f} ms/doc"
              for name, sec in rows]  # fmt: skip
    lines.append(f"  LSH candidates per dedupe check: {candidates:.2f} (store up to {n} documents)")
    lines.append(
        f"  dedupe recall on the corpus's planted republications (stage by stage): "
        f"{stages.planted_found} of {stages.planted}; other pages stored as duplicates: "
        f"{stages.false_duplicates}"
    )
    return lines


def runner_lines(n: int, extract: float, runs: list[RunnerRun]) -> list[str]:
    """The run as agglowatch.runner runs it: 1 core (in-process) and N workers, ratio, speed-up,
    recall, and whether both stored the same documents."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    lines = [f"  as agglowatch.runner runs it ({cores} CPUs, load average now {load}):"]
    for run in runs:
        mode = "in-process, 1 CPU" if run.workers == 0 else f"{run.workers} parse workers"
        lines.append(
            f"    {mode:18s} {run.wall:6.2f} s wall, {n / run.wall:6.1f} docs/s, ratio "
            f"{run.wall / extract:.2f} ({run.wall / run.reference:.2f} to trafilatura timed "
            f"just before: {run.reference:.2f} s); CPU ms/doc: main process "
            f"{1000 * run.main_cpu / n:.1f}, "
            f"workers {1000 * run.worker_cpu / n:.1f}; {run.tagged_in_main} tagged in the main "
            f"process; {run.new} new, {run.duplicates} duplicates; "
            f"planted pairs clustered {run.planted_found} of {run.planted}, other pages "
            f"clustered {run.false_duplicates}"
        )
    one = [r.wall for r in runs if r.workers == 0]
    many = [r.wall for r in runs if r.workers > 0]
    if one and many:
        best_one, best_many = min(one), min(many)
        same = all(r.stored == runs[0].stored and r.clusters == runs[0].clusters for r in runs)
        lines += [
            f"  ratio pipeline / trafilatura.extract (best run): {best_one / extract:.2f} "
            f"in-process, {best_many / extract:.2f} with the pool; N-core / 1-core speed-up "
            f"{best_one / best_many:.2f}x",
            *adjacent_ratios(runs),
            f"  stored documents (title, text, hash, themes, regions) and clusters "
            f"{'identical' if same else 'DIFFER'} between in-process and pooled runs",
        ]
    return lines


def adjacent_ratios(runs: list[RunnerRun]) -> list[str]:
    """Each run against the reference timed just before it, and each round's 1-core / N-core
    pair: the figures least moved by the machine's drift."""
    pooled = sorted(r.wall / r.reference for r in runs if r.workers > 0)
    alone = sorted(r.wall / r.reference for r in runs if r.workers == 0)
    pairs = [a.wall / b.wall for a, b in zip(runs[::2], runs[1::2], strict=False) if b.workers]
    if not pooled or not alone:
        return []
    return [
        f"  against trafilatura timed just before each run: with the pool best {pooled[0]:.2f}"
        f" (median {statistics.median(pooled):.2f}), in-process best {alone[0]:.2f}; speed-up"
        f" within each round {', '.join(f'{x:.2f}x' for x in pairs)}"
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
    parser.add_argument("--per-source", type=int, default=50, help="pages per source (runner)")
    parser.add_argument("--rounds", type=int, default=1, help="in-process / pooled run pairs")
    parser.add_argument(
        "--retag", type=int, default=0, metavar="N", help="instead: retag a store of N documents"
    )
    args = parser.parse_args(argv)
    if args.retag:
        print("\n".join(retag_benchmark(args.retag)))
        return 0
    pages, stages, runs = run_benchmark(args.pages, args.batch, args.per_source, args.rounds)
    print("\n".join(report(pages, stages, runs)))
    print("  " + "\n  ".join(compare_minhash(1000)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
