"""Digest renderers by format name: Markdown, plain text, JSON (HTML in digest.html, Atom in
digest.feed). Each takes the digest dict and the taxonomy labels and returns the file's text."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from digest.view import ChangeView, ChartTable, DigestView, EntryView, Link, digest_view
from reports.labels import Labels
from reports.markup import display_width, md_escape, md_link

WIDTH = 78


def render_json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"


# --- Markdown -------------------------------------------------------------------------------


def render_markdown(
    payload: Mapping[str, Any], labels: Labels, chart_file: str | None = None
) -> str:
    """digest.md; `chart_file` (a sibling PNG's name) is shown above the chart's table."""
    view = digest_view(payload, labels)
    lines = [
        f"# {md_escape(view.title)}",
        "",
        f"**{md_escape(view.summary)}** — {view.window_from} to {view.window_to}",
    ]
    if view.chart:
        lines += ["", "## Documents per theme, by week", ""]
        lines += [f"![Documents per theme by week]({chart_file})", ""] if chart_file else []
        lines += _md_chart_table(view.chart)
    if view.empty:
        lines += ["", "Nothing new in this period."]
    for theme in view.themes:
        lines += ["", f"## {md_escape(theme.label)} ({theme.count})"]
        for group in theme.groups:
            if group.label:
                lines += ["", f"### {md_escape(group.label)}"]
            lines.append("")
            for entry in group.entries:
                lines += _md_entry(entry)
    lines += _md_changes("Updated", view.updated)
    lines += _md_changes("Removed", view.removed)
    lines += _md_broken(view)
    lines += ["", f"_Generated {view.generated}._", ""]
    return "\n".join(lines)


def _md_entry(entry: EntryView) -> list[str]:
    """A list item whose lines end in two spaces: hard line breaks, one fact per line."""
    lines = [f"- **{_md_link(entry.link)}**", f"  {md_escape(entry.meta)}"]
    if entry.summary:
        lines.append(f"  {md_escape(entry.summary)}")
    if entry.terms:
        lines.append(f"  Terms: {md_escape(', '.join(entry.terms))}")
    if entry.also_at:
        lines.append("  Also at: " + ", ".join(_md_link(link) for link in entry.also_at))
    return [line + "  " for line in lines[:-1]] + lines[-1:]


def _md_link(link: Link) -> str:
    return md_link(link.text, link.href) if link.href else md_escape(link.text)


def _md_changes(title: str, items: list[ChangeView]) -> list[str]:
    if not items:
        return []
    lines = ["", f"## {title} ({len(items)})", ""]
    for item in items:
        lines.append(f"- **{_md_link(item.link)}** ({md_escape(item.source)})")
        lines += [f"  - {md_escape(line.strip())}" for line in item.lines]
    return lines


def _md_broken(view: DigestView) -> list[str]:
    if not view.broken:
        return []
    lines = ["", "## Sources needing attention", ""]
    lines += ["| Source | Status | Failed runs in a row | Last good run | Last error |"]
    lines += ["|---|---|---:|---|---|"]
    for s in view.broken:
        cells = [s.name, s.status, str(s.failures_in_row), s.last_ok, s.error or "—"]
        lines.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return lines


def _md_chart_table(chart: ChartTable) -> list[str]:
    head = "| Theme | " + " | ".join(chart.weeks) + " | Total |"
    rule = "|---|" + "---:|" * (len(chart.weeks) + 1)
    rows = [
        "| " + md_escape(label) + " | " + " | ".join(map(str, counts)) + f" | {total} |"
        for label, counts, total in chart.rows
    ]
    return [head, rule, *rows]


# --- plain text -------------------------------------------------------------------------------


def render_text(payload: Mapping[str, Any], labels: Labels) -> str:
    """digest.txt and the email's text part: wrapped at 78 columns, URLs on their own lines."""
    view = digest_view(payload, labels)
    lines = [view.title, f"{view.summary} — {view.window_from} to {view.window_to}", "=" * WIDTH]
    if view.chart:
        lines += ["", "Documents per theme, by week", *_text_chart_table(view.chart)]
    if view.empty:
        lines += ["", "Nothing new in this period."]
    for theme in view.themes:
        lines += ["", f"{theme.label} ({theme.count})", "-" * WIDTH]
        for group in theme.groups:
            if group.label:
                lines += ["", f"  [{group.label}]"]
            for entry in group.entries:
                lines += _text_entry(entry)
    lines += _text_changes("Updated", view.updated)
    lines += _text_changes("Removed", view.removed)
    if view.broken:
        lines += ["", "Sources needing attention", "-" * WIDTH]
        for s in view.broken:
            lines.append(
                f"  {s.name}: {s.status}, {s.failures_in_row} failed runs in a row, "
                f"last good run {s.last_ok}"
            )
            lines += _wrap(s.error, "    ") if s.error else []
    lines += ["", f"Generated {view.generated}.", ""]
    return "\n".join(lines)


def _text_entry(entry: EntryView) -> list[str]:
    lines = ["", *_wrap(entry.link.text, "  * ", "    ")]
    lines.append(f"    {entry.link.url}")
    lines += _wrap(entry.meta, "    ")
    lines += _wrap(entry.summary, "    ") if entry.summary else []
    lines += _wrap("Terms: " + ", ".join(entry.terms), "    ") if entry.terms else []
    lines += [f"    Also at: {link.url}" for link in entry.also_at]
    return lines


def _text_changes(title: str, items: list[ChangeView]) -> list[str]:
    if not items:
        return []
    lines = ["", f"{title} ({len(items)})", "-" * WIDTH]
    for item in items:
        lines += ["", *_wrap(f"{item.link.text} ({item.source})", "  * ", "    ")]
        lines.append(f"    {item.link.url}")
        for line in item.lines:
            lines += _wrap(line.strip(), "    ")
    return lines


def _text_chart_table(chart: ChartTable) -> list[str]:
    width = max([len(label) for label, _, _ in chart.rows] + [5])
    head = "  " + "Theme".ljust(width) + "".join(f"{w:>7}" for w in chart.weeks) + "  Total"
    rows = [
        "  " + label.ljust(width) + "".join(f"{c:>7}" for c in counts) + f"  {total:>5}"
        for label, counts, total in chart.rows
    ]
    return [head, *rows]


def _wrap(text: str, indent: str, subsequent: str | None = None) -> list[str]:
    """Wrap by display width: a Chinese character takes two columns and may break anywhere."""
    subsequent = indent if subsequent is None else subsequent
    lines: list[str] = []
    current, width = indent, len(indent)
    for token in _TOKENS.findall(text):
        size = display_width(token.rstrip())
        if width + size > WIDTH and current.strip():
            lines.append(current.rstrip())
            current, width, token = subsequent, len(subsequent), token.lstrip()
        current += token
        width += display_width(token)
    lines.append(current.rstrip())
    return lines


# A wide character with the closing punctuation after it (never start a line with "。"), a run of
# narrow characters (a word), or spaces.
_TOKENS = re.compile(r"[\u2e80-\uffef][。，、；：！？）》」』】”’]*\s*|[^\s\u2e80-\uffef]+\s*|\s+")
