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
from operator import itemgetter
from typing import NamedTuple

from ahocorasick_rs import AhoCorasick, MatchKind

from tagging.taxonomy import Entry, Taxonomy
from tagging.terms import is_latin, match_form, spelling_variants, word_end

THEMES = 0
REGIONS = 1
CONTEXT = 2  # home (entry 0) and abroad (entry 1) words


@dataclass(frozen=True, slots=True)
class TermRef:
    """What a matching key stands for: a term (or an exclusion) of one entry."""

    group: int  # THEMES, REGIONS or CONTEXT
    entry: int  # index of the entry in its group
    term: int  # index into the entry's weighted_terms(); -1 for an exclusion
    weight: float  # 1.0 for a term, the support weight for a supporting term, 0 for an exclusion

    @property
    def owner(self) -> tuple[int, int]:
        return (self.group, self.entry)


@dataclass(frozen=True, slots=True)
class _Key:
    length: int
    latin: bool
    terms: tuple[TermRef, ...]  # what the key is a term of
    exclusions: tuple[tuple[int, int], ...]  # the (group, entry) owners it is an exclusion of


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
        groups = (
            (THEMES, taxonomy.themes),
            (REGIONS, taxonomy.regions),
            (CONTEXT, taxonomy.context.entries()),
        )
        for group, entries in groups:
            for position, entry in enumerate(entries):
                for key, ref in _entry_keys(entry, group, position, taxonomy):
                    slot = keys.setdefault(key, {})
                    owner = (ref.group, ref.entry, ref.term < 0)
                    if owner not in slot or slot[owner].weight < ref.weight:
                        slot[owner] = ref
        self._keys: list[_Key] = []
        keys.pop("", None)  # a term that folds to nothing matches nothing
        for key, slot in keys.items():
            refs = list(slot.values())
            terms = tuple(ref for ref in refs if ref.term >= 0)
            excluded = tuple(ref.owner for ref in refs if ref.term < 0)
            self._keys.append(_Key(len(key), is_latin(key), terms, excluded))
        # Rust's automaton (a DFA): pyahocorasick searched each node's children one by one, and
        # the root has one per first character of a term (about 0.5 ms per 30 KB page).
        self._automaton = AhoCorasick(list(keys), matchkind=MatchKind.Standard) if keys else None
        self.size = len(keys)

    def scan(self, text: str) -> list[Hit]:
        """Kept matches in `text`, which must already be in match_form."""
        if not text or self._automaton is None:
            return []
        terms: tuple[list[Hit], list[Hit], list[Hit]] = ([], [], [])
        exclusions: dict[tuple[int, int], list[tuple[int, int]]] = {}
        keys, new = self._keys, tuple.__new__  # Hit(...) without NamedTuple's Python-level __new__
        # every occurrence of every key (overlapping), as character offsets, in order of their end
        for index, start, stop in self._automaton.find_matches_as_indexes(text, overlapping=True):
            key = keys[index]
            if key.latin:
                stop = word_end(text, start, stop)
                if stop < 0:
                    continue
            for ref in key.terms:
                terms[ref.group].append(new(Hit, (start, stop, ref)))
            if key.exclusions:
                for owner in key.exclusions:
                    exclusions.setdefault(owner, []).append((start, stop))
        kept: list[Hit] = []
        for hits in terms:
            if exclusions:
                hits = [
                    hit
                    for hit in hits
                    if (hit.ref.group, hit.ref.entry) not in exclusions
                    or not _excluded(hit, exclusions[(hit.ref.group, hit.ref.entry)])
                ]
            kept.extend(_leftmost_longest(hits))
        return kept


def _entry_keys(
    entry: Entry, group: int, position: int, taxonomy: Taxonomy
) -> Iterator[tuple[str, TermRef]]:
    for index, (term, weight) in enumerate(taxonomy.entry_terms(entry)):
        ref = TermRef(group, position, index, weight)
        for key in _keys(term):
            yield key, ref
    for term in taxonomy.entry_exclusions(entry):
        for key in _keys(term):
            yield key, TermRef(group, position, -1, 0.0)


def _keys(term: str) -> set[str]:
    key = match_form(term)
    return spelling_variants(key) if is_latin(key) else {key}


def _excluded(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(s <= hit.start and hit.stop <= e for s, e in spans)


_START, _STOP = itemgetter(0), itemgetter(1)


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    """Drop matches that overlap an earlier-starting (or same-start, longer) kept match.

    Hits sharing one span (the same words counting for several entries) are all kept.
    """
    # by start, then longest first; ties keep insertion order (two stable sorts, keys in C)
    hits.sort(key=_STOP, reverse=True)
    hits.sort(key=_START)
    kept: list[Hit] = []
    span = (-1, -1)
    for hit in hits:
        if (hit.start, hit.stop) == span:
            kept.append(hit)
        elif hit.start >= span[1]:
            kept.append(hit)
            span = (hit.start, hit.stop)
    return kept
