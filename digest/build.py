"""The digest as data: the spec's digest JSON, plus what readers need beyond it.

Grouping: each document appears once, under its top-scoring theme (the first listed on a tie),
and its other themes are named on the entry ("themes": primary first). Readers scan by theme and
would otherwise meet the same document two or three times; untagged documents go to "other".
Within a theme, documents are grouped by region (the document's first region, in taxonomy order;
no region last), and within each group ranked by relevance (digest.relevance: the score of the
group's theme and the affinity to the seed corpus), most relevant first, then newest publication
date, then title.

Keys beyond the spec: "title", per entry "themes", "terms", "summary", "language", "first_seen",
"status", "relevance", "seed_affinity"; per theme "label_en"/"label_zh"; "updated", "removed",
"broken_sources" and "chart"; stats "updated", "removed", "also_at".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from agglowatch.config import DigestSettings
from digest.relevance import Profile, relevance, seed_affinity, theme_scores
from reports.labels import OTHER, Labels
from reports.markup import one_line, shorten
from storage.digest_store import (
    ChartData,
    DigestData,
    NewDocument,
    RemovedDocument,
    SourceHealth,
    UpdatedDocument,
    as_utc,
    primary_theme,
)

SUMMARY_CHARS = 200  # display columns: about two lines of the HTML email
MAX_TERMS = 8


def new_digest_id(generated: dt.datetime) -> str:
    """Sortable and unique even for two digests in the same second."""
    return f"{as_utc(generated):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def build_digest(
    data: DigestData,
    settings: DigestSettings,
    window: tuple[dt.datetime, dt.datetime],
    generated: dt.datetime,
    labels: Labels,
    *,
    digest_id: str | None = None,
    chart: ChartData | None = None,
    seeds: Sequence[Profile] = (),
) -> dict[str, Any]:
    """The digest dict; "delivered" is filled by the caller once files are written and mail sent.

    `seeds` are the seed corpus's theme profiles (digest.relevance.seed_profiles), for ranking.
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for doc in data.new:
        grouped.setdefault(primary_theme(doc.themes) or OTHER, []).append(_entry(doc, seeds))
    themes = [
        _theme(theme_id, _ordered(docs, labels), labels)
        for theme_id, docs in sorted(grouped.items(), key=lambda item: labels.theme_rank(item[0]))
        if theme_id != OTHER
    ]
    return {
        "id": digest_id or new_digest_id(generated),
        "title": settings.title,
        "window": {"from": _iso(window[0]), "to": _iso(window[1])},
        "generated": _iso(generated),
        "themes": themes,
        "other": _ordered(grouped.get(OTHER, []), labels),
        "updated": [_updated(u) for u in data.updated],
        "removed": [_removed(r) for r in data.removed],
        "broken_sources": [_health(h) for h in data.broken_sources],
        "chart": _chart(chart, labels) if chart else None,
        "stats": {
            "documents": len(data.new),
            "sources": len({doc.source for doc in data.new}),
            "updated": len(data.updated),
            "removed": len(data.removed),
            "also_at": sum(len(doc.also_at) for doc in data.new),
        },
        "delivered": {"email": "off", "files": []},
    }


def _entry(doc: NewDocument, seeds: Sequence[Profile]) -> dict[str, Any]:
    theme_ids = [t["id"] for t in sorted(doc.themes, key=lambda t: -_score(t)) if "id" in t]
    primary = primary_theme(doc.themes)
    scores = theme_scores(doc.themes)
    affinity = seed_affinity(scores, seeds)
    if primary in theme_ids:
        theme_ids.remove(primary)
        theme_ids.insert(0, primary)
    return {
        "id": doc.id,
        "url": doc.url,
        "title": one_line(doc.title) or doc.url,
        "published": doc.published.isoformat() if doc.published else None,
        "source": doc.source,
        "regions": [str(r["id"]) for r in doc.regions if r.get("id")],
        "also_at": list(doc.also_at),
        "themes": theme_ids,
        "terms": _terms(doc, theme_ids),
        "summary": shorten(doc.summary, SUMMARY_CHARS),
        "language": doc.language,
        "first_seen": _iso(doc.first_seen),
        "status": doc.status,
        "relevance": relevance(scores.get(primary or "", 0.0), affinity),
        "seed_affinity": round(affinity, 3),
    }


def _terms(doc: NewDocument, theme_order: list[str]) -> list[str]:
    """Matched terms, primary theme's first, then other themes', then regions'; no repeats."""
    by_id = {t.get("id"): t for t in doc.themes}
    sources = [by_id.get(tid, {}).get("terms") for tid in theme_order]
    sources += [r.get("terms") for r in doc.regions]
    terms: list[str] = []
    for group in sources:
        for term in group if isinstance(group, list) else []:
            if isinstance(term, str) and term not in terms:
                terms.append(term)
    return terms[:MAX_TERMS]


def _ordered(docs: list[dict[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    """By region group (taxonomy order); within a group most relevant first, then newest
    publication, then title."""
    by_title = sorted(docs, key=lambda d: d["title"].casefold())
    by_date = sorted(by_title, key=lambda d: d["published"] or "", reverse=True)
    by_relevance = sorted(by_date, key=lambda d: -float(d.get("relevance") or 0))
    return sorted(by_relevance, key=lambda d: labels.region_rank(region_group(d)))


def region_group(entry: dict[str, Any]) -> str | None:
    """The region a digest entry is filed under: its first region, or None."""
    regions = entry.get("regions") or []
    return str(regions[0]) if regions else None


def _theme(theme_id: str, docs: list[dict[str, Any]], labels: Labels) -> dict[str, Any]:
    label = labels.theme(theme_id)
    return {
        "id": theme_id,
        "label": label.text,
        "label_en": label.en,
        "label_zh": label.zh,
        "documents": docs,
    }


def _updated(doc: UpdatedDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "url": doc.url,
        "title": one_line(doc.title) or doc.url,
        "source": doc.source,
        "version": doc.version,
        "changed_at": _iso(doc.changed_at),
        "changes": doc.changes,
    }


def _removed(doc: RemovedDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "url": doc.url,
        "title": one_line(doc.title) or doc.url,
        "source": doc.source,
        "removed_at": _iso(doc.removed_at),
    }


def _health(source: SourceHealth) -> dict[str, Any]:
    return {
        "name": source.name,
        "status": source.status,
        "failures_in_row": source.failures_in_row,
        "last_ok": _iso(source.last_ok_at) if source.last_ok_at else None,
        "last_error": source.last_error,
    }


def _chart(chart: ChartData, labels: Labels) -> dict[str, Any]:
    series = sorted(chart.counts.items(), key=lambda item: labels.theme_rank(item[0]))
    return {
        "weeks": list(chart.weeks),
        "themes": [
            {"id": tid, "label": labels.theme(tid).en, "counts": list(counts)}
            for tid, counts in series
            if any(counts)
        ],
    }


def _score(theme: dict[str, Any]) -> float:
    try:
        return float(theme.get("score") or 0)
    except (TypeError, ValueError):
        return 0.0


def _iso(moment: dt.datetime) -> str:
    return as_utc(moment).isoformat()
