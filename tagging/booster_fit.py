"""Fit the booster's weights (tagging/booster.py) and write tagging/booster.json.

    uv run python -m tagging.booster_fit [--eval-set PATH] [--out PATH]

Two fits, both one-vs-rest L2 logistic regression on sublinear tf-idf rows (L2-normalised),
solved in the dual (W = X^T A: documents are far fewer than n-grams) by accelerated gradient
descent for a fixed number of steps from zero - no randomness, so the same documents give the
same weights:
  1. on every n-gram seen in at least MIN_DF documents; then, per theme, the SELECTED n-grams of
     largest positive weight and SELECTED // 4 of most negative are kept (their union);
  2. on the kept n-grams alone (idf and norms over them, as the booster computes them).
Weights are rounded to ROUND decimals and those under PRUNE dropped, so that a rebuild gives the
same file and the file stays small. numpy is used here only, never when tagging.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tagging.booster import WEIGHTS, Booster, zone_counts
from tagging.evaluation import EvalDocument, load_eval_set
from tagging.tagger import fold_document
from tagging.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
Matrix = npt.NDArray[np.float64]
MIN_DF = 2
SELECTED = 150  # n-grams of largest weight kept per theme (and a quarter as many negative ones)
L2 = 1e-5  # as the round-10 experiment chose it by batch folds on dev..holdout9
ITERATIONS = 400
ROUND = 4
PRUNE = 0.05  # a weight smaller than this (after rounding) is left out of the file


def document_counts(document: EvalDocument) -> dict[str, int]:
    """The booster's n-gram counts of a labelled document, folded as the tagger folds it."""
    folded = fold_document(
        document.title, document.text, abstract=document.abstract, keywords=document.keywords
    )
    return zone_counts(folded.text, folded.title_end, folded.keywords_end)


def fit_booster(
    documents: Sequence[dict[str, int]], labels: Sequence[set[str]], label_ids: Sequence[str]
) -> Booster:
    """Fit on all n-grams, keep the strongest per theme, refit on those: the booster."""
    docs = [{g: 1.0 + math.log(n) for g, n in counts.items()} for counts in documents]
    y = np.array([[label in given for label in label_ids] for given in labels], dtype=float)
    df: dict[str, int] = {}
    for counts in docs:
        for gram in counts:
            df[gram] = df.get(gram, 0) + 1
    vocab = sorted(g for g, n in df.items() if n >= MIN_DF)
    weights, _ = _fit(docs, vocab, df, y)
    kept: set[int] = set()
    for j in range(len(label_ids)):
        order = np.argsort(-weights[:, j], kind="stable")
        kept.update(int(i) for i in order[:SELECTED] if weights[i, j] > 0)
        kept.update(int(i) for i in order[::-1][: SELECTED // 4] if weights[i, j] < 0)
    selected = sorted(vocab[i] for i in kept)
    weights, bias = _fit(docs, selected, df, y)
    idf: dict[str, float] = {}
    by_label: tuple[dict[str, float], ...] = tuple({} for _ in label_ids)
    for i, gram in enumerate(selected):
        for j, w in enumerate(weights[i]):
            if abs(w) >= PRUNE:
                by_label[j][gram] = round(float(w), ROUND)
                idf[gram] = round(_idf(len(docs), df[gram]), ROUND)
    rounded = tuple(round(float(b), ROUND) for b in bias)
    return Booster(tuple(label_ids), rounded, idf, by_label)


def _idf(n: int, df: int) -> float:
    return math.log((1 + n) / (1 + df)) + 1.0


def _fit(
    docs: Sequence[dict[str, float]], vocab: list[str], df: dict[str, int], y: Matrix
) -> tuple[Matrix, Matrix]:
    """(W, b) of the logistic model on these n-grams, rows as the booster computes them (with
    idf as rounded in the file, so that training and tagging see the same numbers)."""
    column = {g: i for i, g in enumerate(vocab)}
    idf = np.array([round(_idf(len(docs), df[g]), ROUND) for g in vocab])
    x = np.zeros((len(docs), len(vocab)))
    for row, counts in enumerate(docs):
        for gram, value in counts.items():
            i = column.get(gram)
            if i is not None:
                x[row, i] = value * idf[i]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x /= np.where(norms > 0, norms, 1.0)
    dual, bias = dual_logistic(x @ x.T, y)
    return x.T @ dual, bias


def dual_logistic(kernel: Matrix, y: Matrix) -> tuple[Matrix, Matrix]:
    """Accelerated gradient descent on L2 logistic loss with W = X^T A (each step of W stays in
    that span, so this is gradient descent on W itself, at the cost of n x n products)."""
    n = kernel.shape[0]
    step = 1.0 / (float(np.linalg.eigvalsh(kernel)[-1]) / (4 * n) + L2)
    rate = y.mean(axis=0)
    dual, bias = np.zeros(y.shape), np.log((rate + 1e-3) / (1 - rate + 1e-3))
    ahead, ahead_bias = dual.copy(), bias.copy()
    for k in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-(kernel @ ahead + ahead_bias)))
        residual = (p - y) / n
        new_dual = ahead - step * (residual + L2 * ahead)
        new_bias = ahead_bias - 4 * residual.sum(axis=0)
        momentum = k / (k + 3)
        ahead = new_dual + momentum * (new_dual - dual)
        ahead_bias = new_bias + momentum * (new_bias - bias)
        dual, bias = new_dual, new_bias
    return dual, bias


def build(eval_set: Path, taxonomy: Path) -> Booster:
    """The booster fitted on every document of the labelled set."""
    documents = load_eval_set(eval_set)
    label_ids = load_taxonomy(taxonomy).theme_ids
    return fit_booster(
        [document_counts(d) for d in documents], [set(d.themes) for d in documents], label_ids
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--eval-set", type=Path, default=ROOT / "tests/data/tagging_eval.yaml")
    parser.add_argument("--taxonomy", type=Path, default=ROOT / "themes.yaml")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    booster = build(args.eval_set, args.taxonomy)
    args.out.write_text(dumps(booster), encoding="utf-8")
    print(f"{len(booster.idf)} n-grams -> {args.out}")
    return 0


def dumps(booster: Booster) -> str:
    return json.dumps(booster.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
