"""Write one source's harvest: new documents, versions of changed ones, duplicates, removals.

Called inside one transaction per source (storage.db.transaction), so a crash leaves either the
whole source's writes or none of them. Identity is the canonical URL (unique in the table and
inserted with ON CONFLICT DO NOTHING, so concurrent shards never store a document twice).

store_documents looks up together, for LOOKUP_CHUNK records at a time, what a concurrent writer
cannot change under it unnoticed (the stored documents at these addresses: a document another
shard inserts meanwhile makes our INSERT conflict, which is handled; seeds with these text
hashes), and writes versions, signatures and LSH bands of the whole harvest at the end in a few
executemany statements; the document rows themselves are inserted one by one (each INSERT ... ON
CONFLICT tells whether another shard won the race, and database triggers on the table see every
row). Near- and exact-duplicate lookups against other documents stay per document, so they see
what concurrent sources committed meanwhile.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, load_only

from agglowatch.records import (
    PAGE_GONE,
    PAGE_UNREAD,
    DocumentRecord,
    DuplicateRef,
    NormalisedDocument,
    TagResult,
)
from dedupe.issues import is_new_issue
from dedupe.normalise import EMPTY_TEXT_HASH, canonical_url, doc_id_for, normalise
from dedupe.prepare import PrepareSpec, normalised, valid_for
from dedupe.short import titles_agree
from storage import fulltext, returns
from storage.changes import metadata_changes, text_changes
from storage.models import Document, DocumentVersion, SeedDocument
from storage.upsert import insert_ignore_row

NO_REMOVAL_KINDS = frozenset({"crossref", "openalex"})  # incremental APIs list only what is new


class Tagging(Protocol):
    def tag_record(self, record: DocumentRecord) -> TagResult: ...


class NearDuplicates(Protocol):
    """The dedupe stage as the store sees it (dedupe.index.Deduper)."""

    def check(self, doc: NormalisedDocument) -> Any: ...  # Match(key, similarity) | None

    def is_short(self, doc: NormalisedDocument) -> bool: ...  # a text match needs its titles too

    def add(self, key: str, doc: NormalisedDocument) -> Any: ...


@dataclass(slots=True)
class StoreBatch:
    """What store_documents looked up for a chunk of a harvest, and the version rows it writes
    last (one list for the whole harvest)."""

    norms: dict[int, NormalisedDocument]  # id(record) -> its normalised form
    by_url: dict[str, Document]  # stored documents at the harvest's canonical URLs...
    by_id: dict[str, Document]  # ...or with the harvest's document ids
    seeds: dict[str, SeedDocument]  # text hash -> a seed with that text (seeds do not change)
    inserted: set[str] = field(default_factory=set)  # canonical URLs inserted by this batch
    versions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class StoreContext:
    run_id: str
    now: dt.datetime
    tagger: Tagging
    deduper: NearDuplicates
    removed_after: int = 3
    batch: StoreBatch | None = None  # set by store_documents while it runs
    # The settings records were prepared with where they were parsed (dedupe.prepare): records
    # prepared with these (and unchanged since) are not normalised, sketched or tagged again.
    # They must be the ones `tagger` and `deduper` were built with.
    prepare: PrepareSpec | None = None
    fulltext: fulltext.FullTextBatch | None = None  # set by store_documents (SQLite)
    # Canonical URLs the source lists this run (None: moves are not looked for): a record that
    # duplicates the same source's document at an unlisted address is that document, moved.
    listed: frozenset[str] | None = None


@dataclass(slots=True)
class StoreResult:
    """One source's contribution to the run report."""

    new: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    touched: set[str] = field(default_factory=set)  # ids of documents parsed this run


_DOCUMENTS: Table = Document.__table__  # type: ignore[assignment]
_VERSIONS: Table = DocumentVersion.__table__  # type: ignore[assignment]
_CHUNK = 500  # bind parameters per IN list
# Records normalised and looked up together: few enough that their folded texts are still in
# agglowatch.textnorm's cache when the tagger folds the same texts.
LOOKUP_CHUNK = 32


def store_documents(
    session: Session, source: str, records: list[DocumentRecord], ctx: StoreContext
) -> StoreResult:
    result = StoreResult()
    ordered = sorted(records, key=lambda r: canonical_url(r.url))  # one lock order for shards
    versions: list[dict[str, Any]] = []
    try:
        with _deferred(ctx.deduper), fulltext.deferred(session) as index:
            ctx.fulltext = index
            for start in range(0, len(ordered), LOOKUP_CHUNK):
                part = ordered[start : start + LOOKUP_CHUNK]
                ctx.batch = load_batch(session, [_normalised(record, ctx) for record in part])
                ctx.batch.versions = versions
                for record in part:
                    store_document(session, source, record, ctx, result)
        write_versions(session, versions)
    finally:
        ctx.batch, ctx.fulltext = None, None
    return result


