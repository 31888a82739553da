"""Dedupe throughput (check + insert) with 10k and 100k stored documents, SQL and in-memory index.

    uv run python -m bench.bench_dedupe [--timed 1000] [--small 10000] [--large 100000]

Stored documents are generated Chinese texts (a 50k-word vocabulary of real Han characters with
a Zipf word distribution, s = 0.9) whose pairwise shingle Jaccard (mean 0.006, p99 0.014) and LSH
background candidate rate (~1.5e-5 per stored document) are close to what was measured on
same-domain policy news (tests/fixtures/dedupe: mean 0.004, p99 0.023, 2.6e-5), so lookups meet a
realistic number of unrelated candidates. They are sketched through the real path (shingles ->
MinHash -> band keys) on two worker processes and bulk-inserted.

Timed documents are longer (~1500 characters) and wrapped in site chrome; one in ten republishes
an earlier one (paragraphs dropped, other chrome). Each goes through Deduper.check() then
Deduper.add(), committed every 100 documents on SQL (an SQLite file, WAL, as storage.db makes
it). Each index kind runs in its own process, one after the other, single-threaded: documents/s
per core is computed from CPU time (user + system), which other load on the machine does not
inflate; wall time is printed beside it. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import random
import re
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from agglowatch.config import DedupeSettings
from agglowatch.records import DocumentRecord, NormalisedDocument
from dedupe import index as dedupe_index
from dedupe.index import (
    MINHASH_SCHEME,
    MINHASH_SEED,
    Deduper,
    MemoryIndex,
    SignatureIndex,
    band_keys,
    minhash_of,
)
from dedupe.normalise import normalise
from dedupe.shingles import shingles

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "dedupe"
SETTINGS = DedupeSettings()
COMMIT_EVERY = 100
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CHROME = [
    ("某某网 >> 经济 >> 区域", "来源：某某日报　责任编辑：王某", "【字体：大 中 小】【打印本页】"),
    ("城市观察", "原创 城市观察君 2023-05-12", "预览时标签不可点"),
    ("某某发展和改革委员会", "当前位置：首页 > 新闻发布", "版权所有：某某委员会"),
]

Entries = tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64]]


class Corpus:
    """Deterministic generated Chinese text with a Zipf word distribution."""

    def __init__(self, seed: int = 11, words: int = 50_000, zipf: float = 0.9) -> None:
        text = "".join(p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("zh_*.txt")))
        chars = sorted(set(_HAN.findall(text)))
        rng = random.Random(seed)
        self.words = [
            "".join(rng.choices(chars, k=rng.choice((2, 2, 2, 3, 4)))) for _ in range(words)
        ]
        weights = np.cumsum(1 / np.arange(1, words + 1) ** zipf)
        self.cumulative = weights / weights[-1]

    def text(self, seed: int, size: int) -> str:
        """About `size` characters: sentences of 6-16 words, paragraphs of 3-6 sentences."""
        rng = np.random.default_rng(seed)
        ids = np.searchsorted(self.cumulative, rng.random(size // 2)).tolist()
        cuts = np.cumsum(rng.integers(6, 17, size=size // 12)).tolist()
        sentences = [
            "".join(self.words[i] for i in ids[a:b]) + "。"
            for a, b in itertools.pairwise([0, *cuts])
        ]
        sentences = [s for s in sentences if len(s) > 1]
        breaks = np.cumsum(rng.integers(3, 7, size=len(sentences)))
        paragraphs = ["".join(sentences[a:b]) for a, b in itertools.pairwise([0, *breaks])]
        text, total = [], 0
        for paragraph in paragraphs:
            if paragraph and total < size:
                text.append(paragraph)
                total += len(paragraph)
        return "\n\n".join(text)


def sketch_range(bounds: tuple[int, int]) -> Entries:
    """Signatures, band keys and shingle counts of stored documents start..stop (a worker)."""
    start, stop = bounds
    corpus = Corpus()
    signatures = np.empty((stop - start, SETTINGS.num_perm), dtype=np.uint64)
    keys: list[list[int]] = []
    counts = np.empty(stop - start, dtype=np.int64)
    for first in range(start, stop, 8):
        sets = [shingles(corpus.text(n, 500)) for n in range(first, min(first + 8, stop))]
        rows = slice(first - start, first - start + len(sets))
        signatures[rows] = batch_minhash(sets)
        counts[rows] = [s.size for s in sets]
        keys.extend(band_keys(signature, SETTINGS.num_perm) for signature in signatures[rows])
    check = shingles(corpus.text(start, 500))  # the batch path must equal the real one
    if not np.array_equal(signatures[0], minhash_of(check, SETTINGS.num_perm)):
        raise RuntimeError("batch MinHash differs from dedupe.index.minhash_of")
    return signatures, np.array(keys, dtype=np.int64), counts


def batch_minhash(sets: list[npt.NDArray[np.uint64]]) -> npt.NDArray[np.uint64]:
    """MinHash of many shingle sets at once: datasketch's affine64 scheme (murmur3 pre-mix, then
    a * h + b modulo 2^64) vectorised over the batch; checked against minhash_of."""
    minhash = MinHash(num_perm=SETTINGS.num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    a, b = (np.asarray(part, dtype=np.uint64) for part in minhash.permutations)
    values = np.concatenate(sets)
    for shift, multiplier in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53)):
        values = (values ^ (values >> np.uint64(shift))) * np.uint64(multiplier)
    values = values ^ (values >> np.uint64(33))
    permuted = values[:, None] * a + b
    starts = np.cumsum([0, *(len(s) for s in sets[:-1])])
    return np.minimum.reduceat(permuted, starts, axis=0)


def stored_entries(count: int) -> Entries:
    """Sketch `count` stored documents on two worker processes."""
    half = count // 2
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        parts = pool.map(sketch_range, [(0, half), (half, count)])
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def timed_documents(count: int) -> list[NormalisedDocument]:
    """New documents to check and insert; every tenth republishes an earlier one (its index in
    record.extra["republishes"])."""
    corpus, rng = Corpus(), random.Random(3)
    texts: list[str] = []
    origins: dict[int, int] = {}
    for number in range(count):
        if number % 10 == 9:
            origins[number] = rng.randrange(len(texts))
            body = texts[origins[number]].split("\n")[3:-3]
            del body[rng.randrange(len(body))]  # one paragraph trimmed
        else:
            body = corpus.text(10**9 + number, 1500).split("\n")
        header, meta, footer = rng.choice(_CHROME)
        texts.append("\n".join([header, meta, f"标题{number}", *body, footer, "", ""]))
    docs = []
    for n, text in enumerate(texts):
        extra = {"republishes": origins[n]} if n in origins else {}
        url = f"https://e.cn/{n}.html"
        docs.append(normalise(DocumentRecord("bench", url, "", text, extra=extra)))
    return docs


def datasketch_minhash(hashes: npt.NDArray[np.uint64], num_perm: int) -> npt.NDArray[np.uint64]:
    """The MinHash dedupe.index computed before it was vectorised: datasketch itself."""
    sketch = MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashfunc=int, scheme=MINHASH_SCHEME)
    sketch.update_batch(hashes.tolist())
    return np.asarray(sketch.hashvalues, dtype=np.uint64)


@dataclass
class Recall:
    found: int  # republications matched to a document of their own cluster (original or copy)
    planted: int
    false_matches: int  # documents that are no republication, matched anyway
    sketch_ms: float  # shingles + MinHash + band keys per document


def planted_recall(
    docs: list[NormalisedDocument], minhash: Callable[..., Any] | None = None
) -> Recall:
    """Every document checked then added, in order, through a Deduper over a MemoryIndex;
    `minhash` replaces dedupe.index.minhash_of for the run (datasketch side by side)."""
    original = dedupe_index.minhash_of
    if minhash is not None:
        dedupe_index.minhash_of = minhash
    try:
        deduper = Deduper(MemoryIndex(), SETTINGS)
        started = time.perf_counter()
        for doc in docs:
            deduper._compute(doc.match_text)
        sketch_ms = 1000 * (time.perf_counter() - started) / len(docs)
        found = false_matches = 0
        index_of = {f"doc:{doc.doc_id}": number for number, doc in enumerate(docs)}
        for number, doc in enumerate(docs):
            match = deduper.check(doc)
            if "republishes" not in doc.record.extra:
                false_matches += match is not None
            elif match is not None and _root(docs, index_of[match.key]) == _root(docs, number):
                found += 1
            deduper.add(f"doc:{doc.doc_id}", doc)
    finally:
        dedupe_index.minhash_of = original
    planted = sum(1 for doc in docs if "republishes" in doc.record.extra)
    return Recall(found, planted, false_matches, sketch_ms)


def _root(docs: list[NormalisedDocument], index: int) -> int:
    """The first publication of the text document `index` republishes (itself if none)."""
    while (origin := docs[index].record.extra.get("republishes")) is not None:
        index = origin
    return index


def compare_minhash(count: int = 1000) -> list[str]:
    """numpy MinHash (dedupe.index.minhash_of) beside datasketch on the planted set."""
    docs = timed_documents(count)
    sets = [shingles(doc.match_text) for doc in docs]
    equal = sum(
        np.array_equal(minhash_of(s, SETTINGS.num_perm), datasketch_minhash(s, SETTINGS.num_perm))
        for s in sets
    )
    timings = {}
    for name, function in (("numpy", minhash_of), ("datasketch", datasketch_minhash)):
        started = time.perf_counter()
        for hashes in sets:
            function(hashes, SETTINGS.num_perm)
        timings[name] = 1000 * (time.perf_counter() - started) / len(sets)
    ours, theirs = planted_recall(docs), planted_recall(docs, datasketch_minhash)
    mean = sum(s.size for s in sets) / len(sets)
    return [
        f"MinHash on {len(sets)} shingle sets (mean {mean:.0f} shingles), {SETTINGS.num_perm} "
        f"permutations: numpy {timings['numpy']:.3f} ms, datasketch {timings['datasketch']:.3f} ms "
        f"per signature ({timings['datasketch'] / timings['numpy']:.1f}x); identical signatures: "
        f"{equal} of {len(sets)}",
        f"  dedupe recall on planted pairs: numpy {ours.found} of {ours.planted}, datasketch "
        f"{theirs.found} of {theirs.planted}; false matches {ours.false_matches} / "
        f"{theirs.false_matches}; sketch (shingles + MinHash + bands) {ours.sketch_ms:.2f} vs "
        f"{theirs.sketch_ms:.2f} ms per document",
    ]


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Phase:
    stored: int
    fill_seconds: float  # bulk-adding the stored documents up to `stored`
    cpu_seconds: float  # user + system time of this process: what one core spent
    wall_seconds: float
    timed: int
    candidates: int
    matches: int
    index_mb: float
    db_mb: float | None

    @property
    def per_second(self) -> float:
        return self.timed / self.cpu_seconds

    @property
    def ms_per_document(self) -> float:
        return 1000 * self.cpu_seconds / self.timed


class Store:
    """An index kind with its own transaction handling: SQL (SQLite file) or memory."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.path = folder / "bench.db"
        self.session: Any = None
        if kind == "sql":
            from storage.db import make_engine, upgrade

            self.engine = make_engine(f"sqlite:///{self.path}")
            upgrade(self.engine)
            self.index: SignatureIndex = self._new_session()
        else:
            self.index = MemoryIndex()

    def _new_session(self) -> SignatureIndex:
        from sqlalchemy.orm import Session

        from storage.signature_index import SqlSignatureIndex

        self.session = Session(self.engine)
        return SqlSignatureIndex(self.session)

    def commit(self) -> None:
        if self.session is not None:
            self.session.commit()

    def fill(self, entries: Entries, start: int, stop: int) -> None:
        signatures, keys, counts = entries
        rows = (
            (f"doc:s{n}", keys[n].tolist(), signatures[n].astype("<u8").tobytes(), int(counts[n]))
            for n in range(start, stop)
        )
        self.index.add_many(rows)
        self.commit()

    def remove(self, keys: list[str]) -> None:
        for key in keys:
            self.index.remove(key)
        self.commit()

    def db_mb(self) -> float | None:
        if self.kind != "sql":
            return None
        return sum(p.stat().st_size for p in self.path.parent.glob("bench.db*")) / 2**20


