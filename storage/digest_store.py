"""The store's side of digests: collect a window [start, end), the watermark, recorded digests.

A digest window is half-open, so consecutive windows sharing an end/start instant never show a
document twice or drop one at the seam. Times are UTC: SQLite hands back naive datetimes (it
stores the UTC wall time), PostgreSQL aware ones; `as_utc` makes both aware, and every bound passed
to a query is converted to UTC first so both back-ends compare the same instants.

What the window holds:
- new: non-duplicate documents first stored in the window; duplicates are never new, their URLs
  are listed under the original as `also_at` (whenever the duplicate was found);
- updated: documents with versions >= 2 stored in the window (several versions are merged into one
  change set), except documents that are new in the same window or are duplicates; and documents
  back on their site after a removal noticed before the window (changes.status removed → active,
  storage.returns), so a reader told a document was removed is told it is back;
- removed: non-duplicate documents whose removal was noticed in the window and that are still
  removed; a document both new and removed in one window is listed once, as new, marked removed;
- broken_sources: sources whose last run ended broken, error or empty (current health).

Links are the documents' final URLs without tracking parameters (dedupe.normalise.without_tracking):
a document first found through a share link keeps its utm_* in `url` (export), not in a digest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from dedupe.normalise import without_tracking
from storage import returns
from storage.changes import text_changes
from storage.models import Digest, Document, DocumentVersion, Run, Source

LEAD_CHARS = 600  # of the text kept as a lead when a document has no abstract
RUN_STALE_AFTER = dt.timedelta(hours=6)  # a 'running' run older than this is presumed dead
TROUBLED = ("broken", "error", "empty")
MAX_EXCERPTS = 3
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class NewDocument:
    id: str
    url: str
    title: str
    source: str
    published: dt.date | None
    language: str | None
    summary: str  # the abstract, else the start of the text (up to LEAD_CHARS)
    themes: list[dict[str, Any]]  # [{"id", "score", "terms"}], as stored
    regions: list[dict[str, Any]]  # [{"id", "terms"}]
    first_seen: dt.datetime
    status: str  # "active" | "removed"
    also_at: list[str] = field(default_factory=list)  # URLs of its duplicates, oldest first


@dataclass(frozen=True, slots=True)
class UpdatedDocument:
    id: str
    url: str
    title: str
    source: str
    version: int  # the newest version stored in the window
    changed_at: dt.datetime
    changes: dict[str, Any]  # merged over the window's versions, same shape as one version's


@dataclass(frozen=True, slots=True)
class RemovedDocument:
    id: str
    url: str
    title: str
    source: str
    removed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SourceHealth:
    name: str
    status: str  # broken | error | empty
    failures_in_row: int
    last_ok_at: dt.datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class DigestData:
    """Everything a digest shows about the window [start, end)."""

    start: dt.datetime
    end: dt.datetime
    new: list[NewDocument]
    updated: list[UpdatedDocument]
    removed: list[RemovedDocument]
    broken_sources: list[SourceHealth]


@dataclass(frozen=True, slots=True)
class ChartData:
    """Documents first stored per ISO week, per primary theme ("other" when untagged)."""

    weeks: list[str]  # "2026-W03", oldest first
    counts: dict[str, list[int]]  # theme id -> one count per week


def as_utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def primary_theme(themes: Any) -> str | None:
    """The top-scoring theme id (the first listed on a tie), or None when untagged."""
    best: tuple[float, str] | None = None
    for theme in themes if isinstance(themes, list) else []:
        if not isinstance(theme, Mapping) or not isinstance(theme.get("id"), str):
            continue
        score = _float(theme.get("score"))
        if best is None or score > best[0]:
            best = (score, theme["id"])
    return best[1] if best else None


def collect_window(session: Session, start: dt.datetime, end: dt.datetime) -> DigestData:
    start, end = as_utc(start), as_utc(end)
    new = _new_documents(session, start, end)
    new_ids = {doc.id for doc in new}
    return DigestData(
        start=start,
        end=end,
        new=new,
        updated=_with_returns(
            session, start, end, _updated_documents(session, start, end, new_ids)
        ),
        removed=[d for d in _removed_documents(session, start, end) if d.id not in new_ids],
        broken_sources=troubled_sources(session),
    )


def _new_documents(session: Session, start: dt.datetime, end: dt.datetime) -> list[NewDocument]:
    lead = func.substr(Document.text, 1, LEAD_CHARS)
    rows = session.execute(
        select(Document, lead)
        .options(_without_text())
        .where(Document.first_seen >= start, Document.first_seen < end)
        .order_by(Document.first_seen, Document.id)
    ).all()
    originals = [(doc, text) for doc, text in rows if not doc.duplicate_of]
    shown = _clusters_seen_before(session, [doc.id for doc, _ in originals], start)
    originals = [(doc, text) for doc, text in originals if doc.id not in shown]
    also_at = _duplicate_urls(session, [doc.id for doc, _ in originals])
    return [
        NewDocument(
            id=doc.id,
            url=without_tracking(doc.url),
            title=doc.title,
            source=doc.source,
            published=doc.published,
            language=doc.language,
            summary=(doc.abstract or "").strip() or (text or "").strip(),
            themes=[t for t in doc.themes or [] if isinstance(t, dict)],
            regions=[r for r in doc.regions or [] if isinstance(r, dict)],
            first_seen=as_utc(doc.first_seen),
            status=doc.status,
            also_at=[u for u in also_at.get(doc.id, []) if u != without_tracking(doc.url)],
        )
        for doc, text in originals
    ]


def _clusters_seen_before(session: Session, ids: Sequence[str], start: dt.datetime) -> set[str]:
    """The ids among `ids` whose cluster holds a document first seen before the window: an
    original that took over from one (storage.store.hand_over_cluster) is an article an
    earlier window already had, not a new one."""
    seen: set[str] = set()
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Document.cluster_id)
            .where(
                Document.cluster_id.in_(chunk),
                Document.id != Document.cluster_id,
                Document.first_seen < start,
            )
            .distinct()
        )
        seen.update(str(cluster) for (cluster,) in rows)
    return seen


def _without_text() -> Any:
    """Load option: the full text is large and never shown; the lead is read with substr."""
    return defer(Document.text)


def _duplicate_urls(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """URLs of the stored duplicates of each id (duplicate_of.id == id), oldest first."""
    found: dict[str, list[str]] = {}
    target = Document.duplicate_of["id"].as_string()
    for chunk in _chunks(ids):
        rows = session.execute(
            select(target, Document.url)
            .where(target.in_(chunk))
            .order_by(Document.first_seen, Document.id)
        ).all()
        for original, stored in rows:
            urls = found.setdefault(str(original), [])
            url = without_tracking(stored)
            if url not in urls:
                urls.append(url)
    return found


def _updated_documents(
    session: Session, start: dt.datetime, end: dt.datetime, new_ids: set[str]
) -> list[UpdatedDocument]:
    versions = session.execute(
        select(DocumentVersion)
        .where(
            DocumentVersion.created_at >= start,
            DocumentVersion.created_at < end,
            DocumentVersion.version >= 2,
        )
        .order_by(DocumentVersion.document_id, DocumentVersion.version)
    ).scalars()
    steps: dict[str, list[DocumentVersion]] = {}
    for version in versions:
        if version.document_id not in new_ids:
            steps.setdefault(version.document_id, []).append(version)
    docs = _documents_by_id(session, list(steps))
    updated = []
    for doc_id, history in steps.items():
        doc = docs.get(doc_id)
        if doc is None or doc.duplicate_of:
            continue
        changes = window_changes(session, history)
        if not changes:
            continue  # changed and changed back within the window: as the last digest showed it
        last = history[-1]
        updated.append(_updated(doc, last.version, as_utc(last.created_at), changes))
    return sorted(updated, key=lambda u: (u.changed_at, u.id))


def _updated(
    doc: Document, version: int, changed_at: dt.datetime, changes: dict[str, Any]
) -> UpdatedDocument:
    return UpdatedDocument(
        id=doc.id,
        url=without_tracking(doc.url),
        title=doc.title,
        source=doc.source,
        version=version,
        changed_at=changed_at,
        changes=changes,
    )


def _with_returns(
    session: Session, start: dt.datetime, end: dt.datetime, updated: list[UpdatedDocument]
) -> list[UpdatedDocument]:
    """`updated` plus the documents back in the window after a removal noticed before it
    (storage.returns): changes.status removed → active, beside any content change."""
    back = _returned_documents(session, start, end)
    if not back:
        return updated
    status = {"status": ["removed", "active"]}
    merged = [replace(u, changes={**u.changes, **status}) if u.id in back else u for u in updated]
    listed = {u.id for u in updated}
    for doc_id, (doc, at) in back.items():
        if doc_id not in listed:
            merged.append(_updated(doc, doc.version, at, dict(status)))
    return sorted(merged, key=lambda u: (u.changed_at, u.id))


def _returned_documents(
    session: Session, start: dt.datetime, end: dt.datetime
) -> dict[str, tuple[Document, dt.datetime]]:
    """Active originals whose return ended, in the window, a removal noticed before it."""
    returned_at = Document.extra[returns.RETURNED_AT].as_string()
    docs = session.scalars(
        select(Document)
        .options(_without_text())
        .where(
            Document.status == "active",
            Document.last_seen >= start,
            returned_at >= returns.stamp(start),
        )
    )
    return {
        doc.id: (doc, _parse_time(doc.extra[returns.RETURNED_AT]))
        for doc in docs
        if not doc.duplicate_of and returns.returned_in(doc.extra, start, end)
    }


def window_changes(session: Session, history: Sequence[DocumentVersion]) -> dict[str, Any]:
    """What changed over a window's versions of one document, as the window's reader sees it:
    from the state before the window to the last one.

    Fields are folded by merge_changes. The text, when it changed in several versions, is
    compared again between the version before the window and the last one: adding up each
    step's counts would report an edit and its revert as a change (a paragraph added and the
    same one removed) and a rewritten addition as two additions and a removal.
    """
    merged = merge_changes(v.changes for v in history)
    if sum(1 for v in history if "text" in (v.changes or {})) < 2:
        return merged
    before = session.execute(
        select(DocumentVersion.text, DocumentVersion.text_hash).where(
            DocumentVersion.document_id == history[0].document_id,
            DocumentVersion.version == history[0].version - 1,
        )
    ).first()
    if before is None:
        return merged  # no earlier state kept: the steps' own counts are all there is
    merged.pop("text", None)
    if before.text_hash != history[-1].text_hash:
        net = text_changes(before.text, history[-1].text)
        if net["added"] or net["removed"]:
            merged["text"] = _trimmed_excerpts(net)
    return merged


def _trimmed_excerpts(text: dict[str, Any]) -> dict[str, Any]:
    """A text change in merge_changes' shape: counts, and only the excerpt lists that have some."""
    kept: dict[str, Any] = {"added": text["added"], "removed": text["removed"]}
    for key in ("excerpt_added", "excerpt_removed"):
        if text.get(key):
            kept[key] = list(text[key][:MAX_EXCERPTS])
    return kept