def _normalised(record: DocumentRecord, ctx: StoreContext) -> NormalisedDocument:
    """The record's identity and match form: from its prepared values when they are valid (their
    dedupe sketch handed to the deduper), else computed here."""
    prepared = valid_for(record, ctx.prepare)
    if prepared is not None:
        norm = normalised(prepared, record)
        prime = getattr(ctx.deduper, "prime", None)
        if prime is not None:
            prime(norm.match_text, prepared.sketch)
        return norm
    norm = normalise(record)
    norm.doc_id = doc_id_for(norm.canonical_url, None)
    return norm


def _tags(record: DocumentRecord, ctx: StoreContext) -> TagResult:
    """The record's prepared tags when valid, else the store's tagger's."""
    prepared = valid_for(record, ctx.prepare)
    if prepared is not None and prepared.tags is not None:
        return prepared.tags
    return ctx.tagger.tag_record(record)


def load_batch(session: Session, norms: list[NormalisedDocument]) -> StoreBatch:
    """The stored documents and seeds a harvest's records can meet, in a few IN queries."""
    batch = StoreBatch({id(n.record): n for n in norms}, {}, {}, {})
    urls = sorted({n.canonical_url for n in norms})
    ids = sorted({n.doc_id for n in norms})
    for start in range(0, max(len(urls), len(ids)), _CHUNK):
        url_part, id_part = urls[start : start + _CHUNK], ids[start : start + _CHUNK]
        query = select(Document).where(
            or_(Document.canonical_url.in_(url_part), Document.id.in_(id_part))
        )
        for doc in session.scalars(query):
            batch.by_url[doc.canonical_url] = doc
            batch.by_id[doc.id] = doc
    hashes = sorted({n.text_hash for n in norms} - {EMPTY_TEXT_HASH})
    for start in range(0, len(hashes), _CHUNK):
        part = hashes[start : start + _CHUNK]
        for seed in session.scalars(select(SeedDocument).where(SeedDocument.text_hash.in_(part))):
            batch.seeds.setdefault(seed.text_hash, seed)
    return batch


def write_versions(session: Session, rows: list[dict[str, Any]]) -> None:
    """The harvest's new version rows, in one executemany (after the documents they belong to)."""
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(_VERSIONS), rows[start : start + _CHUNK])
    rows.clear()


def _deferred(deduper: NearDuplicates) -> AbstractContextManager[Any]:
    batch = getattr(deduper, "batch", None)
    return batch() if batch is not None else nullcontext()


def store_document(
    session: Session, source: str, record: DocumentRecord, ctx: StoreContext, result: StoreResult
) -> None:
    batch = ctx.batch
    norm = batch.norms.get(id(record)) if batch is not None else None
    if norm is None:
        norm = _normalised(record, ctx)
    existing = find_existing(session, norm, batch)
    if existing is not None and record.extra.get(PAGE_GONE):
        return  # its page is gone: not seen here, counted missing by mark_missing
    if existing is not None and (
        record.extra.get(PAGE_UNREAD) or _another_sources(existing, source, norm)
    ):
        _seen_unread(existing, ctx, result)
        return
    if existing is not None:
        _update_or_take_over(session, existing, source, norm, ctx, result)
        return
    duplicate = find_duplicate(session, norm, ctx.deduper, batch)
    may_move, may_be_issue = _may_move(duplicate, ctx), _may_be_issue(duplicate, norm)
    members = (
        _same_source_members(session, source, duplicate)
        if duplicate is not None and (may_move or may_be_issue)
        else []
    )
    moved = moved_document(members, norm, ctx, result) if may_move else None
    if moved is not None:
        _move(session, moved, norm, ctx, result)
        return
    if may_be_issue and new_issue(members, norm):
        duplicate = None  # this week's bulletin, not last week's again (dedupe.issues)
    displaced = _original_to_displace(session, duplicate, norm, ctx)
    duplicate_found = duplicate
    if displaced is not None:
        duplicate = None
    tags = _tags(record, ctx)
    if not _insert_new(session, source, norm, tags, duplicate, ctx):
        racing = find_existing(session, norm)  # another shard inserted it a moment ago
        if racing is not None:
            _update_existing(session, racing, norm, ctx, result)
        return
    ctx.deduper.add(f"doc:{norm.doc_id}", norm)
    result.touched.add(norm.doc_id)
    if displaced is not None and duplicate_found is not None:
        _demote_cluster(session, displaced, norm, duplicate_found.similarity)
    if duplicate is not None and not duplicate.seed:
        root = session.get(Document, duplicate.id)
        if root is not None and root.status == "removed":
            hand_over_cluster(session, root)  # a copy of an article taken down: it lives here
    _report_new(result, norm, tags, duplicate)


