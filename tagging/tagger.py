"""Themes and regions of a document, with a score and the taxonomy terms that matched.

Score of an entry (theme or region): every kept match adds its term's weight (1, or the support
weight) times its field's weight (title and keywords 3, abstract 2, body 1). A term found n times
in a field counts 1 + ln(n) times, so repetition helps but cannot carry a theme alone. Abstract
and body are diluted by the square root of their length beyond about a page (3,000 Latin
characters, a Chinese character counting as three), so one mention in a short news item counts,
and one in a long report does not. The evidence E maps to 1 - exp(-E / 2): one body mention in a
short text scores 0.39, one title mention 0.78.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from agglowatch.records import DocumentRecord, RegionMatch, TagResult, ThemeMatch
from tagging.index import TermIndex
from tagging.taxonomy import Entry, Taxonomy
from tagging.terms import HAN, match_form

FIELD_WEIGHTS = {"title": 3.0, "keywords": 3.0, "abstract": 2.0, "text": 1.0}
DILUTED_FIELDS = frozenset({"abstract", "text"})
PAGE_UNITS = 3000.0  # Latin characters in a page; a Chinese character counts as HAN_UNITS
HAN_UNITS = 3
EVIDENCE_SCALE = 2.0
_KEYWORD_SEPARATOR = " | "  # no term can match across two keywords


@dataclass(slots=True)
class EntryScore:
    """One theme's or region's score for a document, applied or not (for reports and eval)."""

    kind: str  # "theme" | "region"
    id: str
    score: float  # 0..1, rounded to 2 decimals
    threshold: float
    terms: list[str] = field(default_factory=list)  # as written in the taxonomy, strongest first

    @property
    def applied(self) -> bool:
        return self.score >= self.threshold


class Tagger:
    """Build once from a Taxonomy (one automaton for all terms), then tag any number of texts."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.index = TermIndex(taxonomy)
        support = taxonomy.defaults.support_weight
        self._themes = _Group(taxonomy.themes, "theme", taxonomy.theme_threshold, support)
        self._regions = _Group(taxonomy.regions, "region", taxonomy.region_threshold, support)

    def tag(
        self,
        title: str,
        text: str,
        *,
        abstract: str | None = None,
        keywords: list[str] | None = None,
    ) -> TagResult:
        """Applied themes (with scores) and regions, each with its matched taxonomy terms."""
        scores = self.score(title, text, abstract=abstract, keywords=keywords)
        themes = [ThemeMatch(s.id, s.score, s.terms) for s in scores if s.kind == "theme"]
        regions = [RegionMatch(s.id, s.terms) for s in scores if s.kind == "region"]
        return TagResult(themes=themes, regions=regions)

    def tag_record(self, record: DocumentRecord) -> TagResult:
        """`tag` over a parsed record's title, text, abstract and keywords."""
        return self.tag(
            record.title, record.text, abstract=record.abstract, keywords=record.keywords
        )

    def score(
        self,
        title: str,
        text: str,
        *,
        abstract: str | None = None,
        keywords: list[str] | None = None,
        applied_only: bool = True,
    ) -> list[EntryScore]:
        """Scores of matched entries: themes then regions, each highest first, ties in file order.

        With applied_only=False, entries below their threshold are included too (for tuning and
        the eval printer).
        """
        fields = {
            "title": title,
            "keywords": _KEYWORD_SEPARATOR.join(keywords or []),
            "abstract": abstract or "",
            "text": text,
        }
        evidence: dict[tuple[int, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for name, raw in fields.items():
            self._add_field(evidence, name, raw)
        groups = (self._themes, self._regions)
        results = [
            groups[group].score(position, terms) for (group, position), terms in evidence.items()
        ]
        if applied_only:
            results = [result for result in results if result.applied]
        results.sort(
            key=lambda r: (r.kind != "theme", -r.score, groups[r.kind != "theme"].order[r.id])
        )
        return results

    def _add_field(
        self, evidence: dict[tuple[int, int], dict[int, float]], name: str, raw: str
    ) -> None:
        text = match_form(raw) if raw else ""
        if not text:
            return
        counts: dict[tuple[int, int, int], int] = defaultdict(int)
        weights: dict[tuple[int, int, int], float] = {}
        for hit in self.index.scan(text):
            key = (hit.ref.group, hit.ref.entry, hit.ref.term)
            counts[key] += 1
            weights[key] = hit.ref.weight
        factor = FIELD_WEIGHTS[name] / (_dilution(text) if name in DILUTED_FIELDS else 1.0)
        for (group, entry, term), count in counts.items():
            gain = factor * weights[(group, entry, term)] * (1.0 + math.log(count))
            evidence[(group, entry)][term] += gain


class _Group:
    """The themes or the regions of a taxonomy, as the scorer needs them."""

    def __init__(
        self,
        entries: list[Entry],
        kind: str,
        threshold: Callable[[Entry], float],
        support_weight: float,
    ) -> None:
        self.kind = kind
        self.ids = [entry.id for entry in entries]
        self.order = {entry.id: position for position, entry in enumerate(entries)}
        self.thresholds = [threshold(entry) for entry in entries]
        self.terms = [
            [term for term, _ in entry.weighted_terms(support_weight)] for entry in entries
        ]

    def score(self, position: int, evidence: dict[int, float]) -> EntryScore:
        total = sum(evidence.values())
        score = round(1.0 - math.exp(-total / EVIDENCE_SCALE), 2)
        ranked = sorted(evidence, key=lambda term: (-evidence[term], term))
        names = self.terms[position]
        return EntryScore(
            self.kind,
            self.ids[position],
            score,
            self.thresholds[position],
            [names[t] for t in ranked],
        )


def _dilution(text: str) -> float:
    """sqrt of the text's length in pages, at least 1."""
    han = len(text) - len(HAN.sub("", text))
    units = len(text) + (HAN_UNITS - 1) * han
    return math.sqrt(max(1.0, units / PAGE_UNITS))