def _documents_by_id(session: Session, ids: Sequence[str]) -> dict[str, Document]:
    found: dict[str, Document] = {}
    for chunk in _chunks(ids):
        query = select(Document).options(_without_text()).where(Document.id.in_(chunk))
        found.update((doc.id, doc) for doc in session.scalars(query))
    return found


def merge_changes(steps: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Fold consecutive versions' changes: fields keep the first old and last new value (dropped
    when they end where they started); text counts add up, excerpts are kept (a few)."""
    merged: dict[str, Any] = {}
    for changes in steps:
        for key, value in (changes or {}).items():
            if key == "text" and isinstance(value, Mapping):
                _merge_text(merged.setdefault("text", {"added": 0, "removed": 0}), value)
            elif isinstance(value, list) and len(value) == 2:
                previous = merged.get(key)
                old = previous[0] if isinstance(previous, list) else value[0]
                merged[key] = [old, value[1]]
            else:
                merged[key] = value
    return {
        key: value
        for key, value in merged.items()
        if not (isinstance(value, list) and len(value) == 2 and value[0] == value[1])
    }


def _merge_text(total: dict[str, Any], step: Mapping[str, Any]) -> None:
    total["added"] += int(_float(step.get("added")))
    total["removed"] += int(_float(step.get("removed")))
    for key in ("excerpt_added", "excerpt_removed"):
        excerpts = step.get(key)
        if isinstance(excerpts, list) and excerpts:
            kept = total.setdefault(key, [])
            kept.extend(str(e) for e in excerpts[: MAX_EXCERPTS - len(kept)])


def _removed_documents(
    session: Session, start: dt.datetime, end: dt.datetime
) -> list[RemovedDocument]:
    docs = session.scalars(
        select(Document)
        .options(_without_text())
        .where(
            Document.status == "removed",
            Document.removed_at >= start,
            Document.removed_at < end,
        )
        .order_by(Document.removed_at, Document.id)
    )
    return [
        RemovedDocument(
            id=doc.id,
            url=without_tracking(doc.url),
            title=doc.title,
            source=doc.source,
            removed_at=as_utc(doc.removed_at or end),
        )
        for doc in docs
        if not doc.duplicate_of
    ]


def troubled_sources(session: Session) -> list[SourceHealth]:
    """Sources whose last run ended broken, error or empty; broken first."""
    sources = session.scalars(select(Source).where(Source.last_status.in_(TROUBLED)))
    health = [
        SourceHealth(
            name=s.name,
            status=s.last_status or "error",
            failures_in_row=s.failures_in_row or 0,
            last_ok_at=as_utc(s.last_ok_at) if s.last_ok_at else None,
            last_error=s.last_error,
        )
        for s in sources
    ]
    return sorted(health, key=lambda h: (TROUBLED.index(h.status), h.name))


def watermark(session: Session) -> dt.datetime | None:
    """The end of the newest digest that moves the watermark (not an explicit --since one)."""
    value = session.scalar(
        select(func.max(Digest.window_to)).where(Digest.explicit_since.is_(False))
    )
    return as_utc(value) if value is not None else None


def first_activity(session: Session) -> dt.datetime | None:
    """When the store first saw anything: the first run's start or the first document."""
    candidates = [
        session.scalar(select(func.min(Run.started))),
        session.scalar(select(func.min(Document.first_seen))),
        session.scalar(select(func.min(Document.removed_at))),
        session.scalar(select(func.min(DocumentVersion.created_at))),
    ]
    found = [as_utc(c) for c in candidates if c is not None]
    return min(found) if found else None


