"""parsers.pool: pages parsed in worker processes equal in-process parsing; crashes fall back."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.errors import ParseError
from agglowatch.records import FetchedPage
from bench.corpus import generate
from parsers import pool as parse_pool
from parsers.article import extract_article
from parsers.encoding import decode_body
from parsers.pool import ParsePool
from sources.articles import parse_page
from tests.e2e_site import Site
from tests.test_faults import article_html, listing_html, make_config, run_once, stored

PAGES = Path(__file__).parent / "fixtures" / "pages"
MAIN = os.getpid()


def pid() -> int:
    return os.getpid()


def die_in_worker(value: int, main: int) -> int:
    """Kills the worker process (as a segfault would) whenever it runs outside the test process
    (`main` is passed along: a worker importing this module has its own MAIN)."""
    if os.getpid() != main:
        os._exit(3)
    return value * 2


def die_once(marker: str, value: int, main: int) -> int:
    """Kills the first worker it runs in, then works: a one-off crash."""
    if os.getpid() != main and not os.path.exists(marker):
        Path(marker).write_text("died")
        os._exit(3)
    return value + 1


def refuse(url: str) -> None:
    raise ParseError(f"{url}: no usable text")


def html_pages() -> list[tuple[str, str]]:
    """(html, url) of the fixture pages and some generated articles."""
    pages = [
        (decode_body(path.read_bytes(), "text/html")[0], f"https://example.org/{path.name}")
        for path in sorted(PAGES.glob("*.html"))
    ]
    for page in generate(8):
        pages.append((decode_body(page.body, page.content_type)[0], "https://b.org" + page.path))
    return pages


async def parse_all(pool: ParsePool, pages: list[tuple[str, str]]) -> list[object]:
    calls = [pool.submit(extract_article, html, url, source="s") for html, url in pages]
    return await asyncio.gather(*calls, return_exceptions=True)


def in_process(pages: list[tuple[str, str]]) -> list[object]:
    results: list[object] = []
    for html, url in pages:
        try:
            results.append(extract_article(html, url, source="s"))
        except ParseError as exc:
            results.append(exc)
    return results


def test_pool_parses_the_same_records_as_in_process() -> None:
    pages = html_pages()
    with ParsePool(2, min_pages=0) as pool:
        pooled = asyncio.run(parse_all(pool, pages))
        assert pool.used and asyncio.run(pool.submit(pid)) != MAIN
    expected = in_process(pages)
    assert len(pooled) == len(expected) == len(pages)
    for got, want in zip(pooled, expected, strict=True):
        if isinstance(want, Exception):
            assert type(got) is type(want) and str(got) == str(want)
        else:
            assert got == want


def test_pool_starts_only_once_a_run_has_enough_pages() -> None:
    with ParsePool(2, min_pages=3) as pool:
        first = [asyncio.run(pool.submit(pid)) for _ in range(2)]
        assert first == [MAIN, MAIN] and not pool.running
        assert asyncio.run(pool.submit(pid)) != MAIN
        assert pool.running
    assert not pool.running and pool.pages == 0


def test_idle_pool_shuts_down_by_itself() -> None:
    pool = ParsePool(1, min_pages=0, idle_seconds=0.2)
    try:
        assert asyncio.run(pool.submit(pid)) != MAIN
        for _ in range(100):
            if not pool.running:
                break
            asyncio.run(asyncio.sleep(0.05))
        assert not pool.running
    finally:
        pool.shutdown()


def test_parser_errors_in_a_worker_reach_the_caller_unchanged() -> None:
    with ParsePool(1, min_pages=0) as pool, pytest.raises(ParseError, match="no usable text"):
        asyncio.run(pool.submit(refuse, "https://example.org/x"))


def test_a_worker_dying_once_is_retried_in_a_fresh_pool(tmp_path: Path) -> None:
    with ParsePool(1, min_pages=0) as pool:
        assert asyncio.run(pool.submit(die_once, str(tmp_path / "marker"), 41, MAIN)) == 42
        assert pool.breaks == 1
        assert asyncio.run(pool.submit(pid)) != MAIN  # a new pool serves the next pages


def test_a_page_that_kills_workers_fails_alone_then_parsing_falls_back_in_process() -> None:
    async def run(pool: ParsePool) -> list[object]:
        return await asyncio.gather(pool.submit(die_in_worker, 1, MAIN), return_exceptions=True)

    with ParsePool(1, min_pages=0) as pool:
        (first,) = asyncio.run(run(pool))
        assert isinstance(first, ParseError) and "died" in str(first)
        assert pool.breaks == 2 and not pool.in_process_only
        assert asyncio.run(pool.submit(pid)) != MAIN  # other pages of the source still parse
        assert (
            asyncio.run(pool.submit(die_in_worker, 5, MAIN)) == 10
        )  # third break: in-process retry
        assert pool.in_process_only
        assert asyncio.run(pool.submit(pid)) == MAIN


def test_no_pool_at_all_means_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_context() -> None:
        raise OSError("no semaphores here")

    monkeypatch.setattr(parse_pool, "_context", no_context)
    with ParsePool(2, min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) == MAIN
        assert pool.in_process_only and not pool.used


def test_zero_workers_configured_parses_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGLOWATCH_PARSE_WORKERS", "0")
    with ParsePool(min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) == MAIN and not pool.used


def test_parse_page_dispatches_html_to_the_shared_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = ParsePool(2, min_pages=0)
    monkeypatch.setattr(parse_pool, "_shared", pool)
    html, url = html_pages()[-1]
    page = FetchedPage(url, url, 200, html.encode(), "text/html", {}, "utf-8", html)
    try:
        record = asyncio.run(parse_page(page, source="s"))
        assert pool.used
    finally:
        pool.shutdown()
    assert record == extract_article(html, url, source="s")


def test_a_pool_shut_down_under_a_page_does_not_lose_it() -> None:
    """The idle timer (or shutdown()) may stop the pool between a page taking it and submitting:
    the page goes to a fresh pool."""
    with ParsePool(1, min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) != MAIN
        stale = pool._executor
        assert stale is not None
        stale.shutdown(wait=True)
        assert asyncio.run(pool.submit(pid)) not in (MAIN, None)
        assert pool._executor is not stale and pool.running


def listing_site(server: HTTPServer, count: int) -> Site:
    site = Site(server)
    links = [f"/n/{number}.html" for number in range(count)]
    for number, link in enumerate(links):
        site.put(link, article_html(f"Report {number}", 1000 + number))
    site.put("/n/index.html", listing_html(links))
    site.install()
    return site


@pytest.mark.parametrize("workers", ["2", "0"])
def test_a_run_of_enough_pages_parses_them_in_the_pool(
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: str,
) -> None:
    """A whole run (the plain runner) over 24 pages: from the 20th page on they go to the pool,
    and what is stored is what in-process parsing stores."""
    monkeypatch.setenv("AGGLOWATCH_PARSE_WORKERS", workers)
    pool = ParsePool()
    monkeypatch.setattr(parse_pool, "_shared", pool)
    site = listing_site(httpserver, 24)
    source = {"name": "n", "kind": "html", "url": site.url("/n/index.html"), "links": "ul a"}
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'aw.db'}", [source])
    try:
        report = run_once(config)
        assert pool.used is (workers != "0")
    finally:
        pool.shutdown()
    assert report["status"] == "completed" and report["totals"]["new"] == 24
    docs = {doc.url.rsplit("/", 1)[1]: doc for doc in stored(config, "n")}
    assert len(docs) == 24
    for number in range(24):
        html = article_html(f"Report {number}", 1000 + number)
        expected = extract_article(html, site.url(f"/n/{number}.html"), source="n")
        doc = docs[f"{number}.html"]
        assert (doc.title, doc.text, doc.published) == (
            expected.title,
            expected.text,
            expected.published,
        )


def started_at(seconds: float) -> float:
    """Sleeps, then says when it started (the order calls reached the workers)."""
    import time

    started = time.monotonic()
    time.sleep(seconds)
    return started


def test_waiting_pages_reach_the_workers_by_priority() -> None:
    """With every slot taken, the calls of the earlier-started harvest (lower PRIORITY) go first,
    whatever order they were submitted in; equal priorities keep their order."""

    async def run(pool: ParsePool) -> dict[str, float]:
        async def call(name: str, priority: int, seconds: float) -> tuple[str, float]:
            parse_pool.PRIORITY.set(priority)  # this task's own context
            return name, await pool.submit(started_at, seconds)

        busy = [asyncio.create_task(call(f"busy{i}", 0, 0.3)) for i in range(2)]
        await asyncio.sleep(0.05)  # both slots of the one worker are taken
        late = [("c", 7), ("a", 1), ("b", 3), ("a2", 1)]
        waiting = [asyncio.create_task(call(name, p, 0.01)) for name, p in late]
        return dict(await asyncio.gather(*busy, *waiting))

    with ParsePool(1, min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) != MAIN  # started and warm
        started = asyncio.run(run(pool))
        assert pool._in_flight == 0 and not pool._waiting
    order = sorted(("a", "a2", "b", "c"), key=started.__getitem__)
    assert order == ["a", "a2", "b", "c"]


def extract_in_s(html: str, url: str) -> object:
    return extract_article(html, url, source="s")


def unpicklable(value: int) -> object:
    """A result no worker can send back (a local function)."""
    return lambda: value


def batch_sizes(pool: ParsePool, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of calls in each task the pool sends to its workers, as it sends them."""
    sizes: list[int] = []
    send = pool._send

    def spy(batch: list[parse_pool._Call]) -> None:
        sizes.append(len(batch))
        send(batch)

    monkeypatch.setattr(pool, "_send", spy)
    return sizes


