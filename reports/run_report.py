"""The run report (the spec's `run --json` dict) as Markdown people read, and as files on disk.

The dict is built by the flow; this module only renders it. Every fetched string (titles, URLs,
error messages) is escaped, so report.md is safe to publish as a Prefect markdown artifact.
Missing keys are tolerated: a half-built report of a failed run still renders.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reports.changes import change_lines
from reports.labels import OTHER, Labels
from reports.markup import md_escape, md_link, write_atomic

TOTAL_KEYS = ("new", "updated", "removed", "duplicates", "unchanged", "errors")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


def render_report_markdown(report: Mapping[str, Any], labels: Labels | None = None) -> str:
    """report.md: header, totals, new by theme, updated, removed, duplicates, source health."""
    labels = labels or Labels()
    parts = [
        _header(report),
        _totals(report),
        _new_section(_list(report, "new"), labels),
        _updated_section(_list(report, "updated")),
        _removed_section(_list(report, "removed")),
        _duplicates_section(_list(report, "duplicates")),
        _sources_section(_list(report, "sources")),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def new_documents_table(report: Mapping[str, Any]) -> list[dict[str, str]]:
    """Rows for a Prefect table artifact: one per new document (plain strings, not Markdown)."""
    rows = []
    for doc in _list(report, "new"):
        rows.append(
            {
                "title": str(doc.get("title") or ""),
                "url": str(doc.get("url") or ""),
                "themes": ", ".join(_theme_ids(doc)),
                "id": str(doc.get("id") or ""),
            }
        )
    return rows


def write_report_files(
    report: Mapping[str, Any], output_dir: Path, labels: Labels | None = None
) -> list[Path]:
    """Write <output>/runs/<run_id>/report.json and report.md, each atomically."""
    run_id = _UNSAFE_ID.sub("-", str(report.get("run_id") or "unknown")).strip(".-") or "unknown"
    folder = output_dir / "runs" / run_id
    body = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    return [
        write_atomic(folder / "report.json", body.encode("utf-8")),
        write_atomic(folder / "report.md", render_report_markdown(report, labels).encode("utf-8")),
    ]


def _list(report: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = report.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _theme_ids(doc: Mapping[str, Any]) -> list[str]:
    """Theme ids of a report entry: the spec's list of ids (dicts with an "id" tolerated)."""
    themes = doc.get("themes")
    if not isinstance(themes, list):
        return []
    ids = [t.get("id") if isinstance(t, Mapping) else t for t in themes]
    return [str(t) for t in ids if t]


def _header(report: Mapping[str, Any]) -> str:
    status = md_escape(report.get("status") or "unknown")
    started, finished = _when(report.get("started")), _when(report.get("finished"))
    lines = [
        f"# Run report — {status}",
        "",
        f"- Run: `{md_escape(report.get('run_id') or '?').replace('`', '')}`",
        f"- Started: {_show_time(started, report.get('started'))}",
        f"- Finished: {_show_time(finished, report.get('finished'))}",
    ]
    if started and finished and finished >= started:
        lines.append(f"- Duration: {_duration(finished - started)}")
    return "\n".join(lines)


def _totals(report: Mapping[str, Any]) -> str:
    totals = report.get("totals")
    if not isinstance(totals, Mapping):
        return ""
    head = "| " + " | ".join(k.capitalize() for k in TOTAL_KEYS) + " |"
    rule = "|" + "---:|" * len(TOTAL_KEYS)
    row = "| " + " | ".join(md_escape(totals.get(k, 0)) for k in TOTAL_KEYS) + " |"
    return "## Totals\n\n" + "\n".join((head, rule, row))


def _new_section(docs: Sequence[Mapping[str, Any]], labels: Labels) -> str:
    if not docs:
        return "## New documents\n\nNone."
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for doc in docs:
        themes = _theme_ids(doc)
        groups.setdefault(themes[0] if themes else OTHER, []).append(doc)
    lines = [f"## New documents ({len(docs)})"]
    for theme in sorted(groups, key=labels.theme_rank):
        members = groups[theme]
        lines += ["", f"### {md_escape(labels.theme(theme).text)} ({len(members)})", ""]
        for doc in members:
            others = [labels.theme(t).en for t in _theme_ids(doc)[1:]]
            extra = f" — also: {md_escape(', '.join(others))}" if others else ""
            lines.append(f"- {md_link(doc.get('title'), doc.get('url'))}{extra}")
    return "\n".join(lines)


