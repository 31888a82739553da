"""The per-document work before the store, done where the page was parsed (a pool worker).

Normalising (canonical URL, id, match text, text hash), the dedupe sketch (shingles, MinHash, LSH
band keys) and tagging are pure functions of a record's fields and of the run's settings: nothing
in them needs the database. `prepare(record, spec)` computes them once, in the parse worker, and
the result travels back with the record (DocumentRecord.prepared); the store uses it instead of
computing it again in the main process (storage.store), where only the database work is left.

What makes a result valid for the store is checked there, never assumed: `basis` holds the record
fields it was computed from (a record changed after parsing, e.g. a listing's fallback title or a
stored text kept on update, no longer matches them), and `spec` the settings (dedupe num_perm and
min_chars, and the sha256 of the taxonomy file the worker's Tagger was built from). A result that
does not match is ignored and the store computes in-process: results are only ever a shortcut.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from agglowatch.errors import AgglowatchError
from agglowatch.records import DocumentRecord, NormalisedDocument, TagResult
from dedupe.index import Sketch, compute_sketch
from dedupe.normalise import doc_id_for, normalise

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrepareSpec:
    """The run settings a prepared result depends on (small: it is sent with every page)."""

    num_perm: int
    min_chars: int
    themes: str | None = None  # taxonomy file the workers build their Tagger from
    taxonomy_digest: str | None = None  # sha256 of its bytes when the run's Tagger was built


@dataclass(slots=True)
class Prepared:
    """A record's store-ready derived values, and what they were computed from."""

    spec: PrepareSpec
    basis: tuple[Any, ...]
    doc_id: str  # URL-based, as the store identifies documents
    canonical_url: str
    match_text: str
    text_hash: str
    sketch: Sketch | None  # light (no shingle set); None: too short to index, as Deduper says
    tags: TagResult | None  # None: no tagger with the run's taxonomy here


def basis_of(record: DocumentRecord) -> tuple[Any, ...]:
    """The record fields normalise, sketch and tag read (compared cheaply: after unpickling, the
    strings are the record's own objects)."""
    return (
        record.url,
        record.canonical_url,
        record.doi,
        record.title,
        record.text,
        record.abstract,
        tuple(record.keywords),
    )


def prepare(record: DocumentRecord, spec: PrepareSpec) -> Prepared:
    """Normalise, sketch and (with the spec's taxonomy) tag one record."""
    norm = normalise(record)
    canonical = norm.canonical_url
    sketch = compute_sketch(norm.match_text, spec.num_perm, spec.min_chars)
    tagger = tagger_for(spec.themes, spec.taxonomy_digest)
    return Prepared(
        spec=spec,
        basis=basis_of(record),
        doc_id=doc_id_for(canonical, None),
        canonical_url=canonical,
        match_text=norm.match_text,
        text_hash=norm.text_hash,
        sketch=sketch.light() if sketch is not None else None,
        tags=tagger.tag_record(record) if tagger is not None else None,
    )


def attach(record: DocumentRecord, spec: PrepareSpec | None) -> DocumentRecord:
    """`record` with its prepared values (none when there is no spec or it cannot be prepared:
    the store then does the work itself, and reports any problem where it always did: a record
    without an address, or a tagger bug, fails its source's store as before, not the page)."""
    if spec is None:
        return record
    try:
        record.prepared = prepare(record, spec)
    except AgglowatchError:
        record.prepared = None
    except Exception:  # a bug: the store meets it again and reports it
        log.warning("could not prepare %s for the store", record.url, exc_info=True)
        record.prepared = None
    return record


def valid_for(record: DocumentRecord, spec: PrepareSpec | None) -> Prepared | None:
    """The record's prepared values when they were computed with `spec` from its current fields."""
    prepared = record.prepared
    if not isinstance(prepared, Prepared) or spec is None or prepared.spec != spec:
        return None
    return prepared if prepared.basis == basis_of(record) else None


def normalised(prepared: Prepared, record: DocumentRecord) -> NormalisedDocument:
    return NormalisedDocument(
        record=record,
        doc_id=prepared.doc_id,
        canonical_url=prepared.canonical_url,
        match_text=prepared.match_text,
        text_hash=prepared.text_hash,
    )


def taxonomy_digest(path: str | Path) -> str | None:
    """sha256 of the taxonomy file's bytes (None when it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


@lru_cache(maxsize=4)
def tagger_for(themes: str | None, digest: str | None) -> Any:
    """A Tagger built from `themes`, once per process, when the file still has `digest` before
    and after loading it (else None: the file changed since the run began; the store tags)."""
    if themes is None or digest is None or taxonomy_digest(themes) != digest:
        return None
    from tagging import Tagger, load_taxonomy  # only where tagging runs

    try:
        tagger = Tagger(load_taxonomy(themes))
    except AgglowatchError as exc:
        log.warning("no tagging in the parse worker: %s", exc)
        return None
    return tagger if taxonomy_digest(themes) == digest else None
