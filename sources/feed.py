"""The `feed` kind: an RSS or Atom feed, each entry's article page fetched and extracted."""

from __future__ import annotations

import codecs
import re

from agglowatch.config import FeedSource
from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord, FetchedPage, Harvest
from parsers.feed import BrokenFeedError, parse_feed
from sources.articles import fetch_documents
from sources.base import SourceContext, SourceKind, register

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8"


@register
class FeedKind(SourceKind):
    """RSS or Atom feed: each entry's article page fetched and extracted (url, fetch_articles)."""

    kind = "feed"

    async def harvest(self, ctx: SourceContext) -> Harvest:
        config: FeedSource = ctx.config
        page = await _get_feed(ctx, config.url)
        if page is None:  # 304: the feed names what it named last run...
            listed = [str(url) for url in ctx.state.get("listed", [])]
            if not config.fetch_articles:
                return _harvest(ctx, [], listed)
            # ...but its pages may have been edited (a feed of titles and links does not change
            # when a page does): asked for again, conditionally, as the html kind does, pages
            # that failed last run first
            retry = [str(url) for url in ctx.state.get("retry", []) if url in set(listed)]
            documents, failed = await _articles(ctx, list(dict.fromkeys(retry + listed)), {})
            return _harvest(ctx, documents, listed, failed)
        cut = _cut_short(page)
        try:
            entries = parse_feed(page.content, page.final_url, now=ctx.now)
        except BrokenFeedError:
            if not cut:
                raise
            entries = []  # broken where it was cut: said as such below
        if cut and not entries:
            raise ParseError(f"{config.url}: the feed is cut short (truncated XML), no entries")
        records = {entry.url: entry.to_record(config.name) for entry in entries if entry.url}
        listed = list(records)
        if config.fetch_articles:
            documents, failed = await _articles(ctx, listed, records)
        else:
            documents, failed = [_listed(record, url) for url, record in records.items()], []
        if cut:  # what it no longer shows may be past the cut: keep last run's listing
            listed += [str(u) for u in ctx.state.get("listed", []) if u not in records]
        harvest = _harvest(ctx, documents, listed, failed)
        if cut:
            harvest.warnings.append(
                f"{config.url}: the feed is cut short (truncated XML) after {len(entries)} "
                "entries; the documents it listed last run are not counted missing"
            )
        if not entries:
            harvest.warnings.append(f"{config.url}: the feed has no entries")
        return harvest


_FEED_END = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>\s*(?:<!--.*?-->\s*)*$", re.I | re.S)


def _cut_short(page: FetchedPage) -> bool:
    """True when the feed's body ends before its root element closes (a dropped connection, a
    server that died mid-write, the size cap): its entry list is then only a beginning."""
    if page.truncated:
        return True
    return _FEED_END.search(_tail(page.content).rstrip(b"\x00 \t\r\n")) is None


_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _tail(content: bytes, size: int = 4096) -> bytes:
    """The body's last bytes, as ASCII-compatible bytes: a UTF-16 feed's (BOM first) are decoded,
    since its closing tag is not the ASCII bytes the pattern looks for."""
    for bom, codec in _UTF16_BOMS:
        if content.startswith(bom):
            start = max(len(bom), len(content) - 2 * size)
            start += (start - len(bom)) % 2  # on a code unit boundary, counted from the BOM
            return content[start:].decode(codec, errors="ignore").encode("utf-8")
    return content[-size:]


async def _get_feed(ctx: SourceContext, url: str) -> FetchedPage | None:
    """The feed, or None when it answered 304 and last run's entry URLs are in the state."""
    page = await ctx.fetcher.get(url, accept=FEED_ACCEPT)
    if not page.not_modified:
        return page
    if "listed" in ctx.state:
        return None
    return await ctx.fetcher.get(url, conditional=False, accept=FEED_ACCEPT)


async def _articles(
    ctx: SourceContext, urls: list[str], fallbacks: dict[str, DocumentRecord]
) -> tuple[list[DocumentRecord], list[str]]:
    """The entries' pages, and those to try again next run (failed, or cut at the size cap):
    an unchanged feed answers 304 and would otherwise never lead to them again."""
    read: set[str] = set()
    documents = await fetch_documents(
        ctx.fetcher,
        urls,
        source=ctx.config.name,
        fields=ctx.config.fields,
        fallbacks=fallbacks,
        done=read.add,
        now=ctx.now,
    )
    cut = set(ctx.fetcher.stats.truncated)
    return documents, [url for url in urls if url not in read or url in cut]


def _listed(record: DocumentRecord, url: str) -> DocumentRecord:
    record.listing_url = url
    return record


def _harvest(
    ctx: SourceContext,
    documents: list[DocumentRecord],
    listed: list[str],
    retry: list[str] | None = None,
) -> Harvest:
    return Harvest(
        source=ctx.config.name,
        documents=documents,
        listed_urls=listed,
        stats=ctx.fetcher.stats,
        state={"listed": listed, **({"retry": retry} if retry else {})},
        dates_unparsed=sum(1 for d in documents if d.published is None),
    )
