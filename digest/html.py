"""The HTML digest: email-safe (table layout, inline CSS, no scripts, no external resources).

Jinja2 autoescapes every value, so fetched titles, summaries and errors always show as text; links
come only from vetted http(s) URLs (digest.view). The chart is an <img> whose `src` the caller
chooses: a cid: reference in email, a data: URI in the file; a plain table of the same figures
follows it for clients that block images.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from digest.view import digest_view
from reports.labels import Labels

TEMPLATES = Path(__file__).parent / "templates"
FONT = Markup(  # a constant of ours, not fetched: safe inside the style attribute
    "font-family:Arial,'Helvetica Neue',Helvetica,'PingFang SC','Hiragino Sans GB',"
    "'Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1f2937;"
)

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_html(payload: Mapping[str, Any], labels: Labels, chart_src: str | None = None) -> str:
    """A whole HTML document; `chart_src` is "cid:..." or a data: URI, or None for no image."""
    return _env.get_template("digest.html.j2").render(
        view=digest_view(payload, labels), chart_src=chart_src, show_chart=True, font=FONT
    )
