"""A digest dict as every renderer shows it: labels resolved, groups formed, links vetted.

Values here are plain, unescaped text; each renderer escapes for its own format. `href` fields are
set only for absolute http(s) URLs, so nothing else ever becomes a link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from digest.build import region_group
from digest.chart import week_label
from reports.changes import change_lines
from reports.labels import OTHER, Labels
from reports.markup import one_line, safe_href, short_url


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str
    href: str | None  # None when the URL must not be linked


@dataclass(frozen=True, slots=True)
class EntryView:
    link: Link
    source: str
    published: str | None
    regions: list[str]
    other_themes: list[str]
    summary: str
    terms: list[str]
    also_at: list[Link]
    removed: bool

    @property
    def meta(self) -> str:
        """One line: source · date · regions · other themes."""
        parts = [self.source, self.published or "undated"]
        if self.regions:
            parts.append(", ".join(self.regions))
        if self.other_themes:
            parts.append("also: " + ", ".join(self.other_themes))
        if self.removed:
            parts.append("since removed from the site")
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class GroupView:
    label: str | None  # None when the theme has no region groups worth a heading
    entries: list[EntryView]


@dataclass(frozen=True, slots=True)
class ThemeView:
    id: str
    label: str
    count: int
    groups: list[GroupView]


@dataclass(frozen=True, slots=True)
class ChangeView:
    link: Link
    source: str
    lines: list[str]


@dataclass(frozen=True, slots=True)
class SourceView:
    name: str
    status: str
    failures_in_row: int
    last_ok: str
    error: str


@dataclass(frozen=True, slots=True)
class ChartTable:
    weeks: list[str]  # each week's Monday, e.g. "5 Jan"
    rows: list[tuple[str, list[int], int]]  # label, counts per week, total
    totals: list[int]


@dataclass(frozen=True, slots=True)
class DigestView:
    title: str
    window_from: str
    window_to: str
    generated: str
    summary: str  # "12 new · 3 updated · 1 removed"
    themes: list[ThemeView]
    updated: list[ChangeView]
    removed: list[ChangeView]
    broken: list[SourceView]
    chart: ChartTable | None

    @property
    def empty(self) -> bool:
        return not (self.themes or self.updated or self.removed)


NO_REGION = "No specific region / 未指明地区"


def digest_view(payload: Mapping[str, Any], labels: Labels) -> DigestView:
    window = payload.get("window") or {}
    stats = payload.get("stats") or {}
    themes = [_theme_view(t, labels) for t in payload.get("themes") or []]
    other = payload.get("other") or []
    if other:
        label = labels.theme(OTHER).text
        themes.append(_theme_view({"id": OTHER, "label": label, "documents": other}, labels))
    return DigestView(
        title=one_line(payload.get("title") or "Digest"),
        window_from=show_time(window.get("from")),
        window_to=show_time(window.get("to")),
        generated=show_time(payload.get("generated")),
        summary=_summary(stats),
        themes=themes,
        updated=[_change_view(u) for u in payload.get("updated") or []],
        removed=[_removed_view(r) for r in payload.get("removed") or []],
        broken=[_source_view(s) for s in payload.get("broken_sources") or []],
        chart=_chart_table(payload.get("chart")),
    )


def _summary(stats: Mapping[str, Any]) -> str:
    parts = [f"{stats.get('documents', 0)} new"]
    for key in ("updated", "removed"):
        if stats.get(key):
            parts.append(f"{stats[key]} {key}")
    return " · ".join(parts)


def _link(title: Any, url: Any) -> Link:
    text_url = one_line(url)
    return Link(text=one_line(title) or text_url or "(untitled)", url=text_url, href=safe_href(url))


def _theme_view(theme: Mapping[str, Any], labels: Labels) -> ThemeView:
    docs = [d for d in theme.get("documents") or [] if isinstance(d, Mapping)]
    groups: list[GroupView] = []
    for doc in docs:
        key = region_group(dict(doc))
        label = labels.region(key).text if key else NO_REGION
        if not groups or groups[-1].label != label:
            groups.append(GroupView(label, []))
        groups[-1].entries.append(_entry_view(doc, labels))
    if len(groups) == 1 and groups[0].label == NO_REGION:
        groups = [GroupView(None, groups[0].entries)]
    theme_id = str(theme.get("id") or OTHER)
    label = one_line(theme.get("label")) or labels.theme(theme_id).text
    return ThemeView(id=theme_id, label=label, count=len(docs), groups=groups)


def _entry_view(doc: Mapping[str, Any], labels: Labels) -> EntryView:
    themes = [str(t) for t in doc.get("themes") or []]
    return EntryView(
        link=_link(doc.get("title"), doc.get("url")),
        source=one_line(doc.get("source")),
        published=one_line(doc.get("published")) or None,
        regions=[labels.region(str(r)).text for r in doc.get("regions") or []],
        other_themes=[labels.theme(t).en for t in themes[1:]],
        summary=one_line(doc.get("summary")),
        terms=[one_line(t) for t in doc.get("terms") or []],
        also_at=[_link(short_url(str(u)), u) for u in doc.get("also_at") or []],
        removed=doc.get("status") == "removed",
    )


def _change_view(doc: Mapping[str, Any]) -> ChangeView:
    changes = doc.get("changes")
    return ChangeView(
        link=_link(doc.get("title"), doc.get("url")),
        source=one_line(doc.get("source")),
        lines=change_lines(changes if isinstance(changes, Mapping) else {}),
    )


def _removed_view(doc: Mapping[str, Any]) -> ChangeView:
    when = show_time(doc.get("removed_at"))
    return ChangeView(
        link=_link(doc.get("title"), doc.get("url")),
        source=one_line(doc.get("source")),
        lines=[f"removal noticed {when}"],
    )


def _source_view(source: Mapping[str, Any]) -> SourceView:
    return SourceView(
        name=one_line(source.get("name")),
        status=one_line(source.get("status")),
        failures_in_row=int(source.get("failures_in_row") or 0),
        last_ok=show_time(source.get("last_ok")) if source.get("last_ok") else "never",
        error=one_line(source.get("last_error"))[:300],
    )


def _chart_table(chart: Any) -> ChartTable | None:
    if not isinstance(chart, Mapping) or not chart.get("themes"):
        return None
    weeks = [week_label(str(w)) for w in chart.get("weeks") or []]
    rows = [
        (one_line(t.get("label") or t.get("id")), list(t["counts"]), sum(t["counts"]))
        for t in chart["themes"]
    ]
    totals = [sum(column) for column in zip(*(r[1] for r in rows), strict=True)]
    return ChartTable(weeks=weeks, rows=rows, totals=totals)


def show_time(value: Any) -> str:
    """ "2026-01-05 08:00 UTC" for an ISO string; the raw text when it does not parse."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return one_line(value)
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
