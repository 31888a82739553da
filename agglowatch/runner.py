"""One monitoring run as plain functions: open → (harvest → store) per source → close.

flows/monitor.py runs `run_source` inside one Prefect task per source; tests, benchmarks and
`check --live` call these functions directly. `run_sources` is the whole fan-out without Prefect.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import itertools
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from agglowatch.config import Config, check_paths
from agglowatch.errors import AgglowatchError
from agglowatch.records import Harvest, SourceOutcome, Validators
from agglowatch.run_report import build_report
from dedupe.index import Deduper
from dedupe.normalise import canonical_url
from dedupe.prepare import PrepareSpec, taxonomy_digest
from parsers import pool as parse_pool
from sources.articles import PREPARE
from sources.base import PageFetcher, SourceContext, kind_for
from sources.http import Fetcher
from sources.registry import load_kinds
from storage import digest_store, runs, source_state, store
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.models import Document, Run, SeedDocument
from storage.seeds import sync_seeds
from storage.signature_index import SqlSignatureIndex
from tagging import Tagger, load_taxonomy


@dataclass(slots=True)
class RunContext:
    """What every stage of one run shares."""

    config: Config
    run_id: str
    started: dt.datetime
    engine: Engine
    factory: sessionmaker[Session]
    tagger: Tagger
    sources: list[Any]
    holder: str
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    prepare: PrepareSpec | None = None  # how parse workers prepare records (dedupe.prepare)
    # How far the clock is behind the last digest's end (it went back): added to the times the
    # run stamps on documents, so that the next digests show what it finds (clock_behind)
    behind: dt.timedelta = dt.timedelta(0)
    # One source's store at a time: each sees what the sources before it committed, so copies of
    # one article harvested by several sources at once are found as duplicates of each other.
    store_lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(slots=True)
class Fetched:
    """A source's harvest with the validators it started from (to save only what changed)."""

    harvest: Harvest
    before: dict[str, Validators]
    validators: dict[str, Validators]


@dataclass(slots=True)
class SourceReport:
    outcome: SourceOutcome
    result: store.StoreResult


def utcnow() -> dt.datetime:
    """Now, to the microsecond: a digest built right after a run must see that run's documents."""
    return dt.datetime.now(dt.UTC)


def open_database(config: Config) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(config.database, config.base_dir)
    upgrade(engine)
    return engine, session_factory(engine)


def open_run(config: Config, sources: list[Any], *, dry_run: bool = False) -> RunContext:
    """Migrate, close dead runs, take the sources' leases, load seeds, record the run.
    The taxonomy and the seeds folder are checked first: a bad one writes nothing. The parse
    workers' forkserver starts meanwhile (parsers.pool.prestart)."""
    load_kinds()
    check_paths(config)
    if sources:
        parse_pool.prestart()  # its imports overlap building the Tagger and what follows
    tagger, spec = load_tagger(config)
    engine, factory = open_database(config)
    now = utcnow()
    run_id = now.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    holder = runs.holder_id(run_id)
    ctx = RunContext(config, run_id, now, engine, factory, tagger, sources, holder, dry_run)
    ctx.prepare = spec
    if dry_run:
        return ctx
    with transaction(factory) as session:
        stale = runs.close_stale_runs(session, now)
    ctx.notes.extend(f"closed run {run_id} left unfinished as failed" for run_id in stale)
    with factory() as session:
        runs.acquire_leases(session, [s.name for s in sources], holder, now)
        ctx.behind = clock_behind(session, now)
    if ctx.behind:
        ctx.notes.append(
            f"the clock is {ctx.behind} behind the last digest's end (it went back): documents"
            " are stamped from that end, for the next digests to show them"
        )
    try:
        _sync_seeds(config, factory)
        with transaction(factory) as session:
            runs.start_run(session, run_id, [s.name for s in sources], now)
    except BaseException:
        release(ctx)
        raise
    gc.freeze()  # see release()
    return ctx


def clock_behind(session: Session, now: dt.datetime) -> dt.timedelta:
    """How far `now` is behind the end of the last digest (zero when it is not).

    A digest covers [its watermark, now); documents stamped before the watermark, by a clock
    set back after a digest was built (a clock that ran fast, corrected), were never in any
    digest's window, and were never shown.
    """
    mark = digest_store.watermark(session)
    return max(mark - now, dt.timedelta(0)) if mark is not None else dt.timedelta(0)


def load_tagger(config: Config) -> tuple[Tagger, PrepareSpec]:
    """The run's Tagger, and the spec parse workers prepare records with: the same taxonomy
    file, by the sha256 of its bytes (None, so workers do not tag, should it change meanwhile)."""
    themes = config.path(config.themes)
    digest = taxonomy_digest(themes)
    tagger = Tagger(load_taxonomy(themes))
    if taxonomy_digest(themes) != digest:
        digest = None
    dedupe = config.dedupe
    return tagger, PrepareSpec(dedupe.num_perm, dedupe.min_chars, str(themes.absolute()), digest)


