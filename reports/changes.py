"""What changed in a document, as short plain-text lines every renderer escapes its own way.

`changes` is what the store records per version: {"title": [old, new], "published": [old, new],
"authors": [old, new], "text": {"added": n, "removed": n, "excerpt_added": [...],
"excerpt_removed": [...]}}, any subset; unknown keys are shown generically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reports.markup import shorten

EXCERPT_CHARS = 160
FIELD_ORDER = ("title", "published", "authors")


def change_lines(changes: Mapping[str, Any], excerpts: int = 1) -> list[str]:
    """One line per changed field, then up to `excerpts` added and removed text excerpts."""
    lines: list[str] = []
    keys = [k for k in FIELD_ORDER if k in changes]
    keys += sorted(k for k in changes if k not in FIELD_ORDER and k != "text")
    for key in keys:
        lines.append(_field_line(key, changes[key]))
    text = changes.get("text")
    if isinstance(text, Mapping):
        lines.extend(_text_lines(text, excerpts))
    return lines


def _field_line(key: str, value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        old, new = value
        if key == "title":
            return f"title: “{shorten(old, 120)}” → “{shorten(new, 120)}”"
        return f"{key}: {_show(old)} → {_show(new)}"
    return f"{key}: {_show(value)}"


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, list | tuple):
        return shorten(", ".join(str(v) for v in value), 120)
    return shorten(value, 120)


def _text_lines(text: Mapping[str, Any], excerpts: int) -> list[str]:
    added, removed = _count(text.get("added")), _count(text.get("removed"))
    lines = [f"text: +{added} / −{removed} sentences"]
    for key, sign in (("excerpt_added", "+"), ("excerpt_removed", "−")):
        values = text.get(key)
        if isinstance(values, list):
            for excerpt in values[:excerpts]:
                lines.append(f"  {sign} “{shorten(excerpt, EXCERPT_CHARS)}”")
    return lines


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
