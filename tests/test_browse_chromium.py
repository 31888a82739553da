"""Issue 14 in a real browser: headless Debian chromium, driven over CDP, against the browse app.

Types a Chinese query into the search box and presses Enter, checks what the browser shows
(highlighted hits, facet counts), follows a facet, opens a document with two versions, and saves
screenshots. Skipped when chromium is not installed (.ci/run installs it). Set
AGGLOWATCH_SCREENSHOTS to a folder to keep the screenshots (docs/browse.png comes from here).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from browse.cli import build_app
from tests.browse_store import BackgroundServer, fill_store
from tests.chromium_cdp import CHROMIUM, browser_page
from tests.test_pipeline_e2e import exported

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine")


def test_search_in_headless_chromium(tmp_path: Path) -> None:
    store = fill_store(tmp_path, f"sqlite:///{tmp_path / 'agglowatch.db'}")
    docs = exported(store.config)
    (edited,) = [d for d in docs if d["version"] == 2]
    expected = {
        d["id"]
        for d in docs
        if not d["duplicate_of"] and "城市群" in d["title"] + (d["abstract"] or "") + d["text"]
    }
    shots = tmp_path / "shots"
    shots.mkdir()
    with BackgroundServer(build_app(store.config)) as server:
        seen = asyncio.run(drive(server.base_url, tmp_path / "profile", shots, edited["id"]))
    assert seen["url"].startswith(server.base_url + "/?q=%E5%9F%8E%E5%B8%82%E7%BE%A4")
    assert set(seen["hits"]) == expected
    assert seen["marks"] and set(seen["marks"]) == {"城市群"}
    assert seen["total"].startswith(f"{len(expected)} documents")
    assert seen["facet_total"].startswith(f"{seen['facet_count']} document")
    assert seen["versions"] == ["v2", "v1"]
    assert seen["added"] > 0
    for name in ("search.png", "document.png"):
        png = (shots / name).read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a rendered page, not blank
    keep = os.environ.get("AGGLOWATCH_SCREENSHOTS")
    if keep:
        for shot in shots.iterdir():
            shutil.copy(shot, Path(keep) / f"browse-{shot.name}")


async def drive(base: str, profile: Path, shots: Path, doc_id: str) -> dict[str, object]:
    seen: dict[str, object] = {}
    async with browser_page(profile) as page:
        await page.goto(base + "/")
        await page.type_and_enter("input[name=q]", "城市群")
        seen["url"] = await page.evaluate("location.href")
        seen["hits"] = await page.evaluate(
            "[...document.querySelectorAll('article.hit h2 a')]"
            ".map(a => a.getAttribute('href').slice(5))"
        )
        seen["marks"] = await page.evaluate(
            "[...document.querySelectorAll('.snippet mark')].map(m => m.textContent)"
        )
        seen["total"] = await page.evaluate("document.querySelector('#total').textContent.trim()")
        await page.screenshot(shots / "search.png")
        facet = await page.evaluate(
            "(() => { const li = document.querySelector('#facet-region li[data-value]');"
            " return [li.querySelector('a').href, li.querySelector('.count').textContent]; })()"
        )
        seen["facet_count"] = int(facet[1])
        await page.goto(facet[0])
        seen["facet_total"] = await page.evaluate(
            "document.querySelector('#total').textContent.trim()"
        )
        await page.goto(f"{base}/doc/{doc_id}")
        seen["versions"] = await page.evaluate(
            "[...document.querySelectorAll('#versions article.version')].map(a => a.id)"
        )
        seen["added"] = await page.evaluate("document.querySelectorAll('li.added').length")
        await page.screenshot(shots / "document.png")
    return seen
