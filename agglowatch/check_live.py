"""`agglowatch check --live`: what each source yields now.

The live check fetches through the same Fetcher and source kinds as a run, with no stored
validators (so every page is really fetched) and without touching the database.
"""

from __future__ import annotations

import collections
from typing import Any

from rich.console import Console

from agglowatch.config import Config
from agglowatch.runner import describe_error, source_for_run, utcnow
from sources.base import SourceContext, kind_for
from sources.http import Fetcher
from sources.registry import load_kinds

SAMPLES = 5


async def check_live(config: Config, sources: list[Any]) -> list[dict[str, Any]]:
    load_kinds()
    results = []
    async with Fetcher(config.fetch) as fetcher:
        for source in sources:
            results.append(await _check_one(config, fetcher, source))
    return results


async def _check_one(config: Config, fetcher: Fetcher, source: Any) -> dict[str, Any]:
    page_fetcher = fetcher.for_source(source.name, {})
    context = SourceContext(source_for_run(config, source), page_fetcher, now=utcnow())
    try:
        harvest = await kind_for(source.kind).harvest(context)
    except Exception as error:  # report every failure, check the next source
        return {"name": source.name, "status": "error", "error": describe_error(error)}
    docs = harvest.documents
    return {
        "name": source.name,
        "status": "ok" if harvest.listed_urls or docs else "empty",
        "items": len(harvest.listed_urls) or len(docs),
        "documents": len(docs),
        "requests": harvest.stats.requests,
        "bytes": harvest.stats.bytes,
        "dated": sum(1 for d in docs if d.published),
        "languages": dict(collections.Counter(d.language or "?" for d in docs)),
        "samples": [
            {
                "title": d.title,
                "published": d.published.isoformat() if d.published else None,
                "url": d.url,
            }
            for d in docs[:SAMPLES]
        ],
        "warnings": harvest.warnings + harvest.stats.errors,
    }


def print_live(console: Console, results: list[dict[str, Any]]) -> None:
    for result in results:
        if result["status"] == "error":
            console.print(f"[red]✗ {result['name']}[/]: {result['error']}", highlight=False)
            continue
        console.print(
            f"[green]✓ {result['name']}[/]: {result['items']} items, {result['documents']} parsed, "
            f"{result['dated']} dated, languages {result['languages']}",
            highlight=False,
        )
        for sample in result["samples"]:
            console.print(f"    {sample['published'] or '----------'}  {sample['title']}")
        for warning in result["warnings"][:5]:
            console.print(f"    [yellow]! {warning}[/]", highlight=False)
