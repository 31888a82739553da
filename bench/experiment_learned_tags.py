"""Would a small learned component raise theme recall on batches the rules have never seen?

    uv run python -m bench.experiment_learned_tags [--eval-set PATH] [--target P]
                                                   [--old-rules SPLIT=DIR ...] [--loso]

Leave-one-batch-out in time order over the holdout splits of the labelled set: for batch k the
model is trained on "dev" and the batches written before k only, then predicts k. On each
held-out batch it compares, for themes:

  (a) rules    the current Tagger (which has read every batch up to holdout13: in-sample for it)
  (b) learned  one-vs-rest logistic regression, p >= 0.5
  (c) union    rules, plus learned labels with p >= t; t chosen by leave-one-batch-out
               cross-validation inside the training batches (smallest t whose out-of-fold
               precision reaches TARGET_PRECISION), never on batch k
  (d) inter    rules and learned (p >= 0.5) both

`--old-rules holdout12=/tmp/rules-68d6dfd` scores (a) and (c) with the rules as they were when
that batch was still unseen (a tree exported with `git archive`), run in a subprocess: the one
fair test of "rules the text has never met" for the batches the current rules have read.

`--loso` (round 10): leave-one-split-out instead. For each split the model is trained on every
other split (dev and all holdouts, earlier and later) and predicts the held one; no threshold is
chosen on the data - the union is printed at each of LOSO_THRESHOLDS, so that no figure is picked
after seeing it. Each held split is compared with the rules as they were when it was unseen
(`--old-rules`, and the first-measure figures of tagging_eval.yaml's header, FIRST_MEASURE).

Measured with --loso (2026-12-07, round 10; the old rules of each batch as below, holdout15 on
a4af5f3, holdout16 and holdout17 on 2e20c9d; they reproduce every recorded blind figure), over
the ten batches holdout8..holdout17 (280 documents), themes P / R:
  blind rules            0.851 0.745
  model alone, p >= 0.5  0.952 0.559 (all 18 splits)
  blind rules + model    t 0.5: 0.854 0.826 (+24 right, 3 wrong)   t 0.7: 0.855 0.792 (+14/1)
                         t 0.8: 0.857 0.782 (+11/0)                t 0.9: 0.852 0.755 (+3/0)
  holdout14..17 (144)    blind 0.915 0.733; + model t 0.5: 0.917 0.826 (+15/1), t 0.8: 0.919
                         0.770 (+6/0)
The model finds labels the blind rules miss, at the rules' own precision or better, but the
union's precision on held batches stays the rules' (0.85, under the 0.92 a shipped component
must keep) and prediction costs about 0.84 ms a document against the rules' 0.16 (featurising
every 1-3-gram): several times the tagging budget. Not shipped; the figures stand as the case
for a cheaper learned component (fewer, selected n-grams) in a later round.

The model is numpy only: character 1-3-grams of the Chinese runs and word uni/bigrams of the
Latin runs of the tagger's folded form (NFKC, simplified, casefolded), title x3 and keywords x2,
sublinear tf-idf, rows L2-normalised; logistic regression fitted in its dual (W = X^T A), since
documents (<500) are far fewer than features. L2 was chosen by batch-fold cross-validation on
dev..holdout9 only (the data before holdout10), so the figures of holdout10 on are the clean ones.

`--booster` (round 11): the same leave-one-split-out for the shipped booster (tagging/booster.py:
about 1,500 selected bigrams and words, pure-Python prediction), gated as the tagger gates it - a
theme is added only where the blind rules found a term of it and withheld it. Each split held
out once among those given with --old-rules; the model is fitted on every other split (its
n-grams selected on them alone). Thresholds 0.5-0.9 are all printed; 0.7 was fixed as the
shipped one before the run. Measured (2026-12-08, holdout8..holdout19, 371 documents; holdout18
and holdout19 blind on the round-10 rules, 6c65cd6), themes P / R:
  blind rules               0.865 0.736
  booster alone, p >= 0.5   0.937 0.725
  blind rules + booster, gated   t 0.5: 0.855 0.837 (+37 right, 10 wrong)  t 0.6: 0.871 0.826
                                 (+33/3)  t 0.7: 0.877 0.815 (+29/0)  t 0.8: 0.874 0.793 (+21/0)
                                 t 0.9: 0.872 0.777 (+15/0)
  ungated union at 0.7      0.879 0.831
  holdout16..19 (144)       blind 0.917 0.728; gated 0.7: 0.924 0.801 (+11/0)
So at the fixed 0.7 the booster adds 29 right labels and no wrong one on batches nobody had
read: recall +7.9 points at a precision no lower than the blind rules'. Prediction with every
theme's probability costs about 0.1-0.4 ms a document on this (shared, loaded) machine; the
tagger asks only for the themes it withheld, and only in documents that have one.

Blind rules per batch (reproducing the header's one-time figures): holdout8 9124c61, holdout9
771ba9c, holdout10 and holdout11 178c927, holdout12 68d6dfd, holdout13 59dee4e (merge of tag6),
holdout14 c0e9659 (merge of tag7), holdout15 a4af5f3, holdout16 and holdout17 2e20c9d, holdout18 and
holdout19 6c65cd6 (merge of tag10). The commits before the pure-Python index import
pyahocorasick, no longer installed: bench/old_rules_shim is put on their path as a stand-in.

Measured (2026-12-04, holdout8..holdout14 blind, 190 documents): the old rules P 0.817 R 0.757;
their union with learned p >= t (target 0.9) P 0.801 R 0.819 (+11 right, 6 wrong labels); with
--target 0.95 (tried after the 0.9 run) P 0.825 R 0.797 (+7, 0 wrong). See the branch report.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tagging.booster_fit import document_counts, dual_logistic, fit_booster
from tagging.evaluation import EvalDocument, LabelStats, load_eval_set
from tagging.tagger import Tagger, fold_document
from tagging.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT / "tests" / "data" / "tagging_eval.yaml"
DEFAULT_TAXONOMY = ROOT / "themes.yaml"
SHIM = Path(__file__).resolve().parent / "old_rules_shim"  # after the tree: used only if missing

Matrix = npt.NDArray[np.float64]
TARGET_PRECISION = 0.9  # --target: the out-of-fold precision learned labels must reach
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
DEV_CHUNKS = 3  # "dev" was written in several rounds: cut into this many folds, in file order
LOSO_THRESHOLDS = (0.5, 0.7, 0.8, 0.9)  # --loso: the union is printed at each of these
# themes P and R of each holdout's one blind measurement, as tagging_eval.yaml's header records them
FIRST_MEASURE = {
    "holdout10": (0.762, 0.800),
    "holdout11": (0.737, 0.824),
    "holdout12": (0.812, 0.722),
    "holdout13": (0.846, 0.710),
    "holdout14": (0.938, 0.750),
    "holdout15": (0.929, 0.667),
    "holdout16": (0.947, 0.783),
    "holdout17": (0.839, 0.722),
    "holdout18": (0.957, 0.611),
    "holdout19": (0.929, 0.788),
}
MIN_DF = 2
TITLE_WEIGHT, KEYWORD_WEIGHT = 3, 2
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
_HOLDOUT = re.compile(r"holdout(\d*)$")
Labels = dict[str, set[str]]


def holdout_batches(documents: list[EvalDocument]) -> list[str]:
    """The holdout splits in the order they were written: holdout, holdout2, holdout3, ..."""
    numbers = {}
    for d in documents:
        found = _HOLDOUT.match(d.split)
        if found:
            numbers[d.split] = int(found.group(1) or 1)
    return sorted(numbers, key=numbers.__getitem__)


def split_for(
    documents: list[EvalDocument], batch: str
) -> tuple[list[EvalDocument], list[EvalDocument]]:
    """(train, test) for held-out `batch`: train is dev and the batches written before it only."""
    order = holdout_batches(documents)
    earlier = set(order[: order.index(batch)]) | {"dev"}
    train = [d for d in documents if d.split in earlier]
    test = [d for d in documents if d.split == batch]
    return train, test


def leave_out(
    documents: list[EvalDocument], split: str
) -> tuple[list[EvalDocument], list[EvalDocument]]:
    """(train, test) for --loso: train is every other split, earlier and later alike."""
    train = [d for d in documents if d.split != split]
    test = [d for d in documents if d.split == split]
    return train, test


def inner_folds(train: list[EvalDocument]) -> list[list[int]]:
    """Folds of the training documents for choosing t: one per batch, dev cut in DEV_CHUNKS.

    A fold is a batch, not a random sample, because what t must survive is a new batch.
    """
    dev = [i for i, d in enumerate(train) if d.split == "dev"]
    size = math.ceil(len(dev) / DEV_CHUNKS) if dev else 1
    folds = [dev[i : i + size] for i in range(0, len(dev), size)]
    for name in dict.fromkeys(d.split for d in train if d.split != "dev"):
        folds.append([i for i, d in enumerate(train) if d.split == name])
    return [fold for fold in folds if fold]


def features(document: EvalDocument) -> Counter[str]:
    """Counts of n-grams of the folded document; title and keywords weighted up."""
    folded = fold_document(
        document.title, document.text, abstract=document.abstract, keywords=document.keywords
    )
    text = folded.text
    zones = (
        (text[: folded.title_end], TITLE_WEIGHT),
        (text[folded.title_end + 1 : folded.keywords_end], KEYWORD_WEIGHT),
        (text[folded.keywords_end + 1 :], 1),
    )
    counts: Counter[str] = Counter()
    for zone, weight in zones:
        for gram in _grams(zone):
            counts[gram] += weight
    return counts


def _grams(text: str) -> list[str]:
    """Character 1-3-grams of each Han run; word unigrams and bigrams of the rest."""
    grams: list[str] = []
    for run in _HAN_RUN.findall(text):
        for n in (1, 2, 3):
            grams += [run[i : i + n] for i in range(len(run) - n + 1)]
    words = _WORD.findall(_HAN_RUN.sub(" ", text))
    grams += ["w:" + w for w in words]
    grams += [f"w:{a} {b}" for a, b in pairwise(words)]
    return grams


@dataclass(slots=True)
class Model:
    """Tf-idf vocabulary and one-vs-rest logistic weights over the theme ids."""

    labels: list[str]
    vocab: dict[str, int] = field(default_factory=dict)
    idf: Matrix = field(default_factory=lambda: np.zeros(0))
    weights: Matrix = field(default_factory=lambda: np.zeros((0, 0)))
    bias: Matrix = field(default_factory=lambda: np.zeros(0))

    def vectors(self, docs: list[Counter[str]]) -> Matrix:
        """Sublinear tf-idf rows, L2-normalised; n-grams outside the vocabulary are dropped."""
        x = np.zeros((len(docs), len(self.vocab)))
        for row, counts in enumerate(docs):
            for gram, count in counts.items():
                column = self.vocab.get(gram)
                if column is not None:
                    x[row, column] = 1.0 + math.log(count)
        x *= self.idf
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        return x / np.where(norms > 0, norms, 1.0)

    def probabilities(self, docs: list[Counter[str]]) -> Matrix:
        """P(theme) per document, from the rows of W of the n-grams it has (no dense vector)."""
        out = np.empty((len(docs), len(self.labels)))
        for row, counts in enumerate(docs):
            pairs = [(self.vocab[g], c) for g, c in counts.items() if g in self.vocab]
            if not pairs:
                out[row] = self.bias
                continue
            columns = np.fromiter((c for c, _ in pairs), dtype=np.int64, count=len(pairs))
            tf = 1.0 + np.log(np.fromiter((n for _, n in pairs), dtype=float, count=len(pairs)))
            values = tf * self.idf[columns]
            out[row] = values @ self.weights[columns] / np.linalg.norm(values) + self.bias
        return 1.0 / (1.0 + np.exp(-out))


def fit(docs: list[Counter[str]], labels: list[set[str]], label_ids: list[str]) -> Model:
    """Fit the model on these documents (vocabulary and idf from them alone)."""
    model = Model(label_ids)
    df: Counter[str] = Counter(gram for counts in docs for gram in counts)
    model.vocab = {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= MIN_DF))}
    n = len(docs)
    model.idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in model.vocab])
    x = model.vectors(docs)
    y = np.array([[label in given for label in label_ids] for given in labels], dtype=float)
    dual, model.bias = dual_logistic(x @ x.T, y)
    model.weights = x.T @ dual
    return model


def choose_threshold(
    train: list[EvalDocument],
    grams: dict[str, Counter[str]],
    label_ids: list[str],
    target: float = TARGET_PRECISION,
) -> float:
    """Smallest t whose out-of-fold precision (batch folds of `train`) reaches the target."""
    oof: list[tuple[float, bool]] = []
    for fold in inner_folds(train):
        held = set(fold)
        rest = [d for i, d in enumerate(train) if i not in held]
        model = fit([grams[d.id] for d in rest], [set(d.themes) for d in rest], label_ids)
        probs = model.probabilities([grams[train[i].id] for i in fold])
        for row, i in enumerate(fold):
            oof += [(p, label_ids[j] in train[i].themes) for j, p in enumerate(probs[row])]
    for t in THRESHOLDS:
        kept = [hit for p, hit in oof if p >= t]
        if kept and sum(kept) / len(kept) >= target:
            return t
    return 1.01  # nothing is confident enough: add no learned label


def score(predicted: Labels, documents: list[EvalDocument]) -> LabelStats:
    stats = LabelStats()
    for d in documents:
        given, expected = predicted.get(d.id, set()), set(d.themes)
        stats.tp += len(given & expected)
        stats.fp += len(given - expected)
        stats.fn += len(expected - given)
    return stats


def rules_labels(tagger: Tagger, documents: list[EvalDocument]) -> Labels:
    return {
        d.id: {
            m.id
            for m in tagger.tag(d.title, d.text, abstract=d.abstract, keywords=d.keywords).themes
        }
        for d in documents
    }


_OLD_RULES_SCRIPT = """
import inspect, json, sys, yaml
from tagging.taxonomy import load_taxonomy
from tagging.tagger import Tagger
tagger = Tagger(load_taxonomy("themes.yaml"))
accepts = set(inspect.signature(tagger.tag).parameters)
out = {}
for d in yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["documents"]:
    if d.get("split", "dev") == sys.argv[2]:
        extra = {k: d[k] for k in ("abstract", "keywords") if k in d and k in accepts}
        out[d["id"]] = [m.id for m in tagger.tag(d["title"], d["text"], **extra).themes]
