"""Measured tagging quality: the labelled set (micro-F1 bars) and the seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from agglowatch.errors import ConfigError
from storage.seeds import parse_seed
from tagging import Tagger, load_taxonomy
from tagging.evaluation import EvalDocument, EvalReport, evaluate, load_eval_set

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "data" / "tagging_eval.yaml"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_taxonomy(ROOT / "themes.yaml"))


@pytest.fixture(scope="module")
def documents() -> list[EvalDocument]:
    return load_eval_set(EVAL_SET)


@pytest.fixture(scope="module")
def report(tagger: Tagger, documents: list[EvalDocument]) -> EvalReport:
    return evaluate(tagger, documents)


def test_the_labelled_set_is_broad(tagger: Tagger, documents: list[EvalDocument]) -> None:
    assert len(documents) >= 60
    assert len({d.id for d in documents}) == len(documents)
    languages = {d.lang for d in documents}
    assert {"zh", "zh-Hant", "en"} <= languages
    for language in ("zh", "en"):
        assert sum(d.lang.startswith(language) for d in documents) >= 25
    themes = {t for d in documents for t in d.themes}
    assert themes == set(tagger.taxonomy.theme_ids), "every theme has labelled documents"
    regions = {r for d in documents for r in d.regions}
    assert regions == set(tagger.taxonomy.region_ids), "every region has labelled documents"
    assert sum(len(d.themes) >= 2 for d in documents) >= 30, "many documents with several themes"
    negatives = [d for d in documents if not d.themes and not d.regions]
    assert len(negatives) >= 8, "hard negatives: sports, IT infrastructure, clusters, abroad"


def test_theme_micro_f1_meets_the_bar(report: EvalReport) -> None:
    micro = report.themes_micro
    assert micro.f1 >= 0.85, (micro.precision, micro.recall, report.mistakes)


def test_region_micro_f1_meets_the_bar(report: EvalReport) -> None:
    micro = report.regions_micro
    assert micro.f1 >= 0.90, (micro.precision, micro.recall, report.mistakes)


def test_hard_negatives_mostly_get_no_theme(tagger: Tagger, documents: list[EvalDocument]) -> None:
    """Sports, IT infrastructure, galaxy and computing clusters: at most a stray theme overall."""
    negatives = [d for d in documents if not d.themes]
    tagged = [
        d.id
        for d in negatives
        if tagger.tag(d.title, d.text, abstract=d.abstract, keywords=d.keywords).themes
    ]
    assert len(tagged) <= len(negatives) // 3, tagged


def test_unknown_labels_in_the_set_are_refused(
    tagger: Tagger, documents: list[EvalDocument]
) -> None:
    bad = documents[0].model_copy(update={"themes": ["no-such-theme"]})
    with pytest.raises(ConfigError, match="no-such-theme"):
        evaluate(tagger, [bad])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "000_427ca8a6bf4e2fd1.txt",
            {"urban-agglomeration", "new-infrastructure", "high-quality-development"},
        ),
        (
            "004_655615d8d0a4c062.txt",
            {"urban-agglomeration", "high-quality-development", "innovation"},
        ),
    ],
)
def test_seed_documents_get_the_themes_a_reader_gives_them(
    tagger: Tagger, name: str, expected: set[str]
) -> None:
    """What each seed is about. Goals each seed only lists once with others (new urbanization in
    one sentence of the CDRF release; carbon neutrality, dual circulation and urban-rural
    integration in the FANG abstract's lists) are mentions, not subjects, so not required."""
    record = parse_seed(SEEDS / name).record
    result = tagger.tag_record(record)
    themes = {match.id for match in result.themes}
    assert expected <= themes, sorted(themes)
    # neither seed is about one region: the CDRF conference was merely held in Beijing
    assert result.regions == []
    for match in result.themes:
        assert match.terms, match.id
        assert 0 < match.score <= 1