def _sync_seeds(config: Config, factory: sessionmaker[Session]) -> None:
    """Load changed seed files; a shard that loses a race to load the same seed retries once."""
    for attempt in (1, 2):
        try:
            with transaction(factory) as session:
                index = SqlSignatureIndex(session)
                sync_seeds(session, config.path(config.seeds), index, config.dedupe)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def source_for_run(config: Config, source: Any) -> Any:
    """Resolve paths in a source's config against the config file's folder."""
    if source.kind == "folder":
        return source.model_copy(update={"path": str(config.path(source.path))})
    return source


def open_fetcher(ctx: RunContext, **options: Any) -> Fetcher:
    """The run's HTTP client, with the robots.txt files earlier runs read (RFC 9309 caching)."""
    with ctx.factory() as session:
        cached = source_state.load_robots(session)
    return Fetcher(ctx.config.fetch, robots_cache=cached, **options)


async def harvest_source(
    ctx: RunContext, fetcher: Any, source: Any, stats: list[Any] | None = None
) -> Fetched:
    """Network and parsing for one source; raises SourceError subclasses on failure.

    A source broken by failing for broken_after runs gets no retries (one attempt per request)
    until it answers again. `stats`, when given, receives the source's FetchStats at once (so a
    caller can report the requests of a harvest that raised).
    """
    with ctx.factory() as session:
        prior = source_state.load_prior(session, source.name, ctx.config.broken_after)
    retries = 0 if prior.single_attempt else None
    page_fetcher: PageFetcher = fetcher.for_source(
        source.name, dict(prior.validators), retries=retries
    )
    if stats is not None:
        stats.append(page_fetcher.stats)
    context = SourceContext(
        config=source_for_run(ctx.config, source),
        fetcher=page_fetcher,
        state=prior.state,
        last_success=prior.last_ok_at,
        now=utcnow(),
    )
    token = PREPARE.set(ctx.prepare)  # records prepared where they are parsed
    turn = parse_pool.PRIORITY.set(next(_HARVEST_ORDER))  # earlier sources parse first
    try:
        harvest = await kind_for(source.kind).harvest(context)
    finally:
        parse_pool.PRIORITY.reset(turn)
        PREPARE.reset(token)
    return Fetched(harvest, prior.validators, page_fetcher.validators)


# Harvests in the order they start: the parse pool serves the first started source first, so that
# sources finish (and are stored) one after another while the workers parse the next.
_HARVEST_ORDER = itertools.count()


async def run_source(ctx: RunContext, fetcher: Fetcher, source: Any) -> SourceReport:
    """One source end to end: harvest, then store in a worker thread; a failure is recorded
    (with the requests it made) and never raised, so one broken source never stops the run."""
    stats: list[Any] = []
    try:
        fetched = await harvest_source(ctx, fetcher, source, stats)
        return await asyncio.to_thread(store_source, ctx, source, fetched)
    except Exception as error:
        report = await asyncio.to_thread(fail_source, ctx, source, error)
        if stats:
            outcome = report.outcome
            outcome.requests, outcome.bytes = stats[0].requests, stats[0].bytes
            outcome.not_modified = stats[0].not_modified
        return report


async def run_sources(ctx: RunContext, **fetcher_options: Any) -> list[SourceReport]:
    """Every source of the run concurrently (wall time is the slowest source's), one Fetcher."""
    async with open_fetcher(ctx, **fetcher_options) as fetcher:
        reports = await asyncio.gather(*(run_source(ctx, fetcher, s) for s in ctx.sources))
        save_fetch_state(ctx, fetcher)
    return list(reports)


def save_fetch_state(ctx: RunContext, fetcher: Fetcher) -> None:
    """What the fetcher learnt for the next runs beyond each source's validators: robots.txt."""
    if ctx.dry_run or not fetcher.robots_updates:
        return
    with transaction(ctx.factory) as session:
        source_state.save_robots(session, fetcher.robots_updates)


def store_source(ctx: RunContext, source: Any, fetched: Fetched) -> SourceReport:
    """Everything one source wrote this run, in one transaction (all or nothing).

    PostgreSQL may abort one of two shards' transactions as a deadlock victim; the whole
    transaction rolled back, so it is simply run again.
    """
    with ctx.store_lock:
        return _store_with_retries(ctx, source, fetched)


def _store_with_retries(ctx: RunContext, source: Any, fetched: Fetched) -> SourceReport:
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            with transaction(ctx.factory) as session:
                report = _store_in(session, ctx, source, fetched)
                if ctx.dry_run:
                    session.rollback()
            return report
        except DBAPIError as error:
            if attempt == STORE_ATTEMPTS or not _retryable(error):
                raise
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


STORE_ATTEMPTS = 4
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


