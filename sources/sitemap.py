"""The `sitemap` kind: a sitemap or sitemap index, documents fetched when their <lastmod> moved.

The listing is every URL the sitemap tree names after include/exclude — also those not fetched
this run because of `since_days` or `max_documents`. When every sitemap file of the tree was read,
the listing is the whole site, so the harvest says `complete_listing=True` and the store may mark
unlisted documents removed; a child sitemap that failed, or one skipped as older than
`since_days`, makes the listing partial (`complete_listing=False`).

A URL is fetched when it is new or its <lastmod> differs from the one stored with its validators;
URLs without <lastmod> are fetched (conditionally) after those, within `max_documents`.

Every sitemap file (index, child, .xml.gz) is asked for conditionally once it was read before: the
entries each file named are kept in the source's state (`sitemaps`: url -> kind, entries, cut), so
a 304 reuses them and an unchanged site costs one small request per file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from agglowatch.config import SitemapSource
from agglowatch.errors import AgglowatchError, ParseError
from agglowatch.records import FetchedPage, Harvest, Validators
from parsers.sitemap import Sitemap, SitemapEntry, lastmod_date, parse_sitemap
from sources.articles import fetch_documents, note_validators
from sources.base import SourceContext, SourceKind, register

MAX_SITEMAPS = 200  # child sitemaps read per run
MAX_DEPTH = 3  # index → index → urlset, for sites that nest beyond the protocol
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"


@dataclass(slots=True)
class SitemapTree:
    entries: dict[str, SitemapEntry] = field(default_factory=dict)  # loc → entry, first wins
    complete: bool = True
    warnings: list[str] = field(default_factory=list)
    read: int = 0
    known: dict[str, Any] = field(default_factory=dict)  # last run's files (see _remembered)
    files: dict[str, Any] = field(default_factory=dict)  # this run's, for the next one


@register
class SitemapKind(SourceKind):
    """Sitemap or sitemap index (.xml or .xml.gz): changed URLs by <lastmod>, include/exclude."""

    kind = "sitemap"

    async def harvest(self, ctx: SourceContext) -> Harvest:
        config: SitemapSource = ctx.config
        cutoff = (
            ctx.now.date() - dt.timedelta(days=config.since_days) if config.since_days else None
        )
        known = ctx.state.get("sitemaps")
        tree = SitemapTree(known=known if isinstance(known, dict) else {})
        await read_sitemap(ctx, config.url, tree, cutoff, depth=0, root=True)
        entries = [
            e for e in tree.entries.values() if wanted(e.loc, config.include, config.exclude)
        ]
        candidates = choose(entries, ctx.fetcher.validators, cutoff)
        chosen = candidates[: config.max_documents]
        if len(candidates) > len(chosen):
            left = len(candidates) - len(chosen)
            tree.warnings.append(f"max_documents reached: {left} changed URLs left for next run")
        lastmods = {e.loc: e.lastmod for e in chosen}

        def remember(url: str) -> None:
            note_validators(ctx.fetcher.validators, url, lastmod=lastmods[url])

        documents = await fetch_documents(
            ctx.fetcher,
            lastmods,
            source=config.name,
            fields=config.fields,
            done=remember,
            now=ctx.now,
        )
        if not entries:
            tree.warnings.append(f"{config.url}: the sitemap lists no URL that passes the filters")
        return Harvest(
            source=config.name,
            documents=documents,
            listed_urls=[e.loc for e in entries],
            stats=ctx.fetcher.stats,
            complete_listing=tree.complete,
            warnings=tree.warnings,
            state={"sitemaps": tree.files} if tree.files else {},
            dates_unparsed=sum(1 for d in documents if d.published is None),
        )


async def read_sitemap(
    ctx: SourceContext,
    url: str,
    tree: SitemapTree,
    cutoff: dt.date | None,
    *,
    depth: int,
    root: bool = False,
) -> None:
    """Add the URLs of `url` (and of its children) to the tree; only the root may raise."""
    if tree.read >= MAX_SITEMAPS:
        tree.complete = False
        tree.warnings.append(f"more than {MAX_SITEMAPS} sitemaps; {url} not read")
        return
    tree.read += 1
    try:
        sitemap, cut = await _fetch_sitemap(ctx, url, tree)
    except AgglowatchError as exc:
        if root:
            raise
        tree.complete = False
        ctx.fetcher.stats.errors.append(f"{url}: {exc}")
        return
    tree.files[url] = {
        "kind": sitemap.kind,
        "entries": [[e.loc, e.lastmod] for e in sitemap.entries],
        "cut": cut,
    }
    if cut:
        tree.complete = False
        tree.warnings.append(
            f"{url}: cut short (size cap or truncated XML); the listing is partial, and the "
            "URLs it named last run are kept"
        )
    if sitemap.kind == "urlset":
        for entry in sitemap.entries:
            tree.entries.setdefault(entry.loc, entry)
        return
    for child in sitemap.entries:
        if depth + 1 >= MAX_DEPTH or _older(child, cutoff):
            tree.complete = False
            continue
        await read_sitemap(ctx, child.loc, tree, cutoff, depth=depth + 1)


async def _fetch_sitemap(ctx: SourceContext, url: str, tree: SitemapTree) -> tuple[Sitemap, bool]:
    """(sitemap, cut at the cap): asked conditionally when last run read it; 304 reuses it."""
    remembered = _remembered(tree.known.get(url))
    page = await ctx.fetcher.get(url, conditional=remembered is not None, accept=SITEMAP_ACCEPT)
    if page.not_modified and remembered is not None:
        return remembered
    sitemap, cut = _parse(page), page.truncated or _unclosed(page.content)
    return (_with_last_run(sitemap, tree.known.get(url)) if cut else sitemap), cut


_ROOT_END = re.compile(
    rb"</(?:[\w.-]+:)?(?:urlset|sitemapindex)\s*>\s*(?:<!--.*?-->\s*)*$", re.I | re.S
)
_GZIP = b"\x1f\x8b"


def _unclosed(content: bytes) -> bool:
    """True when a plain-XML sitemap ends before its root element closes (a dropped connection,
    a server that died mid-write): its URLs are then only a beginning."""
    if content[:2] == _GZIP:
        return False
    return _ROOT_END.search(content[-4096:].rstrip(b"\x00 \t\r\n")) is None


def _with_last_run(sitemap: Sitemap, saved: Any) -> Sitemap:
    """A cut file's entries without its last one (likely cut mid-<loc>), then the ones the same
    file named last run: a cut must not make documents look removed from the site."""
    entries = {e.loc: e for e in sitemap.entries[:-1]}
    remembered = _remembered(saved)
    for entry in remembered[0].entries if remembered else []:
        entries.setdefault(entry.loc, entry)
    return Sitemap(sitemap.kind, list(entries.values()))


def _remembered(saved: Any) -> tuple[Sitemap, bool] | None:
    """A sitemap file as last run's state kept it; None when absent or not in that shape."""
    if not isinstance(saved, dict) or saved.get("kind") not in ("urlset", "index"):
        return None
    entries = [
        SitemapEntry(str(pair[0]), None if pair[1] is None else str(pair[1]))
        for pair in saved.get("entries") or []
        if isinstance(pair, list) and len(pair) == 2
    ]
    return Sitemap(saved["kind"], entries), bool(saved.get("cut"))


