"""Parse pages in worker processes: extraction is CPU-bound and holds the GIL, fetching is not.

sources.articles.parse_page hands HTML, PDF and DOCX parsing to `submit`, which runs it in a
process pool once this process has parsed MIN_PAGES pages since the pool was last idle (a small
run never pays the start-up of the workers), and in this process before that. The pool:

- uses the "forkserver" start method (Prefect runs flows in threads: forking a threaded process
  can copy held locks), with the parser modules preloaded into the server so that a worker starts
  in milliseconds; "spawn" where forkserver is missing;
- is started once and reused for the whole run, then shut down when it has been idle for
  IDLE_SECONDS (the end of a run), at interpreter exit, or by `shutdown()`; `prestart()`, called
  when a run opens, starts the forkserver ahead, so that its imports overlap the run's opening and
  first fetches (a run's pages used to wait 2-5 s for them once it reached MIN_PAGES);
- survives a worker dying (segfault, out of memory, killed: BrokenProcessPool): the page is
  retried once in a fresh pool; a page that kills its worker twice fails alone with a ParseError,
  so its source keeps every other page; after MAX_BREAKS broken pools, or when no pool can be
  started at all, parsing falls back to this process for the rest of the run.

Pages go to the workers in order of PRIORITY (a context variable; agglowatch.runner gives each
source's harvest the order it started in), at most IN_FLIGHT_PER_WORKER tasks per worker at a
time, the rest waiting here: with every source fetching at once, the first sources' pages are
parsed first, so sources finish one after another and each is stored (in the main process) while
the workers parse the next ones, instead of all finishing together with idle workers during their
stores. When a task is done, the pages waiting by then go as one task of up to BATCH_PAGES (a fair
share of what waits, so the last pages of a run still spread over the workers): each task costs
the main process ~0.3 ms of bookkeeping (executor threads, queues, wake-ups), a third of it with
four pages a task. A page that arrives with a slot free goes at once, alone, so a run whose pages
trickle in from the network waits for no batch. Each page of a batch succeeds or fails alone
(its result or exception is pickled on its own); a batch whose worker dies retries each of its
pages alone, so only the page that kills its worker twice fails. PDF and DOCX files (slow to
parse, `in_thread`) go alone too, so that no page waits behind one.

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
import contextlib
import contextvars
import functools
import gc
import heapq
import itertools
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool, _ExceptionWithTraceback
from dataclasses import dataclass
from typing import Any, TypeVar

from agglowatch.errors import ParseError

log = logging.getLogger(__name__)

T = TypeVar("T")

MIN_PAGES = 20  # pages a run parses before the pool is worth its start-up (~0.1-1 s)
IDLE_SECONDS = 30.0  # no page for this long: the run is over, the workers go
MAX_BREAKS = 3  # broken pools in a row before parsing stays in this process
MAX_WORKERS = 8
IN_FLIGHT_PER_WORKER = 2  # tasks handed to the executor per worker; the others wait, by priority
BATCH_PAGES = 4  # waiting calls sent to a worker as one task (each task costs ~0.3 ms here)
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
        self._waiting: list[tuple[int, int, _Call]] = []  # by priority, then sequence
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
        try:  # a slow binary format goes alone: pages batched behind it would wait for it
            return await self._dispatch(executor, call, alone=in_thread)
        except BrokenProcessPool:
            self._broken(executor)
        retry = await self._acquire(count=False)
        if retry is None:
            return await asyncio.to_thread(call) if in_thread else call()
        try:
            return await self._dispatch(retry, call, alone=True)
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

    async def _dispatch(
        self, executor: ProcessPoolExecutor, call: Callable[[], T], *, alone: bool = False
    ) -> T:
        """call() in the pool: sent at once when a slot is free, else queued by PRIORITY and sent
        with others in a batch when a slot frees (see the module docstring). `alone`: in a batch
        of its own (a retry, which may kill its worker again)."""
        loop = asyncio.get_running_loop()
        item = _Call(call, executor, loop, loop.create_future(), alone)
        with self._lock:
            ready = self._in_flight < self._slots()
            if ready:
                self._in_flight += 1
            else:
                heapq.heappush(self._waiting, (PRIORITY.get(), next(self._sequence), item))
        if ready:
            self._send([item])
        result: T = await item.future
        return result

    def _slots(self) -> int:
        return max(1, self.workers) * IN_FLIGHT_PER_WORKER

    def _send(self, batch: list[_Call]) -> None:
        """One task for the workers; when it is done, its callers get their results and its
        slot goes to the next batch. A pool shut down meanwhile counts as broken."""
        try:
            future = batch[0].executor.submit(_run_batch, [item.call for item in batch])
        except RuntimeError as exc:  # shut down or broken ("cannot schedule new futures...")
            future = Future()
            future.set_exception(BrokenProcessPool(str(exc)))
        future.add_done_callback(functools.partial(self._done, batch))

    def _done(self, batch: list[_Call], future: Future[list[_Outcome]]) -> None:
        """(In the executor's thread.) Pass the slot on, hand each caller its outcome, then send
        the next batch (the slot is accounted for before any caller sees its result)."""
        with self._lock:
            following = self._next_batch()
            if not following:
                self._in_flight -= 1
        for item, (ok, value) in zip(batch, _outcomes(future, len(batch)), strict=True):
            item.settle(ok, value)
        if following:
            self._send(following)

    def _next_batch(self) -> list[_Call]:
        """(Under the lock.) The first waiting calls by PRIORITY, a fair share of what waits (so
        that the last pages of a run spread over the workers), at most BATCH_PAGES, all for the
        same pool; a call to send alone goes alone; calls cancelled meanwhile are dropped."""
        size = max(1, min(BATCH_PAGES, len(self._waiting) // max(1, self.workers)))
        batch: list[_Call] = []
        while self._waiting and len(batch) < size:
            item = self._waiting[0][2]
            if item.future.done():  # its caller was cancelled while it waited
                heapq.heappop(self._waiting)
                continue
            if batch and (item.alone or item.executor is not batch[0].executor):
                break
            heapq.heappop(self._waiting)
            batch.append(item)
            if item.alone:
                break
        return batch

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


_Outcome = tuple[bool, bytes]  # (returned, the pickled value or exception)


@dataclass(slots=True, eq=False)
class _Call:
    """One call for the workers, and where its outcome goes (its caller's event loop)."""

    call: Callable[[], Any]
    executor: ProcessPoolExecutor
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    alone: bool = False

    def settle(self, ok: bool, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # that loop is closed: its caller is gone
            self.loop.call_soon_threadsafe(_resolve, self.future, ok, value)


def _resolve(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.done():  # cancelled meanwhile
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


def _outcomes(future: Future[list[_Outcome]], count: int) -> list[tuple[bool, Any]]:
    """Each call's (returned, value or exception) from a batch's future: a pool that broke or
    was shut down under the batch fails every call in it with BrokenProcessPool (retried)."""
    if future.cancelled():
        return [(False, BrokenProcessPool("the pool was shut down"))] * count
    error = future.exception()
    if error is not None:
        return [(False, error)] * count
    return [_unpickled(ok, data) for ok, data in future.result()]


def _unpickled(ok: bool, data: bytes) -> tuple[bool, Any]:
    try:
        return ok, pickle.loads(data)
    except Exception as exc:
        return False, exc


_first_call_done = False  # in a worker process: whether its first call has run


def _run_batch(calls: list[Callable[[], Any]]) -> list[_Outcome]:
    """(In a worker.) Each call's outcome, pickled one by one: a call that fails, or whose
    result cannot be pickled, fails alone, as it would have in a task of its own."""
    return [_outcome(call) for call in calls]


def _outcome(call: Callable[[], Any]) -> _Outcome:
    """call() and its pickled result or exception (with the worker's traceback, as
    concurrent.futures sends it); after the worker's first call, what that call left for good
    (lazy imports, the Tagger of dedupe.prepare.tagger_for, caches) is frozen out of the
    collector too (the module docstring)."""
    global _first_call_done
    try:
        value = call()
    except BaseException as exc:  # as ProcessPoolExecutor's own workers do
        return False, _pickled_error(exc)
    finally:
        if not _first_call_done:
            _first_call_done = True
            gc.freeze()
    try:
        return True, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return False, _pickled_error(exc)


def _pickled_error(exc: BaseException) -> bytes:
    try:
        return pickle.dumps(_ExceptionWithTraceback(exc, exc.__traceback__))  # type: ignore[arg-type]
    except Exception as error:  # the exception itself cannot be pickled
        return pickle.dumps(_ExceptionWithTraceback(error, error.__traceback__))  # type: ignore[arg-type]


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


def prestart() -> None:
    """Start the forkserver now when the shared pool is to use workers: its preloaded imports
    (1-4 s, in a process of its own) then run while the run opens and fetches its first pages,
    and the workers, once MIN_PAGES pages call for them, fork in milliseconds. No worker starts
    here, so a run that never parses MIN_PAGES pages (an empty or unchanged run) pays only those
    imports; the server lives as long as this process, as it does once any pool has started,
    and stops with it. Failing to start it is no error: the pool tries again when it starts."""
    if shared().in_process_only:
        return
    try:
        if _context().get_start_method() == "forkserver":
            multiprocessing.forkserver.ensure_running()
    except (OSError, ValueError) as exc:
        log.debug("no forkserver started ahead of the pool: %s", exc)


def shutdown() -> None:
    """Shut the shared pool down now (a run's end); it restarts lazily when needed."""
    if _shared is not None:
        _shared.shutdown()