MOVE_SIMILARITY = 0.9  # a copy at least this close, at a new address of its source, is a move
_MOVE_CANDIDATES = 20


def _may_move(duplicate: DuplicateRef | None, ctx: StoreContext) -> bool:
    """Moves are looked for (the source's listing is known) and the copy is close enough."""
    return (
        duplicate is not None and ctx.listed is not None and duplicate.similarity >= MOVE_SIMILARITY
    )


def _may_be_issue(duplicate: DuplicateRef | None, norm: NormalisedDocument) -> bool:
    """A near copy that could be another issue of a series: not of a seed, not the same text
    (exact match), and dated (an undated page carries no evidence of another issue)."""
    return (
        duplicate is not None
        and not duplicate.seed
        and duplicate.similarity < 1.0
        and norm.record.published is not None
    )


def _same_source_members(session: Session, source: str, duplicate: DuplicateRef) -> list[Document]:
    """The documents of `source` in the duplicate's cluster, oldest first: what a move or a new
    issue is judged against (read once for both)."""
    query = (
        select(Document)
        .where(Document.cluster_id == duplicate.id, Document.source == source)
        .order_by(Document.first_seen, Document.id)
        .limit(_MOVE_CANDIDATES)
    )
    return list(session.scalars(query))


def moved_document(
    members: list[Document],
    norm: NormalisedDocument,
    ctx: StoreContext,
    result: StoreResult,
) -> Document | None:
    """The document of this same source that `norm` is at a new address, if any, among the
    duplicate's `members` of this source (when _may_move).

    A site that reorganises its URLs lists the same page under a new address and no longer
    lists the old one: that is one document moved (its id, history and digests kept), not a
    duplicate of itself whose original is then reported removed. A candidate is in the
    duplicate's cluster (a seed's too: a republication of a seed can move), of this source, not
    listed this run (by either address), not stored this run and not dated another day (a page
    that moves keeps its date; this week's near copy of last week's bulletin is a new one); one
    with the very same text is preferred.
    """
    listed = ctx.listed or frozenset()
    published = norm.record.published
    unlisted = [
        doc
        for doc in members
        if doc.canonical_url not in listed
        and doc.listing_url not in listed
        and doc.id not in result.touched
        and not (published and doc.published and doc.published != published)
    ]
    unlisted.sort(key=lambda doc: doc.text_hash != norm.text_hash)
    return unlisted[0] if unlisted else None


def _move(
    session: Session,
    doc: Document,
    norm: NormalisedDocument,
    ctx: StoreContext,
    result: StoreResult,
) -> None:
    """Give `doc` its new address; the run report lists the move (changes.url, and status when
    a removed document is found at its new address). Only a move that also changed the content
    is a new version (so a digest shows it): a site moving to https or a new URL scheme does not
    list all its documents as updated there."""
    if ctx.fulltext is not None:
        ctx.fulltext.ready(doc.id)
    record = norm.record
    changes = document_changes(doc, norm)
    moved: dict[str, Any] = {"url": [doc.url, record.url]}
    if _see(doc, ctx.now):
        moved["status"] = ["removed", "active"]
    result.touched.add(doc.id)
    doc.canonical_url = norm.canonical_url
    doc.listing_url = canonical_url(record.listing_url or record.url)
    if changes:
        changes.update(moved)
        _apply_new_version(session, doc, norm, ctx, changes)
    else:
        doc.url = record.url
    if ctx.batch is not None:
        ctx.batch.by_url[norm.canonical_url] = doc
    _readdress_copies(session, doc)
    result.updated.append(_entry(doc, _public_changes(changes or moved)))


def _readdress_copies(session: Session, original: Document) -> None:
    """The duplicates of a moved original point at its new address (export's duplicate_of)."""
    members = session.scalars(select(Document).where(Document.cluster_id == original.id))
    for member in members:
        ref = member.duplicate_of or {}
        if member.id != original.id and ref.get("id") == original.id:
            member.duplicate_of = {**ref, "url": original.url}


