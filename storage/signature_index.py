"""The dedupe index in SQL: signatures + lsh_bands; it survives restarts without re-reading texts.

Finding candidates is one indexed query per checked document (band_key IN (...) on
ix_lsh_bands_band_key), so its cost grows with log(store size), not with the store. Writes are
bulk inserts. Works on SQLite and PostgreSQL alike (plain IN lists, no dialect-specific SQL).
Nothing here commits: the caller's transaction decides, so a document and its signature are stored
together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from dedupe.index import StoredSignature, decode_minhash
from storage.models import LshBand, Signature

BATCH = 500  # bind parameters per IN list / rows per executemany chunk (SQLite allows 32766)

_SIGNATURES: Table = Signature.__table__  # type: ignore[assignment]
_BANDS: Table = LshBand.__table__  # type: ignore[assignment]


class SqlSignatureIndex:
    """SignatureIndex over the signatures and lsh_bands tables of the session's database."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(self, band_keys: Sequence[int]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(dict.fromkeys(band_keys)), BATCH):
            query = select(_BANDS.c.key).where(_BANDS.c.band_key.in_(chunk)).distinct()
            found.update(self.session.execute(query).scalars())
        return found

    def signature(self, key: str) -> StoredSignature | None:
        return self.signatures([key]).get(key)

    def signatures(self, keys: Collection[str]) -> dict[str, StoredSignature]:
        found: dict[str, StoredSignature] = {}
        columns = (_SIGNATURES.c.key, _SIGNATURES.c.minhash, _SIGNATURES.c.shingles)
        for chunk in _chunks(sorted(keys), BATCH):
            query = select(*columns, _SIGNATURES.c.created_at).where(_SIGNATURES.c.key.in_(chunk))
            for key, minhash, count, created in self.session.execute(query):
                found[key] = StoredSignature(key, decode_minhash(minhash), count, _seconds(created))
        return found

    def add(self, key: str, band_keys: Sequence[int], minhash: bytes, shingle_count: int) -> None:
        """Index `key`, replacing its previous signature and bands."""
        self.remove(key)
        self.add_many([(key, band_keys, minhash, shingle_count)])

    def add_many(self, entries: Iterable[tuple[str, Sequence[int], bytes, int]]) -> None:
        """Bulk insert of keys not indexed yet (executemany in chunks of BATCH rows)."""
        now = dt.datetime.now(dt.UTC)
        signatures: list[dict[str, Any]] = []
        bands: list[dict[str, Any]] = []
        for key, keys, minhash, count in entries:
            signatures.append(
                {"key": key, "minhash": minhash, "shingles": count, "created_at": now}
            )
            bands.extend({"band_key": band_key, "key": key} for band_key in dict.fromkeys(keys))
            if len(bands) >= 20 * BATCH:
                self._flush(signatures, bands)
        self._flush(signatures, bands)

    def _flush(self, signatures: list[dict[str, Any]], bands: list[dict[str, Any]]) -> None:
        if signatures:
            self.session.execute(insert(_SIGNATURES), signatures)
        if bands:
            self.session.execute(insert(_BANDS), bands)
        signatures.clear()
        bands.clear()

    def remove(self, key: str) -> None:
        self.remove_many([key])

    def remove_many(self, keys: Collection[str]) -> None:
        for chunk in _chunks(sorted(keys), BATCH):
            self.session.execute(delete(_BANDS).where(_BANDS.c.key.in_(chunk)))
            self.session.execute(delete(_SIGNATURES).where(_SIGNATURES.c.key.in_(chunk)))

    def keys(self, prefix: str = "") -> set[str]:
        """Indexed keys starting with `prefix` (e.g. "seed:")."""
        query = select(_SIGNATURES.c.key).where(
            _SIGNATURES.c.key.startswith(prefix, autoescape=True)
        )
        return set(self.session.execute(query).scalars())


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
