"""Ranking within digest groups: the group's theme score and the affinity to the seed corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from agglowatch.config import DedupeSettings, DigestSettings
from digest.build import build_digest
from digest.relevance import relevance, seed_affinity, seed_profiles
from reports.labels import load_labels
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.digest_store import DigestData
from storage.seeds import sync_seeds
from storage.signature_index import SqlSignatureIndex
from tests.test_digest_render import new_doc, theme
from tests.test_digest_support import T0

ROOT = Path(__file__).resolve().parent.parent
SPEC_ENTRY_KEYS = {"id", "url", "title", "published", "source", "regions", "also_at"}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, float]]:
    """Theme profiles of the real seed corpus, loaded into a store the way a run loads it."""
    folder = tmp_path_factory.mktemp("seeds")
    engine = make_engine(f"sqlite:///{folder / 'db.sqlite'}")
    upgrade(engine)
    factory = session_factory(engine)
    with transaction(factory) as session:
        sync_seeds(session, ROOT / "seeds", SqlSignatureIndex(session), DedupeSettings())
    with factory() as session:
        profiles = seed_profiles(session, ROOT / "themes.yaml")
    engine.dispose()
    return profiles


def data(*docs: Any) -> DigestData:
    return DigestData(T0, T0 + dt.timedelta(days=1), list(docs), [], [], [])


def ranked(profiles: list[dict[str, float]], *docs: Any) -> list[str]:
    labels = load_labels(ROOT / "themes.yaml")
    window = (T0, T0 + dt.timedelta(days=1))
    payload = build_digest(data(*docs), DigestSettings(), window, window[1], labels, seeds=profiles)
    (group,) = payload["themes"]
    entries = group["documents"]
    assert all(set(e) >= SPEC_ENTRY_KEYS for e in entries)  # the spec's keys stay
    return [e["id"] for e in entries]


def test_seed_profiles_come_from_the_seed_texts(seeds: list[dict[str, float]]) -> None:
    assert len(seeds) == 2  # the two seed documents
    for profile in seeds:
        assert profile["urban-agglomeration"] > 0.5
        assert profile["high-quality-development"] > 0.5
    assert "transport-connectivity" not in seeds[0] or seeds[0]["transport-connectivity"] < 0.3


def test_affinity_is_the_cosine_to_the_closest_seed() -> None:
    profiles = [{"a": 1.0}, {"b": 1.0, "c": 1.0}]
    assert seed_affinity({"a": 0.5}, profiles) == pytest.approx(1.0)
    assert seed_affinity({"b": 0.3, "c": 0.3}, profiles) == pytest.approx(1.0)
    assert seed_affinity({"d": 1.0}, profiles) == 0.0
    assert seed_affinity({"a": 1.0}, []) == 0.0
    assert relevance(1.0, 1.0) == 1.0 and relevance(0.0, 0.0) == 0.0


def test_closer_to_the_seeds_comes_first_whatever_the_language_and_date(
    seeds: list[dict[str, float]],
) -> None:
    like_seeds = new_doc(
        "like-seeds",
        language="zh",
        published=dt.date(2025, 1, 1),
        themes=[
            theme("urban-agglomeration", 0.9, "城市群"),
            theme("new-infrastructure", 0.8, "新基建"),
            theme("high-quality-development", 0.7, "高质量发展"),
        ],
    )
    off_topic = new_doc(
        "off-topic",
        language="en",
        published=dt.date(2026, 1, 4),  # newer: the old order would have put it first
        themes=[
            theme("urban-agglomeration", 0.9, "urban agglomeration"),
            theme("transport-connectivity", 0.85, "intercity rail"),
        ],
    )
    weak = new_doc("weak", themes=[theme("urban-agglomeration", 0.4, "城市群")])
    assert ranked(seeds, off_topic, weak, like_seeds) == ["like-seeds", "off-topic", "weak"]


def test_without_seeds_the_theme_score_ranks_then_the_date() -> None:
    strong = new_doc("strong", themes=[theme("urban-agglomeration", 0.9)])
    newer = new_doc(
        "newer", published=dt.date(2026, 1, 4), themes=[theme("urban-agglomeration", 0.5)]
    )
    older = new_doc("older", themes=[theme("urban-agglomeration", 0.5)])
    assert ranked([], older, newer, strong) == ["strong", "newer", "older"]


def test_region_groups_keep_taxonomy_order_and_rank_inside(
    seeds: list[dict[str, float]],
) -> None:
    yrd = [{"id": "yangtze-river-delta", "terms": ["长三角"]}]
    jjj = [{"id": "beijing-tianjin-hebei", "terms": ["京津冀"]}]
    docs = [
        new_doc("yrd-strong", regions=yrd, themes=[theme("urban-agglomeration", 1.0)]),
        new_doc("jjj-weak", regions=jjj, themes=[theme("urban-agglomeration", 0.4)]),
        new_doc("jjj-strong", regions=jjj, themes=[theme("urban-agglomeration", 0.9)]),
    ]
    assert ranked(seeds, *docs) == ["jjj-strong", "jjj-weak", "yrd-strong"]