def _original_to_displace(
    session: Session, duplicate: DuplicateRef | None, norm: NormalisedDocument, ctx: StoreContext
) -> Document | None:
    """The cluster's original, when it was first seen in this same run and published later.

    Sources are stored in whatever order they finish; between copies first seen in one run, the
    earliest published is the original, whichever source stored it first.
    """
    if duplicate is None or duplicate.seed or norm.record.published is None:
        return None
    original = session.get(Document, duplicate.id)
    if original is None or original.first_run_id != ctx.run_id or original.published is None:
        return None
    return original if norm.record.published < original.published else None


def _demote_cluster(
    session: Session, original: Document, norm: NormalisedDocument, similarity: float
) -> None:
    """Make `norm` the cluster's original: the old original and its duplicates point to it."""
    ref = {"id": norm.doc_id, "url": norm.record.url, "seed": False}
    members = session.scalars(select(Document).where(Document.cluster_id == original.id))
    for member in members:
        if member.id == norm.doc_id:
            continue
        measured = (member.duplicate_of or {}).get("similarity", similarity)
        member.duplicate_of = {**ref, "similarity": similarity if member is original else measured}
        member.cluster_id = norm.doc_id


def find_existing(
    session: Session, norm: NormalisedDocument, batch: StoreBatch | None = None
) -> Document | None:
    """The stored document with this canonical URL (or id), if any (from `batch` when it was
    looked up there and not inserted since)."""
    if batch is not None and norm.canonical_url not in batch.inserted:
        return batch.by_url.get(norm.canonical_url) or batch.by_id.get(norm.doc_id)
    found = session.scalars(
        select(Document).where(Document.canonical_url == norm.canonical_url)
    ).first()
    return found or session.get(Document, norm.doc_id)


def find_duplicate(
    session: Session,
    norm: NormalisedDocument,
    deduper: NearDuplicates,
    batch: StoreBatch | None = None,
) -> DuplicateRef | None:
    """Exact matches first (DOI, text hash; seeds before documents), then near duplicates. A
    short text matches only where the titles agree too (dedupe.short)."""
    short = deduper.is_short(norm)
    exact = _exact_duplicate(session, norm, batch, short)
    if exact is not None:
        return exact
    match = deduper.check(norm)
    if match is None or (short and not _title_agrees(session, match.key, norm)):
        return None
    return resolve_key(session, match.key, round(float(match.similarity), 4))


def _title_agrees(session: Session, key: str, norm: NormalisedDocument) -> bool:
    kind, _, ident = key.partition(":")
    doc = session.get(Document, ident) if kind == "doc" else None
    return doc is None or titles_agree(norm.record.title, doc.title)


def _exact_duplicate(
    session: Session, norm: NormalisedDocument, batch: StoreBatch | None = None, short: bool = False
) -> DuplicateRef | None:
    seed: SeedDocument | None = None
    if norm.text_hash == EMPTY_TEXT_HASH:
        pass  # every title-only record shares this hash: not evidence of anything
    elif batch is not None and id(norm.record) in batch.norms:
        seed = batch.seeds.get(norm.text_hash)
    else:
        seed = session.scalars(
            select(SeedDocument).where(SeedDocument.text_hash == norm.text_hash).limit(1)
        ).first()
    if seed is not None:
        return DuplicateRef(id=seed.id, url=seed.url or "", seed=True, similarity=1.0)
    lookups = [] if norm.text_hash == EMPTY_TEXT_HASH else [("text_hash", norm.text_hash)]
    if norm.record.doi:
        lookups.append(("doi", norm.record.doi))
    if lookups:
        session.flush()  # the Core statements below do not autoflush (a no-op when clean)
    for column, value in lookups:
        if column == "text_hash" and short:
            row = _earliest_same_titled(session, value, norm.record.title)
        else:
            row = session.execute(_EARLIEST_WITH[column], {"value": value}).first()
        if row is not None:
            return _root(row.id, row.url, row.duplicate_of, 1.0)
    return None


def _earliest_same_titled(session: Session, text_hash: str, title: str) -> Any:
    """The earliest document with this short text whose title agrees (dedupe.short): the same
    paywall stub or feed summary under other titles is other articles."""
    rows = session.execute(_SHORT_WITH_HASH, {"value": text_hash})
    return next((row for row in rows if titles_agree(title, row.title)), None)


