"""Issues of a series: near-identical pages of one source that are distinct publications.

A weekly bulletin, a daily price notice or a monthly statistics release reuses one template:
each issue says almost what the last one said, with new dates and figures. By shingle
similarity it is a near duplicate of the previous issue, but to its reader it is new, and
hiding it as a duplicate misses it. Republications are told apart by what differs:

- a copy on ANOTHER source is a republication whatever its date (the caller checks sources);
- on the same source, a near copy dated the same day is the same article re-posted (a second
  address, a move);
- on the same source, a near copy dated another day is a new issue when what differs in its
  title (a number or a date: No. 12 → No. 13, 十月 → 十一月) or in its text (the template's
  words are the same, its figures are new) is mostly figures and dates. A re-dated page whose
  wording was edited (words, not figures), or re-posted under a reworded headline
  (转载：…, "Reprint: …") is still the article it was.

Undated pages carry no evidence of a new issue and stay duplicates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from agglowatch.textnorm import fold

# Words (Latin), numbers (with their decimal, date and percent marks) and single Han characters:
# Chinese text has no spaces, so a changed figure must not make a whole clause one token.
_TOKENS = re.compile(r"\d+(?:[.,:/-]\d+)*%?|[\u3400-\u9fff]|[^\W\d_\u3400-\u9fff]+")
_HAN_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")
# Month names and their short forms (not "may", a common verb): an English series may date its
# titles in words.
_DATE_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
NUMERIC_SHARE = 0.5  # of the differing tokens (of the titles, or of the texts) for a new issue


def is_new_issue(
    title: str,
    published: dt.date | None,
    text: str,
    other_title: str,
    other_published: dt.date | None,
    other_text: str,
) -> bool:
    """True when a near copy (title, published, text) of a page of the SAME source is another
    issue of a series rather than that page again (module docstring)."""
    if published is None or other_published is None or published == other_published:
        return False
    return _mostly_figures(_differing_tokens(title, other_title)) or _mostly_figures(
        _differing_tokens(text, other_text)
    )


def _mostly_figures(differing: list[str]) -> bool:
    """What differs is mostly numbers and dates (and there is a difference)."""
    numeric = sum(1 for token in differing if _is_numeric(token))
    return bool(differing) and numeric >= NUMERIC_SHARE * len(differing)


def tokens(text: str) -> list[str]:
    """Latin words, numbers and single Han characters of `text`, folded."""
    return _TOKENS.findall(fold(text))


def _differing_tokens(text: str, other: str) -> list[str]:
    """The tokens one text has and the other has not (as a multiset, both ways)."""
    mine, theirs = Counter(tokens(text)), Counter(tokens(other))
    return list(((mine - theirs) + (theirs - mine)).elements())


def _is_numeric(token: str) -> bool:
    return (
        any(ch.isdigit() for ch in token)
        or all(ch in _HAN_NUMERALS for ch in token)
        or token in _DATE_WORDS
    )
