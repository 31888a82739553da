"""Precision and recall of the tagger on the labelled set, per theme and per region.

    uv run python -m bench.eval_tagging [--taxonomy themes.yaml] [--split NAME] [--mistakes]
                                        [--errors]

Prints one line per theme and region (documents labelled, tp/fp/fn, precision, recall, F1), the
micro-averaged figures, and the share of off-topic documents (labelled with no theme) that got a
theme. Run once per split too: `--split holdout11` is the newest batch, unseen while round 5
was built.
`--errors` explains every theme mistake: the document's size, the theme's score, whether it was
taken for the subject, and the terms found - what one needs to group mistakes by cause.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tagging.evaluation import (
    EvalDocument,
    EvalReport,
    LabelStats,
    agreement,
    evaluate,
    load_eval_set,
    load_second_labels,
)
from tagging.tagger import Tagger, fold_document
from tagging.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT / "tests" / "data" / "tagging_eval.yaml"
DEFAULT_TAXONOMY = ROOT / "themes.yaml"
SECOND_LABELS = ROOT / "tests" / "data" / "tagging_second_labels.yaml"
UNSEEN = ROOT / "tests" / "data" / "tagging_unseen.yaml"


def _row(label: str, stats: LabelStats) -> str:
    support = stats.tp + stats.fn
    return (
        f"  {label:28} {support:4d} {stats.tp:4d} {stats.fp:4d} {stats.fn:4d}"
        f"  {stats.precision:6.2f} {stats.recall:6.2f} {stats.f1:6.2f}"
    )


def _table(title: str, table: dict[str, LabelStats], micro: LabelStats) -> list[str]:
    head = (
        f"{title:30} {'docs':>4} {'tp':>4} {'fp':>4} {'fn':>4}  {'prec':>6} {'recall':>6} {'f1':>6}"
    )
    lines = [head]
    lines += [_row(label, stats) for label, stats in table.items()]
    lines.append(_row("micro", micro))
    return lines


def render(report: EvalReport, *, mistakes: bool = False) -> str:
    lines = [f"{report.documents} documents", ""]
    lines += _table("themes", report.themes, report.themes_micro)
    lines.append("")
    lines += _table("regions", report.regions, report.regions_micro)
    lines.append("")
    themes, regions = report.themes_micro, report.regions_micro
    lines.append(
        f"themes:  precision {themes.precision:.3f}  recall {themes.recall:.3f}"
        f"  micro-F1 {themes.f1:.3f}"
    )
    lines.append(
        f"regions: precision {regions.precision:.3f}  recall {regions.recall:.3f}"
        f"  micro-F1 {regions.f1:.3f}"
    )
    lines.append(
        f"off-topic documents (labelled with no theme) given a theme: "
        f"{len(report.off_topic_themed)} of {report.off_topic} ({report.off_topic_share:.1%})"
    )
    if mistakes:
        lines.append("")
        lines += [
            f"  {m.error.upper()} {m.kind} {m.label:28} {m.document}" for m in report.mistakes
        ]
        lines += [f"  THEMED off-topic {name}" for name in report.off_topic_themed]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--taxonomy", type=Path, default=DEFAULT_TAXONOMY)
    parser.add_argument("--set", dest="eval_set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--split", default=None, help="dev, holdout, holdout2... (default: all)")
    parser.add_argument(
        "--mistakes", action="store_true", help="list every false positive/negative"
    )
    parser.add_argument(
        "--errors", action="store_true", help="explain every theme mistake (score, terms)"
    )
    args = parser.parse_args(argv)
    tagger = Tagger(load_taxonomy(args.taxonomy))
    documents = load_eval_set(args.eval_set)
    report = evaluate(tagger, documents, split=args.split)
    print(render(report, mistakes=args.mistakes))
    if args.errors:
        print("")
        print(explain(tagger, documents, report))
    if args.split is None:
        print("")
        print(by_split(tagger, documents))
        print("")
        print(labeller_agreement(tagger, documents))
    if args.eval_set == DEFAULT_SET and args.split is None:
        print("")
        print(unseen_batch(tagger))
    return 0


def unseen_batch(tagger: Tagger, path: Path = UNSEEN) -> str:
    """The newest blind batch, which no rule was written from: the figure to expect on new text.
    Between a round that read the last batch and the lead's copying in of the next, there is
    none (an empty list, or no file): that is said, not scored as a perfect 1.0."""
    documents = load_eval_set(path) if path.exists() else []
    if not documents:
        return f"unseen blind batch: none kept ({path.name} {_no_batch(path)})"
    report = evaluate(tagger, documents)
    themes, regions = report.themes_micro, report.regions_micro
    splits = ", ".join(dict.fromkeys(d.split for d in documents))
    return (
        f"unseen blind batch ({path.name}: {splits}, {report.documents} documents, read by no"
        f" round): themes P {themes.precision:.3f} R {themes.recall:.3f}, regions P"
        f" {regions.precision:.3f} R {regions.recall:.3f} F1 {regions.f1:.3f},"
        f" off-topic themed {len(report.off_topic_themed)} of {report.off_topic}"
    )


def _no_batch(path: Path) -> str:
    return "lists no documents" if path.exists() else "is absent"


def labeller_agreement(tagger: Tagger, documents: list[EvalDocument]) -> str:
    """The second labelling against the first, and the tagger against each: how much of the
    tagger's distance from a label set is the labellers' own disagreement."""
    second = {d.id: (set(d.themes), set(d.regions)) for d in load_second_labels(SECOND_LABELS)}
    first = {d.id: (set(d.themes), set(d.regions)) for d in documents if d.id in second}
    if not first:
        return f"labeller agreement: no document of this set is in {SECOND_LABELS.name}"
    tagged = {}
    for d in documents:
        if d.id in second:
            result = tagger.tag(d.title, d.text, abstract=d.abstract, keywords=d.keywords)
            tagged[d.id] = ({m.id for m in result.themes}, {m.id for m in result.regions})
    rows = [
        ("second labeller vs first", agreement(first, second)),
        ("tagger vs first labeller", agreement(first, tagged)),
        ("tagger vs second labeller", agreement(second, tagged)),
    ]
    lines = [f"labeller agreement ({SECOND_LABELS.name}, {len(second)} documents, P / R / F1)"]
    for name, found in rows:
        t, r = found.themes, found.regions
        lines.append(
            f"  {name:26} themes {t.precision:.3f} / {t.recall:.3f} / {t.f1:.3f}"
            f"   regions {r.precision:.3f} / {r.recall:.3f} / {r.f1:.3f}"
        )
    return "\n".join(lines)


def explain(tagger: Tagger, documents: list[EvalDocument], report: EvalReport) -> str:
    """One block per document with a theme mistake: its sentences and size, then each mistaken
    theme's score and threshold, whether it was the subject, and its terms strongest first."""
    wrong: dict[str, list[tuple[str, str]]] = {}
    for m in report.mistakes:
        if m.kind == "theme":
            wrong.setdefault(m.document, []).append((m.label, m.error))
    lines = []
    for document in documents:
        if document.id not in wrong:
            continue
        scores = tagger.score(
            document.title,
            document.text,
            abstract=document.abstract,
            keywords=document.keywords,
            applied_only=False,
        )
        found = {s.id: s for s in scores if s.kind == "theme"}
        folded = fold_document(
            document.title, document.text, abstract=document.abstract, keywords=document.keywords
        )
        lines.append(
            f"{document.id} ({document.split}, {document.lang}, {folded.sentences} sentences,"
            f" {folded.units} units): {document.title}"
        )
        for label, error in wrong[document.id]:
            score = found.get(label)
            if score is None:
                lines.append(f"  {error.upper()} {label}: no term of it in the text")
            else:
                lines.append(
                    f"  {error.upper()} {label}: score {score.score:.2f}/{score.threshold:.2f}"
                    f" subject={score.subject} terms={score.terms}"
                )
    return "\n".join(lines)


def by_split(tagger: Tagger, documents: list[EvalDocument]) -> str:
    """One line per split: the holdouts were each measured once, before any later change."""
    head = f"{'split':10} {'docs':>4}  {'theme P':>7} {'theme R':>7} {'region F1':>9}"
    lines = [head + "  off-topic themed"]
    for split in dict.fromkeys(d.split for d in documents):
        report = evaluate(tagger, documents, split=split)
        themes, regions = report.themes_micro, report.regions_micro
        lines.append(
            f"{split:10} {report.documents:4d}  {themes.precision:7.3f} {themes.recall:7.3f}"
            f" {regions.f1:9.3f}  {len(report.off_topic_themed)} of {report.off_topic}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