def _retryable(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def _store_in(session: Session, ctx: RunContext, source: Any, fetched: Fetched) -> SourceReport:
    now = utcnow()
    harvest = fetched.harvest
    store_ctx = store.StoreContext(
        ctx.run_id, now + ctx.behind, ctx.tagger, _deduper(session, ctx), ctx.config.removed_after
    )
    store_ctx.prepare = ctx.prepare
    gone = _gone_pages(harvest)
    listed = _present(harvest, gone)
    if source.kind not in store.NO_REMOVAL_KINDS:  # an incremental API lists only what is new
        store_ctx.listed = frozenset(canonical_url(url) for url in listed)
    result = store.store_documents(session, source.name, harvest.documents, store_ctx)
    result.removed, listed_unchanged = store.mark_missing(
        session, source.name, source.kind, listed, harvest.complete_listing, store_ctx, result, gone
    )
    result.unchanged += listed_unchanged
    source_state.save_validators(session, source.name, fetched.validators, fetched.before, now)
    outcome = source_state.record_success(
        session, source.name, source.kind, harvest, ctx.config.broken_after, now
    )
    outcome.new = len(result.new)
    _heartbeat(session, ctx, now)
    return SourceReport(outcome, result)


def _gone_pages(harvest: Harvest) -> frozenset[str]:
    """Canonical URLs of the listed pages gone this run (404, 410, a redirect home), or none when
    every listed page is: a site answering 404 for all its articles is broken, not emptied."""
    gone = frozenset(canonical_url(url) for url in harvest.stats.gone)
    listed = {canonical_url(url) for url in harvest.listed_urls}
    return gone if gone and listed - gone else frozenset()


def _present(harvest: Harvest, gone: frozenset[str]) -> list[str]:
    """The URLs the listing names and its documents have, less pages that are `gone` (404, 410,
    a redirect to the home page): a listing that still links to them keeps no document alive."""
    listed = list(harvest.listed_urls)
    listed += [url for d in harvest.documents for url in (d.url, d.listing_url) if url]
    return [url for url in listed if canonical_url(url) not in gone] if gone else listed


def fail_source(ctx: RunContext, source: Any, error: BaseException) -> SourceReport:
    """Record a source that failed; the run goes on."""
    message = describe_error(error)
    with transaction(ctx.factory) as session:
        now = utcnow()
        outcome = source_state.record_failure(
            session, source.name, source.kind, message, ctx.config.broken_after, now
        )
        _heartbeat(session, ctx, now)
        if ctx.dry_run:
            session.rollback()
    return SourceReport(outcome, store.StoreResult())


def describe_error(error: BaseException) -> str:
    if isinstance(error, AgglowatchError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _deduper(session: Session, ctx: RunContext) -> Deduper:
    return Deduper(SqlSignatureIndex(session), ctx.config.dedupe, text_of=_text_lookup(session))


def _text_lookup(session: Session) -> Callable[[str], str | None]:
    """A candidate's stored text (the Deduper normalises it): the one column, not a whole row
    made an ORM object with its JSON fields decoded."""

    def text_of(key: str) -> str | None:
        kind, _, ident = key.partition(":")
        model: Any = SeedDocument if kind == "seed" else Document
        return session.scalar(select(model.text).where(model.id == ident))

    return text_of


def _heartbeat(session: Session, ctx: RunContext, now: dt.datetime) -> None:
    if ctx.dry_run:
        return
    runs.renew_leases(session, ctx.holder, now)
    run = session.get(Run, ctx.run_id)
    if run is not None:
        run.heartbeat = now


def close_run(ctx: RunContext, reports: list[SourceReport]) -> dict[str, Any]:
    """Build the run report, record it, release the leases."""
    if not ctx.dry_run:
        with ctx.factory() as session:
            for source_report in reports:
                store.reconcile_new(session, source_report.result)
                source_report.outcome.new = len(source_report.result.new)
    report = build_report(ctx.run_id, ctx.started, utcnow(), reports, notes=ctx.notes)
    if not ctx.dry_run:
        with transaction(ctx.factory) as session:
            runs.finish_run(session, ctx.run_id, report["status"], report)
    release(ctx)
    return report


def abort_run(ctx: RunContext, error: BaseException) -> None:
    """The run stopped: record it as failed and free the sources for the next run."""
    if not ctx.dry_run:
        with transaction(ctx.factory) as session:
            run = session.get(Run, ctx.run_id)
            if run is not None:
                run.status, run.finished = "failed", utcnow()
                run.report = {"error": describe_error(error)}
    release(ctx)


def release(ctx: RunContext) -> None:
    """Free the run's sources and stop its parse workers (a later run starts them afresh).

    open_run froze what existed once the run was set up (modules, the Tagger, the seeds) out of
    the garbage collector (gc.freeze): a full collection during the run would walk all of it
    (~0.1 s of the main process, about once per 500 documents). Unfrozen here, so that whatever
    of it has become garbage meanwhile is collected as usual.
    """
    gc.unfreeze()
    parse_pool.shutdown()  # a page still parsing elsewhere moves to a fresh pool
    if ctx.dry_run:
        return
    with transaction(ctx.factory) as session:
        runs.release_leases(session, ctx.holder)
