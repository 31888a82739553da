"""Proper names that contain theme or region words (see `Names` in tagging/taxonomy.py).

A hit is inside a name when the text after it, up to one of the name endings, is a short run of
Chinese characters with no punctuation and no word that ends a noun phrase (的, 是, 在 ...):
长三角某研究院, 浙江高质量发展建设共同富裕示范区, 黄河流域生态保护和高质量发展重大国家战略.
A programme named after an agglomeration and its integration (长三角生态绿色一体化发展示范区) is
the agglomeration's own: the term of a theme that the regions' names support is kept there.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from tagging.index import REGIONS, THEMES, Hit
from tagging.taxonomy import Names
from tagging.terms import HAN, match_form

NAME_GAP = 12  # at most this many characters between a term and its name's ending
# characters that end a noun phrase: a name does not run across them
_BREAKS = frozenset("的是在为了将把对向被让使要已就从由以于")


class NameFinder:
    """Built once per taxonomy: one pattern for all endings."""

    def __init__(self, names: Names, regional: frozenset[int] = frozenset()) -> None:
        """`regional`: the themes (by position) that a region's own name supports (see
        `named_by_regions`): a programme named after the region and one of their terms
        (长三角生态绿色一体化发展示范区) is the agglomeration's own, so their term is kept."""
        self._regional = regional
        self._organisations = {match_form(e) for e in names.organisations_zh}
        self._plans = {match_form(e) for e in names.plans_zh}
        endings = {*self._organisations, *self._plans, *map(match_form, names.programmes_zh)}
        self._pattern = (
            re.compile("|".join(re.escape(e) for e in sorted(endings, key=len, reverse=True)))
            if endings
            else None
        )

    def drop_names(self, text: str, hits: list[Hit]) -> list[Hit]:
        """`hits` without the theme (and, in organisations' names, region) terms inside names."""
        if self._pattern is None:
            return hits
        found = [(m.start(), m.group()) for m in self._pattern.finditer(text)]
        if not found:
            return hits
        starts = [start for start, _ in found]
        kept = []
        # where regions' own names (full terms) end, for the themes that they support
        named = [h.stop for h in hits if h.ref.group == REGIONS and h.ref.weight >= 1.0]
        named = sorted(named) if self._regional else []
        for hit in hits:
            group = hit.ref.group
            if group in (THEMES, REGIONS) and HAN.match(text, hit.stop - 1):
                ending = self._ending(text, hit.stop, starts, found)
                if ending is not None and self._inside(text, hit, ending, named):
                    continue
            kept.append(hit)
        return kept

    def _inside(self, text: str, hit: Hit, ending: str, named: list[int]) -> bool:
        """Whether the hit, running into a name `ending`, is taken out of the count: a region's
        term only in an organisation's name; a theme's term in any name, except a regional
        theme's term in a plan, or in a programme named after a region (`named`: where regions'
        names end)."""
        if ending in self._organisations:
            return True
        if hit.ref.group != THEMES:
            return False
        if ending in self._plans:
            return hit.ref.entry not in self._regional
        return hit.ref.entry not in self._regional or not _same_name(text, named, hit.start)

    @staticmethod
    def _ending(
        text: str, stop: int, starts: list[int], found: list[tuple[int, str]]
    ) -> str | None:
        """The name ending that the term at text[..stop] runs into, if any."""
        position = bisect_left(starts, stop)
        if position == len(starts) or starts[position] - stop > NAME_GAP:
            return None
        start, ending = found[position]
        return ending if _one_name(text[stop:start]) else None


def _same_name(text: str, stops: list[int], start: int) -> bool:
    """A region's name ending at one of `stops` (sorted) opens the same name as a term starting at
    `start`: a short run of Chinese characters, with no break, between them."""
    position = bisect_right(stops, start)
    if not position:
        return False
    stop = stops[position - 1]
    if start - stop > NAME_GAP:
        return False
    return _one_name(text[stop:start])


def _one_name(gap: str) -> bool:
    """The characters between two parts are Chinese with no break: the parts are one name."""
    return all(HAN.match(ch) and ch not in _BREAKS for ch in gap)
