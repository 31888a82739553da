"""Near-duplicate detection: MinHash signatures, LSH bands a SQL index can hold, confirmation.

A document's shingle set (dedupe.shingles) becomes a MinHash signature (datasketch's affine64
scheme, fixed seed, `num_perm` values; computed here in numpy, value for value the same). The
signature is cut into `bands` bands of `rows` values; each band is hashed to a 63-bit integer
"band key". Two documents are LSH candidates when they share a band key, which
is one indexed equality lookup per band in any store, so the cost of a check stays flat as the
store grows. Every candidate is then confirmed by its measured similarity:

    similarity = J             when min(|A|, |B|) / max(|A|, |B|) < CONTAINMENT_MIN_RATIO (0.5)
               = max(J, C)     otherwise
    J = |A ∩ B| / |A ∪ B| (Jaccard),  C = |A ∩ B| / min(|A|, |B|) (containment of the smaller)

so a republication truncated to 60% of the original (J ≈ 0.6, C ≈ 1.0) is the same publication,
while a short item quoted inside a long report (size ratio < 0.5) is not a duplicate of the report.
For texts of comparable size the similarity is thus the overlap coefficient: the share of the
smaller text's shingles found in the other (equal sizes: C = 2J / (1 + J), so 0.7 is J ≈ 0.54).
Sets are exact when `text_of` returns the candidate's text; otherwise |A ∩ B| is estimated from the
MinHash Jaccard estimate and the stored shingle counts: |A ∩ B| = J (|A| + |B|) / (1 + J).

LSH shape: the fewest bands (largest `rows`) that still find a pair at J = LSH_FLOOR with
probability >= LSH_FLOOR_RECALL. The floor is 0.5, not the threshold, because a republication cut
to 60% of the original has J ≈ 0.5-0.6 (chrome differs too) yet is the same publication. For 128
permutations that is 42 bands of 3 rows: pairs at J = 0.5 are found 99.6% of the time, J = 0.4
94%, background pairs at J = 0.02 0.03% of the time (measured on same-domain policy news: about
2.6e-5 candidates per stored document, i.e. ~3 per check at 100k documents, all dismissed from
their signatures alone). 32 bands of 4 rows would cut background candidates ~70-fold but miss one
60% truncation in 17 (measured). The shape depends on num_perm only, so changing the threshold
never invalidates stored band keys.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from agglowatch.config import DedupeSettings
from agglowatch.records import NormalisedDocument
from dedupe.normalise import hash_form, match_text
from dedupe.shingles import Hashes, fmix64, shingles

MINHASH_SEED = 20230116  # fixed forever: stored signatures are only comparable with the same seed
MINHASH_SCHEME = "affine64"  # datasketch's 64-bit permutations over our 64-bit shingle hashes
LSH_FLOOR = 0.5
LSH_FLOOR_RECALL = 0.98
CONTAINMENT_MIN_RATIO = 0.5
# Texts under `min_chars` content characters (a news flash, a short notice) are compared only with
# one another, at `short_threshold` (0.95): in so few shingles, two notices of one template that
# differ in a region and its cities still overlap 0.84, and a re-post with one word changed 0.90,
# so only what is the same text with a dateline, byline or source line around it (overlap ~1.0)
# is taken for one publication; a short text and a long one are never compared. Under
# SHORT_FLOOR characters: exact text_hash matching only.
SHORT_FLOOR = 60
# A candidate whose MinHash estimate is this far below the threshold (5 standard errors at 128
# permutations) is dismissed without asking text_of for its text.
PREFILTER_MARGIN = 0.2
_SKETCH_CACHE = 64


@dataclass(frozen=True, slots=True)
class Match:
    """The best confirmed near-duplicate: "doc:<id>" or "seed:<file name>", and its similarity."""

    key: str
    similarity: float


@dataclass(frozen=True, slots=True)
class StoredSignature:
    """What an index holds per key: enough to estimate similarity without the text."""

    key: str
    minhash: Hashes  # uint64[num_perm]
    shingles: int
    order: float  # when it was added (seconds or a counter): ties go to the smallest


@dataclass(frozen=True, slots=True)
class Sketch:
    """A text's shingle set, MinHash signature and band keys, computed once per text."""

    shingles: Hashes | None  # None in a light sketch: recomputed from the text if ever needed
    minhash: Hashes
    band_keys: list[int]
    count: int  # shingles in the set
    short: bool = False  # under min_chars: banded apart, confirmed at short_threshold

    def light(self) -> Sketch:
        """Without the shingle set (the bulk of it): what crosses from a parse worker, since only
        an exact confirmation against a close candidate needs the set again."""
        return Sketch(None, self.minhash, self.band_keys, self.count, self.short)

    @property
    def minhash_bytes(self) -> bytes:
        return self.minhash.astype("<u8").tobytes()


