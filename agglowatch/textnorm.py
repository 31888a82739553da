"""The one matching form of text shared by dedupe and tagging: NFKC, Simplified, case-folded.

Traditional Chinese is kept as written in stored documents; only the matching form is folded.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_SPACES = re.compile(r"[ \t\u3000\xa0]+")  # each run becomes one " "...
# ...which _fold does by matching only the runs that change (a lone " " is left alone: English
# text has a thousand of them, and replacing each by itself made folding three times slower)
_SPACE_RUNS = re.compile(r"[ \t\u3000\xa0](?:(?<! )|[ \t\u3000\xa0])[ \t\u3000\xa0]*")
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
    return _SPACE_RUNS.sub(" ", to_simplified(nfkc(text)).casefold())


# Where most characters that NFKC changes live (Latin-1 signs, general punctuation, letter-like
# and enclosed forms, CJK compatibility forms, full-width forms); any other is left to the full
# normalisation below, so the list only decides what is fast, never what is right.
_COMPATIBILITY = re.compile(
    "[\u00a0-\u00bf\u2000-\u24ff\u2e80-\u2fdf\u3000\u3200-\u33ff\uf900-\ufaff"
    "\ufb00-\ufb4f\ufe10-\ufe6f\uff00-\uffef]"
)


def nfkc(text: str) -> str:
    """NFKC, cheaply where it can be. Most text is in NFKC but for a few characters (Chinese
    full-width punctuation ，：（）): those are replaced by their own NFKC forms, and only when
    the result is still not in NFKC (combining marks, rarer forms) is the whole text normalised.
    Either way the result is NFKC(text), since NFKC(c) decomposes as c does."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for char in set(_COMPATIBILITY.findall(text)):
        text = text.replace(char, unicodedata.normalize("NFKC", char))
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=_CACHE_SIZE)
def _fold_cached(text: str) -> str:
    return _fold(text)


def han_share(text: str) -> float:
    """Share of Han characters among the letters of `text` (0.0 for empty text)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _HAN.match(ch)) / len(letters)
