"""What the document and sources pages show, read from the store with bounded queries.

Document page: metadata, matched terms per theme and region, the text (cut at MAX_TEXT_CHARS),
its versions newest first with field changes (as stored) and sentence diffs (recomputed between
consecutive stored texts, so they are complete, not the few excerpts the digest keeps), its
duplicates ("also at") and, for a duplicate, its original.

Sources page: each source's health (status, last good run, failures in a row), its streak over the
recent runs' reports, and the documents it first stored per ISO week.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agglowatch.textnorm import fold
from reports.labels import Labels
from storage.changes import sentences
from storage.digest_store import as_utc
from storage.models import Document, DocumentVersion, Run, SeedDocument, Source

MAX_TEXT_CHARS = 200_000
MAX_VERSIONS = 30
MAX_DUPLICATES = 100
MAX_DIFF_SENTENCES = 200
STREAK_RUNS = 30
YIELD_WEEKS = 8
GOOD_STATUSES = ("ok", "not_modified")
FIELDS = ("title", "published", "authors", "status")


@dataclass(frozen=True, slots=True)
class Matched:
    id: str
    label: str
    score: float | None
    terms: list[str]


@dataclass(frozen=True, slots=True)
class SentenceChange:
    kind: str  # "added" | "removed"
    text: str


@dataclass(frozen=True, slots=True)
class VersionView:
    version: int
    created_at: dt.datetime
    run_id: str | None
    title: str
    fields: list[tuple[str, str, str]]  # (field, old, new)
    sentences: list[SentenceChange]
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Related:
    """Another stored document (or a seed) linked from this one."""

    id: str | None  # a document id to link to its page; None for a seed
    url: str | None
    title: str
    source: str | None = None
    seed: bool = False
    similarity: float | None = None
    first_seen: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentPage:
    doc: Document
    text: str
    text_cut: bool
    themes: list[Matched]
    regions: list[Matched]
    versions: list[VersionView]
    also_at: list[Related]
    original: Related | None


def document_page(session: Session, doc_id: str, labels: Labels) -> DocumentPage | None:
    doc = session.get(Document, doc_id)
    if doc is None:
        return None
    text = doc.text or ""
    return DocumentPage(
        doc=doc,
        text=text[:MAX_TEXT_CHARS],
        text_cut=len(text) > MAX_TEXT_CHARS,
        themes=_matched(doc.themes, labels.theme),
        regions=_matched(doc.regions, labels.region),
        versions=versions(session, doc_id),
        also_at=_also_at(session, doc_id),
        original=_original(session, doc.duplicate_of),
    )


def _matched(items: Any, label: Any) -> list[Matched]:
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("id"):
            score = item.get("score")
            terms = [str(t) for t in item.get("terms") or [] if isinstance(t, str)]
            found.append(
                Matched(
                    id=str(item["id"]),
                    label=label(str(item["id"])).text,
                    score=float(score) if isinstance(score, int | float) else None,
                    terms=terms,
                )
            )
    return found


def versions(session: Session, doc_id: str) -> list[VersionView]:
    """The newest MAX_VERSIONS versions, newest first, each diffed against the one before."""
    rows = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == doc_id)
        .order_by(DocumentVersion.version.desc())
        .limit(MAX_VERSIONS + 1)
    ).all()
    views: list[VersionView] = []
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        if len(views) == MAX_VERSIONS:
            break
        diff, cut = sentence_diff(older.text, newer.text) if older else ([], False)
        views.append(
            VersionView(
                version=newer.version,
                created_at=as_utc(newer.created_at),
                run_id=newer.run_id,
                title=newer.title,
                fields=_field_changes(newer.changes),
                sentences=diff,
                truncated=cut,
            )
        )
    return views


def _field_changes(changes: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    found = []
    for name in FIELDS:
        value = (changes or {}).get(name)
        if isinstance(value, list) and len(value) == 2:
            found.append((name, _shown(value[0]), _shown(value[1])))
    return found


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def sentence_diff(old: str, new: str) -> tuple[list[SentenceChange], bool]:
    """Removed and added sentences in text order (compared on their folded form, like the store).

    Returns the changes (at most MAX_DIFF_SENTENCES) and whether there were more.
    """
    before, after = sentences(old), sentences(new)
    matcher = difflib.SequenceMatcher(
        a=[_key(s) for s in before], b=[_key(s) for s in after], autojunk=False
    )
    changes: list[SentenceChange] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        changes += [SentenceChange("removed", s) for s in before[i1:i2]]
        changes += [SentenceChange("added", s) for s in after[j1:j2]]
    return changes[:MAX_DIFF_SENTENCES], len(changes) > MAX_DIFF_SENTENCES


def _key(sentence: str) -> str:
    return re.sub(r"[\W_]+", "", fold(sentence))


def _also_at(session: Session, doc_id: str) -> list[Related]:
    target = Document.duplicate_of["id"].as_string()
    rows = session.execute(
        select(Document.id, Document.url, Document.title, Document.source, Document.first_seen)
        .where(target == doc_id)
        .order_by(Document.first_seen, Document.id)
        .limit(MAX_DUPLICATES)
    )
    return [Related(id=i, url=u, title=t, source=s, first_seen=as_utc(f)) for i, u, t, s, f in rows]


def _original(session: Session, ref: Any) -> Related | None:
    """What a duplicate duplicates: a stored document, or a seed."""
    if not isinstance(ref, dict) or not ref.get("id"):
        return None
    similarity = ref.get("similarity")
    score = float(similarity) if isinstance(similarity, int | float) else None
    if ref.get("seed"):
        seed = session.get(SeedDocument, str(ref["id"]))
        title = seed.title if seed else str(ref["id"])
        url = (seed.url if seed else None) or ref.get("url")
        return Related(None, url, title, seed=True, similarity=score)
    doc = session.get(Document, str(ref["id"]))
    if doc is None:
        return Related(None, ref.get("url"), str(ref["id"]), similarity=score)
    return Related(doc.id, doc.url, doc.title, doc.source, similarity=score)


# --- sources ----------------------------------------------------------------------------------


@dataclass(slots=True)
class SourceRow:
    name: str
    kind: str
    status: str | None
    last_run_at: dt.datetime | None
    last_ok_at: dt.datetime | None
    failures_in_row: int
    last_error: str | None
    streak: tuple[str, int] | None = None  # (the latest status, runs in a row with it)
    recent: list[str] = field(default_factory=list)  # statuses of the recent runs, newest first
    weekly: list[int] = field(default_factory=list)  # documents first stored, per week
    documents: int = 0


@dataclass(frozen=True, slots=True)
class SourcesPage:
    weeks: list[str]
    sources: list[SourceRow]


def sources_page(session: Session, now: dt.datetime, weeks: int = YIELD_WEEKS) -> SourcesPage:
    rows = {
        s.name: SourceRow(
            name=s.name,
            kind=s.kind,
            status=s.last_status,
            last_run_at=as_utc(s.last_run_at) if s.last_run_at else None,
            last_ok_at=as_utc(s.last_ok_at) if s.last_ok_at else None,
            failures_in_row=s.failures_in_row or 0,
            last_error=s.last_error,
        )
        for s in session.scalars(select(Source).order_by(Source.name).limit(1000))
    }
    _add_streaks(session, rows)
    labels = _add_yield(session, rows, as_utc(now), weeks)
    return SourcesPage(weeks=labels, sources=list(rows.values()))


def _add_streaks(session: Session, rows: Mapping[str, SourceRow]) -> None:
    """Each source's statuses over the last STREAK_RUNS runs' reports, and its current streak."""
    per_run = session.scalars(  # only the reports' "sources" lists, not their document lists
        select(Run.report["sources"]).order_by(Run.started.desc()).limit(STREAK_RUNS)
    )
    for listed in per_run:
        for entry in listed if isinstance(listed, list) else []:
            row = rows.get(str(entry.get("name"))) if isinstance(entry, dict) else None
            if row is not None and entry.get("status"):
                row.recent.append(str(entry["status"]))
    for row in rows.values():
        row.streak = streak(row.recent)


def streak(statuses: Sequence[str]) -> tuple[str, int] | None:
    """The newest status and how many runs in a row (newest first) were as good or as bad."""
    if not statuses:
        return None
    good = statuses[0] in GOOD_STATUSES
    count = 0
    for status in statuses:
        if (status in GOOD_STATUSES) != good:
            break
        count += 1
    return statuses[0], count


def _add_yield(
    session: Session, rows: Mapping[str, SourceRow], now: dt.datetime, weeks: int
) -> list[str]:
    """Non-duplicate documents first stored per ISO week (UTC), counted per day in SQL."""
    monday = now.date() - dt.timedelta(days=now.weekday())
    first_day = monday - dt.timedelta(weeks=weeks - 1)
    start = dt.datetime.combine(first_day, dt.time(), dt.UTC)
    day = func.date(Document.first_seen)
    counts = session.execute(
        select(Document.source, day, func.count())
        .where(
            Document.first_seen >= start,
            Document.duplicate_of["id"].as_string().is_(None),
        )
        .group_by(Document.source, day)
    )
    for name, when, count in counts:
        row = rows.get(name)
        if row is None:
            continue
        if not row.weekly:
            row.weekly = [0] * weeks
        index = (_as_date(when) - first_day).days // 7
        if 0 <= index < weeks:
            row.weekly[index] += int(count)
    totals = session.execute(
        select(Document.source, func.count())
        .where(Document.duplicate_of["id"].as_string().is_(None))
        .group_by(Document.source)
    )
    for name, count in totals:
        if name in rows:
            rows[name].documents = int(count)
    for row in rows.values():
        row.weekly = row.weekly or [0] * weeks
    return [_week(first_day + dt.timedelta(weeks=i)) for i in range(weeks)]


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