# The earliest document with a text hash / DOI: the three columns root_of reads, statements built
# once (each check binds one value; a full ORM row would load the whole text). Core statements on
# the table, not ORM ones: the ORM's per-execution set-up cost more than the indexed lookup.
_EARLIEST_WITH = {
    column: select(_DOCUMENTS.c.id, _DOCUMENTS.c.url, _DOCUMENTS.c.duplicate_of)
    .where(_DOCUMENTS.c[column] == bindparam("value"))
    .order_by(_DOCUMENTS.c.first_seen)
    .limit(1)
    for column in ("text_hash", "doi")
}
_SHORT_WITH_HASH = (
    select(_DOCUMENTS.c.id, _DOCUMENTS.c.url, _DOCUMENTS.c.duplicate_of, _DOCUMENTS.c.title)
    .where(_DOCUMENTS.c.text_hash == bindparam("value"))
    .order_by(_DOCUMENTS.c.first_seen)
    .limit(20)
)


def resolve_key(session: Session, key: str, similarity: float) -> DuplicateRef | None:
    """Turn an index key ("doc:<id>" / "seed:<file>") into the root of its cluster."""
    kind, _, ident = key.partition(":")
    if kind == "seed":
        seed = session.get(SeedDocument, ident)
        return DuplicateRef(ident, seed.url or "" if seed else "", True, similarity)
    doc = session.get(Document, ident)
    return root_of(doc, similarity) if doc is not None else None


def root_of(doc: Document, similarity: float) -> DuplicateRef:
    """The earliest document of `doc`'s cluster: itself, or what it duplicates."""
    return _root(doc.id, doc.url, doc.duplicate_of, similarity)


def _root(
    ident: str, url: str, duplicate_of: dict[str, Any] | None, similarity: float
) -> DuplicateRef:
    if duplicate_of:
        ref = duplicate_of
        return DuplicateRef(ref["id"], ref["url"], bool(ref["seed"]), similarity)
    return DuplicateRef(ident, url, False, similarity)


def _insert_new(
    session: Session,
    source: str,
    norm: NormalisedDocument,
    tags: TagResult,
    duplicate: DuplicateRef | None,
    ctx: StoreContext,
) -> bool:
    values = _document_values(source, norm, tags, duplicate, ctx)
    if not insert_ignore_row(session, _DOCUMENTS, values):
        return False
    if ctx.fulltext is not None:
        ctx.fulltext.added(norm.doc_id)
    if ctx.batch is not None:
        ctx.batch.inserted.add(norm.canonical_url)
    _add_version(session, norm, 1, ctx, {})
    return True


def _document_values(
    source: str,
    norm: NormalisedDocument,
    tags: TagResult,
    duplicate: DuplicateRef | None,
    ctx: StoreContext,
) -> dict[str, Any]:
    record = norm.record
    return {
        "id": norm.doc_id,
        "source": source,
        "url": record.url,
        "canonical_url": norm.canonical_url,
        "listing_url": canonical_url(record.listing_url or record.url),
        "text_hash": norm.text_hash,
        "cluster_id": duplicate.id if duplicate else norm.doc_id,
        "duplicate_of": _ref_json(duplicate),
        "first_seen": ctx.now,
        "last_seen": ctx.now,
        "changed_at": ctx.now,
        "version": 1,
        "status": "active",
        "missing_runs": 0,
        "first_run_id": ctx.run_id,
        **_content_values(record, tags),
    }


def _content_values(record: DocumentRecord, tags: TagResult) -> dict[str, Any]:
    return {
        "title": record.title,
        "authors": list(record.authors),
        "published": record.published,
        "language": record.language,
        "doi": record.doi,
        "abstract": record.abstract,
        "keywords": list(record.keywords),
        "container": record.container,
        "text": record.text,
        "themes": [{"id": t.id, "score": t.score, "terms": list(t.terms)} for t in tags.themes],
        "regions": [{"id": r.id, "terms": list(r.terms)} for r in tags.regions],
        "extra": dict(record.extra),
    }


def _ref_json(ref: DuplicateRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"id": ref.id, "url": ref.url, "seed": ref.seed, "similarity": ref.similarity}


def _add_version(
    session: Session,
    norm: NormalisedDocument,
    version: int,
    ctx: StoreContext,
    changes: dict[str, Any],
) -> None:
    """A document_versions row: with the batch's rows (written last) or at once."""
    values = _version_values(norm, version, ctx, changes)
    if ctx.batch is not None:
        ctx.batch.versions.append(values)
    else:
        session.add(DocumentVersion(**values))