class SignatureIndex(Protocol):
    """Where signatures and their band keys live: in memory (tests, benchmarks) or in SQL."""

    def candidates(self, band_keys: Sequence[int]) -> set[str]:
        """Keys sharing at least one band key."""
        ...

    def signature(self, key: str) -> StoredSignature | None: ...

    def signatures(self, keys: Collection[str]) -> dict[str, StoredSignature]:
        """The stored signatures of `keys` (missing keys are left out), in one round trip."""
        ...

    def add(self, key: str, band_keys: Sequence[int], minhash: bytes, shingle_count: int) -> None:
        """Index `key`, replacing what it had."""
        ...

    def add_many(self, entries: Iterable[tuple[str, Sequence[int], bytes, int]]) -> None:
        """Bulk add of (key, band_keys, minhash, shingle_count) for new keys."""
        ...

    def remove(self, key: str) -> None: ...


def decode_minhash(blob: bytes) -> Hashes:
    """Stored signature bytes (little-endian uint64) back to an array."""
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


def lsh_params(num_perm: int) -> tuple[int, int]:
    """(bands, rows): the largest `rows` that finds J = LSH_FLOOR pairs with LSH_FLOOR_RECALL."""
    for rows in range(8, 1, -1):
        bands = num_perm // rows
        if 1 - (1 - LSH_FLOOR**rows) ** bands >= LSH_FLOOR_RECALL:
            return bands, rows
    return num_perm // 2, 2


def band_keys(minhash: Hashes, num_perm: int, short: bool = False) -> list[int]:
    """63-bit band keys (fit a signed BIGINT); band number and shape are mixed in, so keys made
    under another num_perm never collide with these, and so is shortness: a short text's keys
    never meet a long text's (SHORT_FLOOR)."""
    bands, rows = lsh_params(num_perm)
    values = minhash[: bands * rows].astype("<u8").reshape(bands, rows)
    keys = []
    for row, person in zip(values, _band_persons(num_perm, short), strict=True):
        digest = hashlib.blake2b(row.tobytes(), digest_size=8, person=person).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return keys


