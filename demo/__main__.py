"""`python -m demo` (`make demo`): the whole pipeline, twice, on the bundled loopback site.

Serves demo/site.py's snapshot site on 127.0.0.1, writes demo-out/agglowatch.yaml, runs the monitor,
switches the site to version 2 (two new articles, one edited, the rest byte-identical), runs the
monitor again, builds a digest, and prints what each step found and where its files are. Everything
happens in one process, so Prefect's temporary server starts once; demo-out/ is recreated on each
demo run, and PREFECT_HOME defaults to demo-out/prefect so the demo leaves no state elsewhere.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from demo.site import (
    CDRF_REPUBLISHED,
    CENTRAL_PLAINS,
    CHENGDU_CHONGQING,
    FEED_PATH,
    GREATER_BAY_AREA,
    JING_JIN_JI,
    PORTAL_INCLUDE,
    PORTAL_JING_JIN_JI,
    PORTAL_LINKS,
    PORTAL_PATH,
    Hit,
    SnapshotServer,
    articles,
)

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "demo-out"
IGNORED_ENV = ("AGGLOWATCH_CONFIG", "AGGLOWATCH_DATABASE_URL")  # the demo uses its own config


@dataclass(slots=True)
class RunResult:
    """One monitor run as the demo saw it: the report and the site's side of it."""

    number: int
    version: int
    report: dict[str, Any]
    hits: list[Hit]
    seconds: float
    notes: list[str] = field(default_factory=list)  # expectations that did not hold


def main() -> int:
    prepare_output(OUT)
    os.environ.setdefault("PREFECT_HOME", str(OUT / "prefect"))
    for name in IGNORED_ENV:
        if os.environ.pop(name, None) is not None:
            print(f"(ignoring {name}: the demo uses its own config and database)")
    from flows.launch import run_digest

    with SnapshotServer(version=1) as site:
        config = write_config(OUT, site.base_url)
        print(f"Demo site: {site.base_url}  (feed {FEED_PATH}, portal {PORTAL_PATH})")
        print(f"Config:    {show_path(config)}")
        if not os.environ.get("PREFECT_API_URL"):
            print("Prefect starts a temporary server first: 15–60 s on a busy machine…")
        print()
        first = monitor_run(site, config, number=1)
        print_run(first)
        site.switch(2)
        print("Site switched to version 2: 2 new articles, 1 edited, everything else unchanged.\n")
        second = monitor_run(site, config, number=2)
        print_run(second)
        wait_for_next_second()
        started = time.monotonic()
        digest = run_digest(str(config), since=None, send=False)
        print_digest(digest, time.monotonic() - started)
    notes = first.notes + second.notes + check_digest(digest, [first, second])
    print_summary(notes)
    return 1 if notes else 0


def prepare_output(folder: Path) -> None:
    """An empty demo-out/: the old one (database, reports, Prefect home) is deleted first."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def demo_config(base_url: str) -> dict[str, Any]:
    """agglowatch.yaml for the demo: paths relative to the config's folder, loopback allowed."""
    return {
        "database": "sqlite:///agglowatch.db",
        "output": "out",
        "seeds": str(REPO / "seeds"),
        "themes": str(REPO / "themes.yaml"),
        "fetch": {
            "user_agent": "agglowatch-demo/0.1 (+https://example.org/contact)",
            "timeout": 10,
            "retries": 1,
            "per_host_concurrency": 4,
            "per_host_delay": 0,
            "respect_robots": True,
            "allow_private_addresses": True,
        },
        "sources": [
            {"name": "demo-news", "kind": "feed", "url": base_url + FEED_PATH},
            {
                "name": "demo-portal",
                "kind": "html",
                "url": base_url + PORTAL_PATH,
                "links": PORTAL_LINKS,
                "include": PORTAL_INCLUDE,
            },
        ],
        "digest": {
            "title": "Urban agglomeration monitor (demo)",
            "formats": ["markdown", "html", "text", "json", "atom"],
        },
    }


