"""Measure article extraction on real pages: ours (parsers.article) against plain trafilatura.

    uv run python -m bench.eval_extraction [--verbose] [--repeat 3 | --no-timing]

Reads $AGGLOWATCH_EVAL_DIR (default ../shared/eval/zh-news beside the repository):
original/<id>.html (bytes as served), cleaned/<id>.txt (the body a person marked), author/<id>.txt
and date/<id>.txt (UNKNOWN when the page has none). Skips with a message, exit status 0, when
the folder is missing.

Scoring (see the dataset README):
- body: precision/recall/F1 over character 4-gram shingles (multisets) of whitespace-normalised
  text, averaged over pages;
- date: the calendar day; a truth written with less precision ('2018', '1998-3') is compared at that
  precision; UNKNOWN means the right answer is no date; an empty truth file is not scored;
- author: all names joined, compared after removing whitespace and punctuation; UNKNOWN means the
  right answer is no author; an empty truth file is not scored;
- title: title/<id>.txt when the dataset has them. zh-news has none, and its cleaned text starts
  with the headline on only 4 of 35 pages (nor does the page structure give one: most of these
  pages have no <h1>), so its titles were hand-labelled into bench/zh_news_titles.tsv (labels
  only: the headline as a reader gives it, without site name), compared after removing whitespace
  and punctuation.

Timing (unless --no-timing): ms per document of extract_article and of plain
trafilatura.extract (default options, as bench.bench_pipeline calls it), in `--repeat` passes
over the pages, each page run by both in turn (so that load from other processes on a shared
machine hits both alike), averaged.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from agglowatch.errors import ParseError
from parsers.article import extract_article
from parsers.dates import parse_date
from parsers.encoding import decode_body

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO.parent / "shared" / "eval" / "zh-news"
UNKNOWN = {"unknown", "unknwon"}  # the dataset spells it both ways
TITLE_LABELS = REPO / "bench" / "zh_news_titles.tsv"


@dataclass(slots=True)
class Guess:
    text: str
    title: str | None
    authors: list[str]
    published: str | None  # ISO day


@dataclass(slots=True)
class Scores:
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    dates: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)
    titles: list[bool] = field(default_factory=list)
    seconds: float = 0.0


def shingles(text: str, size: int = 4) -> Counter[str]:
    flat = re.sub(r"\s+", " ", text).strip()
    return Counter(flat[i : i + size] for i in range(max(0, len(flat) - size + 1)))


def body_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    guess, gold = shingles(predicted), shingles(truth)
    common = sum((guess & gold).values())
    precision = common / sum(guess.values()) if guess else 0.0
    recall = common / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def date_correct(predicted: str | None, truth: str) -> bool | None:
    """None when the truth is empty (not scored)."""
    truth = truth.strip()
    if not truth:
        return None
    if truth.lower() in UNKNOWN:
        return predicted is None
    if predicted is None:
        return False
    parts = re.match(r"(\d{4})(?:\D(\d{1,2}))?(?:\D(\d{1,2}))?", truth)
    if not parts:
        return None
    wanted = [int(p) for p in parts.groups() if p]
    got = [int(p) for p in predicted.split("-")]
    return got[: len(wanted)] == wanted


def _squash(text: str) -> str:
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS"
    ).casefold()


def author_correct(predicted: list[str], truth: str) -> bool | None:
    truth = truth.strip()
    if not truth:
        return None
    if truth.lower() in UNKNOWN:
        return not predicted
    return _squash("".join(predicted)) == _squash(truth)


def title_correct(predicted: str | None, truth: str) -> bool | None:
    truth = truth.strip()
    if not truth:
        return None
    return _squash(predicted or "") == _squash(truth)


def title_labels(folder: Path) -> dict[str, str]:
    """Hand labels (page id prefix -> title) for a dataset without title/ files."""
    if (folder / "title").is_dir() or folder.name != "zh-news" or not TITLE_LABELS.exists():
        return {}
    labels: dict[str, str] = {}
    for line in TITLE_LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            prefix, _, title = line.partition("\t")
            labels[prefix.strip()] = title.strip()
    return labels


def ours(html: str) -> Guess:
    try:
        record = extract_article(html, "", source="eval")
    except ParseError:
        return Guess("", None, [], None)
    published = record.published.isoformat() if record.published else None
    return Guess(record.text, record.title, record.authors, published)


def plain(html: str) -> Guess:
    raw = trafilatura.extract(html, output_format="json", with_metadata=True)
    data = json.loads(raw) if raw else {}
    day = parse_date(data["date"]) if data.get("date") else None
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    return Guess(
        data.get("text") or "", data.get("title"), authors, day.isoformat() if day else None
    )


def evaluate(folder: Path, extract: Callable[[str], Guess], verbose: bool) -> Scores:
    scores = Scores()
    labels = title_labels(folder)
    for page in sorted((folder / "original").glob("*.html")):
        html, _ = decode_body(page.read_bytes())
        started = time.perf_counter()
        guess = extract(html)
        scores.seconds += time.perf_counter() - started
        _score_page(folder, page.stem, guess, scores, verbose, labels)
    return scores


def _truth(folder: Path, kind: str, stem: str, labels: dict[str, str]) -> str | None:
    if kind == "title" and labels:
        return next((t for prefix, t in labels.items() if stem.startswith(prefix)), None)
    path = folder / kind / f"{stem}.txt"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else None


def timing(folder: Path, repeat: int) -> tuple[float, float, int]:
    """(ms/document of extract_article, ms/document of trafilatura.extract, documents).

    `repeat` passes over all pages, each page run by both in turn; the mean over every run. Not
    the fastest run: repeating a page warms trafilatura's own caches, which flatters whichever
    side spends the larger share of its time inside trafilatura."""
    pages = [decode_body(p.read_bytes())[0] for p in sorted((folder / "original").glob("*.html"))]
    for html in pages[:3]:  # first-page costs (imports, regex compiles) are not per document
        extract_article_or_none(html)
        trafilatura.extract(html)
    ours_s = plain_s = 0.0
    for _ in range(repeat):
        for html in pages:
            started = time.perf_counter()
            extract_article_or_none(html)
            ours_s += time.perf_counter() - started
            started = time.perf_counter()
            trafilatura.extract(html)
            plain_s += time.perf_counter() - started
    runs = max(1, len(pages) * repeat)
    return ours_s / runs * 1000, plain_s / runs * 1000, len(pages)


def extract_article_or_none(html: str) -> None:
    try:
        extract_article(html, "", source="eval")
    except ParseError:
        return


def _score_page(
    folder: Path, stem: str, guess: Guess, scores: Scores, verbose: bool, labels: dict[str, str]
) -> None:
    body = _truth(folder, "cleaned", stem, labels)
    if body is not None:
        p, r, f = body_scores(guess.text, body)
        scores.precision.append(p)
        scores.recall.append(r)
        scores.f1.append(f)
    marks: list[str] = []
    checks: tuple[tuple[str, Callable[[str], bool | None], list[bool]], ...] = (
        ("date", lambda t: date_correct(guess.published, t), scores.dates),
        ("author", lambda t: author_correct(guess.authors, t), scores.authors),
        ("title", lambda t: title_correct(guess.title, t), scores.titles),
    )
    for kind, check, bucket in checks:
        truth = _truth(folder, kind, stem, labels)
        if truth is None:
            continue
        verdict = check(truth)
        if verdict is not None:
            bucket.append(verdict)
            shown = _shown(kind, guess)
            marks.append(f"{kind}={'ok' if verdict else 'MISS'}({truth.strip()!r} vs {shown!r})")
    if verbose:
        f1 = f"{scores.f1[-1]:.2f}" if body is not None else "-"
        print(f"  {stem[:8]} F1={f1} " + " ".join(marks))


def _shown(kind: str, guess: Guess) -> object:
    return {"date": guess.published, "author": guess.authors, "title": guess.title}[kind]


def _mean(values: list[float] | list[bool]) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "  -  "


def report(name: str, scores: Scores) -> str:
    return (
        f"{name:<22} P={_mean(scores.precision)} R={_mean(scores.recall)} F1={_mean(scores.f1)}"
        f"  date={_mean(scores.dates)} (n={len(scores.dates)})"
        f"  author={_mean(scores.authors)} (n={len(scores.authors)})"
        + (f"  title={_mean(scores.titles)} (n={len(scores.titles)})" if scores.titles else "")
        + f"  {scores.seconds:.1f}s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", "-v", action="store_true", help="one line per page")
    parser.add_argument("--no-timing", action="store_true", help="skip the ms/document figures")
    parser.add_argument("--timing", action="store_true", help=argparse.SUPPRESS)  # the default
    parser.add_argument("--repeat", type=int, default=3, help="timing passes over the pages")
    args = parser.parse_args(argv)
    folder = Path(os.environ.get("AGGLOWATCH_EVAL_DIR") or DEFAULT_DIR)
    if not (folder / "original").is_dir():
        print(f"eval set not found at {folder} (set AGGLOWATCH_EVAL_DIR); skipping")
        return 0
    pages = len(list((folder / "original").glob("*.html")))
    print(f"{pages} pages from {folder}")
    if title_labels(folder):
        print(f"titles: hand-labelled ({TITLE_LABELS.relative_to(REPO)}), the dataset has none")
    for name, extract in (("plain trafilatura", plain), ("agglowatch", ours)):
        if args.verbose:
            print(name)
        print(report(name, evaluate(folder, extract, args.verbose)))
    if not args.no_timing:
        mine, theirs, n = timing(folder, max(1, args.repeat))
        print(
            f"timing over {n} pages x {args.repeat} passes, same process, interleaved: "
            f"extract_article {mine:.1f} ms/doc, trafilatura.extract {theirs:.1f} ms/doc, "
            f"ratio {mine / theirs:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