def settled_until(session: Session, now: dt.datetime) -> dt.datetime:
    """`now`, or the start of a monitor run still in progress if earlier.

    A run stamps first_seen when it stores a document but commits later; a digest ending at `now`
    could move the watermark past a document not yet visible, which would then never be shown. A
    run marked running but silent for RUN_STALE_AFTER is presumed dead and no longer holds it back.
    """
    now = as_utc(now)
    alive_since = now - RUN_STALE_AFTER
    started = session.scalar(
        select(func.min(Run.started)).where(
            Run.status == "running",
            func.coalesce(Run.heartbeat, Run.started) >= alive_since,
        )
    )
    return min(now, as_utc(started)) if started is not None else now


def record_digest(
    session: Session, payload: Mapping[str, Any], files: Sequence[Path | str], explicit_since: bool
) -> Digest:
    """Store a built digest; unless `explicit_since`, its window end becomes the watermark.

    `explicit_since` marks any digest that must not move the watermark: an explicit --since, or a
    preview built without sending while email is configured.
    """
    window = payload["window"]
    row = Digest(
        id=str(payload["id"]),
        window_from=as_utc(_parse_time(window["from"])),
        window_to=as_utc(_parse_time(window["to"])),
        generated=as_utc(_parse_time(payload["generated"])),
        explicit_since=explicit_since,
        payload=dict(payload),
        files=[str(f) for f in files],
    )
    session.add(row)
    session.flush()
    return row


