"""Removed documents that come back: when, so a digest can say so.

A digest lists a document as removed when its removal is noticed in the window; if the document
is listed again later, the reader must be told it is back (else the last word they read is
"removed"). A return writes no version when the page is unchanged, so the document keeps its own
record of returns in `extra`: RETURNS holds [removed_at, returned_at] pairs (ISO, UTC, newest
last, a few kept) and RETURNED_AT the latest return, which the digest's query filters on.

A digest shows a return in its window [start, end) only when the removal it ends was noticed
before `start`, i.e. an earlier window could have listed the document as removed; a document
removed and back within one window was never shown removed and is not shown back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

RETURNS = "returns"
RETURNED_AT = "returned_at"
KEPT = 8


def stamp(moment: dt.datetime) -> str:
    """One ISO spelling for every instant (UTC, microseconds): comparable as strings in SQL."""
    aware = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return aware.astimezone(dt.UTC).isoformat(timespec="microseconds")


def with_return(
    extra: dict[str, Any] | None, removed_at: dt.datetime | None, now: dt.datetime
) -> dict[str, Any]:
    """`extra` with one more return (a new dict: JSON columns notice reassignment only)."""
    kept = dict(extra or {})
    pairs = [p for p in kept.get(RETURNS) or [] if isinstance(p, list) and len(p) == 2]
    pairs.append([stamp(removed_at or now), stamp(now)])
    kept[RETURNS] = pairs[-KEPT:]
    kept[RETURNED_AT] = stamp(now)
    return kept


def kept_of(extra: dict[str, Any] | None) -> dict[str, Any]:
    """The return notes in `extra`, to carry over when a new version replaces the rest."""
    return {k: v for k, v in (extra or {}).items() if k in (RETURNS, RETURNED_AT)}


def returned_in(extra: dict[str, Any] | None, start: dt.datetime, end: dt.datetime) -> bool:
    """True when a removal noticed before `start` ended in [start, end)."""
    low, high = stamp(start), stamp(end)
    for pair in (extra or {}).get(RETURNS) or []:
        if isinstance(pair, list) and len(pair) == 2:
            removed, returned = str(pair[0]), str(pair[1])
            if removed < low <= returned < high:
                return True
    return False