def write_config(folder: Path, base_url: str) -> Path:
    """Write and validate demo-out/agglowatch.yaml (the same loader the flows use)."""
    from agglowatch.config import load_config

    path = folder / "agglowatch.yaml"
    header = (
        "# Written by `python -m demo` for the bundled snapshot site on loopback; rewritten on\n"
        "# each demo run. Relative paths resolve against this file's folder.\n"
    )
    body = yaml.safe_dump(demo_config(base_url), allow_unicode=True, sort_keys=False)
    path.write_text(header + body, encoding="utf-8")
    load_config(path)
    return path


def wait_for_next_second() -> None:
    """Let the clock pass the second in which run 2 stored its documents.

    The store keeps whole-second times and a digest's window ends, exclusively, at its `now`
    (also whole seconds): a digest built in the same second as run 2 would leave run 2's new
    documents to the next digest.
    """
    time.sleep(1.0 - time.time() % 1.0 + 0.01)


def monitor_run(site: SnapshotServer, config: Path, *, number: int) -> RunResult:
    from flows.launch import run_monitor

    version = site.version
    started = time.monotonic()
    report = run_monitor(str(config), None)
    seconds = time.monotonic() - started
    result = RunResult(number, version, report, site.hits(version), seconds)
    result.notes = check_run(result)
    return result


# --- what the runs should show ---------------------------------------------------------------


def _paths(entries: Iterable[Mapping[str, Any]], key: str = "url") -> set[str]:
    return {urlsplit(str(entry.get(key) or "")).path for entry in entries}


def check_run(result: RunResult) -> list[str]:
    """The demo's expectations of a run, as readable notes for each one that did not hold."""
    report = result.report
    new, updated = _paths(report.get("new", [])), _paths(report.get("updated", []))
    duplicates = _paths(report.get("duplicates", []))
    notes = []
    if result.version == 1:
        beijing = {JING_JIN_JI.path, PORTAL_JING_JIN_JI.path}
        expected_new = {a.path for a in articles(1)} - beijing - {CDRF_REPUBLISHED.path}
        if not (expected_new <= new and len(new & beijing) == 1):
            notes.append(f"run 1: new documents were {sorted(new)}")
        if duplicates != {CDRF_REPUBLISHED.path} | (beijing - new):
            notes.append(f"run 1: duplicates were {sorted(duplicates)}")
        if not any(_seed_ref(d) for d in report.get("duplicates", [])):
            notes.append("run 1: the CDRF republication was not reported as a seed duplicate")
    else:
        if new != {GREATER_BAY_AREA.path, CENTRAL_PLAINS.path}:
            notes.append(f"run 2: new documents were {sorted(new)}, expected only the 2 new ones")
        if updated != {CHENGDU_CHONGQING.path}:
            notes.append(f"run 2: updated documents were {sorted(updated)}")
        if duplicates:
            notes.append(f"run 2: duplicates reported again: {sorted(duplicates)}")
        unchanged = {a.path for a in articles(1)} - {CHENGDU_CHONGQING.path}
        answered_304 = {urlsplit(h.path).path for h in result.hits if h.status == 304}
        if not unchanged <= answered_304:
            notes.append(f"run 2: not revalidated with 304: {sorted(unchanged - answered_304)}")
    if report.get("status") != "completed":
        notes.append(f"run {result.number}: status {report.get('status')}")
    return notes


def check_digest(digest: Mapping[str, Any], runs: Sequence[RunResult]) -> list[str]:
    """Every document the runs reported as new is in the digest."""
    entries = [doc for theme in digest.get("themes", []) for doc in theme.get("documents", [])]
    listed = {str(doc.get("id")) for doc in [*entries, *digest.get("other", [])]}
    missing = [
        str(doc.get("title"))
        for run in runs
        for doc in run.report.get("new", [])
        if str(doc.get("id")) not in listed
    ]
    return [f"digest: missing {', '.join(missing)}"] if missing else []


def _seed_ref(entry: Mapping[str, Any]) -> bool:
    ref = entry.get("duplicate_of")
    return isinstance(ref, Mapping) and ref.get("seed") is True


# --- the account ---------------------------------------------------------------------------------