def run_phase(
    store: Store, docs: list[NormalisedDocument], stored: int, base_mb: float, fill: float
) -> Phase:
    """Check then add every timed document; the clocks cover sketching, lookup and writes.

    CPU time (user + system, which includes SQLite's writes to the OS page cache) is what one
    core spends per document and is robust to other load on the machine; wall time is shown too.
    """
    dedupe = Deduper(store.index, SETTINGS)
    candidates = matches = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for number, doc in enumerate(docs, 1):
        sketch = dedupe.sketch(doc.match_text)
        if sketch is not None:
            candidates += len(store.index.candidates(sketch.band_keys))
        matches += dedupe.check(doc) is not None
        dedupe.add(f"doc:{doc.doc_id}", doc)
        if number % COMMIT_EVERY == 0:
            store.commit()
    store.commit()
    cpu, wall = time.process_time() - cpu_started, time.perf_counter() - started
    index_mb = rss_mb() - base_mb
    return Phase(stored, fill, cpu, wall, len(docs), candidates, matches, index_mb, store.db_mb())


def measure(
    kind: str, sizes: tuple[int, int], entries_file: str, timed: int, out: Connection
) -> None:
    """One index kind in its own process: fill to each size, then time the timed documents."""
    with np.load(entries_file) as data:
        entries: Entries = (data["signatures"], data["keys"], data["counts"])
    docs = timed_documents(timed)
    base = rss_mb()
    phases = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store(kind, Path(folder))
        filled = 0
        for size in sizes:
            started = time.perf_counter()
            store.fill(entries, filled, size)
            fill_seconds = time.perf_counter() - started
            filled = size
            phases.append(run_phase(store, docs, size, base, fill_seconds))
            store.remove([f"doc:{d.doc_id}" for d in docs])
    out.send((phases, peak_mb()))


