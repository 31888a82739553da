"""Media type of a response: the header's, or a sniffed one when the header is missing or generic.

Chinese government and institute sites often serve HTML as application/octet-stream or text/plain,
or send no Content-Type at all; the parsers dispatch on the type, so it is corrected here.
"""

from __future__ import annotations

import codecs

_GENERIC = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "unknown/unknown",
        "application/x-unknown",
        "application/download",
        "application/force-download",
    }
)
_TEXT_TYPES = frozenset(
    {
        "application/xhtml+xml",
        "application/xml",
        "application/json",
        "application/javascript",
        "application/rss+xml",
        "application/atom+xml",
    }
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
_HTML_INSIDE = (b"<html", b"<body", b"<meta ", b"<div", b"<p>")


def media_type(content_type: str | None) -> str:
    """'Text/HTML; charset=GBK' -> 'text/html'."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_text_type(media: str) -> bool:
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith(("+xml", "+json"))


def effective_type(content_type: str | None, content: bytes) -> str:
    """The declared media type, unless it is missing/generic (or text/plain holding HTML), in
    which case the bytes decide; falls back to application/octet-stream."""
    declared = media_type(content_type)
    if declared in _GENERIC:
        return sniff(content) or "application/octet-stream"
    if declared == "text/plain" and sniff(content) == "text/html":
        return "text/html"
    return declared


def sniff(content: bytes) -> str | None:
    """A media type from the first bytes: PDF, gzip, zip, XML feeds, XHTML, XML, HTML."""
    head = content[:2048].removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if head.startswith(b"\x1f\x8b"):
        return "application/gzip"
    if head.startswith(b"pk\x03\x04"):
        return "application/zip"
    if head.startswith(b"<?xml"):
        return _sniff_xml(head)
    if head.startswith(_HTML_STARTS) or (head.startswith(b"<") and _has_html(head)):
        return "text/html"
    return None


def _sniff_xml(head: bytes) -> str:
    if b"<rss" in head or b"<rdf:rdf" in head:
        return "application/rss+xml"
    if b"<feed" in head:
        return "application/atom+xml"
    if b"<html" in head:
        return "application/xhtml+xml"
    return "application/xml"


def _has_html(head: bytes) -> bool:
    return any(marker in head for marker in _HTML_INSIDE)