def _parse(page: FetchedPage) -> Sitemap:
    """The sitemap; when it cannot be read and was cut at the size cap, the error says so (a
    compressed body inflating past fetch.max_bytes is a likely gzip bomb)."""
    try:
        return parse_sitemap(page.content, page.final_url)
    except ParseError as exc:
        if not page.truncated:
            raise
        raise ParseError(
            f"{exc}; the body was cut at the size cap (fetch.max_bytes, {len(page.content)} "
            "bytes): a compressed body inflating that far is likely a gzip bomb"
        ) from exc


def wanted(url: str, include: str | None, exclude: str | None) -> bool:
    if include and not re.search(include, url):
        return False
    return not (exclude and re.search(exclude, url))


def choose(
    entries: list[SitemapEntry],
    validators: dict[str, Validators],
    cutoff: dt.date | None,
) -> list[SitemapEntry]:
    """URLs worth fetching: newest changed <lastmod> first, then new URLs without one, then the
    rest without one; never one whose <lastmod> equals the stored one or is older than cutoff."""
    changed: list[tuple[dt.date, SitemapEntry]] = []
    unseen: list[SitemapEntry] = []
    undated: list[SitemapEntry] = []
    for entry in entries:
        known = validators.get(entry.loc)
        if entry.lastmod is None:
            (undated if known else unseen).append(entry)
        elif (known is None or known.lastmod != entry.lastmod) and not _older(entry, cutoff):
            changed.append((lastmod_date(entry.lastmod) or dt.date.min, entry))
    changed.sort(key=lambda pair: pair[0], reverse=True)
    return [entry for _, entry in changed] + unseen + undated


def _older(entry: SitemapEntry, cutoff: dt.date | None) -> bool:
    """True when the entry's <lastmod> is known and before the since_days cutoff."""
    if cutoff is None:
        return False
    day = lastmod_date(entry.lastmod)
    return day is not None and day < cutoff
