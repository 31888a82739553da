"""One Aho–Corasick automaton over every term and exclusion of a taxonomy.

A scan finds all keys in one pass over the text, then keeps, per group (themes, regions):
- English keys only as whole words (plus plural endings);
- no term of an entry inside one of that entry's exclusions (北京 inside 北京时间);
- of overlapping matches, the leftmost and then longest, as a reader segments the text
  (上海南京路 is 上海 + 南京, not 海南; 浙江西部 is 浙江, not 江西).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple, cast

import ahocorasick

from tagging.taxonomy import Entry, Taxonomy
from tagging.terms import is_latin, match_form, spelling_variants, word_end

THEMES = 0
REGIONS = 1


@dataclass(frozen=True, slots=True)
class TermRef:
    """What a matching key stands for: a term (or an exclusion) of one entry."""

    group: int  # THEMES or REGIONS
    entry: int  # index of the entry in its group
    term: int  # index into the entry's weighted_terms(); -1 for an exclusion
    weight: float  # 1.0 for a term, the support weight for a supporting term, 0 for an exclusion


@dataclass(frozen=True, slots=True)
class _Key:
    length: int
    latin: bool
    refs: tuple[TermRef, ...]


class Hit(NamedTuple):
    """A kept match: where in the text, and which term of which entry."""

    start: int
    stop: int
    ref: TermRef


class TermIndex:
    """Built once per taxonomy; `scan` is then one pass over each text."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        keys: dict[str, dict[tuple[int, int, bool], TermRef]] = {}
        for group, entries in ((THEMES, taxonomy.themes), (REGIONS, taxonomy.regions)):
            for position, entry in enumerate(entries):
                for key, ref in _entry_keys(entry, group, position, taxonomy):
                    slot = keys.setdefault(key, {})
                    owner = (ref.group, ref.entry, ref.term < 0)
                    if owner not in slot or slot[owner].weight < ref.weight:
                        slot[owner] = ref
        self._automaton = ahocorasick.Automaton()
        for key, slot in keys.items():
            self._automaton.add_word(key, _Key(len(key), is_latin(key), tuple(slot.values())))
        self._automaton.make_automaton()
        self.size = len(keys)

    def scan(self, text: str) -> list[Hit]:
        """Kept matches in `text`, which must already be in match_form."""
        if not text or not self.size:
            return []
        terms: tuple[list[Hit], list[Hit]] = ([], [])
        exclusions: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for end, value in self._automaton.iter(text):
            key = cast(_Key, value)
            start = end - key.length + 1
            stop = end + 1
            if key.latin:
                stop = word_end(text, start, stop)
                if stop < 0:
                    continue
            for ref in key.refs:
                if ref.term < 0:
                    exclusions.setdefault((ref.group, ref.entry), []).append((start, stop))
                else:
                    terms[ref.group].append(Hit(start, stop, ref))
        kept: list[Hit] = []
        for hits in terms:
            if exclusions:
                hits = [hit for hit in hits if not _excluded(hit, exclusions)]
            kept.extend(_leftmost_longest(hits))
        return kept


def _entry_keys(
    entry: Entry, group: int, position: int, taxonomy: Taxonomy
) -> Iterator[tuple[str, TermRef]]:
    for index, (term, weight) in enumerate(entry.weighted_terms(taxonomy.defaults.support_weight)):
        ref = TermRef(group, position, index, weight)
        for key in _keys(term):
            yield key, ref
    for term in entry.exclusions:
        for key in _keys(term):
            yield key, TermRef(group, position, -1, 0.0)


def _keys(term: str) -> set[str]:
    key = match_form(term)
    return spelling_variants(key) if is_latin(key) else {key}


def _excluded(hit: Hit, exclusions: dict[tuple[int, int], list[tuple[int, int]]]) -> bool:
    spans = exclusions.get((hit.ref.group, hit.ref.entry))
    if not spans:
        return False
    return any(s <= hit.start and hit.stop <= e for s, e in spans)


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    """Drop matches that overlap an earlier-starting (or same-start, longer) kept match.

    Hits sharing one span (the same words counting for several entries) are all kept.
    """
    hits.sort(key=lambda h: (h.start, -h.stop))  # ties keep insertion order (stable sort)
    kept: list[Hit] = []
    span = (-1, -1)
    for hit in hits:
        if (hit.start, hit.stop) == span:
            kept.append(hit)
        elif hit.start >= span[1]:
            kept.append(hit)
            span = (hit.start, hit.stop)
    return kept
