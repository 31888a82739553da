"""The form that terms and texts are matched in, and the word rules for English terms.

Both sides go through `match_form`, so a term written as "Beijing–Tianjin–Hebei" or 長三角 matches
"beijing-tianjin-hebei" or 长三角 in a document. English (Latin-script) terms match whole words
plus a plural ending; Chinese terms match anywhere, since Chinese is written without spaces.
"""

from __future__ import annotations

import re

from agglowatch.textnorm import fold, nfkc, to_simplified

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Dashes and apostrophes read as spaces: high-quality = high quality, Xi'an = Xi’an = xi an.
_SEPARATORS = re.compile("[-‐‑‒–—―−﹘﹣'’‘`´ʼ]")
_SPACE = re.compile(r"\s+")
# What collapsing changes (a run of spaces, any other space character); a single " " is left
# alone, which makes the substitution several times faster on Latin text.
_SPACES = re.compile(r"\s(?:(?<! )|\s)\s*")
# Line breaks and spaces inside Chinese (PDF extraction, hard-wrapped pages) are not word gaps.
# (the space first: a pattern that opens with a look-behind is tried at every position, slowly)
_HAN_GAP = re.compile(r" (?<=[\u3400-\u4dbf\u4e00-\u9fff] )(?=[\u3400-\u4dbf\u4e00-\u9fff])")
_PLURAL_ENDINGS = ("s", "es")
_VOWELS = frozenset("aeiou")


def match_form(text: str) -> str:
    """Folded text (NFKC, Simplified, case-folded) with dashes/apostrophes as single spaces."""
    folded = _SPACE.sub(" ", _SEPARATORS.sub(" ", fold(text)))
    if " " in folded and HAN.search(folded):
        folded = _HAN_GAP.sub("", folded)
    return folded.strip()


def is_latin(key: str) -> bool:
    """Whether a matching key is matched as whole words (it has no Chinese character)."""
    return HAN.search(key) is None


def is_word_char(ch: str) -> bool:
    """Letters and digits of alphabetic scripts; Chinese characters are not 'word' neighbours."""
    return ch.isalnum() and ch < "\u2e80"


def spelling_variants(key: str) -> set[str]:
    """The key plus the spellings a whole-word match would otherwise miss.

    -isation/-ization both ways, and -y → -ies plurals (city → cities); -s/-es plurals are
    accepted at match time instead (see `word_end`).
    """
    variants = {key}
    if "ization" in key:
        variants.add(key.replace("ization", "isation"))
    if "isation" in key:
        variants.add(key.replace("isation", "ization"))
    for variant in list(variants):
        last = variant.rsplit(" ", 1)[-1]
        if len(last) > 2 and last.endswith("y") and last[-2] not in _VOWELS:
            variants.add(variant[:-1] + "ies")
    return variants


def word_end(text: str, start: int, stop: int) -> int:
    """End of a whole-word match of text[start:stop] (past a plural ending), or -1 if none.

    "cluster" matches "cluster" and "clusters" but not "clustering" or "megacluster".
    """
    if start > 0 and is_word_char(text[start - 1]):
        return -1
    if stop >= len(text) or not is_word_char(text[stop]):
        return stop
    if not text[stop - 1].isalpha():
        return -1
    for ending in _PLURAL_ENDINGS:
        end = stop + len(ending)
        if text.startswith(ending, stop) and (end >= len(text) or not is_word_char(text[end])):
            return end
    return -1


_BLANK_LINE = re.compile(r"\n\s*\n")  # a paragraph break
_PARAGRAPH = "\x01"  # stands for a paragraph break while spaces are collapsed


def match_lines(text: str) -> str:
    """`match_form`, but each paragraph break (a blank line) is kept as one "\\n".

    No term contains "\\n", so none matches across paragraphs; sentences end there.
    """
    if _PARAGRAPH in text:
        text = text.replace(_PARAGRAPH, " ")
    folded = _SEPARATORS.sub(" ", _fold(text))
    if "\n" in folded:
        folded = _BLANK_LINE.sub(_PARAGRAPH, folded)
    folded = _SPACES.sub(" ", folded)
    if _PARAGRAPH in folded:
        folded = folded.replace(" " + _PARAGRAPH, _PARAGRAPH).replace(_PARAGRAPH + " ", _PARAGRAPH)
        folded = folded.replace(_PARAGRAPH, "\n")
    if " " in folded and HAN.search(folded):
        folded = _HAN_GAP.sub("", folded)
    return folded.strip()


def _fold(text: str) -> str:
    """`textnorm.fold` without its space collapsing (done by the caller)."""
    return to_simplified(nfkc(text)).casefold()


# The end of a sentence in match form: a stop or a paragraph break, with the closing quotes, stops
# and spaces after it. A full stop ends a sentence only before a space, so 3.4% and u.s stay whole.
# (One character class first: an alternation here makes the scan several times slower.)
SENTENCE_END = re.compile(r"[.。！？!?；;\n](?:(?<=\.)(?=\s|$)|(?<!\.))[”’\"')）\]。！？!?；;\s]*")
