"""Documents per theme per week, drawn as a stacked bar chart PNG with matplotlib's Agg canvas.

No pyplot and no display: a Figure with its own FigureCanvasAgg is thread-safe and needs no GUI.
Labels are the English theme labels from the digest's "chart" data (never CJK: the machine may
have no CJK font, and missing glyphs draw as boxes).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

PALETTE = (
    "#0f766e",
    "#1d4ed8",
    "#b45309",
    "#7c3aed",
    "#15803d",
    "#be123c",
    "#0369a1",
    "#a16207",
    "#4b5563",
    "#db2777",
    "#65a30d",
    "#0891b2",
)
OTHER_COLOR = "#9ca3af"
WIDTH_PX, HEIGHT_PX, DPI = 1184, 520, 200  # drawn at 2x for sharp display at 592 px wide
FONT = 7
MAX_TICKS = 13


def draw_chart(chart: Mapping[str, Any] | None) -> bytes | None:
    """The PNG bytes, or None when there is nothing to draw (no documents in the weeks shown)."""
    if not chart or not chart.get("themes"):
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    weeks = [week_label(str(w)) for w in chart.get("weeks") or []]
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bottoms = [0] * len(weeks)
    for index, theme in enumerate(chart["themes"]):
        counts = [int(c) for c in theme["counts"]]
        color = OTHER_COLOR if theme.get("id") == "other" else PALETTE[index % len(PALETTE)]
        label = _ascii(str(theme.get("label") or theme.get("id")))
        axes.bar(weeks, counts, bottom=bottoms, color=color, label=label, width=0.7)
        bottoms = [b + c for b, c in zip(bottoms, counts, strict=True)]
    _style(axes, max(bottoms or [0]), len(weeks))
    columns = min(3, len(chart["themes"]))  # below the bars, so long theme names are not cut
    axes.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=columns, fontsize=FONT, frameon=False
    )
    figure.subplots_adjust(left=0.07, right=0.98, top=0.95, bottom=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def week_label(week: str) -> str:
    """ "2026-W02" -> "5 Jan" (the week's Monday): easier to place in time than a week number."""
    try:
        year, number = week.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        return week
    return f"{monday.day} {monday:%b}"


def _style(axes: Any, peak: int, weeks: int) -> None:
    axes.tick_params(labelsize=FONT, length=2)
    axes.set_ylabel("documents", fontsize=FONT)
    step = max(1, -(-weeks // MAX_TICKS))
    for index, label in enumerate(axes.get_xticklabels()):
        label.set_visible(index % step == 0)
    axes.set_ylim(0, max(peak, 1) * 1.1)
    axes.yaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", linewidth=0.3, alpha=0.5)
    axes.set_axisbelow(True)


def _ascii(label: str) -> str:
    """Keep the label drawable with matplotlib's bundled DejaVu font (no CJK there)."""
    drawable = label.encode("ascii", "ignore").decode().strip(" /")
    return drawable or "theme"
