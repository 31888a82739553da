"""Language of a document from its script, with the page's declared language as a hint.

Users read Chinese and English, so the decisions that matter are zh / en / other; scripts decide
most cases (Han, kana, Hangul, Cyrillic, Arabic...) and a few stop words separate Latin languages.
"""

from __future__ import annotations

import re
from collections import Counter

_SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
_OTHER_SCRIPT = re.compile(
    r"[\uac00-\ud7af\u1100-\u11ff\u0400-\u04ff\u0600-\u06ff\u0370-\u03ff\u0590-\u05ff"
    r"\u0e00-\u0e7f\u0900-\u097f]"
)  # any of _SCRIPTS
# runs of characters outside Han, kana, Latin letters: cut them and count what is left
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NOT_KANA = re.compile(r"[^\u3040-\u30ff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z\u00c0-\u024f]+")
_WORD = re.compile(r"[a-zà-ÿ]+")
_STOPWORDS = {
    "en": frozenset({"the", "of", "and", "to", "in", "is", "that", "for", "with", "on", "as", "by",
                     "are", "this", "from", "be", "an", "was", "at"}),
    "fr": frozenset({"le", "la", "les", "des", "du", "et", "est", "une", "un", "pour", "dans",
                     "que", "qui", "sur", "par", "au", "aux"}),
    "de": frozenset({"der", "die", "das", "und", "ist", "nicht", "mit", "den", "von", "zu", "ein",
                     "eine", "auf", "für", "im", "dem"}),
    "es": frozenset({"el", "los", "las", "del", "y", "es", "una", "por", "para", "con", "que", "en",
                     "se", "su", "al", "como"}),
    "pt": frozenset({"o", "os", "as", "do", "da", "dos", "das", "e", "em", "um", "uma", "para",
                     "com", "não", "que", "por", "se"}),
}  # fmt: skip
_ANY_STOPWORD = frozenset().union(*_STOPWORDS.values())
# A Han character carries about as much text as a short Latin word: count it as several letters.
_HAN_WEIGHT = 3
_MIN_LETTERS = 12


def normalise_language(code: str | None) -> str | None:
    """'zh-CN', 'zh_Hans', 'EN-us' -> 'zh', 'en'; None for empty or malformed codes."""
    if not code:
        return None
    primary = re.split(r"[-_\s,;]", code.strip().lower(), maxsplit=1)[0]
    if primary in ("cn", "chi", "zho", "chs", "cht"):
        return "zh"
    if primary in ("eng",):
        return "en"
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


SAMPLE_CHARS = 5000  # the script of a page's first 5,000 characters is the page's


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of `text` ('zh' when Han characters dominate); the hint breaks ties."""
    declared = normalise_language(hint)
    sample = text[:SAMPLE_CHARS]
    counts = _script_counts(sample)
    total = sum(counts.values())
    if total < _MIN_LETTERS:
        return declared
    script, amount = counts.most_common(1)[0]
    if script == "latin":
        return _latin_language(sample, declared) if amount / total >= 0.5 else declared
    if script in ("han", "kana"):
        # Japanese writes kana between its kanji; Chinese has at most a stray の.
        return "ja" if counts["kana"] * 10 >= counts["han"] + counts["kana"] else "zh"
    return script


# [A-Za-z] are the only letters of ASCII text that any script above counts
_ASCII_NOT_LATIN = bytes(c for c in range(128) if not chr(c).isalpha())


def _script_counts(sample: str) -> Counter[str]:
    if sample.isascii():  # an English page: Latin letters only, counted in C (isascii is O(1))
        letters = len(sample.encode("ascii").translate(None, _ASCII_NOT_LATIN))
        return Counter({"latin": letters}) if letters else Counter()
    return _counts_by_script(sample)


def _counts_by_script(sample: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts["han"] = _count(_NOT_HAN, sample) * _HAN_WEIGHT
    counts["kana"] = _count(_NOT_KANA, sample) * _HAN_WEIGHT
    counts["latin"] = _count(_NOT_LATIN, sample)
    if _OTHER_SCRIPT.search(sample):  # most pages: none of them, one scan says so
        for code, pattern in _SCRIPTS:
            counts[code] = len(pattern.findall(sample))
    return +counts


def _count(outside: re.Pattern[str], sample: str) -> int:
    """Characters of one script in `sample`: what is left once the runs outside it are cut
    (a few hundred runs to cut instead of thousands of one-character matches to list)."""
    return len(outside.sub("", sample))


def _latin_language(sample: str, declared: str | None) -> str | None:
    # each word looked up once; only stop words are then counted per language
    found = Counter(w for w in _WORD.findall(sample.lower()) if w in _ANY_STOPWORD)
    scores = {code: sum(found[w] for w in stop) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda code: scores[code])
    if scores[best] >= 3 and scores[best] >= 2 * sorted(scores.values())[-2]:
        return best
    if declared and declared not in ("zh", "ja", "ko", "ru", "ar"):
        return declared
    return best if scores[best] else declared
