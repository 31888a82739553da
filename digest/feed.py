"""The Atom feed of digests: <output>/digests/feed.atom, rewritten in place after each digest.

One entry per digest, not per document: a feed reader then shows what the email shows, a large
digest never pushes its own documents out of the feed, and `feed_entries` counts digests (50
weekly digests is about a year). Entries are rebuilt from the digests recorded in the database
(newest `feed_entries` that showed something; empty digests and --since/preview digests are left
out so subscribers never see a document twice), so the feed survives a lost or hand-edited file.
Each entry's content is the digest as HTML (escaped by the XML writer); its link is the digest's
HTML file, relative to the feed, when that format is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from feedgen.feed import FeedGenerator

from digest.html import render_html_fragment
from reports.labels import Labels
from reports.markup import one_line

FEED_FILE = "feed.atom"


def feed_id(title: str) -> str:
    """Stable across runs (a feed reader keys subscriptions and read state by it)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"agglowatch:digests:{title}").urn


def render_feed(
    payloads: Sequence[Mapping[str, Any]],
    title: str,
    labels: Labels,
    *,
    html_file: str | None = "digest.html",
) -> bytes:
    """Atom XML for `payloads` (newest first); `html_file` names each digest's HTML for links."""
    generator = FeedGenerator()
    generator.id(feed_id(title))
    generator.title(title)
    generator.subtitle("Digests of new, updated and removed documents")
    generator.link(href=FEED_FILE, rel="self")
    generator.language("en")
    generator.generator("agglowatch")
    times = [t for t in (_time(p.get("generated")) for p in payloads) if t is not None]
    newest = max(times, default=None)
    generator.updated(newest or dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    for payload in reversed(payloads):  # feedgen prepends: add oldest first, newest ends on top
        _add_entry(generator, payload, labels, html_file)
    return bytes(generator.atom_str(pretty=True))


def _add_entry(
    generator: FeedGenerator, payload: Mapping[str, Any], labels: Labels, html_file: str | None
) -> None:
    entry = generator.add_entry()
    digest_id = one_line(payload.get("id"))
    entry.id(f"urn:agglowatch:digest:{digest_id}")
    entry.title(_entry_title(payload))
    generated = _time(payload.get("generated")) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    entry.updated(generated)
    entry.published(generated)
    entry.summary(_entry_title(payload))
    entry.content(render_html_fragment(payload, labels), type="html")
    if html_file:
        entry.link(href=f"{digest_id}/{html_file}", rel="alternate", type="text/html")


def _entry_title(payload: Mapping[str, Any]) -> str:
    stats = payload.get("stats") or {}
    window = payload.get("window") or {}
    start, end = _day(window.get("from")), _day(window.get("to"))
    counts = [f"{stats.get('documents', 0)} new"]
    counts += [f"{stats[k]} {k}" for k in ("updated", "removed") if stats.get(k)]
    return f"{', '.join(counts)} ({start} – {end})"


def _time(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _day(value: Any) -> str:
    moment = _time(value)
    return moment.astimezone(dt.UTC).date().isoformat() if moment else "?"
