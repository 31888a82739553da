"""Human summaries of run reports, digests and retags for the terminal (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

STATUS_STYLE = {
    "ok": "green", "not_modified": "cyan", "empty": "yellow", "error": "red", "broken": "bold red",
}  # fmt: skip


def print_run_summary(console: Console, report: dict[str, Any]) -> None:
    totals = report["totals"]
    console.print(
        f"run [bold]{report['run_id']}[/] {report['status']}: "
        f"{totals['new']} new, {totals['updated']} updated, {totals['removed']} removed, "
        f"{totals['duplicates']} duplicates, {totals['unchanged']} unchanged, "
        f"{totals['errors']} source errors",
        highlight=False,
    )
    table = Table("source", "status", "items", "new", "requests", "304", "bytes", "error")
    for source in report["sources"]:
        style = STATUS_STYLE.get(source["status"], "")
        table.add_row(
            source["name"], f"[{style}]{source['status']}[/]", str(source["items"]),
            str(source["new"]), str(source["requests"]), str(source["not_modified"]),
            str(source["bytes"]), source.get("error") or "",
        )  # fmt: skip
    console.print(table)
    for doc in report["new"][:20]:
        console.print(f"  + {doc['title']}  [dim]{doc['url']}[/]", highlight=False)
    for path in report.get("files", []):
        console.print(f"report: {path}", highlight=False)


def print_digest_summary(console: Console, digest: dict[str, Any]) -> None:
    stats = digest.get("stats", {})
    window = digest.get("window", {})
    console.print(
        f"digest [bold]{digest.get('id')}[/]: {stats.get('documents', 0)} documents from "
        f"{stats.get('sources', 0)} sources ({window.get('from')} – {window.get('to')})",
        highlight=False,
    )
    delivered = digest.get("delivered", {})
    console.print(f"email: {delivered.get('email', 'off')}", highlight=False)
    for path in delivered.get("files", []):
        console.print(f"file: {path}", highlight=False)


def print_retag_summary(console: Console, summary: dict[str, Any]) -> None:
    console.print(f"retagged {summary['documents']} documents", highlight=False)
    table = Table("theme / region", "gained", "lost")
    for row in summary.get("changes", []):
        table.add_row(row["id"], str(row["gained"]), str(row["lost"]))
    console.print(table)
