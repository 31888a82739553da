"""Display labels of themes and regions, read from themes.yaml (only `id`, `label_en`, `label_zh`).

Reports and digests must still render when the taxonomy file is missing or unreadable: every
unknown id is then its own label. The taxonomy's order is kept, so sections appear in the order
the file lists them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

OTHER = "other"


@dataclass(frozen=True, slots=True)
class Label:
    """One theme's or region's names; `text` is what headings show (both languages)."""

    id: str
    en: str
    zh: str | None = None

    @property
    def text(self) -> str:
        if self.zh and self.zh != self.en:
            return f"{self.en} / {self.zh}"
        return self.en


@dataclass(frozen=True, slots=True)
class Labels:
    themes: dict[str, Label] = field(default_factory=dict)
    regions: dict[str, Label] = field(default_factory=dict)

    def theme(self, theme_id: str) -> Label:
        if theme_id == OTHER and OTHER not in self.themes:
            return Label(OTHER, "Other", "其他")
        return self.themes.get(theme_id) or Label(theme_id, theme_id)

    def region(self, region_id: str) -> Label:
        return self.regions.get(region_id) or Label(region_id, region_id)

    def theme_rank(self, theme_id: str) -> tuple[int, str]:
        """Sort key: taxonomy order, unknown ids after (alphabetically), 'other' last."""
        return _rank(self.themes, theme_id)

    def region_rank(self, region_id: str | None) -> tuple[int, str]:
        return _rank(self.regions, region_id)


def _rank(known: Mapping[str, Label], key: str | None) -> tuple[int, str]:
    if key is None or key == OTHER:
        return (len(known) + 2, "")
    order = list(known)
    return (order.index(key), "") if key in known else (len(known) + 1, key)


def load_labels(path: Path | None) -> Labels:
    """Labels from themes.yaml; a missing or malformed file gives ids as labels (and a warning)."""
    if path is None:
        return Labels()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("taxonomy %s not found; using theme and region ids as labels", path)
        return Labels()
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        log.warning("taxonomy %s unreadable (%s); using ids as labels", path, exc)
        return Labels()
    if not isinstance(raw, dict):
        return Labels()
    return Labels(themes=_entries(raw.get("themes")), regions=_entries(raw.get("regions")))


def _entries(raw: Any) -> dict[str, Label]:
    items: Iterable[Any]
    if isinstance(raw, dict):  # tolerate `themes: {id: {...}}` as well as a list
        items = [{"id": key, **value} for key, value in raw.items() if isinstance(value, dict)]
    elif isinstance(raw, list):
        items = raw
    else:
        return {}
    labels: dict[str, Label] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        ident = item["id"]
        en = item.get("label_en") or item.get("label") or ident
        zh = item.get("label_zh")
        labels[ident] = Label(ident, str(en), str(zh) if zh else None)
    return labels