async def behind_busy_slots(pool: ParsePool, calls: list[tuple[object, ...]]) -> list[object]:
    """`calls` submitted while every slot of a one-worker pool is taken, so that they wait and go
    to the worker in batches; their outcomes in submission order (exceptions included)."""
    busy = [asyncio.create_task(pool.submit(started_at, 0.3)) for _ in range(2)]
    await asyncio.sleep(0.05)
    waiting = [asyncio.create_task(pool.submit(*call)) for call in calls]  # type: ignore[arg-type]
    await asyncio.gather(*busy)
    return list(await asyncio.gather(*waiting, return_exceptions=True))


def test_waiting_pages_go_in_batches_with_the_same_records_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = html_pages()
    with ParsePool(1, min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) != MAIN
        sizes = batch_sizes(pool, monkeypatch)
        calls = [(extract_in_s, html, url) for html, url in pages]
        pooled = asyncio.run(behind_busy_slots(pool, calls))
        assert pool._in_flight == 0 and not pool._waiting
    assert max(sizes) == parse_pool.BATCH_PAGES and sum(sizes) == len(pages) + 2
    expected = in_process(pages)
    assert len(pooled) == len(expected)
    for got, want in zip(pooled, expected, strict=True):  # in the order the pages were submitted
        if isinstance(want, Exception):
            assert type(got) is type(want) and str(got) == str(want)
        else:
            assert got == want