def title_of(url: str, fallback: str = "") -> str:
    """The headline the site gave a URL (reports carry no title for duplicates)."""
    path = urlsplit(url).path
    for version in (2, 1):
        for article in articles(version):
            if article.path == path:
                return article.title
    return fallback or url


def show_path(path: str | Path) -> str:
    """A path relative to the working directory when it is under it."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)


def print_run(result: RunResult) -> None:
    report = result.report
    totals = report.get("totals", {})
    print(
        f"== Run {result.number} (site version {result.version}): "
        f"{report.get('status', '?')} in {result.seconds:.1f} s"
    )
    print("   totals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    for line in source_lines(report.get("sources", [])):
        print("   " + line)
    print("   " + site_line(result.hits))
    for line in document_lines(report):
        print("   " + line)
    for path in report.get("files", []):
        print(f"   file: {show_path(path)}")
    print()


def source_lines(sources: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for source in sources:
        line = (
            f"{source.get('name', '?'):<12} {source.get('status', '?'):<12} "
            f"{source.get('requests', 0)} requests, {source.get('not_modified', 0)} answered 304, "
            f"{source.get('items', 0)} items, {source.get('new', 0)} new"
        )
        if source.get("error"):
            line += f"  error: {source['error']}"
        lines.append(line)
    return lines


def site_line(hits: Sequence[Hit]) -> str:
    counts: dict[int, int] = {}
    for hit in hits:
        counts[hit.status] = counts.get(hit.status, 0) + 1
    shown = ", ".join(f"{n} × {status}" for status, n in sorted(counts.items()))
    return f"the site answered {len(hits)} requests: {shown or 'none'}"


def document_lines(report: Mapping[str, Any]) -> list[str]:
    from reports.changes import change_lines

    lines = []
    for doc in report.get("new", []):
        themes = ", ".join(str(t) for t in doc.get("themes", []))
        lines.append(f"new        {doc.get('title')}  [{themes or 'no theme'}]")
    for doc in report.get("updated", []):
        lines.append(f"updated    {doc.get('title')}")
        lines += [f"             {line}" for line in change_lines(doc.get("changes") or {}, 2)]
    for doc in report.get("duplicates", []):
        lines.append(f"duplicate  {title_of(str(doc.get('url')))}")
        lines.append(f"             {duplicate_target(doc.get('duplicate_of') or {})}")
    for doc in report.get("removed", []):
        lines.append(f"removed    {doc.get('title')}")
    return lines


def duplicate_target(ref: Mapping[str, Any]) -> str:
    similarity = ref.get("similarity")
    shown = f" (similarity {float(similarity):.2f})" if similarity is not None else ""
    if ref.get("seed"):
        return f"= seed document {ref.get('id')}{shown}"
    url = str(ref.get("url") or "")
    return f"= {title_of(url)} <{url}>{shown}"


def print_digest(digest: Mapping[str, Any], seconds: float) -> None:
    stats = digest.get("stats", {})
    print(
        f"== Digest {digest.get('id')}: {stats.get('documents', 0)} documents from "
        f"{stats.get('sources', 0)} sources, in {seconds:.1f} s"
    )
    for theme in digest.get("themes", []):
        docs = theme.get("documents", [])
        print(f"   {theme.get('label') or theme.get('id')} ({len(docs)})")
        for doc in docs:
            print(f"     - {doc.get('title')}")
            for url in doc.get("also_at") or []:
                print(f"         also at {url}")
    if digest.get("other"):
        print(f"   Other, no theme ({len(digest['other'])})")
        for doc in digest["other"]:
            print(f"     - {doc.get('title')}")
    delivered = digest.get("delivered", {})
    print(f"   email: {delivered.get('email', '?')}")
    for path in delivered.get("files", []):
        print(f"   file: {show_path(path)}")
    print()


def print_summary(notes: Sequence[str]) -> None:
    if not notes:
        print("All as expected: run 2 found only the 2 new articles and the edited one;")
        print("unchanged pages were answered 304. Open the files above to read the results.")
        return
    print("Not as the demo expected:")
    for note in notes:
        print(f"  ! {note}")


if __name__ == "__main__":
    sys.exit(main())
