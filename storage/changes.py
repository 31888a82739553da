"""What changed between two states of a document: metadata old → new, sentences added/removed.

Sentences are compared on their matching form (folded, punctuation and spaces dropped), so
whitespace, punctuation and Traditional/Simplified churn are not changes; excerpts stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from agglowatch.textnorm import fold
from dedupe.normalise import is_chrome

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+")
_EXCERPTS = 3
_EXCERPT_CHARS = 160


def sentences(text: str) -> list[str]:
    """Split into sentences (Chinese and Latin punctuation, line breaks); drop tiny fragments
    and site chrome (a visit counter, a print/close bar: what dedupe leaves out of a text's
    hash, so that a counter ticking is no edit, nor part of a real edit's excerpts)."""
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [part for part in parts if len(part) >= 4 and not is_chrome(fold(part))]


def text_changes(old_text: str, new_text: str, key: Callable[[str], str] = fold) -> dict[str, Any]:
    """Sentences added and removed (compared by `key`), with short excerpts as written."""
    old, new = sentences(old_text), sentences(new_text)
    old_keys, new_keys = {_key(s, key) for s in old}, {_key(s, key) for s in new}
    added = [s for s in new if _key(s, key) not in old_keys]
    removed = [s for s in old if _key(s, key) not in new_keys]
    return {
        "added": len(added),
        "removed": len(removed),
        "excerpt_added": [_clip(s) for s in added[:_EXCERPTS]],
        "excerpt_removed": [_clip(s) for s in removed[:_EXCERPTS]],
    }


def metadata_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for title, published and authors when they differ meaningfully."""
    changes: dict[str, list[Any]] = {}
    for field in ("title", "published", "authors"):
        before, after = old.get(field), new.get(field)
        if _comparable(before) != _comparable(after) and after not in (None, "", []):
            changes[field] = [before, after]
    return changes


def _key(sentence: str, key: Callable[[str], str]) -> str:
    return re.sub(r"[\W_]+", "", key(sentence))


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _clip(sentence: str) -> str:
    return sentence if len(sentence) <= _EXCERPT_CHARS else sentence[: _EXCERPT_CHARS - 1] + "…"
