"""Issues of a series: near-identical pages of one source that are distinct publications.

A weekly bulletin, a daily price notice or a monthly statistics release reuses one template:
each issue says almost what the last one said, with new dates and figures. By shingle
similarity it is a near duplicate of the previous issue, but to its reader it is new, and
hiding it as a duplicate misses it. Republications are told apart by what differs:

- a copy on ANOTHER source is a republication whatever its date (the caller checks sources);
- on the same source, a near copy dated the same day is the same article re-posted (a second
  address, a move);
- on the same source, a near copy dated another day is a new issue when its title differs
  (numbered or dated titles) or when what differs in its text is mostly figures and dates
  (the template's words are the same, its numbers are new). A re-dated page whose wording
  was edited (words, not figures) is still the article it was.

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
NUMERIC_SHARE = 0.5  # of the differing tokens, for a same-titled page to be a new issue


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
    if _title_key(title) != _title_key(other_title):
        return True
    differing = _differing_tokens(text, other_text)
    if not differing:
        return False
    numeric = sum(1 for token in differing if _is_numeric(token))
    return numeric >= NUMERIC_SHARE * len(differing)


def _title_key(title: str) -> str:
    return " ".join(fold(title).split())


def tokens(text: str) -> list[str]:
    """Latin words, numbers and single Han characters of `text`, folded."""
    return _TOKENS.findall(fold(text))


def _differing_tokens(text: str, other: str) -> list[str]:
    """The tokens one text has and the other has not (as a multiset, both ways)."""
    mine, theirs = Counter(tokens(text)), Counter(tokens(other))
    return list(((mine - theirs) + (theirs - mine)).elements())


def _is_numeric(token: str) -> bool:
    return any(ch.isdigit() for ch in token) or all(ch in _HAN_NUMERALS for ch in token)
