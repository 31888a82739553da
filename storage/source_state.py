"""Per-source state between runs: URL validators, the kind's own state, health; robots.txt files.

Health: a source that fails `broken_after` runs in a row, whose listing suddenly yields nothing
after having yielded items, or whose dates stop parsing, is `broken`; the report and the next digest
name it with the runs in a row and the last good run. A source broken by failing (its harvest
raised) `broken_after` runs in a row is tried on a small budget (no retries) until it answers
again: `PriorState.single_attempt`. Whether the last run raised is kept under FAILED_KEY in the
source's state (a successful harvest replaces the state, and with it the mark).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agglowatch.records import Harvest, SourceOutcome, Validators
from sources.robots import RobotsRecord
from storage.models import RobotsTxt, Source, UrlState
from storage.upsert import upsert, upsert_many

FAILED_KEY = "_failed_last_run"  # in sources.state: the last run's harvest raised


def load_validators(session: Session, source: str) -> dict[str, Validators]:
    rows = session.scalars(select(UrlState).where(UrlState.source == source))
    return {
        row.url: Validators(
            row.etag,
            row.last_modified,
            row.lastmod,
            row.content_hash,
            row.cut_at,
            row.length,
            row.head_hash,
        )
        for row in rows
    }


def save_validators(
    session: Session,
    source: str,
    validators: dict[str, Validators],
    before: dict[str, Validators],
    now: dt.datetime,
) -> None:
    """Write only the validators that changed this run (in a few executemany statements)."""
    columns = ["etag", "last_modified", "lastmod", "content_hash", "cut_at", "length", "head_hash"]
    columns += ["updated_at"]
    rows = []
    for url, value in validators.items():
        if before.get(url) == value or len(url) > 2048:
            continue
        row = {
            "source": source,
            "url": url,
            "etag": (value.etag or "")[:512] or None,
            "last_modified": value.last_modified,
            "lastmod": value.lastmod,
            "content_hash": value.content_hash,
            "cut_at": value.cut_at,
            "length": value.length,
            "head_hash": value.head_hash,
            "updated_at": now,
        }
        rows.append(row)
    upsert_many(session, UrlState, rows, ["source", "url"], columns)


@dataclass(slots=True)
class PriorState:
    """What the store remembers of a source when a run starts."""

    state: dict[str, Any]
    last_ok_at: dt.datetime | None
    validators: dict[str, Validators]
    single_attempt: bool = False  # broken by failing for broken_after runs: no retries this run
    failures_in_row: int = 0


def load_prior(session: Session, name: str, broken_after: int | None = None) -> PriorState:
    source = session.get(Source, name)
    state = dict(source.state) if source else {}
    state.pop(FAILED_KEY, None)
    return PriorState(
        state=state,
        last_ok_at=_aware(source.last_ok_at) if source else None,
        validators=load_validators(session, name),
        single_attempt=broken_after is not None and _single_attempt(source, broken_after),
        failures_in_row=source.failures_in_row if source else 0,
    )


def _single_attempt(source: Source | None, broken_after: int) -> bool:
    """Broken by failing: the last run raised and so did the broken_after runs before it."""
    if source is None or not (source.state or {}).get(FAILED_KEY):
        return False
    return source.failures_in_row >= broken_after


def single_attempt_note(failures: int) -> str:
    return (
        f"broken for {failures} runs in a row: tried once, without retries "
        "(fetch.retries applies again once it answers)"
    )


def _source_row(session: Session, name: str, kind: str) -> Source:
    source = session.get(Source, name)
    if source is None:
        source = Source(name=name, kind=kind, state={}, failures_in_row=0)
        session.add(source)
    source.kind = kind
    return source


def record_success(
    session: Session,
    name: str,
    kind: str,
    harvest: Harvest,
    broken_after: int,
    now: dt.datetime,
) -> SourceOutcome:
    """Judge a harvest that completed: ok, not_modified, empty or broken."""
    source = _source_row(session, name, kind)
    single = _single_attempt(source, broken_after)
    failures = source.failures_in_row
    items = len(harvest.listed_urls) or len(harvest.documents)
    problem = _health_problem(source, harvest, items)
    status = problem[0] if problem else _ok_status(harvest)
    source.state = {**harvest.state, "dates_parsed": _dates_ok(harvest, source.state)}
    source.last_run_at, source.last_status = now, status
    if status == "broken":
        source.failures_in_row += 1
        source.last_error = problem[1] if problem else None
    else:
        source.failures_in_row, source.last_error, source.last_ok_at = 0, None, now
        if items:
            source.last_items_at = now
    outcome = _outcome(source, harvest, items, status)
    if single:
        outcome.single_attempt = True
        outcome.warnings.insert(0, single_attempt_note(failures))
    return outcome


# Pages parsed in one run, all undated, before a source whose dates used to parse is called
# broken: one or two new undated pages (a notice, an edited page) are no sign of a redesign.
LOST_DATES_MIN = 3


def _health_problem(source: Source, harvest: Harvest, items: int) -> tuple[str, str] | None:
    if items == 0:
        if source.last_items_at is not None:
            return "broken", "the listing yielded nothing (it used to: check the selector or URL)"
        return None
    docs = harvest.documents
    lost = len(docs) >= LOST_DATES_MIN and harvest.dates_unparsed >= len(docs)
    if lost and source.state.get("dates_parsed"):
        return "broken", f"no date could be read in any of {len(docs)} documents (it used to)"
    return None


def _dates_ok(harvest: Harvest, previous: dict[str, Any]) -> bool:
    if len(harvest.documents) < LOST_DATES_MIN and previous.get("dates_parsed"):
        return True  # too few pages to say the dates are gone: keep what the larger runs said
    if not harvest.documents:
        return bool(previous.get("dates_parsed"))
    return harvest.dates_unparsed < len(harvest.documents)


def _ok_status(harvest: Harvest) -> str:
    if not harvest.listed_urls and not harvest.documents:
        return "empty"
    if not harvest.documents and harvest.stats.not_modified:
        return "not_modified"
    return "ok"


def record_failure(
    session: Session, name: str, kind: str, error: str, broken_after: int, now: dt.datetime
) -> SourceOutcome:
    """A harvest that raised: `error`, or `broken` after `broken_after` failures in a row."""
    source = _source_row(session, name, kind)
    single = _single_attempt(source, broken_after)
    previous = source.failures_in_row
    source.failures_in_row += 1
    source.state = {**(source.state or {}), FAILED_KEY: True}
    source.last_run_at, source.last_error = now, error
    source.last_status = "broken" if source.failures_in_row >= broken_after else "error"
    return SourceOutcome(
        name=name,
        status=source.last_status,
        error=error,
        failures_in_row=source.failures_in_row,
        last_ok=_iso(source.last_ok_at),
        warnings=[single_attempt_note(previous)] if single else [],
        single_attempt=single,
    )


def _outcome(source: Source, harvest: Harvest, items: int, status: str) -> SourceOutcome:
    stats = harvest.stats
    return SourceOutcome(
        name=source.name,
        status=status,
        requests=stats.requests,
        not_modified=stats.not_modified,
        bytes=stats.bytes,
        items=items,
        error=source.last_error if status == "broken" else None,
        failures_in_row=source.failures_in_row,
        last_ok=_iso(source.last_ok_at),
        warnings=harvest_warnings(harvest),
    )


MAX_WARNINGS = 50


def harvest_warnings(harvest: Harvest) -> list[str]:
    """What went wrong short of failing the source: cut pages, failed pages, listing notes."""
    stats = harvest.stats
    cut = [
        f"{url}: cut at the size cap (fetch.max_bytes); only the start was read"
        for url in stats.truncated
    ]
    kept = [
        f"{url}: over the size cap (fetch.max_bytes) when last read and unchanged since (304, or "
        "the same length and first 64 KiB): not downloaded again"
        for url in stats.cut_unchanged
    ]
    found = [*cut, *kept, *stats.errors, *harvest.warnings]
    if len(found) > MAX_WARNINGS:
        found = [*found[:MAX_WARNINGS], f"... and {len(found) - MAX_WARNINGS} more"]
    return found


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    aware = _aware(value)
    return aware.isoformat() if aware else None


# -- robots.txt files, per origin, shared by every source ---------------------------------------


def load_robots(session: Session) -> dict[str, RobotsRecord]:
    """Every cached robots.txt (a few per configured site: small)."""
    return {
        row.origin: RobotsRecord(
            row.origin, row.body, _aware(row.fetched_at) or row.fetched_at, row.etag,
            row.last_modified,
        )
        for row in session.scalars(select(RobotsTxt))
    }  # fmt: skip


def save_robots(session: Session, records: dict[str, RobotsRecord]) -> None:
    """Write the robots.txt files read or renewed this run."""
    columns = ["body", "etag", "last_modified", "fetched_at"]
    for record in sorted(records.values(), key=lambda r: r.origin):  # one lock order for shards
        if len(record.origin) > 300:
            continue
        row = {
            "origin": record.origin,
            "body": record.body,
            "etag": (record.etag or "")[:512] or None,
            "last_modified": (record.last_modified or "")[:100] or None,
            "fetched_at": record.fetched_at,
        }
        session.execute(upsert(session, RobotsTxt, row, ["origin"], columns))