def update_digest_payload(session: Session, digest_id: str, payload: Mapping[str, Any]) -> None:
    """Replace a recorded digest's payload (its "delivered" part is filled after sending)."""
    row = session.get(Digest, digest_id)
    if row is not None:
        row.payload = dict(payload)
        row.files = list(payload.get("delivered", {}).get("files", row.files))


def mark_email_status(session: Session, digest_id: str, status: str) -> Digest | None:
    """Set an earlier digest's delivered.email (its queued message went out with a later one)."""
    row = session.get(Digest, digest_id)
    if row is None:
        return None
    payload = dict(row.payload)
    payload["delivered"] = {**payload.get("delivered", {}), "email": status}
    row.payload = payload
    return row


def feed_payloads(session: Session, limit: int) -> list[dict[str, Any]]:
    """Payloads of the newest watermark digests that showed something, newest first."""
    query = (
        select(Digest.payload)
        .where(Digest.explicit_since.is_(False))
        .order_by(Digest.window_to.desc(), Digest.generated.desc())
        .execution_options(yield_per=50)
    )
    found: list[dict[str, Any]] = []
    for payload in session.scalars(query):
        if isinstance(payload, dict) and has_content(payload):
            found.append(payload)
            if len(found) >= limit:
                break
    return found


def has_content(payload: Mapping[str, Any]) -> bool:
    """A digest shows something when it has new, updated or removed documents."""
    stats = payload.get("stats") or {}
    return any(int(_float(stats.get(k))) > 0 for k in ("documents", "updated", "removed"))


def theme_weeks(session: Session, now: dt.datetime, weeks: int) -> ChartData:
    """Non-duplicate documents first stored per ISO week (UTC), the `weeks` weeks up to `now`."""
    now = as_utc(now)
    monday = now.date() - dt.timedelta(days=now.weekday())
    first = dt.datetime.combine(monday - dt.timedelta(weeks=weeks - 1), dt.time(), dt.UTC)
    labels = [_iso_week(first + dt.timedelta(weeks=i)) for i in range(weeks)]
    counts: dict[str, list[int]] = {}
    rows = session.execute(
        select(Document.first_seen, Document.themes, Document.duplicate_of).where(
            Document.first_seen >= first, Document.first_seen <= now
        )
    )
    for first_seen, themes, duplicate_of in rows:
        if duplicate_of:
            continue
        week = _iso_week(as_utc(first_seen))
        if week in labels:
            series = counts.setdefault(primary_theme(themes) or "other", [0] * weeks)
            series[labels.index(week)] += 1
    return ChartData(weeks=labels, counts=counts)


def _iso_week(moment: dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _parse_time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _IN_CHUNK):
        yield items[i : i + _IN_CHUNK]
