"""Redirects that HTML makes itself: `<meta http-equiv="refresh" content="0; url=...">`.

Government portals and CMSs move articles and leave a stub that sends the browser on with a meta
refresh; stored as is, the stub is an empty "document" at the old address. A refresh is followed
when it names another URL and fires within MAX_DELAY seconds (a page that reloads itself every
five minutes, with no URL, is not a redirect).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urldefrag, urljoin

from agglowatch.records import FetchedPage

MAX_DELAY = 10.0  # seconds: slower refreshes are slideshows and reloads, not moved pages
HEAD_BYTES = 16_384  # where a refresh is declared (in <head>)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_HTTP_EQUIV = re.compile(rb"""http-equiv\s*=\s*["']?\s*refresh\b""", re.IGNORECASE)
_CONTENT = re.compile(rb"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_DIRECTIVE = re.compile(
    r"""^\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"']*)["']?\s*$""", re.I
)


def refresh_target(page: FetchedPage) -> str | None:
    """The absolute URL an HTML page's meta refresh sends to, or None."""
    if page.not_modified or page.content_type not in ("text/html", "application/xhtml+xml", ""):
        return None
    for tag in _META.finditer(page.content[:HEAD_BYTES]):
        if _HTTP_EQUIV.search(tag.group(0)) and (content := _CONTENT.search(tag.group(0))):
            raw = next(group for group in content.groups() if group is not None)
            return _target(unescape(raw.decode("latin-1")), page.final_url)
    return None


def _target(directive: str, base: str) -> str | None:
    match = _DIRECTIVE.match(directive)
    if match is None or not match.group(2).strip():
        return None
    delay = float(match.group(1) or 0)
    target = urljoin(base, match.group(2).strip())
    if delay > MAX_DELAY or urldefrag(target)[0] == urldefrag(base)[0]:
        return None
    return target if target.startswith(("http://", "https://")) else None
