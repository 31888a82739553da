"""Bug hunt 6: planted faults, through a run over loopback servers, as a user meets them."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.config import FetchSettings
from parsers import pool as parse_pool
from parsers.pool import ParsePool
from sources import articles
from sources.http import Fetcher

PARA = "<p>京津冀城市群协同创新共同体建设，推动新型基础设施和高质量发展。</p>\n"


def test_a_big_page_parses_without_stalling_the_other_sources_fetches(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of megabytes takes seconds to parse (a 10 MB report ~45 s); parsed on the event
    loop, it froze every other source's requests until they timed out ("no answer in time")."""
    big = "<html><body><h1>大报告</h1>" + PARA * 8000 + "</body></html>"
    httpserver.expect_request("/big.html").respond_with_data(big, content_type="text/html")
    real = articles.parse_html

    def slow_parse(html: str, *args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)  # CPU-bound work holds the thread it runs on, as extraction does
        return real(html[:2000], *args, **kwargs)

    monkeypatch.setattr(articles, "parse_html", slow_parse)
    monkeypatch.setattr(parse_pool, "_shared", ParsePool(0))  # in this process, as a small run

    async def go() -> tuple[int, str]:
        settings = FetchSettings(allow_private_addresses=True, respect_robots=False)
        async with Fetcher(settings) as fetcher:
            page = await fetcher.for_source("big").get(httpserver.url_for("/big.html"))
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        beat = asyncio.create_task(ticker())
        record = await articles.parse_page(page, source="big")
        beat.cancel()
        return ticks, record.title

    ticks, title = asyncio.run(go())
    assert title == "大报告"
    assert ticks >= 5, f"the event loop ran {ticks} times in 1 s of parsing"
