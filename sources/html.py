"""The `html` kind: listing pages whose links lead to articles (or PDFs) to extract.

Without a `next` selector, paging (max_pages > 1) follows rel="next" or a 下一页 / Next link.
The first listing page is fetched conditionally: when it answers 304 and the listing settings are
those of last run, last run's links are the listing again (the same bytes named them), and only the
articles are checked (conditionally) for edits; when it has changed, the body of that one request
is the listing (it is not asked for twice). A failing first page fails the source; a failing
later page only ends the paging, with a warning.
"""

from __future__ import annotations

from agglowatch.config import HtmlSource
from agglowatch.errors import ConfigError, FetchError, ParseError
from agglowatch.records import DocumentRecord, FetchedPage, Harvest
from parsers.encoding import decode_body, looks_binary
from parsers.errorpage import error_page_reason
from parsers.listing import extract_links, next_page
from parsers.metadata import clean_space, element_text, load_tree
from sources.articles import document_format, fetch_documents
from sources.base import SourceContext, SourceKind, register

LISTING_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


@register
class HtmlKind(SourceKind):
    """HTML listing page(s): article links by CSS selector, next-page paging, include/exclude."""

    kind = "html"

    async def harvest(self, ctx: SourceContext) -> Harvest:
        config: HtmlSource = ctx.config
        warnings: list[str] = []
        listed, first_page = await _unchanged_listing(ctx, config)
        if listed is None:
            listed = await list_links(ctx, config, warnings, first_page)
        if not listed:
            warnings.append(
                f"{config.url}: the links selector {config.links!r} found no article links"
                " (did the site change its layout?)"
            )
        documents = await fetch_documents(
            ctx.fetcher, listed, source=config.name, fields=config.fields, now=ctx.now
        )
        return Harvest(
            source=config.name,
            documents=documents,
            listed_urls=listed,
            stats=ctx.fetcher.stats,
            warnings=warnings,
            state={"listed": listed, "listing_key": _listing_key(config)} if listed else {},
            dates_unparsed=sum(1 for d in documents if d.published is None),
        )


def _listing_key(config: HtmlSource) -> str:
    """What decides the links of unchanged listing bytes: the settings that read them."""
    parts = (
        config.url,
        config.links,
        config.next,
        config.max_pages,
        config.include,
        config.exclude,
    )
    return repr(parts)


async def _unchanged_listing(
    ctx: SourceContext, config: HtmlSource
) -> tuple[list[str] | None, FetchedPage | None]:
    """Last run's links when the first listing page answers 304; else None and the page read.

    A changed first page comes back with its body, which `list_links` reads instead of asking
    for it a second time.
    """
    previous = ctx.state.get("listed")
    if not previous or ctx.state.get("listing_key") != _listing_key(config):
        return None, None
    if config.url not in ctx.fetcher.validators:
        return None, None
    page = await ctx.fetcher.get(config.url, accept=LISTING_ACCEPT)
    if not page.not_modified:
        return None, page
    return [str(url) for url in previous], None


async def list_links(
    ctx: SourceContext,
    config: HtmlSource,
    warnings: list[str],
    first_page: FetchedPage | None = None,
) -> list[str]:
    """Article URLs from up to max_pages listing pages, in order, without repeats."""
    links: dict[str, None] = {}
    seen_pages: set[str] = set()
    url: str | None = config.url
    while url and len(seen_pages) < config.max_pages and url not in seen_pages:
        seen_pages.add(url)
        try:
            if url == config.url and first_page is not None:
                page = first_page
            else:
                page = await ctx.fetcher.get(url, conditional=False, accept=LISTING_ACCEPT)
        except FetchError as exc:
            if url == config.url:
                raise
            warnings.append(f"listing page {url} failed, paging stopped: {exc}")
            break
        html = page.text if page.text is not None else decode_body(page.content)[0]
        try:
            found = extract_links(
                html, page.final_url, config.links, config.include, config.exclude
            )
            more = len(seen_pages) < config.max_pages
            url = next_page(html, page.final_url, config.next) if more else None
        except ConfigError as exc:  # a bad selector fails this source, not the whole run
            raise ParseError(f"{config.name}: fix the source's configuration: {exc}") from exc
        if not found and len(seen_pages) == 1 and (why := not_a_listing(page, html)):
            raise ParseError(f"{config.url}: not a listing page: {why}; check the source's url")
        links.update(dict.fromkeys(found))
    return list(links)


def not_a_listing(page: FetchedPage, html: str) -> str | None:
    """Why a first listing page without links is no listing at all (empty, a PDF or image, a
    "page not found" served with status 200), or None. Said so, the user checks the URL instead
    of the links selector, and the source fails, so its documents are not counted missing."""
    if not page.content.strip():
        return "the server sent an empty page"
    if document_format(page.content, page.content_type, page.final_url) != "html":
        return f"the server sent {page.content_type or 'a file'}, not HTML"
    if looks_binary(html):
        return "the server sent binary data, not HTML"
    try:
        tree = load_tree(html)
    except ParseError:
        return None
    title = clean_space(tree.findtext(".//title") or "")
    record = DocumentRecord(source="", url=page.final_url, title=title, text=element_text(tree))
    reason = error_page_reason(record)
    return f"it is an error page ({reason})" if reason else None