print(json.dumps(out))
"""

_OLD_EVIDENCE_SCRIPT = """
import inspect, json, sys, yaml
from tagging.taxonomy import load_taxonomy
from tagging.tagger import Tagger
tagger = Tagger(load_taxonomy("themes.yaml"))
accepts = set(inspect.signature(tagger.score).parameters)
out = {}
for d in yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["documents"]:
    if d.get("split", "dev") == sys.argv[2]:
        extra = {k: d[k] for k in ("abstract", "keywords") if k in d and k in accepts}
        scores = tagger.score(d["title"], d["text"], applied_only=False, **extra)
        out[d["id"]] = [[s.id, s.applied] for s in scores if s.kind == "theme"]
print(json.dumps(out))
"""


def old_rules_evidence(tree: Path, eval_set: Path, batch: str) -> tuple[Labels, Labels]:
    """(applied, evidenced) themes of the rules in `tree`: evidenced = any term of it found."""
    out = subprocess.run(
        [sys.executable, "-c", _OLD_EVIDENCE_SCRIPT, str(eval_set.resolve()), batch],
        cwd=tree,
        env={"PYTHONPATH": f"{tree}:{SHIM}", "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(out)
    applied = {k: {theme for theme, on in v if on} for k, v in found.items()}
    return applied, {k: {theme for theme, _ in v} for k, v in found.items()}


def old_rules_labels(tree: Path, eval_set: Path, batch: str) -> Labels:
    """Themes the rules exported in `tree` (an older commit) give the documents of `batch`."""
    out = subprocess.run(
        [sys.executable, "-c", _OLD_RULES_SCRIPT, str(eval_set.resolve()), batch],
        cwd=tree,
        env={"PYTHONPATH": f"{tree}:{SHIM}", "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {doc_id: set(themes) for doc_id, themes in json.loads(out).items()}


@dataclass(slots=True)
class BatchResult:
    batch: str
    documents: int
    train: int
    threshold: float
    stats: dict[str, LabelStats]
    predict_cpu: float  # seconds of CPU to featurise and predict the batch
    fit_cpu: float  # seconds of CPU to featurise the training batches and fit the model once


def run_batch(
    documents: list[EvalDocument],
    batch: str,
    rules: Labels,
    old_rules: Labels | None,
    label_ids: list[str],
    target: float = TARGET_PRECISION,
) -> BatchResult:
    """Train on the batches before `batch`, predict it, and score (a)-(d) (and old rules)."""
    train, test = split_for(documents, batch)
    start = time.process_time()
    train_grams = {d.id: features(d) for d in train}
    model = fit([train_grams[d.id] for d in train], [set(d.themes) for d in train], label_ids)
    fit_cpu = time.process_time() - start
    t = choose_threshold(train, train_grams, label_ids, target)
    start = time.process_time()
    probs = model.probabilities([features(d) for d in test])
    cpu = time.process_time() - start

    def above(limit: float) -> Labels:
        return {
            d.id: {label_ids[j] for j, p in enumerate(probs[i]) if p >= limit}
            for i, d in enumerate(test)
        }

    learned, confident = above(0.5), above(t)
    systems = {
        "a rules": rules,
        "b learned": learned,
        "c union": {d.id: rules[d.id] | confident[d.id] for d in test},
        "d inter": {d.id: rules[d.id] & learned[d.id] for d in test},
        "+c added": {d.id: confident[d.id] - rules[d.id] for d in test},
    }
    if old_rules is not None:
        systems["a' old rules"] = old_rules
        systems["c' old union"] = {d.id: old_rules[d.id] | confident[d.id] for d in test}
        systems["+c' added"] = {d.id: confident[d.id] - old_rules[d.id] for d in test}
    stats = {name: score(labels, test) for name, labels in systems.items()}
    return BatchResult(batch, len(test), len(train), t, stats, cpu, fit_cpu)


def run_loso(
    documents: list[EvalDocument],
    split: str,
    rules: Labels,
    old_rules: Labels | None,
    label_ids: list[str],
) -> BatchResult:
    """Train on every other split, predict `split`, and score the rules (current, and as they
    were when it was unseen), the model at p >= 0.5, and each union at LOSO_THRESHOLDS."""
    train, test = leave_out(documents, split)
    start = time.process_time()
    model = fit([features(d) for d in train], [set(d.themes) for d in train], label_ids)
    fit_cpu = time.process_time() - start
    start = time.process_time()
    probs = model.probabilities([features(d) for d in test])
    cpu = time.process_time() - start

    def above(limit: float) -> Labels:
        return {
            d.id: {label_ids[j] for j, p in enumerate(probs[i]) if p >= limit}
            for i, d in enumerate(test)
        }

    base = old_rules if old_rules is not None else rules
    systems = {"a rules": rules, "a' old rules": base, "b learned": above(0.5)}
    for t in LOSO_THRESHOLDS:
        confident = above(t)
        systems[f"c' old+{t}"] = {d.id: base[d.id] | confident[d.id] for d in test}
        systems[f"+c' {t}"] = {d.id: confident[d.id] - base[d.id] for d in test}
    stats = {name: score(labels, test) for name, labels in systems.items()}
    if old_rules is None:  # no tree of the rules it was blind to: only the current rules
        stats = {k: v for k, v in stats.items() if not k.startswith(("a'", "c'", "+c'"))}
    return BatchResult(split, len(test), len(train), 0.0, stats, cpu, fit_cpu)


BOOSTER_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)  # --booster: printed at each (0.7 shipped)


def run_booster(
    documents: list[EvalDocument], split: str, blind: tuple[Labels, Labels]
) -> BatchResult:
    """--booster: the shipped booster's recipe fitted on every other split, on `split`, gated as
    the tagger gates it: a theme is added only where the blind rules found a term of it."""
    applied, evidenced = blind
    train, test = leave_out(documents, split)
    start = time.process_time()
    booster = fit_booster(
        [document_counts(d) for d in train],
        [set(d.themes) for d in train],
        list(load_taxonomy(DEFAULT_TAXONOMY).theme_ids),
    )
    fit_cpu = time.process_time() - start
    folded = [
        fold_document(d.title, d.text, abstract=d.abstract, keywords=d.keywords) for d in test
    ]
    start = time.process_time()
    probs = [
        booster.probabilities(booster.count(f.text, f.title_end, f.keywords_end)) for f in folded
    ]
    cpu = time.process_time() - start
    systems: dict[str, Labels] = {
        "a' old rules": applied,
        "b booster": {
            d.id: {k for k, v in p.items() if v >= 0.5} for d, p in zip(test, probs, strict=True)
        },
    }
    for t in BOOSTER_THRESHOLDS:
        added = {
            d.id: {k for k, v in p.items() if v >= t and k in evidenced[d.id]} - applied[d.id]
            for d, p in zip(test, probs, strict=True)
        }
        systems[f"gated {t}"] = {d.id: applied[d.id] | added[d.id] for d in test}
        systems[f"+g {t}"] = added
    ungated = {
        d.id: {k for k, v in p.items() if v >= 0.7} for d, p in zip(test, probs, strict=True)
    }
    systems["union 0.7"] = {d.id: applied[d.id] | ungated[d.id] for d in test}
    stats = {name: score(labels, test) for name, labels in systems.items()}
    return BatchResult(split, len(test), len(train), 0.0, stats, cpu, fit_cpu)


def _main_booster(documents: list[EvalDocument], eval_set: Path, old: dict[str, Path]) -> int:
    """--booster: each split with a blind tree held out once; totals over them."""
    results = [
        run_booster(documents, split, old_rules_evidence(old[split], eval_set, split))
        for split in dict.fromkeys(d.split for d in documents)
        if split in old
    ]
    systems = ["a' old rules", "b booster", "union 0.7"]
    for t in BOOSTER_THRESHOLDS:
        systems += [f"gated {t}", f"+g {t}"]
    print(render(results, systems))
    tested = sum(r.documents for r in results)
    cpu = sum(r.predict_cpu for r in results)
    print(
        f"\nbooster CPU (n-grams of the folded text + every theme's probability): "
        f"{1000 * cpu / tested:.3f} ms per document ({tested} documents)"
    )
    return 0


def render_first_measure(results: list[BatchResult]) -> str:
    """Beside each held split, its recorded blind figure (the rules before it was read)."""
    lines = ["split      recorded blind rules P R   learned (loso) P R"]
    for r in results:
        if r.batch in FIRST_MEASURE:
            p, rec = FIRST_MEASURE[r.batch]
            lines.append(f"{r.batch:10} {p:.3f} {rec:.3f}{'':14}{_cell(r.stats['b learned'])}")
    return "\n".join(lines)


def _cell(stats: LabelStats, added: bool = False) -> str:
    """P and R; for the labels a union adds, how many are right and wrong (+tp/fp)."""
    if added:
        return f"{'+' + str(stats.tp) + '/' + str(stats.fp):>11}"
    return f"{stats.precision:5.3f} {stats.recall:5.3f}"


def render(results: list[BatchResult], systems: list[str]) -> str:
    head = f"{'batch':10} {'docs':>4} {'train':>5} {'t':>5}  " + "  ".join(
        f"{name:>11}" for name in systems
    )
    lines = [head, " " * 28 + "  ".join(f"{'P     R':>11}" for _ in systems)]
    for r in results:
        cells = "  ".join(
            _cell(r.stats[s], s.startswith("+")) if s in r.stats else " " * 11 for s in systems
        )
        lines.append(f"{r.batch:10} {r.documents:4d} {r.train:5d} {r.threshold:5.2f}  {cells}")
    for title, group in (("all", results), ("last four", results[-4:])):
        cells = "  ".join(_cell(_total(group, s), s.startswith("+")) for s in systems)
        lines.append(f"{title:10} {sum(r.documents for r in group):4d} {'':5} {'':5}  {cells}")
    return "\n".join(lines)


def _total(results: list[BatchResult], system: str) -> LabelStats:
    total = LabelStats()
    for r in results:
        if system in r.stats:
            total.tp += r.stats[system].tp
            total.fp += r.stats[system].fp
            total.fn += r.stats[system].fn
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--eval-set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY)
    parser.add_argument("--target", type=float, default=TARGET_PRECISION)
    parser.add_argument("--old-rules", action="append", default=[], help="SPLIT=DIR")
    parser.add_argument("--loso", action="store_true", help="leave one split out (see above)")
    parser.add_argument("--booster", action="store_true", help="LOSO of tagging/booster.py")
    args = parser.parse_args(argv)
    documents = load_eval_set(args.eval_set)
    old = {k: Path(v) for k, v in (item.split("=", 1) for item in args.old_rules)}
    if args.booster:
        return _main_booster(documents, args.eval_set, old)
    tagger = Tagger(load_taxonomy(args.taxonomy))
    label_ids = list(tagger.taxonomy.theme_ids)
    old = {k: Path(v) for k, v in (item.split("=", 1) for item in args.old_rules)}
    start = time.process_time()
    rules = rules_labels(tagger, documents)
    rules_cpu = (time.process_time() - start) / len(documents)
    if args.loso:
        return _main_loso(documents, args.eval_set, rules, old, label_ids)
    results = []
    for batch in holdout_batches(documents):
        old_labels = old_rules_labels(old[batch], args.eval_set, batch) if batch in old else None
        results.append(run_batch(documents, batch, rules, old_labels, label_ids, args.target))
    systems = ["a rules", "b learned", "c union", "+c added", "d inter"]
    if old:
        systems += ["a' old rules", "c' old union", "+c' added"]
    print(render(results, systems))
    tested = sum(r.documents for r in results)
    cpu = sum(r.predict_cpu for r in results)
    print(
        f"\nprediction CPU: {1000 * cpu / tested:.2f} ms per document ({tested} documents);"
        f" the rules: {1000 * rules_cpu:.2f} ms; one fit on the {results[-1].train} documents"
        f" before {results[-1].batch}: {results[-1].fit_cpu:.1f} s"
    )
    return 0


def _main_loso(
    documents: list[EvalDocument],
    eval_set: Path,
    rules: Labels,
    old: dict[str, Path],
    label_ids: list[str],
) -> int:
    """--loso: every split held out once; the totals are over the splits with old rules."""
    results = []
    for split in dict.fromkeys(d.split for d in documents):
        old_labels = old_rules_labels(old[split], eval_set, split) if split in old else None
        results.append(run_loso(documents, split, rules, old_labels, label_ids))
    systems = ["a rules", "b learned", "a' old rules"]
    for t in LOSO_THRESHOLDS:
        systems += [f"c' old+{t}", f"+c' {t}"]
    print(render(results, systems))
    print("")
    print(render_first_measure(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
