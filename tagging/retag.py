"""What re-applying an edited taxonomy changed, per theme and region.

`agglowatch retag` tags every stored document again with the new Tagger and hands the old and
new results here; this module only compares, so it is the same for 10 or 10 million documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agglowatch.records import TagResult


@dataclass(slots=True)
class LabelChange:
    """One theme or region: how many documents carry it before and after, who gained or lost it."""

    id: str
    before: int = 0
    after: int = 0
    gained: list[str] = field(default_factory=list)  # document ids, sorted
    lost: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.gained or self.lost)


@dataclass(slots=True)
class RetagSummary:
    documents: int  # compared (the union of both sides' ids)
    changed: int  # documents whose set of themes or regions changed
    themes: list[LabelChange]  # every theme id seen on either side, sorted by id
    regions: list[LabelChange]

    def as_dict(self, *, with_ids: bool = False) -> dict[str, Any]:
        """JSON-ready form; document ids only when asked (they can be many)."""

        def row(change: LabelChange) -> dict[str, Any]:
            out: dict[str, Any] = {
                "id": change.id,
                "before": change.before,
                "after": change.after,
                "gained": len(change.gained),
                "lost": len(change.lost),
            }
            if with_ids:
                out["gained_ids"] = list(change.gained)
                out["lost_ids"] = list(change.lost)
            return out

        return {
            "documents": self.documents,
            "changed": self.changed,
            "themes": [row(c) for c in self.themes],
            "regions": [row(c) for c in self.regions],
        }

    def lines(self) -> list[str]:
        """A plain-text table of the themes and regions that changed, for the CLI."""
        out = [f"{self.documents} documents compared, {self.changed} changed"]
        for kind, changes in (("theme", self.themes), ("region", self.regions)):
            for change in changes:
                if change.changed:
                    out.append(
                        f"  {kind} {change.id}: +{len(change.gained)} -{len(change.lost)}"
                        f" ({change.before} -> {change.after})"
                    )
        return out


def diff_tags(before: Mapping[str, TagResult], after: Mapping[str, TagResult]) -> RetagSummary:
    """Compare two taggings of the same documents (keyed by document id).

    A document present on one side only counts as having no tags on the other.
    """
    empty = TagResult(themes=[], regions=[])
    themes: dict[str, LabelChange] = {}
    regions: dict[str, LabelChange] = {}
    changed = 0
    ids = sorted(set(before) | set(after))
    for doc_id in ids:
        old, new = before.get(doc_id, empty), after.get(doc_id, empty)
        moved = _compare(themes, doc_id, (m.id for m in old.themes), (m.id for m in new.themes))
        moved |= _compare(regions, doc_id, (m.id for m in old.regions), (m.id for m in new.regions))
        changed += moved
    return RetagSummary(
        documents=len(ids),
        changed=changed,
        themes=[themes[key] for key in sorted(themes)],
        regions=[regions[key] for key in sorted(regions)],
    )


def _compare(
    table: dict[str, LabelChange], doc_id: str, old: Iterable[str], new: Iterable[str]
) -> bool:
    old_set, new_set = set(old), set(new)
    for label in old_set:
        table.setdefault(label, LabelChange(label)).before += 1
    for label in new_set:
        table.setdefault(label, LabelChange(label)).after += 1
    for label in new_set - old_set:
        table[label].gained.append(doc_id)
    for label in old_set - new_set:
        table[label].lost.append(doc_id)
    return old_set != new_set
