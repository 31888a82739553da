"""Sitemap bytes → the URLs (or child sitemaps) they list, with each <lastmod> as written.

Handles <urlset> and <sitemapindex> in any namespace, plain-text sitemaps (one URL a line), and
gzip-compressed files. Decompression stops at `max_size` (the protocol's 50 MB limit by default)
so a gzip bomb is refused instead of filling memory. Entities are never expanded.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from agglowatch.errors import ParseError

MAX_DECOMPRESSED = 50 * 1024 * 1024  # sitemaps.org: at most 50 MB uncompressed
GZIP_MAGIC = b"\x1f\x8b"
_URL_LINE = re.compile(rb"^\s*https?://\S+\s*$")
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9._-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    lastmod: str | None = None  # as written in the sitemap, compared verbatim between runs


@dataclass(frozen=True, slots=True)
class Sitemap:
    kind: Literal["urlset", "index"]
    entries: list[SitemapEntry]


def parse_sitemap(content: bytes, url: str, *, max_size: int = MAX_DECOMPRESSED) -> Sitemap:
    """Read a sitemap or sitemap index; ParseError for non-sitemaps and oversized bodies."""
    body = decompress(content, url, max_size) if content[:2] == GZIP_MAGIC else content
    if len(body) > max_size:
        raise ParseError(f"{url}: sitemap is {len(body)} bytes, over the {max_size} limit")
    lines = [line for line in body.splitlines() if line.strip()]
    if lines and all(_URL_LINE.match(line) for line in lines):
        locs = [line.strip().decode("utf-8", "replace") for line in lines]
        return Sitemap("urlset", [SitemapEntry(loc) for loc in locs])
    return _parse_xml(body, url)


def decompress(content: bytes, url: str, max_size: int = MAX_DECOMPRESSED) -> bytes:
    """Gunzip at most `max_size` bytes; beyond that the file is refused as a likely bomb."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(content, max_size + 1)
    except zlib.error as exc:
        raise ParseError(f"{url}: broken gzip data: {exc}") from exc
    if len(body) > max_size or inflater.unconsumed_tail:
        raise ParseError(f"{url}: gzip inflates beyond {max_size} bytes; refused")
    if not inflater.eof:
        raise ParseError(f"{url}: broken gzip data: the stream ends early")
    return body


def _parse_xml(body: bytes, url: str) -> Sitemap:
    root = _xml_root(body)
    if root is None:
        raise ParseError(f"{url}: not a sitemap (not XML)")
    name = _localname(root)
    if name not in ("urlset", "sitemapindex"):
        raise ParseError(f"{url}: not a sitemap (root element <{name or '?'}>)")
    child = "url" if name == "urlset" else "sitemap"
    entries: list[SitemapEntry] = []
    for item in root:
        if _localname(item) != child:
            continue
        fields = {_localname(f): (f.text or "").strip() for f in item if _is_el(f)}
        if fields.get("loc"):
            entries.append(SitemapEntry(fields["loc"], fields.get("lastmod") or None))
    return Sitemap("urlset" if name == "urlset" else "index", entries)


def _xml_root(body: bytes) -> etree._Element | None:
    """Parse strictly, then with raw '&' escaped (common in real sitemaps), then leniently."""
    escaped = _BARE_AMPERSAND.sub(b"&amp;", body)
    for text, recover in ((body, False), (escaped, False), (escaped, True)):
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, recover=recover, huge_tree=False
        )
        try:
            root = etree.fromstring(text, parser)
        except etree.XMLSyntaxError:
            continue
        if root is not None:
            return root
    return None


def _localname(node: etree._Element) -> str:
    """The tag without its namespace; "" for comments and the like. (etree.QName raises on the
    odd names lxml's recovering parser lets through, such as ":".)"""
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _is_el(node: etree._Element) -> bool:
    return isinstance(node.tag, str)


def lastmod_date(value: str | None) -> dt.date | None:
    """The calendar date of a W3C datetime <lastmod> (2023-01-16 or 2023-01-16T10:30:00+08:00)."""
    match = _ISO_DATE.match(value or "")
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
