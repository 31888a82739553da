"""A small learned second opinion that may add a theme the rules found words of but withheld.

Why: on batches the rules had never read, a logistic model on the documents' words finds themes
the rules miss at the rules' own precision (bench/experiment_learned_tags.py, rounds 9-10), but
that model (every character 1-3-gram and word bigram, numpy) cost five times the rules. This is
its cheap form (round 11):

- features: the character bigrams of the Han runs and the words and pairs of consecutive words
  of the tagger's own folded text (NFKC, Simplified, case-folded: nothing is folded twice),
  title x3 and keywords x2, restricted to about 1,500 n-grams selected by weight (booster_fit);
  sublinear tf-idf over those, L2-normalised. The tagger finds the selected n-grams with two
  precomputed Aho-Corasick automata (C, one pass each: NgramFinder) and scores a theme by a
  sparse dot product in pure Python - no numpy, no n-gram it does not use;
- it can add, never invent or remove: a theme is added when the rules found at least one of its
  terms (full or supporting) in the document but did not apply it, and the model's probability
  reaches `threshold` (0.7, fixed before the leave-one-split-out run). Regions are not scored by
  it, though a document it gives a theme is read as on a theme when its places are weighed;
- lazily: a document none of whose themes is found-but-withheld costs nothing more.

Measured leave-one-split-out over holdout8..holdout19 (371 documents; each split's model fitted
on every other split, each split's rules as they were when it was still unseen): blind rules
themes P 0.865 R 0.736; with the booster at 0.7 P 0.877 R 0.815 (+29 right, 0 wrong labels);
the curve and the cost are in bench/experiment_learned_tags.py. On the labelled set, on which
the shipped weights are fitted, its figures are optimistic and prove nothing.

The weights (tagging/booster.json) are fitted on tests/data/tagging_eval.yaml by
`python -m tagging.booster_fit` - deterministic (fixed steps from zero, sorted vocabulary) and
rounded, so that a rebuild gives the same file (tests/test_booster.py). It is on when the
taxonomy says `defaults: booster: true` (the shipped themes.yaml does; a taxonomy of other
themes cannot use these weights), and `Tagger(taxonomy, booster=False)` is the rules alone.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from operator import add
from pathlib import Path

from ahocorasick_rs import AhoCorasick, MatchKind

WEIGHTS = Path(__file__).with_name("booster.json")
DEFAULT_THRESHOLD = 0.7  # chosen before the LOSO run, kept whatever it showed (see the bench)
TITLE_WEIGHT, KEYWORD_WEIGHT = 3, 2
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_RUN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def grams(text: str) -> Counter[str]:
    """Counts of the n-grams of one zone of match-form text (folded, case-folded): the
    character bigrams of its Han runs, at every position, and its words and pairs of
    consecutive words (prefixed "w:"). The reference the weights are fitted on; the tagger
    counts the same for the selected n-grams only, by automaton (NgramFinder)."""
    counts: Counter[str] = Counter()
    for run in _HAN_RUN.findall(text):
        counts.update(map(add, run, run[1:]))
    words = _WORD.findall(text)
    counts.update(["w:" + w for w in words])
    counts.update([f"w:{a} {b}" for a, b in pairwise(words)])
    return counts


def zone_counts(text: str, title_end: int, keywords_end: int) -> dict[str, int]:
    """Weighted counts of every n-gram of a folded document (tagger.fold_document): each in the
    title counts 3, in the keywords 2, in the stream 1."""
    counts = grams(text[keywords_end + 1 :])
    for zone, weight in (
        (text[:title_end], TITLE_WEIGHT),
        (text[title_end + 1 : keywords_end], KEYWORD_WEIGHT),
    ):
        for gram, n in grams(zone).items():
            counts[gram] += weight * n
    return dict(counts)


class NgramFinder:
    """The selected n-grams found by two Aho-Corasick automata (in C, one pass each): the Han
    bigrams in the folded text, the words and word pairs in its Latin form (every run of other
    characters one space, so that " city " matches the word and not "capacity"). Counts as
    `zone_counts` counts them, restricted to the selection."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        ordered = sorted(vocabulary)
        self._han = [g for g in ordered if not g.startswith("w:")]
        self._latin = [g for g in ordered if g.startswith("w:")]
        kind = MatchKind.Standard  # overlapping matches: every position, as grams() counts
        self._han_automaton = AhoCorasick(self._han, matchkind=kind) if self._han else None
        latin = [f" {g[2:]} " for g in self._latin]
        self._latin_automaton = AhoCorasick(latin, matchkind=kind) if latin else None

    def counts(self, text: str, title_end: int, keywords_end: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        han, automaton = self._han, self._han_automaton
        found = automaton.find_matches_as_indexes(text, True) if automaton is not None else []
        for i, start, _ in found:
            weight = (
                1 if start > keywords_end else TITLE_WEIGHT if start < title_end else KEYWORD_WEIGHT
            )
            counts[han[i]] = counts.get(han[i], 0) + weight
        if self._latin_automaton is None or _WORD.search(text) is None:
            return counts
        latin = self._latin
        for zone, weight in (
            (text[:title_end], TITLE_WEIGHT),
            (text[title_end + 1 : keywords_end], KEYWORD_WEIGHT),
            (text[keywords_end + 1 :], 1),
        ):
            matches = self._latin_automaton.find_matches_as_indexes(
                f" {_NON_WORD.sub(' ', zone)} ", overlapping=True
            )
            for i, _, _ in matches:
                counts[latin[i]] = counts.get(latin[i], 0) + weight
        return counts


Vector = dict[str, float]  # a document's row: n-gram -> normalised tf-idf


@dataclass(frozen=True, slots=True)
class Booster:
    """Selected n-grams with their idf, and per theme the weights of those that bear on it."""

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    idf: dict[str, float]
    weights: tuple[dict[str, float], ...]  # one per label: n-gram -> weight
    threshold: float = DEFAULT_THRESHOLD
    finder: NgramFinder | None = field(default=None, compare=False, repr=False)  # from idf

    def __post_init__(self) -> None:
        object.__setattr__(self, "finder", NgramFinder(self.idf))

    def count(self, text: str, title_end: int, keywords_end: int) -> dict[str, int]:
        """The selected n-grams of a folded document, with their weighted counts."""
        assert self.finder is not None
        return self.finder.counts(text, title_end, keywords_end)

    def vector(self, counts: dict[str, int]) -> Vector:
        """The document's row: sublinear tf-idf of the selected n-grams present, L2-normalised."""
        idf = self.idf
        values = {g: (1.0 + math.log(n)) * idf[g] for g, n in counts.items() if g in idf}
        scale = 1.0 / (math.sqrt(sum([v * v for v in values.values()])) or 1.0)
        return {g: v * scale for g, v in values.items()}

    def probability(self, vector: Vector, label: str) -> float:
        """P(label) of a document's row: a sparse dot product over the n-grams both have."""
        j = self.labels.index(label)
        weights = self.weights[j]
        z = sum([v * weights[g] for g, v in vector.items() if g in weights])
        return _sigmoid(z + self.bias[j])

    def probabilities(self, counts: dict[str, int]) -> dict[str, float]:
        """P(theme) for every label (for the bench and the tests; the tagger asks per label)."""
        vector = self.vector(counts)
        return {label: self.probability(vector, label) for label in self.labels}

    def to_json(self) -> dict[str, object]:
        """The weights file: labels, bias, threshold, and per n-gram its idf and weights."""
        features = {
            g: [idf, [[j, w[g]] for j, w in enumerate(self.weights) if g in w]]
            for g, idf in sorted(self.idf.items())
        }
        return {
            "labels": list(self.labels),
            "bias": list(self.bias),
            "threshold": self.threshold,
            "features": features,
        }


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def from_json(data: dict[str, object], labels: Iterable[str] | None = None) -> Booster:
    """The booster a weights file describes; ValueError when its themes are not `labels`."""
    stored = tuple(str(x) for x in data["labels"])  # type: ignore[attr-defined]
    if labels is not None and set(labels) != set(stored):
        raise ValueError(f"booster weights are for themes {sorted(stored)}, not the taxonomy's")
    idf: dict[str, float] = {}
    weights: tuple[dict[str, float], ...] = tuple({} for _ in stored)
    for gram, (value, row) in data["features"].items():  # type: ignore[attr-defined]
        idf[str(gram)] = float(value)
        for j, w in row:
            weights[int(j)][str(gram)] = float(w)
    bias = tuple(float(b) for b in data["bias"])  # type: ignore[attr-defined]
    return Booster(stored, bias, idf, weights, float(data["threshold"]))  # type: ignore[arg-type]


def load_booster(path: Path = WEIGHTS, labels: Iterable[str] | None = None) -> Booster:
    """The booster of a weights file, read once per process (every Tagger shares it)."""
    booster = _load(path.resolve())
    if labels is not None and set(labels) != set(booster.labels):
        raise ValueError(
            f"booster weights are for themes {sorted(booster.labels)}, not the taxonomy's"
        )
    return booster


@cache
def _load(path: Path) -> Booster:
    return from_json(json.loads(path.read_text(encoding="utf-8")))
