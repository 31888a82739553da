"""Runs and leases: no two runs write the same source at once, and dead runs are closed.

A lease is held per source name, so shards with disjoint sources run side by side while an
overlapping run (a CLI run during a scheduled one) waits or stops. Leases are taken with an
atomic insert-or-conditional-update, never check-then-insert.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from agglowatch.errors import RunLockedError
from storage.models import Lease, Run
from storage.upsert import insert_ignore, rowcount

LEASE_TTL = dt.timedelta(minutes=30)
STALE_AFTER = dt.timedelta(hours=2)


def holder_id(run_id: str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{run_id}"


def acquire_leases(session: Session, names: Iterable[str], holder: str, now: dt.datetime) -> None:
    """Take every named lease or none; raises RunLockedError naming who holds what."""
    taken: list[str] = []
    for name in sorted(set(names)):
        if not _take(session, f"source:{name}", holder, now):
            session.rollback()
            raise RunLockedError(_locked_message(session, name))
        taken.append(name)
    session.commit()


def _take(session: Session, key: str, holder: str, now: dt.datetime) -> bool:
    expires = now + LEASE_TTL
    inserted = rowcount(
        session.execute(
            insert_ignore(session, Lease, {"name": key, "holder": holder, "expires_at": expires})
        )
    )
    if inserted:
        return True
    lease = session.get(Lease, key, populate_existing=True)
    if lease is None:
        return False
    if lease.holder != holder and not _expired_or_dead(lease, now):
        return False
    stolen = rowcount(
        session.execute(
            update(Lease)
            .where(Lease.name == key, Lease.holder == lease.holder)
            .values(holder=holder, expires_at=expires)
        )
    )
    return bool(stolen)


def _expired_or_dead(lease: Lease, now: dt.datetime) -> bool:
    if _aware(lease.expires_at) <= now:
        return True
    host, _, rest = lease.holder.partition(":")
    pid_text = rest.partition(":")[0]
    return host == socket.gethostname() and pid_text.isdigit() and not _pid_alive(int(pid_text))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _locked_message(session: Session, name: str) -> str:
    lease = session.get(Lease, f"source:{name}")
    holder = lease.holder if lease else "another run"
    until = f" until {_aware(lease.expires_at).isoformat()}" if lease else ""
    return (
        f"source {name!r} is being monitored by another run ({holder}){until}; "
        "wait for it to finish, or run other sources with --source"
    )


def renew_leases(session: Session, holder: str, now: dt.datetime) -> None:
    session.execute(update(Lease).where(Lease.holder == holder).values(expires_at=now + LEASE_TTL))


def release_leases(session: Session, holder: str) -> None:
    session.execute(delete(Lease).where(Lease.holder == holder))


def start_run(session: Session, run_id: str, sources: list[str], now: dt.datetime) -> Run:
    run = Run(id=run_id, started=now, heartbeat=now, status="running", sources=sources)
    session.add(run)
    return run


def close_stale_runs(session: Session, now: dt.datetime) -> list[str]:
    """Runs still 'running' whose process is gone: closed as failed so none runs forever."""
    live_holders = {
        lease.holder.rpartition(":")[2]
        for lease in session.scalars(select(Lease))
        if not _expired_or_dead(lease, now)  # a killed process's leases outlive it
    }
    stale: list[str] = []
    for run in session.scalars(select(Run).where(Run.status == "running")):
        heartbeat = _aware(run.heartbeat or run.started)
        if run.id not in live_holders or now - heartbeat > STALE_AFTER:
            run.status = "failed"
            run.finished = now
            run.report = {**(run.report or {}), "error": "the run stopped before it finished"}
            stale.append(run.id)
    return stale


def finish_run(session: Session, run_id: str, status: str, report: dict[str, Any]) -> None:
    run = session.get(Run, run_id)
    if run is not None:
        run.status = status
        run.finished = dt.datetime.fromisoformat(report["finished"])
        run.report = report


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
