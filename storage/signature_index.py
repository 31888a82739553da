"""The dedupe index in SQL: signatures + lsh_bands; it survives restarts without re-reading texts.

Finding candidates is one indexed query per checked document (band_key IN (...) on
ix_lsh_bands_band_key), so its cost grows with log(store size), not with the store. Writes are
bulk inserts. Works on SQLite and PostgreSQL alike (plain IN lists, no dialect-specific SQL).
Nothing here commits: the caller's transaction decides, so a document and its signature are stored
together or not at all.

Inside `deferred()` (storage.store uses it for a source's whole harvest) add() only buffers: the
buffered entries answer candidates() and signatures() as if written, and are written when the
block ends, in four statements per BATCH keys instead of four per document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from dedupe.index import StoredSignature, decode_minhash
from storage.bulk import distinct_in, insert_many
from storage.models import LshBand, Signature

BATCH = 500  # bind parameters per IN list / rows per executemany chunk (SQLite allows 32766)

_SIGNATURES: Table = Signature.__table__  # type: ignore[assignment]
_BANDS: Table = LshBand.__table__  # type: ignore[assignment]
_BAND_COLUMNS = ("band_key", "key")  # ~42 rows per document: the driver's executemany (bulk.py)


@dataclass(frozen=True, slots=True)
class _Entry:
    band_keys: tuple[int, ...]
    minhash: bytes
    shingles: int
    created_at: dt.datetime


class SqlSignatureIndex:
    """SignatureIndex over the signatures and lsh_bands tables of the session's database."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._pending: dict[str, _Entry] | None = None  # None: every add() writes at once
        self._pending_bands: dict[int, set[str]] = {}

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Buffer add()s until the block ends, then write them all; dropped on an exception (the
        transaction is rolled back then anyway)."""
        if self._pending is not None:  # nested: the outer block writes
            yield
            return
        self._pending, self._pending_bands = {}, {}
        try:
            yield
            pending = self._pending
        finally:
            self._pending, self._pending_bands = None, {}
        self.remove_many(pending)
        self._insert((key, entry) for key, entry in pending.items())

    def candidates(self, band_keys: Sequence[int]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(dict.fromkeys(band_keys)), BATCH):
            found.update(distinct_in(self.session, _BANDS, "key", "band_key", chunk))
        if self._pending:
            found.difference_update(self._pending)  # their stored bands are being replaced
            for band_key in band_keys:
                found.update(self._pending_bands.get(band_key, ()))
        return found

    def signature(self, key: str) -> StoredSignature | None:
        return self.signatures([key]).get(key)

    def signatures(self, keys: Collection[str]) -> dict[str, StoredSignature]:
        found: dict[str, StoredSignature] = {}
        pending = self._pending or {}
        columns = (_SIGNATURES.c.key, _SIGNATURES.c.minhash, _SIGNATURES.c.shingles)
        for chunk in _chunks(sorted(k for k in keys if k not in pending), BATCH):
            query = select(*columns, _SIGNATURES.c.created_at).where(_SIGNATURES.c.key.in_(chunk))
            for key, minhash, count, created in self.session.execute(query):
                found[key] = StoredSignature(key, decode_minhash(minhash), count, _seconds(created))
        for key in keys:
            entry = pending.get(key)
            if entry is not None:
                order = _seconds(entry.created_at)
                found[key] = StoredSignature(
                    key, decode_minhash(entry.minhash), entry.shingles, order
                )
        return found

    def add(self, key: str, band_keys: Sequence[int], minhash: bytes, shingle_count: int) -> None:
        """Index `key`, replacing its previous signature and bands (buffered when deferred)."""
        entry = _Entry(tuple(dict.fromkeys(band_keys)), minhash, shingle_count, _now())
        if self._pending is not None:
            self._unbuffer(key)
            self._pending[key] = entry
            for band_key in entry.band_keys:
                self._pending_bands.setdefault(band_key, set()).add(key)
            return
        self.remove(key)
        self._insert([(key, entry)])

    def add_many(self, entries: Iterable[tuple[str, Sequence[int], bytes, int]]) -> None:
        """Bulk insert of keys not indexed yet (executemany in chunks of BATCH rows)."""
        now = _now()
        self._insert(
            (key, _Entry(tuple(dict.fromkeys(keys)), minhash, count, now))
            for key, keys, minhash, count in entries
        )

    def _insert(self, entries: Iterable[tuple[str, _Entry]]) -> None:
        signatures: list[dict[str, Any]] = []
        bands: list[tuple[int, str]] = []
        for key, entry in entries:
            signatures.append(
                {
                    "key": key,
                    "minhash": entry.minhash,
                    "shingles": entry.shingles,
                    "created_at": entry.created_at,
                }
            )
            bands.extend((band_key, key) for band_key in entry.band_keys)
            if len(bands) >= 20 * BATCH:
                self._flush(signatures, bands)
        self._flush(signatures, bands)

    def _flush(self, signatures: list[dict[str, Any]], bands: list[tuple[int, str]]) -> None:
        if signatures:
            self.session.execute(insert(_SIGNATURES), signatures)
        insert_many(self.session, _BANDS, _BAND_COLUMNS, bands)
        signatures.clear()
        bands.clear()

    def _unbuffer(self, key: str) -> None:
        entry = (self._pending or {}).pop(key, None)
        if entry is None:
            return
        for band_key in entry.band_keys:
            bucket = self._pending_bands[band_key]
            bucket.discard(key)
            if not bucket:
                del self._pending_bands[band_key]

    def remove(self, key: str) -> None:
        self.remove_many([key])

    def remove_many(self, keys: Collection[str]) -> None:
        for key in keys:
            self._unbuffer(key)
        for chunk in _chunks(sorted(keys), BATCH):
            self.session.execute(delete(_BANDS).where(_BANDS.c.key.in_(chunk)))
            self.session.execute(delete(_SIGNATURES).where(_SIGNATURES.c.key.in_(chunk)))

    def keys(self, prefix: str = "") -> set[str]:
        """Indexed keys starting with `prefix` (e.g. "seed:")."""
        query = select(_SIGNATURES.c.key).where(
            _SIGNATURES.c.key.startswith(prefix, autoescape=True)
        )
        found = set(self.session.execute(query).scalars())
        return found | {key for key in self._pending or {} if key.startswith(prefix)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _seconds(created: dt.datetime | None) -> float:
    """Insertion time as a sortable number (SQLite hands back naive UTC datetimes)."""
    if created is None:
        return 0.0
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return created.timestamp()