def _updated_section(docs: Sequence[Mapping[str, Any]]) -> str:
    if not docs:
        return ""
    lines = [f"## Updated documents ({len(docs)})", ""]
    for doc in docs:
        lines.append(f"- {md_link(doc.get('title'), doc.get('url'))}")
        changes = doc.get("changes")
        for line in change_lines(changes if isinstance(changes, Mapping) else {}):
            lines.append(f"  - {md_escape(line)}")
    return "\n".join(lines)


def _removed_section(docs: Sequence[Mapping[str, Any]]) -> str:
    if not docs:
        return ""
    lines = [f"## Removed documents ({len(docs)})", ""]
    lines += [f"- {md_link(doc.get('title'), doc.get('url'))}" for doc in docs]
    return "\n".join(lines)


def _duplicates_section(docs: Sequence[Mapping[str, Any]]) -> str:
    if not docs:
        return ""
    lines = [f"## Duplicates ({len(docs)})", ""]
    for doc in docs:
        ref = doc.get("duplicate_of")
        ref = ref if isinstance(ref, Mapping) else {}
        target = md_link(ref.get("id") or ref.get("url") or "?", ref.get("url"))
        kind = "seed document " if ref.get("seed") else ""
        similarity = _similarity(ref.get("similarity"))
        lines.append(
            f"- {md_link(doc.get('url'), doc.get('url'))} — duplicate of {kind}{target}{similarity}"
        )
    return "\n".join(lines)


def _similarity(value: Any) -> str:
    try:
        return f" (similarity {float(value):.2f})"
    except (TypeError, ValueError):
        return ""


SOURCE_COLUMNS = (
    "Source",
    "Status",
    "Requests",
    "Not modified",
    "Bytes",
    "Items",
    "New",
    "Failed runs in a row",
    "Last good run",
    "Error",
)


def _sources_section(sources: Sequence[Mapping[str, Any]]) -> str:
    if not sources:
        return "## Source health\n\nNo sources ran."
    lines = [
        "## Source health",
        "",
        "| " + " | ".join(SOURCE_COLUMNS) + " |",
        "|---|---|" + "---:|" * 6 + "---|---|",
    ]
    for source in sources:
        lines.append("| " + " | ".join(_source_cells(source)) + " |")
    troubled = [s for s in sources if s.get("status") in ("broken", "empty", "error")]
    if troubled:
        names = ", ".join(f"{md_escape(s.get('name'))} ({s.get('status')})" for s in troubled)
        lines += ["", f"Needs attention: {names}."]
    lines += _warning_lines(sources)
    return "\n".join(lines)


def _warning_lines(sources: Sequence[Mapping[str, Any]]) -> list[str]:
    """Per-page problems that did not fail a source: cut bodies, failed pages, listing notes."""
    lines: list[str] = []
    for source in sources:
        warnings = source.get("warnings")
        if isinstance(warnings, list) and warnings:
            lines += ["", f"### Warnings: {md_escape(source.get('name') or '?')}", ""]
            lines += [f"- {md_escape(w)}" for w in warnings]
    return lines


def _source_cells(source: Mapping[str, Any]) -> list[str]:
    status = str(source.get("status") or "?")
    shown_status = f"**{md_escape(status)}**" if status in ("broken", "error", "empty") else status
    last_ok = _when(source.get("last_ok"))
    return [
        md_escape(source.get("name") or "?"),
        shown_status,
        md_escape(source.get("requests", 0)),
        md_escape(source.get("not_modified", 0)),
        _bytes(source.get("bytes")),
        md_escape(source.get("items", 0)),
        md_escape(source.get("new", 0)),
        md_escape(source.get("failures_in_row", 0)),
        _show_time(last_ok, source.get("last_ok")) if source.get("last_ok") else "—",
        md_escape(source.get("error") or "")[:300],
    ]


def _bytes(value: Any) -> str:
    try:
        size = float(value or 0)
    except (TypeError, ValueError):
        return "?"
    for unit in ("B", "kB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return "?"


def _when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def _show_time(parsed: dt.datetime | None, raw: Any) -> str:
    if parsed is not None:
        return parsed.strftime("%Y-%m-%d %H:%M:%S UTC")
    return md_escape(raw) if raw else "—"


def _duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