def _version_values(
    norm: NormalisedDocument, version: int, ctx: StoreContext, changes: dict[str, Any]
) -> dict[str, Any]:
    record = norm.record
    meta = {
        "published": record.published.isoformat() if record.published else None,
        "authors": list(record.authors),
        "url": record.url,
        "doi": record.doi,
    }
    return {
        "document_id": norm.doc_id,
        "version": version,
        "run_id": ctx.run_id,
        "created_at": ctx.now,
        "title": record.title,
        "text": record.text,
        "text_hash": norm.text_hash,
        "meta": meta,
        "changes": changes,
    }


def _seen_unread(doc: Document, ctx: StoreContext, result: StoreResult) -> None:
    """A stored document whose page could not be read this run, listed with what its listing
    says: still there (a removed one is back), but the listing's shorter title and summary are
    not a new version of the page (the fetch failure is in the source's warnings). Also another
    source's record of the document (_another_sources): seen there, not a new version."""
    result.touched.add(doc.id)
    _report_unchanged(doc, _see(doc, ctx.now), result)


def _another_sources(doc: Document, source: str, norm: NormalisedDocument) -> bool:
    """True when a record of `source` at `doc`'s address is another source's rendering of it,
    which only sees the document.

    Two sources can name one address (Crossref and OpenAlex give a work's landing page; two
    sections of a site list one article) with different renderings of it (an abstract or none,
    a summary or the page): were each to rewrite the document, every run would report it
    updated twice, its content flipping. Its own source follows its edits; another's record
    takes the document over only when it is richer (_richer), and fills in a document whose
    own page was never read (a feed entry's title alone).
    """
    if doc.source == source or (doc.extra or {}).get(PAGE_UNREAD):
        return False
    return not _richer(doc, norm)


def _richer(doc: Document, norm: NormalisedDocument) -> bool:
    """The record has all of the document's text and more (an abstract where it had none)."""
    if doc.text_hash == norm.text_hash or not norm.record.text.strip():
        return False
    change = text_changes(doc.text, norm.record.text)
    return bool(change["added"]) and not change["removed"]


def _update_or_take_over(
    session: Session,
    doc: Document,
    source: str,
    norm: NormalisedDocument,
    ctx: StoreContext,
    result: StoreResult,
) -> None:
    """_update_existing, by the document's own source or by a richer one taking it over; a
    document first stored this same run is listed new, not also updated."""
    first_seen_now = doc.source != source and doc.first_run_id == ctx.run_id
    doc.source = source
    listed = len(result.updated)
    _update_existing(session, doc, norm, ctx, result)
    if first_seen_now:
        del result.updated[listed:]


def _report_unchanged(doc: Document, came_back: bool, result: StoreResult) -> None:
    """A document seen with nothing new: counted unchanged, or listed as back if it was gone."""
    if came_back:
        result.updated.append(_entry(doc, {"status": ["removed", "active"]}))
    else:
        result.unchanged += 1


def _update_existing(
    session: Session,
    doc: Document,
    norm: NormalisedDocument,
    ctx: StoreContext,
    result: StoreResult,
) -> None:
    if ctx.fulltext is not None:
        ctx.fulltext.ready(doc.id)  # indexed before it may change (storage.fulltext)
    changes = document_changes(doc, norm)
    result.touched.add(doc.id)
    came_back = _see(doc, ctx.now)
    if not changes:
        _report_unchanged(doc, came_back, result)
        return
    copy_of = _first_page_is_a_copy(session, doc, norm, ctx)
    _apply_new_version(session, doc, norm, ctx, changes)
    if copy_of is not None:
        doc.duplicate_of, doc.cluster_id = _ref_json(copy_of), copy_of.id
        result.duplicates.append({"url": doc.url, "duplicate_of": _ref_json(copy_of)})
        return
    if came_back:
        changes["status"] = ["removed", "active"]
    result.updated.append(_entry(doc, _public_changes(changes)))


def _first_page_is_a_copy(
    session: Session, doc: Document, norm: NormalisedDocument, ctx: StoreContext
) -> DuplicateRef | None:
    """What a document stored from its listing alone (its page unread: a feed entry's title and
    summary) duplicates, now that its page is read: checked as a new document would be, since
    its stored text could not be; None when it is no copy (or was already one)."""
    if not (doc.extra or {}).get(PAGE_UNREAD) or doc.duplicate_of:
        return None
    found = find_duplicate(session, norm, ctx.deduper, ctx.batch)
    if found is None or found.id == doc.id:
        return None
    if _may_be_issue(found, norm) and new_issue(
        _same_source_members(session, doc.source, found), norm
    ):
        return None
    return found


