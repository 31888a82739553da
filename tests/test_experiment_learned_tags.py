"""The learned-tags experiment trains on dev and the batches written before the held-out one."""

from __future__ import annotations

from collections import Counter

import pytest

import bench.experiment_learned_tags as experiment
from tagging.evaluation import EvalDocument

SPLITS = ["dev", "holdout", "holdout2", "holdout9", "holdout10", "holdout11"]


def _documents() -> list[EvalDocument]:
    """Two documents per split, each with a word of its own in the title (doc<n>)."""
    documents = []
    for number in range(2 * len(SPLITS)):
        split = SPLITS[number // 2]
        theme = ["innovation", "urbanization"][number % 2]
        documents.append(
            EvalDocument(
                id=f"doc{number}",
                split=split,
                lang="en",
                title=f"doc{number} on {theme} in the {split} batch",
                text=f"A study of {theme} and what it changes for city regions.",
                themes=[theme],
                regions=[],
            )
        )
    return documents


def test_batches_are_in_the_order_they_were_written() -> None:
    # sorted as text, holdout10 would come before holdout2
    batches = experiment.holdout_batches(_documents())
    assert batches == ["holdout", "holdout2", "holdout9", "holdout10", "holdout11"]


@pytest.mark.parametrize("batch", ["holdout", "holdout9", "holdout10", "holdout11"])
def test_the_split_trains_on_dev_and_earlier_batches_only(batch: str) -> None:
    train, test = experiment.split_for(_documents(), batch)
    earlier = SPLITS[: SPLITS.index(batch)]
    assert {d.split for d in test} == {batch}
    assert {d.split for d in train} == set(earlier)
    assert len(train) == 2 * len(earlier)


def test_no_fit_of_a_batch_sees_its_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fit of a batch's run (the model and the cross-validation choosing t) is spied on."""
    seen: list[set[str]] = []
    fit = experiment.fit

    def spy(docs: list[Counter[str]], labels: list[set[str]], ids: list[str]) -> experiment.Model:
        seen.append({gram for counts in docs for gram in counts if gram.startswith("w:doc")})
        return fit(docs, labels, ids)

    monkeypatch.setattr(experiment, "fit", spy)
    documents = _documents()
    rules = {d.id: set(d.themes) for d in documents}
    result = experiment.run_batch(
        documents, "holdout10", rules, None, ["innovation", "urbanization"]
    )
    held_out = {f"w:{d.id}" for d in documents if d.split == "holdout10"}
    later = {f"w:{d.id}" for d in documents if d.split == "holdout11"}
    assert len(seen) > 1  # the model and at least one cross-validation fold
    assert all(not grams & (held_out | later) for grams in seen)
    assert result.documents == 2 and result.train == 8
    assert result.stats["a rules"].recall == 1.0


def test_leave_one_split_out_trains_on_every_other_split() -> None:
    train, test = experiment.leave_out(_documents(), "holdout10")
    assert {d.split for d in test} == {"holdout10"}
    assert {d.split for d in train} == set(SPLITS) - {"holdout10"}  # later batches too


def test_no_loso_fit_sees_the_held_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """--loso: the one fit of a held split never sees its documents; no threshold is fitted."""
    seen: list[set[str]] = []
    fit = experiment.fit

    def spy(docs: list[Counter[str]], labels: list[set[str]], ids: list[str]) -> experiment.Model:
        seen.append({gram for counts in docs for gram in counts if gram.startswith("w:doc")})
        return fit(docs, labels, ids)

    monkeypatch.setattr(experiment, "fit", spy)
    documents = _documents()
    rules = {d.id: set(d.themes) for d in documents}
    old = {d.id: set() for d in documents if d.split == "holdout10"}
    result = experiment.run_loso(documents, "holdout10", rules, old, ["innovation", "urbanization"])
    held_out = {f"w:{d.id}" for d in documents if d.split == "holdout10"}
    assert len(seen) == 1 and not seen[0] & held_out
    assert "w:doc11" in seen[0]  # holdout11, written later, is trained on
    assert result.documents == 2 and result.train == 10
    assert result.stats["a' old rules"].recall == 0.0  # the old rules given: none found
    assert set(experiment.LOSO_THRESHOLDS) <= {
        float(name.split("+")[1]) for name in result.stats if name.startswith("c' old+")
    }


def test_booster_loso_adds_only_where_the_blind_rules_found_words() -> None:
    """--booster: the held split's model is fitted on the others, and a theme is added only where
    the blind rules found a term of it (here: innovation in every held document, nothing else)."""
    documents = _documents()
    held = [d for d in documents if d.split == "holdout10"]
    applied: dict[str, set[str]] = {d.id: set() for d in held}
    evidenced = {d.id: {"innovation"} for d in held}
    result = experiment.run_booster(documents, "holdout10", (applied, evidenced))
    assert result.train == len(documents) - len(held)
    for t in experiment.BOOSTER_THRESHOLDS:
        added = result.stats[f"+g {t}"]
        assert added.fp + added.tp <= len(held)  # at most innovation, once a document
    assert result.stats["a' old rules"].tp == 0
