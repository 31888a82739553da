"""Short texts need their titles to agree before they are one publication.

A long text is its own identity: two pages with the same 2,000 characters are one publication
under any headline. A short one is not. Different articles behind a paywall or a script wall
share one stub ("This is a preview of subscription content…", "请开启JavaScript…"), different
feed entries share one summary ("点击阅读全文"): their texts are identical, and a text match alone
would hide every article but the first. So when the text is short, the titles must share at least
half of the shorter one's character pairs (Chinese) or word pairs (other scripts); a news flash
re-posted as 快讯：方案印发 still agrees with 长江中游城市群实施方案印发 (方案, 案印, 印发).
A missing title is no evidence either way.
"""

from __future__ import annotations

from dedupe.normalise import match_text
from dedupe.shingles import Hashes, jaccard_parts, shingles

TITLE_OVERLAP = 0.5  # of the shorter title's pairs found in the other


def titles_agree(title: str, other: str) -> bool:
    """True when two documents with a short shared text may be one publication by their titles."""
    common, mine, theirs = jaccard_parts(_pairs(title), _pairs(other))
    if mine == 0 or theirs == 0:
        return True
    return common >= TITLE_OVERLAP * min(mine, theirs)


def _pairs(title: str) -> Hashes:
    return shingles(match_text(title), han_n=2, word_n=2)
