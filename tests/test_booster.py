"""The learned booster (tagging/booster.py): built reproducibly, and able only to add a theme the
rules found words of but withheld; off, the tags are the rules' alone."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from agglowatch.errors import ConfigError
from tagging import Tagger, load_taxonomy, parse_taxonomy
from tagging.booster import WEIGHTS, Booster, NgramFinder, load_booster, zone_counts
from tagging.booster_fit import build
from tagging.evaluation import load_eval_set
from tagging.tagger import fold_document
from tests.tagging_support import themes

ROOT = Path(__file__).resolve().parent.parent
THEMES_YAML = ROOT / "themes.yaml"
EVAL_SET = ROOT / "tests" / "data" / "tagging_eval.yaml"
# innovation named only by one supporting word in a passing sentence: the rules withhold it
PASSING = (
    "长沙的工程机械企业今年出口增长较快。企业负责人介绍了新的销售网络。"
    "其中一家企业去年申请了几项专利。下一步企业将继续开拓东南亚市场。"
)


@pytest.fixture(scope="module")
def shipped() -> Booster:
    return load_booster(labels=load_taxonomy(THEMES_YAML).theme_ids)


def _constant(booster: Booster, bias: float) -> Booster:
    """The shipped booster with no weights and this bias: p is the same for every theme."""
    empty = tuple({} for _ in booster.labels)
    return dataclasses.replace(booster, bias=(bias,) * len(booster.labels), weights=empty)


def test_rebuilding_the_weights_gives_the_committed_file() -> None:
    """booster.json is what `python -m tagging.booster_fit` makes of the labelled set (to the
    rounding: another BLAS may sum in another order)."""
    rebuilt = build(EVAL_SET, THEMES_YAML).to_json()
    stored = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert rebuilt["labels"] == stored["labels"]
    assert rebuilt["threshold"] == stored["threshold"]
    assert rebuilt["bias"] == pytest.approx(stored["bias"], abs=2e-4)
    assert rebuilt["features"].keys() == stored["features"].keys()
    for gram, (idf, row) in stored["features"].items():
        new_idf, new_row = rebuilt["features"][gram]
        assert new_idf == pytest.approx(idf, abs=2e-4)
        assert dict(map(tuple, new_row)) == pytest.approx(dict(map(tuple, row)), abs=2e-4)


def test_the_weights_are_small(shipped: Booster) -> None:
    assert 500 <= len(shipped.idf) <= 3000
    assert WEIGHTS.stat().st_size < 400_000


def test_a_confident_booster_adds_only_a_theme_the_rules_found_words_of(
    shipped: Booster,
) -> None:
    taxonomy = load_taxonomy(THEMES_YAML)
    rules = Tagger(taxonomy, booster=False)
    assert themes(rules.tag("长沙企业出口增长", PASSING)) == set()  # 专利 alone: withheld
    sure = Tagger(taxonomy, booster=_constant(shipped, 10.0))
    added = sure.tag("长沙企业出口增长", PASSING)
    assert themes(added) == {"innovation"}  # the only theme with a word in the text
    assert added.themes[0].terms == ["专利"]


def test_a_doubtful_booster_adds_nothing_and_removes_nothing(shipped: Booster) -> None:
    taxonomy = load_taxonomy(THEMES_YAML)
    rules = Tagger(taxonomy, booster=False)
    doubtful = Tagger(taxonomy, booster=_constant(shipped, -10.0))
    for document in load_eval_set(EVAL_SET)[:80]:
        args = (document.title, document.text)
        extra = {"abstract": document.abstract, "keywords": document.keywords}
        assert doubtful.tag(*args, **extra) == rules.tag(*args, **extra)


def test_the_shipped_booster_adds_a_theme_the_rules_withheld(shipped: Booster) -> None:
    """On the labelled set (optimistic: the weights were fitted on it) it adds right themes."""
    taxonomy = load_taxonomy(THEMES_YAML)
    rules, boosted = Tagger(taxonomy, booster=False), Tagger(taxonomy, booster=shipped)
    right = wrong = 0
    for document in load_eval_set(EVAL_SET):
        args = (document.title, document.text)
        extra = {"abstract": document.abstract, "keywords": document.keywords}
        before, after = themes(rules.tag(*args, **extra)), themes(boosted.tag(*args, **extra))
        assert before <= after
        right += len((after - before) & set(document.themes))
        wrong += len((after - before) - set(document.themes))
    assert right >= 10 and wrong <= right // 5


def test_the_taxonomy_turns_the_booster_on_and_off() -> None:
    raw = yaml.safe_load(THEMES_YAML.read_text(encoding="utf-8"))
    assert raw["defaults"]["booster"] is True
    assert Tagger(parse_taxonomy(raw)).booster is not None
    raw["defaults"]["booster"] = False
    assert Tagger(parse_taxonomy(raw)).booster is None
    del raw["defaults"]["booster"]  # a taxonomy that does not ask for it: the rules alone
    assert Tagger(parse_taxonomy(raw)).booster is None


def test_weights_for_other_themes_are_refused() -> None:
    raw = yaml.safe_load(THEMES_YAML.read_text(encoding="utf-8"))
    raw["themes"] = raw["themes"][:3]
    with pytest.raises(ConfigError, match=r"defaults\.booster"):
        Tagger(parse_taxonomy(raw))
    assert Tagger(parse_taxonomy(raw), booster=False).booster is None


def test_the_automata_count_what_the_weights_were_fitted_on(shipped: Booster) -> None:
    """What the tagger counts by automaton (the selected n-grams only) is what the fit counts."""
    for document in load_eval_set(EVAL_SET)[::5]:
        folded = fold_document(
            document.title, document.text, abstract=document.abstract, keywords=document.keywords
        )
        full = zone_counts(folded.text, folded.title_end, folded.keywords_end)
        kept = shipped.count(folded.text, folded.title_end, folded.keywords_end)
        assert kept == {g: n for g, n in full.items() if g in shipped.idf}


def test_words_are_counted_whole_and_in_every_zone() -> None:
    """ "city" is not in "capacity"; a pair is two words in a row, whatever stood between them;
    the title counts 3, the keywords 2, the stream 1; a Han bigram repeated overlapping counts
    at every position."""
    folded = fold_document(
        "City cluster", "The capacity of a city, cluster by cluster. 哈哈哈", keywords=["city"]
    )
    counts = NgramFinder(["w:city", "w:city cluster", "w:cluster", "哈哈"]).counts(
        folded.text, folded.title_end, folded.keywords_end
    )
    reference = zone_counts(folded.text, folded.title_end, folded.keywords_end)
    assert counts == {"w:city": 3 + 2 + 1, "w:city cluster": 3 + 1, "w:cluster": 3 + 2, "哈哈": 2}
    assert counts == {g: n for g, n in reference.items() if g in counts}