def new_issue(same_source: list[Document], norm: NormalisedDocument) -> bool:
    """True when `norm`, a near copy of a cluster (one that _may_be_issue), is another issue of
    a series of its own source (dedupe.issues): the cluster holds documents of this source
    (`same_source`) and `norm` is a distinct issue of each. A cluster of other sources' pages
    only keeps it a duplicate: republications stay hidden."""
    record = norm.record
    return bool(same_source) and all(
        is_new_issue(
            record.title, record.published, record.text, doc.title, doc.published, doc.text
        )
        for doc in same_source
    )


def document_changes(doc: Document, norm: NormalisedDocument) -> dict[str, Any]:
    """Metadata old → new and text sentences added/removed; empty when nothing real changed."""
    record = norm.record
    old = {"title": doc.title, "published": _iso(doc.published), "authors": doc.authors}
    new = {"title": record.title, "published": _iso(record.published), "authors": record.authors}
    changes: dict[str, Any] = dict(metadata_changes(old, new))
    if doc.text_hash != norm.text_hash and record.text.strip():
        text = text_changes(doc.text, record.text)
        if text["added"] or text["removed"]:
            changes["text"] = text
    return changes


def _apply_new_version(
    session: Session,
    doc: Document,
    norm: NormalisedDocument,
    ctx: StoreContext,
    changes: dict[str, Any],
) -> None:
    record = norm.record
    if not record.text.strip():  # a feed-only fallback must not wipe a stored article text
        record.text = doc.text
    if not record.published and doc.published:
        record.published = doc.published
    tags = _tags(record, ctx)
    kept = returns.kept_of(doc.extra)  # the store's own notes outlive the page's extra
    for key, value in _content_values(record, tags).items():
        setattr(doc, key, value)
    doc.extra = {**doc.extra, **kept}
    doc.url, doc.text_hash, doc.changed_at = record.url, norm.text_hash, ctx.now
    doc.version += 1
    norm.doc_id = doc.id
    _add_version(session, norm, doc.version, ctx, changes)
    if "text" in changes:
        ctx.deduper.add(f"doc:{doc.id}", norm)


def _public_changes(changes: dict[str, Any]) -> dict[str, Any]:
    public = {k: v for k, v in changes.items() if k != "text"}
    if "text" in changes:
        text = changes["text"]
        public["text"] = {
            "added": text["added"],
            "removed": text["removed"],
            "excerpt_added": text["excerpt_added"],
            "excerpt_removed": text["excerpt_removed"],
        }
    return public