def report(kind: str, phases: list[Phase], peak: float) -> Iterator[str]:
    yield f"{kind} index"
    previous = 0
    for p in phases:
        rate = (p.stored - previous) / p.fill_seconds
        yield f"  bulk add {previous:,} -> {p.stored:,} stored: {rate:,.0f} documents/s"
        previous = p.stored
        size = f"database {p.db_mb:.0f} MB" if p.db_mb is not None else f"index {p.index_mb:.0f} MB"
        yield (
            f"  {p.stored:>7,} stored: {p.per_second:5.0f} docs/s per core, "
            f"{p.ms_per_document:.2f} ms CPU ({1000 * p.wall_seconds / p.timed:.2f} ms wall) per "
            f"check+insert, {p.candidates / p.timed:.2f} LSH candidates/doc, {p.matches} of "
            f"{p.timed // 10} planted duplicates found, {size}"
        )
    small, large = phases
    ratio = large.ms_per_document / small.ms_per_document
    yield f"  cost per document {large.stored:,} / {small.stored:,}: {ratio:.2f}x (target <= 2x)"
    yield f"  peak memory of the process: {peak:.0f} MB"
    yield from estimate(small, large)


def estimate(small: Phase, large: Phase) -> Iterator[str]:
    """1M documents: the per-document cost grows with the depth of the B-trees (log N), so the
    growth measured per decade (never less than none) is added again; sizes grow linearly."""
    decades = np.log10(large.stored / small.stored)
    per_decade = max(0.0, large.ms_per_document - small.ms_per_document) / decades
    cost = large.ms_per_document + per_decade * np.log10(1_000_000 / large.stored)
    per_doc_mb = (large.db_mb if large.db_mb is not None else large.index_mb) / large.stored
    place = "database" if large.db_mb is not None else "memory"
    yield (
        f"  1M estimate: {cost:.2f} ms per document ({1000 / cost:.0f} docs/s per core, "
        f"{cost / small.ms_per_document:.2f}x the cost at {small.stored:,}), "
        f"{per_doc_mb * 1000:.1f} GB {place}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timed", type=int, default=1000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    entries = stored_entries(args.large)
    sketching = time.perf_counter() - started
    print(f"sketched {args.large:,} stored documents in {sketching:.0f} s on 2 processes")
    print("\n".join(compare_minhash(args.timed)))
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        entries_file = str(Path(folder) / "entries.npz")
        np.savez(entries_file, signatures=entries[0], keys=entries[1], counts=entries[2])
        del entries
        for kind in ("sql", "memory"):
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(
                target=measure,
                args=(kind, (args.small, args.large), entries_file, args.timed, send),
            )
            worker.start()
            phases, peak = receive.recv()
            worker.join()
            print("\n".join(report(kind, phases, peak)))
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