def test_a_page_failing_in_a_batch_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser error, and a result that cannot be sent back, fail their own page only; the
    parser error keeps the worker's traceback, as a task of its own did."""
    with ParsePool(1, min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) != MAIN
        sizes = batch_sizes(pool, monkeypatch)
        calls = [(pid,), (refuse, "https://example.org/x"), (pid,), (unpicklable, 3), (pid,)]
        ok, refused, ok2, unsent, ok3 = asyncio.run(behind_busy_slots(pool, calls))
    assert max(sizes) > 1
    assert {ok, ok2, ok3} - {MAIN} == {ok} and isinstance(ok, int)
    assert isinstance(refused, ParseError) and "no usable text" in str(refused)
    assert "refuse" in str(refused.__cause__)  # the remote traceback
    assert isinstance(unsent, Exception) and not isinstance(unsent, ParseError)


def test_pages_batched_with_one_that_kills_its_worker_are_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies under a batch: every page of it is retried alone in a fresh pool, so the
    others parse and the one-off crash is retried like any page."""
    with ParsePool(1, min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) != MAIN
        sizes = batch_sizes(pool, monkeypatch)
        calls = [(pid,), (die_once, str(tmp_path / "marker"), 41, MAIN), (pid,), (pid,)]
        first, crashed, *others = asyncio.run(behind_busy_slots(pool, calls))
        assert pool.breaks == 1 and pool.running
    assert sizes[2] > 1  # the batch the crash was in (after the two busy calls)
    assert crashed == 42 and all(isinstance(p, int) and p != MAIN for p in [first, *others])


def slow_binary(value: int) -> int:
    return value


def test_a_binary_file_goes_to_the_workers_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDF and DOCX parsing (in_thread) is slow: no page waits behind it in a batch."""

    async def run(pool: ParsePool) -> list[object]:
        busy = [asyncio.create_task(pool.submit(started_at, 0.3)) for _ in range(2)]
        await asyncio.sleep(0.05)
        waiting = [asyncio.create_task(pool.submit(pid)) for _ in range(2)]
        waiting.append(asyncio.create_task(pool.submit(slow_binary, 7, in_thread=True)))
        waiting += [asyncio.create_task(pool.submit(pid)) for _ in range(2)]
        await asyncio.gather(*busy)
        return list(await asyncio.gather(*waiting))

    batches: list[list[object]] = []
    with ParsePool(1, min_pages=0) as pool:
        assert asyncio.run(pool.submit(pid)) != MAIN
        send = pool._send

        def spy(batch: list[parse_pool._Call]) -> None:
            batches.append([getattr(item.call, "func", None) for item in batch])
            send(batch)

        monkeypatch.setattr(pool, "_send", spy)
        results = asyncio.run(run(pool))
    assert results[2] == 7
    assert [slow_binary] in batches and max(len(b) for b in batches) > 1
