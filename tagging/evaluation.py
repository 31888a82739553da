"""Precision, recall and micro-F1 of a Tagger against a labelled set (tests/data/tagging_eval.yaml).

Micro-averaged over every (document, label) pair of the whole set: a label the tagger gives and
the set does not is a false positive, one the set gives and the tagger does not a false negative.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agglowatch.errors import ConfigError
from tagging.tagger import Tagger
from tagging.taxonomy import Taxonomy


class EvalDocument(BaseModel):
    """One labelled document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    split: str = "dev"
    lang: str
    title: str
    text: str
    abstract: str | None = None
    keywords: list[str] = Field(default_factory=list)
    themes: list[str]
    regions: list[str]
    note: str | None = None


@dataclass(slots=True)
class LabelStats:
    """Counts for one label (a theme or region id)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Mistake:
    document: str
    kind: str  # "theme" | "region"
    label: str
    error: str  # "fp" (given, not expected) | "fn" (expected, not given)


@dataclass(slots=True)
class EvalReport:
    documents: int
    themes: dict[str, LabelStats]
    regions: dict[str, LabelStats]
    mistakes: list[Mistake] = field(default_factory=list)
    off_topic: int = 0  # documents labelled with no theme
    off_topic_themed: list[str] = field(default_factory=list)  # ... that the tagger gave one

    @property
    def off_topic_share(self) -> float:
        """Share of the off-topic documents that got any theme (0.0 when there are none)."""
        return len(self.off_topic_themed) / self.off_topic if self.off_topic else 0.0

    @property
    def themes_micro(self) -> LabelStats:
        return _micro(self.themes.values())

    @property
    def regions_micro(self) -> LabelStats:
        return _micro(self.regions.values())


def load_eval_set(path: str | os.PathLike[str]) -> list[EvalDocument]:
    """Read the labelled set; a malformed file is a ConfigError naming the document."""
    file = Path(path)
    try:
        raw: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{file}: cannot read the evaluation set: {exc}") from exc
    items = raw.get("documents") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ConfigError(f"{file}: expected a mapping with a 'documents' list")
    documents = []
    for number, item in enumerate(items, 1):
        try:
            documents.append(EvalDocument.model_validate(item))
        except ValidationError as exc:
            name = item.get("id") if isinstance(item, dict) else None
            raise ConfigError(f"{file}: document {name or number}: {exc}") from None
    return documents


def evaluate(
    tagger: Tagger, documents: list[EvalDocument], *, split: str | None = None
) -> EvalReport:
    """Tag every document (of `split`, if given) and count hits and misses per label."""
    taxonomy = tagger.taxonomy
    _check_labels(taxonomy, documents)
    selected = [d for d in documents if split is None or d.split == split]
    report = EvalReport(
        documents=len(selected),
        themes={theme_id: LabelStats() for theme_id in taxonomy.theme_ids},
        regions={region_id: LabelStats() for region_id in taxonomy.region_ids},
    )
    for document in selected:
        result = tagger.tag(
            document.title, document.text, abstract=document.abstract, keywords=document.keywords
        )
        given_themes = {match.id for match in result.themes}
        given_regions = {match.id for match in result.regions}
        _count(report, "theme", document, given_themes, set(document.themes))
        if not document.themes:
            report.off_topic += 1
            if given_themes:
                report.off_topic_themed.append(document.id)
        _count(report, "region", document, given_regions, set(document.regions))
    return report


def _count(
    report: EvalReport, kind: str, document: EvalDocument, given: set[str], expected: set[str]
) -> None:
    stats = report.themes if kind == "theme" else report.regions
    for label in given & expected:
        stats[label].tp += 1
    for label in sorted(given - expected):
        stats[label].fp += 1
        report.mistakes.append(Mistake(document.id, kind, label, "fp"))
    for label in sorted(expected - given):
        stats[label].fn += 1
        report.mistakes.append(Mistake(document.id, kind, label, "fn"))


def _check_labels(taxonomy: Taxonomy, documents: list[EvalDocument]) -> None:
    """A label the taxonomy does not know would silently count as a miss: refuse it."""
    themes, regions = set(taxonomy.theme_ids), set(taxonomy.region_ids)
    for document in documents:
        unknown = sorted(set(document.themes) - themes) + sorted(set(document.regions) - regions)
        if unknown:
            raise ConfigError(f"evaluation document {document.id}: unknown labels {unknown}")


def _micro(stats: Any) -> LabelStats:
    total = LabelStats()
    for item in stats:
        total.tp += item.tp
        total.fp += item.fp
        total.fn += item.fn
    return total


class SecondLabels(BaseModel):
    """Another labeller's themes and regions for a document of the set, by id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    themes: list[str]
    regions: list[str]
    note: str | None = None


@dataclass(slots=True)
class Agreement:
    """How far one labelling matches another, scored as if the second were a tagger."""

    documents: int
    themes: LabelStats
    regions: LabelStats


def load_second_labels(path: str | os.PathLike[str]) -> list[SecondLabels]:
    """Read a second labelling; a malformed file is a ConfigError, as for the set itself."""
    file = Path(path)
    try:
        raw: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
        return [SecondLabels.model_validate(item) for item in raw["documents"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValidationError) as exc:
        raise ConfigError(f"{file}: cannot read the second labels: {exc}") from None


def agreement(
    reference: dict[str, tuple[set[str], set[str]]], other: dict[str, tuple[set[str], set[str]]]
) -> Agreement:
    """Micro counts of `other`'s (themes, regions) against `reference`'s on the ids both have."""
    shared = [doc_id for doc_id in reference if doc_id in other]
    themes, regions = LabelStats(), LabelStats()
    for doc_id in shared:
        for stats, expected, given in (
            (themes, reference[doc_id][0], other[doc_id][0]),
            (regions, reference[doc_id][1], other[doc_id][1]),
        ):
            stats.tp += len(expected & given)
            stats.fp += len(given - expected)
            stats.fn += len(expected - given)
    return Agreement(len(shared), themes, regions)
