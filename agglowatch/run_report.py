"""The run report of the spec, built from each source's outcome and store result."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agglowatch.runner import SourceReport

FAILED = frozenset({"error", "broken"})


def build_report(
    run_id: str,
    started: dt.datetime,
    finished: dt.datetime,
    reports: list[SourceReport],
    notes: list[str] | None = None,
) -> dict[str, Any]:
    sources = [_source_entry(r) for r in reports]
    new = [doc for r in reports for doc in r.result.new]
    updated = [doc for r in reports for doc in r.result.updated]
    removed = [doc for r in reports for doc in r.result.removed]
    duplicates = [doc for r in reports for doc in r.result.duplicates]
    errors = sum(1 for s in sources if s["status"] in FAILED)
    return {
        "run_id": run_id,
        "started": started.isoformat(),
        "finished": finished.isoformat(),
        "status": _status(len(sources), errors),
        "sources": sources,
        "new": new,
        "updated": updated,
        "removed": removed,
        "duplicates": duplicates,
        "totals": {
            "new": len(new),
            "updated": len(updated),
            "removed": len(removed),
            "duplicates": len(duplicates),
            "unchanged": sum(r.result.unchanged for r in reports),
            "errors": errors,
        },
        "notes": list(notes or []),
    }


def _source_entry(report: SourceReport) -> dict[str, Any]:
    entry = asdict(report.outcome)
    entry["error"] = report.outcome.error
    return entry


def _status(sources: int, errors: int) -> str:
    if errors == 0:
        return "completed"
    return "failed" if errors == sources else "partial"