def _entry(doc: Document, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": doc.id, "url": doc.url, "title": doc.title}
    if changes is not None:
        entry["changes"] = changes
    return entry


def _report_new(
    result: StoreResult,
    norm: NormalisedDocument,
    tags: TagResult,
    duplicate: DuplicateRef | None,
) -> None:
    record = norm.record
    if duplicate is not None:
        result.duplicates.append({"url": record.url, "duplicate_of": _ref_json(duplicate)})
        return
    result.new.append(
        {
            "id": norm.doc_id,
            "url": record.url,
            "title": record.title,
            "themes": [theme.id for theme in tags.themes],
            "regions": [region.id for region in tags.regions],
            "published": _iso(record.published),
        }
    )


def reconcile_new(session: Session, result: StoreResult) -> None:
    """Move 'new' entries whose document became a duplicate later in the run to duplicates."""
    still_new = []
    for entry in result.new:
        doc = session.get(Document, entry["id"])
        if doc is not None and doc.duplicate_of:
            result.duplicates.append({"url": doc.url, "duplicate_of": dict(doc.duplicate_of)})
        else:
            still_new.append(entry)
    result.new = still_new


def mark_missing(
    session: Session,
    source: str,
    kind: str,
    listed_urls: list[str],
    complete: bool,
    ctx: StoreContext,
    result: StoreResult,
    gone: frozenset[str] = frozenset(),
) -> tuple[list[dict[str, Any]], int]:
    """Count runs in a row a document is missing from its listing; `removed` at the limit.

    A windowed listing (a feed, the first pages of a site) drops old items as new ones arrive;
    only documents at least as recent as the oldest listed one count as missing there, and
    those it still names whose page is `gone` (canonical URLs: 404, 410, a redirect home).
    Returns the removed documents and how many listed ones were not re-parsed (unchanged).
    """
    if kind in NO_REMOVAL_KINDS:
        return [], 0
    listed = {canonical_url(url) for url in listed_urls}
    known = list(session.scalars(select(Document).where(Document.source == source).options(_MARK)))
    present = [d for d in known if d.canonical_url in listed or d.listing_url in listed]
    _reactivate(present, ctx, result)
    _touch_present(session, present, ctx.now)
    active = [d for d in known if d.status == "active"]
    oldest = _oldest_date(present)
    removed: list[dict[str, Any]] = []
    for doc in active:
        if doc.canonical_url in listed or doc.listing_url in listed:
            continue
        named = doc.canonical_url in gone or doc.listing_url in gone
        if not (complete or named) and (
            oldest is None or doc.published is None or doc.published < oldest
        ):
            continue
        doc.missing_runs += 1
        if doc.missing_runs >= ctx.removed_after:
            doc.status, doc.removed_at = "removed", ctx.now
            removed.append(_entry(doc))
            hand_over_cluster(session, doc)
    return removed, sum(1 for doc in present if doc.id not in result.touched)


# What mark_missing reads and writes of every document of a source: not the texts (whose rows
# would be read and made ORM objects, JSON fields decoded, only to count missing runs).
_MARK = load_only(
    Document.id,
    Document.url,
    Document.title,
    Document.canonical_url,
    Document.listing_url,
    Document.status,
    Document.published,
    Document.missing_runs,
    Document.removed_at,
    Document.last_seen,
    Document.duplicate_of,  # hand_over_cluster reads these of a removed document
    Document.cluster_id,
)


def hand_over_cluster(session: Session, gone: Document) -> None:
    """A removed original whose copies live on hands them the cluster: its earliest active
    duplicate becomes the canonical document, it and the other copies its duplicates. The
    article is still to be read (the digest does not list it removed) and every duplicate_of
    points at an address that answers."""
    if gone.duplicate_of:
        return  # a copy itself (of a document or a seed): the cluster's root is elsewhere
    members = list(
        session.scalars(
            select(Document)
            .where(Document.cluster_id == gone.id, Document.id != gone.id)
            .order_by(Document.first_seen, Document.id)
        )
    )
    heir = next((doc for doc in members if doc.status == "active"), None)
    if heir is None:
        return
    similarity = float((heir.duplicate_of or {}).get("similarity", 1.0))
    ref = {"id": heir.id, "url": heir.url, "seed": False}
    heir.duplicate_of, heir.cluster_id = None, heir.id
    gone.duplicate_of, gone.cluster_id = {**ref, "similarity": similarity}, heir.id
    for member in members:
        if member is not heir:
            measured = (member.duplicate_of or {}).get("similarity", similarity)
            member.duplicate_of, member.cluster_id = {**ref, "similarity": measured}, heir.id


def _reactivate(present: list[Document], ctx: StoreContext, result: StoreResult) -> None:
    """A removed document listed again (even unchanged, 304) is active again: same row."""
    for doc in present:
        if doc.status == "removed":
            _note_return(doc, ctx.now)
            doc.status, doc.removed_at = "active", None
            result.updated.append(_entry(doc, {"status": ["removed", "active"]}))
            result.touched.add(doc.id)


def _see(doc: Document, now: dt.datetime) -> bool:
    """`doc` is on its site now: active, seen, missing no run. True when it was removed (its
    return is noted first, while its removal time is still there)."""
    came_back = doc.status == "removed"
    if came_back:
        _note_return(doc, now)
    doc.last_seen, doc.missing_runs, doc.status, doc.removed_at = now, 0, "active", None
    return came_back


def _note_return(doc: Document, now: dt.datetime) -> None:
    """Record that a removed document is back, before its removal time is cleared: a digest
    that listed it as removed then says it is back (storage.returns)."""
    doc.extra = returns.with_return(doc.extra, doc.removed_at, now)


def _touch_present(session: Session, present: list[Document], now: dt.datetime) -> None:
    ids = [doc.id for doc in present]
    for chunk in range(0, len(ids), 500):
        session.execute(
            update(Document)
            .where(Document.id.in_(ids[chunk : chunk + 500]))
            .values(missing_runs=0, last_seen=now)
            .execution_options(synchronize_session=False)
        )
    for doc in present:
        doc.missing_runs, doc.last_seen = 0, now


def _oldest_date(docs: list[Document]) -> dt.date | None:
    dates = [doc.published for doc in docs if doc.published is not None]
    return min(dates) if dates else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
