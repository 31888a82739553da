"""The `crossref` kind: Crossref /works with cursor paging and an incremental index-date window.

Window: the first run (no state, no earlier success) asks with no date filter and takes the top
`max_results` (by relevance when there is a query). Each later run adds `from-index-date:<date>`,
where the date is saved in the harvest state as `from_date`: the run's own date when the answer was
read to its end, or — when `max_results` cut it short — the index date of the last work read, the
works being sorted by index date ascending so the next run carries on where this one stopped.
Index date rather than publication date, so works deposited late are not missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from agglowatch.config import CrossrefSource
from agglowatch.errors import AgglowatchError
from agglowatch.records import DocumentRecord, Harvest
from parsers.crossref import WorkPage, parse_works
from sources.base import SourceContext, SourceKind, register

PAGE_SIZE = 100
WINDOW_FILTER = "from-index-date"
JSON_ACCEPT = "application/json"
Parse = Callable[..., WorkPage]


@dataclass(slots=True)
class Paged:
    """What cursor paging through one query gave."""

    records: list[DocumentRecord] = field(default_factory=list)
    exhausted: bool = False  # the API said there is no more (not max_results, not a failure)
    failed: bool = False  # a page after the first failed: paging stopped there
    last_date: dt.date | None = None
    warnings: list[str] = field(default_factory=list)


@register
class CrossrefKind(SourceKind):
    """Crossref works API: query, filter, mailto, max_results; asks only for what is new."""

    kind = "crossref"

    async def harvest(self, ctx: SourceContext) -> Harvest:
        config: CrossrefSource = ctx.config
        start = window_start(ctx)
        params = crossref_params(config, start)
        paged = await page_works(
            ctx,
            f"{config.base_url.rstrip('/')}/works",
            params,
            parse_works,
            max_results=config.max_results,
            size_param="rows",
        )
        return works_harvest(ctx, paged, next_window(start, paged, ctx.now.date()))


def crossref_params(config: CrossrefSource, start: dt.date | None) -> dict[str, str]:
    filters = dict(config.filter)
    params: dict[str, str] = {}
    if start is not None:
        filters[WINDOW_FILTER] = later(filters.get(WINDOW_FILTER), start)
        params.update(sort="indexed", order="asc")
    if config.query:
        params["query"] = config.query
    if filters:
        params["filter"] = ",".join(f"{key}:{value}" for key, value in filters.items())
    if config.mailto:
        params["mailto"] = config.mailto
    return params


async def page_works(
    ctx: SourceContext,
    url: str,
    params: dict[str, str],
    parse: Parse,
    *,
    max_results: int,
    size_param: str,
) -> Paged:
    """Follow `cursor` from '*' until the API runs dry or max_results; only page 1 may raise."""
    paged = Paged()
    cursor, read = "*", 0
    seen_cursors: set[str] = set()
    while len(paged.records) < max_results:
        size = min(PAGE_SIZE, max_results - len(paged.records))
        query = {**params, size_param: str(size), "cursor": cursor}
        try:
            answer = await ctx.fetcher.get(url, conditional=False, accept=JSON_ACCEPT, params=query)
            ctx.fetcher.validators.pop(answer.url, None)  # cursor URLs never recur: keep none
            page = parse(
                answer.content, answer.final_url, source=ctx.config.name, today=ctx.now.date()
            )
        except AgglowatchError as exc:
            if cursor == "*":
                raise
            paged.warnings.append(f"paging stopped after {read} works: {exc}")
            paged.failed = True
            ctx.fetcher.stats.errors.append(f"{url} (cursor {cursor[:20]}): {exc}")
            return paged
        read += page.size
        paged.records.extend(page.records[: max_results - len(paged.records)])
        paged.last_date = page.last_date or paged.last_date
        ctx.fetcher.stats.errors.extend(page.errors)
        seen_cursors.add(cursor)
        done = page.total is not None and read >= page.total
        if page.size == 0 or not page.next_cursor or page.next_cursor in seen_cursors or done:
            paged.exhausted = True
            break
        cursor = page.next_cursor
    return paged


def window_start(ctx: SourceContext, overlap: dt.timedelta = dt.timedelta(0)) -> dt.date | None:
    """Where this run's window begins: the saved `from_date`, else the last success, else open
    (also when the saved `from_date` is None: the first, open reading is still to finish)."""
    if "from_date" in ctx.state and ctx.state["from_date"] is None:
        return None
    saved = ctx.state.get("from_date")
    if isinstance(saved, str):
        try:
            return dt.date.fromisoformat(saved)
        except ValueError:
            pass
    if ctx.last_success is not None:
        return ctx.last_success.date() - overlap
    return None


def next_window(
    start: dt.date | None, paged: Paged, today: dt.date, overlap: dt.timedelta = dt.timedelta(0)
) -> dt.date | None:
    """Next run's window start: today when all was read, else where the sorted reading stopped.
    A reading that failed part way and cannot resume past `start` is done again from `start`
    (None, open, for the first run's reading by relevance): a window from today would never
    read the works past the failure."""
    resumable = start is not None and paged.last_date is not None and paged.last_date > start
    if paged.failed and not resumable:
        return start
    if paged.exhausted or start is None:
        return today - overlap
    if paged.last_date is not None and paged.last_date > start:
        return paged.last_date
    paged.warnings.append(
        f"more than max_results works share the date {start.isoformat()}; raise max_results "
        "to read them all (the window moves on to today)"
    )
    return today - overlap


def later(configured: str | None, start: dt.date) -> str:
    """The later of a user's own date filter value and the window start, as YYYY-MM-DD."""
    try:
        own = dt.date.fromisoformat(configured[:10]) if configured else None
    except ValueError:
        own = None
    return max(own, start).isoformat() if own else start.isoformat()


def works_harvest(ctx: SourceContext, paged: Paged, window: dt.date | None) -> Harvest:
    """The works read, each once: cursor pages overlap when the index moves meanwhile, and a
    work stored twice in one run would be counted new and then unchanged."""
    first: dict[str, DocumentRecord] = {}
    for record in paged.records:
        first.setdefault(record.url, record)
    records = list(first.values())
    return Harvest(
        source=ctx.config.name,
        documents=records,
        listed_urls=list(first),
        stats=ctx.fetcher.stats,
        state={**ctx.state, "from_date": window.isoformat() if window else None},
        warnings=paged.warnings,
        dates_unparsed=sum(1 for r in records if r.published is None),
    )
