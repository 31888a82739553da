"""The Atom feed of digests: <output>/digests/feed.atom, rewritten in place after each digest.

One entry per document, so a feed reader lists (and marks read) each publication on its own: every
new document of the digests in the feed, in digest order (grouped and ranked), and one entry per
update of a known document. Entry ids are stable (`urn:agglowatch:document:<id>`, and
`...:<id>:v<version>` for an update), so re-writing the feed never makes a read item unread, and a
document appears once: a digest never shows a document twice. Each entry links the original
(alternate) and its digest's HTML page (related); the feed links the newest digest page.

Entries are rebuilt from the digests recorded in the database (the newest `feed_entries` digests
that showed something; empty digests and --since/preview digests are left out so subscribers never
see a document twice), so the feed survives a lost or hand-edited file. At most MAX_ENTRIES entries
are written (the newest), so a first digest of a large backlog cannot make the file huge. Every
fetched string is escaped: titles and summaries are XML text; the HTML content is built escaped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from feedgen.feed import FeedGenerator
from lxml import etree
from markupsafe import Markup, escape

from reports.labels import Labels
from reports.markup import one_line, safe_href, shorten

FEED_FILE = "feed.atom"
MAX_ENTRIES = 1000
SUMMARY_CHARS = 400
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_id(title: str) -> str:
    """Stable across runs (a feed reader keys subscriptions and read state by it)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"agglowatch:digests:{title}").urn


def document_entry_id(doc_id: Any, version: Any = None) -> str:
    base = f"urn:agglowatch:document:{one_line(doc_id)}"
    return f"{base}:v{int(version)}" if version is not None and int(version) > 1 else base


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One document as an Atom entry; `related` is the page that lists it (a digest, a search)."""

    id: str
    title: str
    url: str | None
    source: str
    published: dt.datetime
    updated: dt.datetime
    summary: str
    themes: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    also_at: list[str] = field(default_factory=list)
    related: str | None = None
    note: str | None = None  # e.g. what changed, for an update


def render_feed(
    payloads: Sequence[Mapping[str, Any]],
    title: str,
    labels: Labels,
    *,
    html_file: str | None = "digest.html",
) -> bytes:
    """Atom XML for the documents of `payloads` (digests, newest first)."""
    entries: dict[str, FeedEntry] = {}
    for payload in payloads:  # newest first: a document carried twice keeps its newest entry
        for entry in digest_entries(payload, html_file):
            entries.setdefault(entry.id, entry)
    newest = payloads[0] if payloads else {}
    page = f"{one_line(newest.get('id'))}/{html_file}" if html_file and newest else None
    return render_entries(
        list(entries.values())[:MAX_ENTRIES],
        title=title,
        feed_urn=feed_id(title),
        labels=labels,
        subtitle="New and updated documents, one entry each, from the digests",
        self_href=FEED_FILE,
        page_href=page,
    )


def digest_entries(payload: Mapping[str, Any], html_file: str | None) -> Iterator[FeedEntry]:
    """A digest's new documents (themes in order, then other), then its updates."""
    digest_id = one_line(payload.get("id"))
    related = f"{digest_id}/{html_file}" if html_file else None
    generated = parse_time(payload.get("generated")) or EPOCH
    groups = [theme.get("documents") or [] for theme in payload.get("themes") or []]
    for doc in [d for group in groups for d in group] + list(payload.get("other") or []):
        first_seen = parse_time(doc.get("first_seen")) or generated
        yield FeedEntry(
            id=document_entry_id(doc.get("id")),
            title=one_line(doc.get("title")) or one_line(doc.get("url")),
            url=doc.get("url"),
            source=one_line(doc.get("source")),
            published=_date_time(doc.get("published")) or first_seen,
            updated=first_seen,
            summary=one_line(doc.get("summary")),
            themes=[str(t) for t in doc.get("themes") or []],
            regions=[str(r) for r in doc.get("regions") or []],
            terms=[str(t) for t in doc.get("terms") or []],
            also_at=[str(u) for u in doc.get("also_at") or []],
            related=related,
        )
    for doc in payload.get("updated") or []:
        changed = parse_time(doc.get("changed_at")) or generated
        yield FeedEntry(
            id=document_entry_id(doc.get("id"), doc.get("version") or 2),
            title="Updated: " + (one_line(doc.get("title")) or one_line(doc.get("url"))),
            url=doc.get("url"),
            source=one_line(doc.get("source")),
            published=changed,
            updated=changed,
            summary=_change_summary(doc.get("changes")),
            related=related,
            note=f"version {doc.get('version')}",
        )


