"""The one matching form of text shared by dedupe and tagging: NFKC, Simplified, case-folded.

Traditional Chinese is kept as written in stored documents; only the matching form is folded.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified characters (a no-op on Simplified and Latin text)."""
    return _t2s().convert(text) if _HAN.search(text) else text


def fold(text: str) -> str:
    """Matching form: NFKC (full-width → ASCII), Simplified, case-folded, spaces collapsed.

    A long text is folded once however many stages ask (normalise, tagging): the last few
    results are cached, keyed by the text itself.
    """
    if len(text) >= _CACHE_MIN_CHARS:
        return _fold_cached(text)
    return _fold(text)


_CACHE_MIN_CHARS = 512  # shorter texts (titles, sentences) fold faster than a cache would help
_CACHE_SIZE = 64  # > storage.store.LOOKUP_CHUNK: a chunk's texts are folded once


def _fold(text: str) -> str:
    text = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is ~20x cheaper
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", to_simplified(text).casefold())


# Full-width ASCII and the ideographic space, mapped to what NFKC maps them to (one starter
# character each, so mapping them first never changes NFKC's result): Chinese text is then
# usually NFKC-normal already and skips the costly normalize().
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@lru_cache(maxsize=_CACHE_SIZE)
def _fold_cached(text: str) -> str:
    return _fold(text)


def han_share(text: str) -> float:
    """Share of Han characters among the letters of `text` (0.0 for empty text)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _HAN.match(ch)) / len(letters)
