"""How close a document is to the seed corpus, for ranking within a digest group.

The seed corpus is the reference for what matters, but its texts are in one language and the
documents in two, so closeness is measured where the languages meet: the taxonomy, whose themes
carry Chinese and English terms. Each seed is tagged with the same tagger as documents (every
theme score, also those below the threshold), giving a theme profile; a document's seed affinity
is the cosine between its stored theme scores and the closest seed's profile (0..1). A Chinese
report on new infrastructure in urban agglomerations then scores as high as an English one.

Relevance within a group: RELEVANCE_THEME x the document's score for the group's theme, plus
RELEVANCE_SEED x its seed affinity.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agglowatch.errors import AgglowatchError
from storage.models import SeedDocument

log = logging.getLogger(__name__)

RELEVANCE_THEME = 0.6
RELEVANCE_SEED = 0.4
MAX_SEEDS = 200
SEED_CHARS = 100_000

Profile = Mapping[str, float]


def seed_profiles(session: Session, taxonomy_path: Path | None) -> list[dict[str, float]]:
    """Theme profiles of the stored seeds (empty without a readable taxonomy or seeds)."""
    if taxonomy_path is None:
        return []
    try:
        from tagging.tagger import Tagger
        from tagging.taxonomy import load_taxonomy

        tagger = Tagger(load_taxonomy(taxonomy_path))
    except (AgglowatchError, OSError, ValueError) as exc:
        log.warning("digest ranking without the seed corpus: %s", exc)
        return []
    rows = session.execute(
        select(SeedDocument.title, func.substr(SeedDocument.text, 1, SEED_CHARS))
        .order_by(SeedDocument.id)
        .limit(MAX_SEEDS)
    )
    profiles = []
    for title, text in rows:
        scores = tagger.score(title or "", text or "", applied_only=False)
        profile = {s.id: s.score for s in scores if s.kind == "theme" and s.score > 0}
        if profile:
            profiles.append(profile)
    return profiles


def theme_scores(themes: Sequence[Any]) -> dict[str, float]:
    """A document's stored themes ([{"id", "score", ...}]) as id -> score."""
    scores: dict[str, float] = {}
    for theme in themes:
        if isinstance(theme, Mapping) and isinstance(theme.get("id"), str):
            try:
                scores[theme["id"]] = float(theme.get("score") or 0)
            except (TypeError, ValueError):
                continue
    return scores


def seed_affinity(scores: Profile, profiles: Sequence[Profile]) -> float:
    """Cosine between a document's theme scores and the closest seed profile (0 without any)."""
    return max((_cosine(scores, p) for p in profiles), default=0.0)


def relevance(theme_score: float, affinity: float) -> float:
    return round(RELEVANCE_THEME * theme_score + RELEVANCE_SEED * affinity, 3)


def _cosine(a: Profile, b: Profile) -> float:
    dot = sum(value * b.get(key, 0.0) for key, value in a.items())
    norms = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norms if norms else 0.0
