"""Parse pages in worker processes: extraction is CPU-bound and holds the GIL, fetching is not.

sources.articles.parse_page hands HTML, PDF and DOCX parsing to `submit`, which runs it in a
process pool once this process has parsed MIN_PAGES pages since the pool was last idle (a small
run never pays the start-up of the workers), and in this process before that. The pool:

- uses the "forkserver" start method (Prefect runs flows in threads: forking a threaded process
  can copy held locks), with the parser modules preloaded into the server so that a worker starts
  in milliseconds; "spawn" where forkserver is missing;
- is started once and reused for the whole run, then shut down when it has been idle for
  IDLE_SECONDS (the end of a run), at interpreter exit, or by `shutdown()`;
- survives a worker dying (segfault, out of memory, killed: BrokenProcessPool): the page is
  retried once in a fresh pool; a page that kills its worker twice fails alone with a ParseError,
  so its source keeps every other page; after MAX_BREAKS broken pools, or when no pool can be
  started at all, parsing falls back to this process for the rest of the run.

Pages go to the workers in order of PRIORITY (a context variable; agglowatch.runner gives each
source's harvest the order it started in), at most IN_FLIGHT_PER_WORKER per worker at a time, the
rest waiting here: with every source fetching at once, the first sources' pages are parsed first,
so sources finish one after another and each is stored (in the main process) while the workers
parse the next ones, instead of all finishing together with idle workers during their stores.

A worker's long-lived objects (the modules it imported, among them the parent's main module
that multiprocessing imports again in every worker, and the Tagger its first page built) are
frozen out of the garbage collector (gc.freeze) when it starts and after its first call: each
full collection would otherwise walk all of them again (~0.1 s, a few times per worker per run).

An exception a parser raises in a worker (ParseError...) reaches the caller unchanged, as it would
in-process. Set AGGLOWATCH_PARSE_WORKERS=0 to parse in-process always, or to N for N workers
(default: the CPUs this process may use, at most MAX_WORKERS).
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import functools
import gc
import heapq
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from agglowatch.errors import ParseError

log = logging.getLogger(__name__)

T = TypeVar("T")

MIN_PAGES = 20  # pages a run parses before the pool is worth its start-up (~0.1-1 s)
IDLE_SECONDS = 30.0  # no page for this long: the run is over, the workers go
MAX_BREAKS = 3  # broken pools in a row before parsing stays in this process
MAX_WORKERS = 8
IN_FLIGHT_PER_WORKER = 2  # calls handed to the executor per worker; the others wait, by priority
# Lower first; calls of equal priority in the order they were submitted.
PRIORITY: contextvars.ContextVar[int] = contextvars.ContextVar("parse_priority", default=0)
PRELOAD = ["parsers.article", "parsers.pdf", "parsers.docx", "sources.articles", "tagging"]


def default_workers() -> int:
    """AGGLOWATCH_PARSE_WORKERS, else the CPUs this process may run on (capped)."""
    configured = os.environ.get("AGGLOWATCH_PARSE_WORKERS", "").strip()
    if configured.isdigit():
        return int(configured)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


class ParsePool:
    """A lazily started process pool for parsers, with in-process fallback (module docstring)."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        min_pages: int = MIN_PAGES,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.workers = default_workers() if workers is None else workers
        self.min_pages = min_pages
        self.idle_seconds = idle_seconds
        self.pages = 0  # pages asked for since the pool was last started or idle
        self.breaks = 0
        self.in_process_only = self.workers < 1
        self.used = False  # whether any page went to a worker (for benchmarks and reports)
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # held briefly, also from the event loop
        self._start_lock = threading.Lock()  # held while workers start, only in threads
        self._busy = 0
        self._idle_timer: threading.Timer | None = None
        self._last = 0.0
        self._in_flight = 0
        self._waiting: list[tuple[int, int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._sequence = itertools.count()

    @property
    def running(self) -> bool:
        return self._executor is not None

    async def submit(
        self, func: Callable[..., T], /, *args: Any, in_thread: bool = False, **kwargs: Any
    ) -> T:
        """func(*args, **kwargs) in a worker, or here (see the module docstring): in a thread
        when `in_thread` (slow binary formats must not stall the event loop's fetching)."""
        call = functools.partial(func, *args, **kwargs)
        executor = await self._acquire()
        if executor is None:
            return await asyncio.to_thread(call) if in_thread else call()
        try:
            return await self._in_worker(executor, call, in_thread)
        finally:
            self._leave()

    async def _in_worker(
        self, executor: ProcessPoolExecutor, call: Callable[[], T], in_thread: bool
    ) -> T:
        try:
            return await self._dispatch(executor, call)
        except BrokenProcessPool:
            self._broken(executor)
        retry = await self._acquire(count=False)
        if retry is None:
            return await asyncio.to_thread(call) if in_thread else call()
        try:
            return await self._dispatch(retry, call)
        except BrokenProcessPool as exc:
            self._broken(retry)
            raise ParseError("the parser's worker process died on this page twice") from exc
        finally:
            self._leave()

    async def _acquire(self, count: bool = True) -> ProcessPoolExecutor | None:
        """The pool to use for one page (marked busy until _leave), or None: parse here."""
        with self._lock:
            if count:
                self.pages += 1
            if self.in_process_only:
                return None
            if self._executor is not None:
                self._busy += 1
                return self._executor
            if self.pages < self.min_pages:
                return None
        executor = await asyncio.to_thread(self._start)  # forkserver start-up must not block
        if executor is not None:
            with self._lock:
                self._busy += 1
        return executor

    async def _dispatch(self, executor: ProcessPoolExecutor, call: Callable[[], T]) -> T:
        """call() in the pool once a slot is free (by PRIORITY, see the module docstring)."""
        await self._slot()
        try:
            return await _run(executor, call)
        finally:
            self._free_slot()

    async def _slot(self) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._in_flight < max(1, self.workers) * IN_FLIGHT_PER_WORKER:
                self._in_flight += 1
                return
            turn: asyncio.Future[None] = loop.create_future()
            entry = (PRIORITY.get(), next(self._sequence), loop, turn)
            heapq.heappush(self._waiting, entry)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._free_slot()  # woken, then cancelled: pass the slot on
            raise

    def _free_slot(self) -> None:
        """Hand the slot to the first waiting call (in its own event loop), or free it."""
        with self._lock:
            if not self._waiting:
                self._in_flight -= 1
                return
            _, _, loop, turn = heapq.heappop(self._waiting)
        try:
            loop.call_soon_threadsafe(self._wake, turn)
        except RuntimeError:  # that loop is closed: its call is gone
            self._free_slot()

    def _wake(self, turn: asyncio.Future[None]) -> None:
        if turn.done():  # cancelled while waiting
            self._free_slot()
        else:
            turn.set_result(None)

    def _start(self) -> ProcessPoolExecutor | None:
        """Create the pool and start every worker (in a thread: the first fork waits for the
        forkserver to import the parsers); None when no pool can be had here."""
        with self._start_lock:
            with self._lock:
                if self._executor is not None or self.in_process_only:
                    return self._executor
            try:
                executor = ProcessPoolExecutor(
                    self.workers, mp_context=_context(), initializer=gc.freeze
                )
                for started in [executor.submit(os.getpid) for _ in range(self.workers)]:
                    started.result()
            except (OSError, ValueError, BrokenProcessPool) as exc:  # no semaphores, no fork...
                log.warning("parsing in-process: no worker pool (%s)", exc)
                with self._lock:
                    self.in_process_only = True
                return None
            with self._lock:
                self._executor = executor
                self.used = True
            return executor

    def _broken(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
                self.breaks += 1
                log.warning("a parser worker process died (%d in this run)", self.breaks)
                if self.breaks >= MAX_BREAKS:
                    log.warning("parsing in-process for the rest of the run")
                    self.in_process_only = True
        executor.shutdown(wait=False, cancel_futures=True)

    def _leave(self) -> None:
        """Arm the idle timer (one at a time) when the last page in flight is done."""
        with self._lock:
            self._busy -= 1
            self._last = time.monotonic()
            if self._busy or self._idle_timer is not None or self.idle_seconds <= 0:
                return
            self._arm(self.idle_seconds)

    def _arm(self, seconds: float) -> None:
        self._idle_timer = threading.Timer(seconds, self._shutdown_if_idle)
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _shutdown_if_idle(self) -> None:
        with self._lock:
            self._idle_timer = None
            if self._busy:
                return  # the last _leave re-arms it
            remaining = self.idle_seconds - (time.monotonic() - self._last)
            if remaining > 0:
                self._arm(remaining)
                return
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the workers; the next run starts afresh (page count and breaks reset)."""
        with self._lock:
            executor, self._executor = self._executor, None
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
            self.pages = 0
            self.breaks = 0
            self.in_process_only = self.workers < 1
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


async def _run(executor: ProcessPoolExecutor, call: Callable[[], T]) -> T:
    """call() in the pool; a pool shut down meanwhile (idle timer, shutdown()) counts as broken."""
    try:
        future = executor.submit(_in_worker, call)
    except RuntimeError as exc:  # "cannot schedule new futures after shutdown"
        raise BrokenProcessPool(str(exc)) from exc
    return await asyncio.wrap_future(future)


_first_call_done = False  # in a worker process: whether its first call has run


def _in_worker(call: Callable[[], T]) -> T:
    """call() in a worker; after the worker's first call, what that call left for good (lazy
    imports, the Tagger of dedupe.prepare.tagger_for, caches) is frozen out of the collector
    too (the module docstring)."""
    global _first_call_done
    try:
        return call()
    finally:
        if not _first_call_done:
            _first_call_done = True
            gc.freeze()


@functools.lru_cache(maxsize=1)
def _context() -> Any:
    """forkserver with the parsers preloaded (safe beside threads), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


_shared: ParsePool | None = None
_shared_lock = threading.Lock()


def shared() -> ParsePool:
    """The process's pool, used by sources.articles.parse_page; shut down at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ParsePool()
            atexit.register(_shared.shutdown)
        return _shared


async def submit(
    func: Callable[..., T], /, *args: Any, in_thread: bool = False, **kwargs: Any
) -> T:
    """func(*args, **kwargs) through the shared pool."""
    return await shared().submit(func, *args, in_thread=in_thread, **kwargs)


def shutdown() -> None:
    """Shut the shared pool down now (a run's end); it restarts lazily when needed."""
    if _shared is not None:
        _shared.shutdown()
