"""The `openalex` kind: OpenAlex /works with cursor paging and an incremental publication window.

The free API filters by `from_publication_date` (`from_updated_date` and `from_created_date` need a
premium key), so the window is on publication dates, with an overlap: each run asks from
`OVERLAP` before the previous run's date, because works are often added to OpenAlex weeks after
their publication date. Works seen again are recognised downstream by their DOI. As for Crossref,
the start is kept in the harvest state as `from_date`; when `max_results` cuts a run short the
works are sorted by publication date ascending, and the next run resumes from the last one read.
"""

from __future__ import annotations

import datetime as dt

from agglowatch.config import OpenAlexSource
from agglowatch.records import Harvest
from parsers.openalex import parse_works
from sources.base import SourceContext, SourceKind, register
from sources.crossref import later, next_window, page_works, window_start, works_harvest

OVERLAP = dt.timedelta(days=30)
WINDOW_FILTER = "from_publication_date"


@register
class OpenAlexKind(SourceKind):
    """OpenAlex works API: search, filter, mailto, max_results; an incremental date window."""

    kind = "openalex"

    async def harvest(self, ctx: SourceContext) -> Harvest:
        config: OpenAlexSource = ctx.config
        start = window_start(ctx, OVERLAP)
        paged = await page_works(
            ctx,
            f"{config.base_url.rstrip('/')}/works",
            openalex_params(config, start),
            parse_works,
            max_results=config.max_results,
            size_param="per-page",
        )
        return works_harvest(ctx, paged, next_window(start, paged, ctx.now.date(), OVERLAP))


def openalex_params(config: OpenAlexSource, start: dt.date | None) -> dict[str, str]:
    filters = [part.strip() for part in (config.filter or "").split(",") if part.strip()]
    params: dict[str, str] = {}
    if start is not None:
        own = [f for f in filters if f.startswith(WINDOW_FILTER + ":")]
        filters = [f for f in filters if f not in own]
        configured = own[0].split(":", 1)[1] if own else None
        filters.append(f"{WINDOW_FILTER}:{later(configured, start)}")
        params["sort"] = "publication_date:asc"
    if config.search:
        params["search"] = config.search
    if filters:
        params["filter"] = ",".join(filters)
    if config.mailto:
        params["mailto"] = config.mailto
    return params