def render_entries(
    entries: Sequence[FeedEntry],
    *,
    title: str,
    feed_urn: str,
    labels: Labels,
    subtitle: str,
    self_href: str,
    page_href: str | None,
) -> bytes:
    """Atom XML of `entries` (in the order given, newest first)."""
    generator = FeedGenerator()
    generator.id(feed_urn)
    generator.title(title)
    generator.subtitle(subtitle)
    generator.link(href=self_href, rel="self")
    if page_href:
        generator.link(href=page_href, rel="alternate", type="text/html")
    generator.language("en")
    generator.generator("agglowatch")
    generator.updated(max((e.updated for e in entries), default=EPOCH))
    for entry in reversed(entries):  # feedgen prepends: add the last first
        _add_entry(generator, entry, labels)
    return _with_entry_links(bytes(generator.atom_str(pretty=False)), entries)


def _with_entry_links(xml: bytes, entries: Sequence[FeedEntry]) -> bytes:
    """Write each entry's links with their rel and type (feedgen 1.0 drops both on entries)."""
    tree = etree.fromstring(xml)
    for element, item in zip(tree.findall(f"{ATOM}entry"), entries, strict=True):
        for link in element.findall(f"{ATOM}link"):
            element.remove(link)
        href = safe_href(item.url)
        if href:
            etree.SubElement(element, f"{ATOM}link", href=href, rel="alternate", type="text/html")
        if item.related:
            etree.SubElement(
                element, f"{ATOM}link", href=item.related, rel="related", type="text/html"
            )
    etree.indent(tree, space="  ")
    return bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def _add_entry(generator: FeedGenerator, item: FeedEntry, labels: Labels) -> None:
    entry = generator.add_entry()
    entry.id(item.id)
    entry.title(item.title or item.id)
    entry.updated(item.updated)
    entry.published(item.published)
    if item.source:
        entry.author(name=item.source)
    entry.summary(shorten(item.summary, SUMMARY_CHARS) or item.title)
    entry.content(str(entry_html(item, labels)), type="html")
    for theme_id in item.themes:
        entry.category(term=theme_id, label=labels.theme(theme_id).text)


def entry_html(item: FeedEntry, labels: Labels) -> Markup:
    """The entry's HTML: every fetched string escaped, only http(s) URLs linked."""
    meta = [item.source, item.published.date().isoformat()]
    meta += [labels.region(r).text for r in item.regions]
    if item.note:
        meta.append(item.note)
    parts = [Markup("<p>{}</p>").format(" · ".join(m for m in meta if m))]
    if item.summary:
        parts.append(Markup("<p>{}</p>").format(item.summary))
    if item.themes:
        shown = ", ".join(labels.theme(t).text for t in item.themes)
        parts.append(Markup("<p>Themes: {}</p>").format(shown))
    if item.terms:
        parts.append(Markup("<p>Matched terms: {}</p>").format(", ".join(item.terms)))
    links = [_link(url, url) for url in item.also_at]
    if links:
        parts.append(Markup("<p>Also at: {}</p>").format(Markup(", ").join(links)))
    if item.related:
        parts.append(Markup('<p><a href="{}">In the digest</a></p>').format(item.related))
    return Markup("").join(parts)


def _link(text: str, url: str) -> Markup:
    href = safe_href(url)
    return Markup('<a href="{}">{}</a>').format(href, text) if href else Markup(escape(text))


def _change_summary(changes: Any) -> str:
    if not isinstance(changes, Mapping):
        return ""
    lines = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            lines.append(f"{key}: {one_line(value[0])} → {one_line(value[1])}")
        elif key == "text" and isinstance(value, Mapping):
            lines.append(
                f"text: {value.get('added', 0)} sentences added, {value.get('removed', 0)} removed"
            )
    return "; ".join(lines)


def parse_time(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _date_time(value: Any) -> dt.datetime | None:
    """A publication date (YYYY-MM-DD) as midnight UTC."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time(), dt.UTC)
