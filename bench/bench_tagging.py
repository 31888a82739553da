"""Tagging throughput on generated Chinese and English documents of about 30 KB each.

    uv run python -m bench.bench_tagging [--documents 100] [--size 30000]

Documents are built deterministically from the sentences of the labelled set (dense in terms,
so a worst case for matching) mixed with plain filler sentences. Prints documents per second and
characters per second per language (best of three passes), including normalisation (NFKC,
Traditional -> Simplified) and scoring: the whole of Tagger.tag.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from tagging.evaluation import load_eval_set
from tagging.tagger import Tagger
from tagging.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
_ZH_SENTENCE = re.compile(r"[^。！？\n]+[。！？]")
_EN_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")
_FILLER = {
    "zh": [
        "会议听取了有关部门的工作汇报，并对下一阶段的重点任务作出部署。",
        "与会人员围绕相关议题进行了深入交流，提出了许多有价值的意见建议。",
        "据介绍，相关工作将按照时间节点有序推进，确保各项任务落到实处。",
        "记者在现场看到，施工人员正在紧张有序地进行作业。",
    ],
    "en": [
        "The meeting reviewed progress reports from the departments concerned.",
        "Participants exchanged views on the topics and made a number of suggestions.",
        "According to the organisers, the work will proceed according to schedule.",
        "Reporters at the site saw workers busy with the next stage of construction.",
    ],
}


def sentences(language: str) -> list[str]:
    """Sentences of the labelled set in one language ('zh' takes Traditional ones too)."""
    pattern = _ZH_SENTENCE if language == "zh" else _EN_SENTENCE
    out: list[str] = []
    for document in load_eval_set(ROOT / "tests" / "data" / "tagging_eval.yaml"):
        if document.lang.startswith(language):
            for part in (document.text, document.abstract or ""):
                out += [s.strip() for s in pattern.findall(part) if s.strip()]
    return out


def make_documents(language: str, count: int, size: int, seed: int = 7) -> list[tuple[str, str]]:
    """(title, text) pairs of about `size` characters, half term-dense, half filler."""
    rng = random.Random(seed)
    pool, filler = sentences(language), _FILLER[language]
    glue = "" if language == "zh" else " "
    documents = []
    for _ in range(count):
        parts: list[str] = []
        length = 0
        while length < size:
            sentence = rng.choice(pool) if rng.random() < 0.5 else rng.choice(filler)
            parts.append(sentence)
            length += len(sentence) + len(glue)
            if rng.random() < 0.1:
                parts.append("\n\n")
        documents.append((rng.choice(pool)[:60], glue.join(parts)))
    return documents


def measure(
    tagger: Tagger, documents: list[tuple[str, str]], rounds: int = 3
) -> tuple[float, float]:
    """Best of `rounds` passes (the least disturbed by other load on the machine)."""
    characters = sum(len(title) + len(text) for title, text in documents)
    elapsed = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for title, text in documents:
            tagger.tag(title, text)
        elapsed = min(elapsed, time.perf_counter() - started)
    return len(documents) / elapsed, characters / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--size", type=int, default=30_000, help="characters per document")
    parser.add_argument("--taxonomy", type=Path, default=ROOT / "themes.yaml")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tagger = Tagger(load_taxonomy(args.taxonomy))
    build = time.perf_counter() - started
    print(
        f"taxonomy loaded and automaton built in {build * 1000:.0f} ms ({tagger.index.size} keys)"
    )
    for language in ("zh", "en"):
        documents = make_documents(language, args.documents, args.size)
        tagger.tag(*documents[0])  # warm OpenCC and caches
        docs_per_s, chars_per_s = measure(tagger, documents)
        print(
            f"{language}: {args.documents} documents of ~{args.size // 1000} K characters: "
            f"{docs_per_s:8.1f} documents/s  {chars_per_s / 1e6:6.2f} M characters/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
