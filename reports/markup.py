"""Safe text for reports and digests: fetched strings are never trusted as markup.

Titles, URLs and error messages come from third-party pages. Markdown output escapes them so a
title like ``<script>`` or ``[x](javascript:...)`` renders as text (report.md is rendered as a
Prefect artifact), and only http(s) URLs ever become links.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from urllib.parse import quote, urlsplit

from agglowatch.errors import DeliveryError

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^([#+\-=>]|\d+(?=[.)]))")
_SPACES = re.compile(r"\s+")
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f<>\"`{}|\\^]")
_SENTENCE_END = re.compile(r"[。！？；.!?;](?=\s|$)|[。！？；]")


def one_line(text: object) -> str:
    """Collapse every run of whitespace (newlines included) into one space."""
    return _SPACES.sub(" ", str(text if text is not None else "")).strip()


def md_escape(text: object) -> str:
    """Markdown-escape a fetched string so it renders literally, on one line.

    Only what CommonMark could read as markup is escaped, so report.md stays readable as text.
    """
    escaped = _MD_INLINE.sub(r"\\\1", one_line(text))
    return _MD_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    mark = match.group(1)
    return mark + "\\" if mark[0].isdigit() else "\\" + mark


def safe_href(url: object) -> str | None:
    """The URL if it is absolute http(s) with a host, else None (never link javascript: etc.)."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # Percent-encode what could end a Markdown link or an HTML attribute early; keep the rest.
    return _UNSAFE_URL_CHARS.sub(lambda m: quote(m.group(0), safe=""), candidate)


def md_link(text: object, url: object) -> str:
    """``[text](<url>)`` for http(s) URLs; escaped plain text otherwise."""
    label = md_escape(text) or md_escape(url) or "(untitled)"
    href = safe_href(url)
    if href is None:
        return label
    return f"[{label}](<{href}>)"


def shorten(text: object, limit: int) -> str:
    """At most `limit` display columns (a Chinese character takes two), cut at a sentence end or
    a space when one is near the end, else mid-word with an ellipsis."""
    flat = one_line(text)
    widths = list(accumulate(display_width(c) for c in flat))
    if not widths or widths[-1] <= limit:
        return flat
    cut = bisect_right(widths, limit - 1)  # leave a column for the ellipsis
    head = flat[:cut]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() >= cut // 2]
    if ends:
        return head[: ends[-1]].rstrip()
    space = head.rfind(" ")
    if space >= int(cut * 0.6):
        head = head[:space]
    return head.rstrip(" ,;:，、") + "…"


def display_width(text: str) -> int:
    """Terminal/email columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def short_url(url: str, limit: int = 48) -> str:
    """A URL without its scheme and "www.", cut to `limit` characters: a readable link label."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return shorten(url, limit)
    if not parts.netloc:
        return shorten(url, limit)
    host = parts.netloc.removeprefix("www.")
    rest = (parts.path.rstrip("/") or "") + (f"?{parts.query}" if parts.query else "")
    label = host + rest
    return label if len(label) <= limit else label[: limit - 1] + "…"


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    Readers (a feed reader polling feed.atom, a mail client opening digest.html) see either the old
    file or the new one, never half of one.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise DeliveryError(f"cannot write {path}: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise DeliveryError(f"cannot write {path}: {exc}") from exc
    return path