@lru_cache(maxsize=16)
def _band_persons(num_perm: int, short: bool = False) -> tuple[bytes, ...]:
    """Each band's blake2b personalisation (band number, shape and shortness), made once per
    num_perm and shortness."""
    bands, rows = lsh_params(num_perm)
    kind = "as" if short else "aw"
    return tuple(f"{kind}{num_perm}.{rows}.{number}".encode()[:16] for number in range(bands))


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[Hashes, Hashes]:
    """datasketch's affine64 permutations h -> a*h + b (mod 2^64) for MINHASH_SEED, drawn the
    way datasketch 2.x draws them (legacy RandomState: a stream numpy keeps stable forever)."""
    gen = np.random.RandomState(MINHASH_SEED)
    a = gen.randint(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = gen.randint(0, 1 << 64, num_perm, dtype=np.uint64)
    return a, b


_EMPTY_HASH = np.uint64((1 << 64) - 1)
_MINHASH_CHUNK = 512  # shingles per step: a 512 x num_perm block stays in cache


def minhash_of(hashes: Hashes, num_perm: int) -> Hashes:
    """MinHash signature of a shingle-hash set, equal value for value to datasketch's
    MinHash(num_perm, seed=MINHASH_SEED, scheme="affine64") fed the same integers (its murmur3
    pre-mix, then min over a*h + b), so stored signatures and band keys stay valid; computed in
    cache-sized blocks without the per-value Python loop (tests/test_dedupe_minhash.py)."""
    a, b = _permutations(num_perm)
    signature = np.full(num_perm, _EMPTY_HASH, dtype=np.uint64)
    if hashes.size == 0:
        return signature
    mixed = fmix64(np.asarray(hashes, dtype=np.uint64))
    block = np.empty((min(_MINHASH_CHUNK, mixed.size), num_perm), dtype=np.uint64)
    for start in range(0, mixed.size, _MINHASH_CHUNK):
        chunk = mixed[start : start + _MINHASH_CHUNK]
        values = block[: chunk.size]
        np.multiply.outer(chunk, a, out=values)
        values += b
        np.minimum(signature, values.min(axis=0), out=signature)
    return signature


def compute_sketch(text: str, num_perm: int, min_chars: int) -> Sketch | None:
    """Shingles, signature and band keys of a match text; None when it is too short to index
    (fewer than SHORT_FLOOR content characters, or no shingle). A text under min_chars is a
    short sketch (SHORT_FLOOR)."""
    chars = content_chars(text)
    if chars < max(min(SHORT_FLOOR, min_chars), 1):
        return None
    hashes = shingles(text)
    if hashes.size == 0:
        return None
    signature = minhash_of(hashes, num_perm)
    short = chars < min_chars
    keys = band_keys(signature, num_perm, short)
    return Sketch(hashes, signature, keys, int(hashes.size), short)


def similarity(common: float, size_a: int, size_b: int) -> float:
    """The confirmation rule (module docstring): Jaccard, or containment for near-equal sizes."""
    if size_a == 0 or size_b == 0:
        return 0.0
    union = size_a + size_b - common
    jaccard = common / union if union > 0 else 1.0
    small, large = min(size_a, size_b), max(size_a, size_b)
    if small / large >= CONTAINMENT_MIN_RATIO:
        return min(1.0, max(jaccard, common / small))
    return jaccard


def estimated_similarity(a: Hashes, size_a: int, b: Hashes, size_b: int) -> float:
    """The rule applied to MinHash estimates (|A ∩ B| from the Jaccard estimate and set sizes)."""
    if len(a) != len(b):
        return 0.0
    jaccard = float(np.count_nonzero(a == b)) / len(a)
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    return similarity(common, size_a, size_b)


def content_chars(text: str) -> int:
    """Characters that count towards min_chars: no whitespace, no punctuation."""
    return len(hash_form(text))


class Deduper:
    """Finds the best confirmed near-duplicate of a document among indexed documents and seeds.

    `text_of(key)` may return a candidate's stored text (raw or matching form) for exact
    confirmation; without it, or when it returns None, the MinHash estimate confirms. Texts shorter
    than settings.min_chars are checked against short texts only, at settings.short_threshold
    (SHORT_FLOOR); those under SHORT_FLOOR are neither checked nor indexed (exact text_hash
    matching covers them).
    """

    def __init__(
        self,
        index: SignatureIndex,
        settings: DedupeSettings,
        text_of: Callable[[str], str | None] | None = None,
    ) -> None:
        self.index = index
        self.settings = settings
        self.text_of = text_of
        self._cache: OrderedDict[str, Sketch | None] = OrderedDict()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """A harvest's worth of check()/add() calls: an index that can buffer its writes
        (SqlSignatureIndex.deferred) writes them once, when the block ends."""
        deferred = getattr(self.index, "deferred", None)
        with deferred() if deferred is not None else nullcontext():
            yield

    def sketch(self, text: str) -> Sketch | None:
        """Shingles, signature and band keys of a match text (None when too short to index).
        The last few are cached, so check() then add() of one document computes them once."""
        if text in self._cache:
            self._cache.move_to_end(text)
            return self._cache[text]
        result = self._compute(text)
        self._cache[text] = result
        if len(self._cache) > _SKETCH_CACHE:
            self._cache.popitem(last=False)
        return result

    def _compute(self, text: str) -> Sketch | None:
        return compute_sketch(text, self.settings.num_perm, self.settings.min_chars)

    def prime(self, text: str, sketch: Sketch | None) -> None:
        """Take a sketch of `text` computed elsewhere (dedupe.prepare, in a parse worker, with
        this deduper's num_perm and min_chars) as if sketch() had computed it."""
        self._cache[text] = sketch
        self._cache.move_to_end(text)
        if len(self._cache) > _SKETCH_CACHE:
            self._cache.popitem(last=False)

    def check(self, doc: NormalisedDocument, exclude: Collection[str] = ()) -> Match | None:
        """Best indexed key at or above the threshold; ties go to the earliest added key.
        The document's own key ("doc:<doc_id>") and `exclude` are never returned."""
        sketch = self.sketch(doc.match_text)
        if sketch is None:
            return None
        skip = {f"doc:{doc.doc_id}", *exclude}
        keys = self.index.candidates(sketch.band_keys) - skip
        if not keys:
            return None
        best: tuple[float, float, str] | None = None
        for stored in self.index.signatures(keys).values():
            score = self._confirm(sketch, stored, doc.match_text)
            if score is None:
                continue
            rank = (-score, stored.order, stored.key)
            if best is None or rank < best:
                best = rank
        return Match(best[2], -best[0]) if best else None

    def _confirm(self, sketch: Sketch, stored: StoredSignature, text: str) -> float | None:
        """Measured similarity of a candidate, or None when it is below the threshold."""
        threshold = self.settings.short_threshold if sketch.short else self.settings.threshold
        estimate = estimated_similarity(
            sketch.minhash, sketch.count, stored.minhash, stored.shingles
        )
        if estimate < threshold - PREFILTER_MARGIN:
            return None
        score = estimate
        other = self.text_of(stored.key) if self.text_of else None
        if other is not None:
            if sketch.shingles is None:  # a light sketch (dedupe.prepare)
                sketch = Sketch(
                    shingles(text), sketch.minhash, sketch.band_keys, sketch.count, sketch.short
                )
            score = self.text_similarity(sketch, match_text(other))
        score = round(score, 4)
        return score if score >= threshold else None

    def text_similarity(self, sketch: Sketch, other_match_text: str) -> float:
        """Exact similarity of a sketched text and another match text over their shingle sets."""
        own = sketch.shingles if sketch.shingles is not None else np.empty(0, dtype=np.uint64)
        other = shingles(other_match_text)
        common = np.intersect1d(own, other, assume_unique=True).size
        return similarity(float(common), sketch.count, other.size)

    def is_short(self, doc: NormalisedDocument) -> bool:
        """Under min_chars content characters: a text match (exact or near) is one publication
        only where the titles agree too (dedupe.short)."""
        return content_chars(doc.match_text) < self.settings.min_chars

    def add(self, key: str, doc: NormalisedDocument) -> bool:
        """Index `doc` under `key` (replacing an older signature); False when it is too short."""
        sketch = self.sketch(doc.match_text)
        if sketch is None:
            self.index.remove(key)
            return False
        self.index.add(key, sketch.band_keys, sketch.minhash_bytes, sketch.count)
        return True

    def remove(self, key: str) -> None:
        self.index.remove(key)


class MemoryIndex:
    """SignatureIndex in dictionaries: for tests, benchmarks and one-off comparisons."""

    def __init__(self) -> None:
        self._buckets: dict[int, list[str]] = {}
        self._signatures: dict[str, StoredSignature] = {}
        self._bands: dict[str, list[int]] = {}
        self._counter = 0

    def __len__(self) -> int:
        return len(self._signatures)

    def candidates(self, band_keys: Sequence[int]) -> set[str]:
        found: set[str] = set()
        for band_key in band_keys:
            found.update(self._buckets.get(band_key, ()))
        return found

    def signature(self, key: str) -> StoredSignature | None:
        return self._signatures.get(key)

    def signatures(self, keys: Collection[str]) -> dict[str, StoredSignature]:
        return {k: self._signatures[k] for k in keys if k in self._signatures}

    def add(self, key: str, band_keys: Sequence[int], minhash: bytes, shingle_count: int) -> None:
        self.remove(key)
        self._counter += 1
        self._signatures[key] = StoredSignature(
            key, decode_minhash(minhash), shingle_count, float(self._counter)
        )
        self._bands[key] = list(band_keys)
        for band_key in band_keys:
            self._buckets.setdefault(band_key, []).append(key)

    def add_many(self, entries: Iterable[tuple[str, Sequence[int], bytes, int]]) -> None:
        for key, keys, minhash, count in entries:
            self.add(key, keys, minhash, count)

    def remove(self, key: str) -> None:
        if self._signatures.pop(key, None) is None:
            return
        for band_key in self._bands.pop(key, []):
            bucket = self._buckets[band_key]
            bucket.remove(key)
            if not bucket:
                del self._buckets[band_key]
