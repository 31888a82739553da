"""Identity and matching form of a document: canonical URL, stable id, match text, text hash.

The same publication reaches us under many URLs (tracking parameters, share links, ports, case)
and wrapped in many sites' chrome. Everything here is pure and deterministic, so ids and hashes
stay stable across runs, machines and Python versions.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
import unicodedata
from collections import Counter
from functools import lru_cache
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit, urlunsplit

import numpy as np
import numpy.typing as npt

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord, NormalisedDocument
from agglowatch.textnorm import fold
from dedupe import boilerplate

DEFAULT_PORTS = {"http": 80, "https": 443}

# Dropped on every host: analytics, ad clicks and share-sheet markers, never identity.
TRACKING_PARAMS = frozenset(
    {
        "spm",
        "from",
        "isappinstalled",
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "share_token",
        "share_from",
        "share_source",
        "share_medium",
        "tt_from",
        "wxshare_count",
        "scene",
        "subscene",
        "ascene",
        "clicktime",
        "enterid",
        "sharer_sharetime",
        "sharer_shareid",
        "sharer_sharestamp",
        "chksm",
    }
)
TRACKING_PREFIXES = ("utm_",)

# mp.weixin.qq.com: an article is __biz + mid + idx + sn (or a /s/<token> path); every other
# parameter (chksm, scene, sharer_*, pass_ticket, lang, version...) is per reader or per share.
WECHAT_HOSTS = frozenset({"mp.weixin.qq.com"})
WECHAT_IDENTITY = frozenset({"__biz", "mid", "idx", "sn"})

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "/:@!$&'()*+,;="
_QUERY_SAFE = "/?:@!$'()*+,;="
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)

EMPTY_TEXT_HASH = hashlib.sha256(b"").hexdigest()  # the hash of a document without text


@lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """One spelling per address: case, default port, fragment and tracking parameters removed.

    Dot segments (/a/./b/../c) are resolved as a browser resolves them (RFC 3986 5.2.4).
    Kept as is: the path (no "index.html" folding: sites differ), query parameters that are not
    tracking (sorted), and fragments that are single-page-app routes ("#!/..." or "#/...").
    Cached: the store asks for each harvested URL's form several times (its lock order, the
    listing URL, the listed URLs of mark_missing).
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = _host(parts)
    path = _without_dot_segments(_requote(parts.path, _PATH_SAFE)) or "/"
    query = _query(parts.query, host)
    fragment = parts.fragment if parts.fragment.startswith(("!", "/")) else ""
    return urlunsplit((scheme, host, path, query, fragment))


def _without_dot_segments(path: str) -> str:
    """`path` with its "." and ".." segments resolved; untouched when it has none (most)."""
    if "." not in path:
        return path
    segments = path.split("/")
    if not any(seg in (".", "..") for seg in segments):
        return path
    kept: list[str] = []
    for seg in segments[1:] if path.startswith("/") else segments:
        if seg == "..":
            if kept:
                kept.pop()
        elif seg != ".":
            kept.append(seg)
    trailing = segments[-1] in (".", "..")  # /a/b/.. is the folder /a/
    return "/" + "/".join(kept) + ("/" if trailing and kept else "")


def _host(parts: SplitResult) -> str:
    """Lower-case host (IDNA for non-ASCII), no credentials, no default port."""
    host = (parts.hostname or "").rstrip(".")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError:
        return host
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def _query(query: str, host: str) -> str:
    """Non-tracking parameters, each re-encoded the one way, sorted."""
    kept: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        raw_name, sep, raw_value = piece.partition("=")
        name = unquote(raw_name.replace("+", " ")).strip().lower()
        if _is_tracking(name, host):
            continue
        norm = _requote(raw_name, _QUERY_SAFE) + sep + _requote(raw_value, _QUERY_SAFE)
        kept.append((name, norm))
    kept.sort()
    return "&".join(norm for _, norm in kept)


def _is_tracking(name: str, host: str) -> bool:
    """A query parameter (decoded, lower case) that says who shared or clicked, not what."""
    if host in WECHAT_HOSTS:
        return name not in WECHAT_IDENTITY
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def without_tracking(url: str) -> str:
    """`url` with its tracking parameters removed and nothing else changed (order, case, the
    other parameters' spelling): the address to show a reader. A document's `url` is the final
    URL as fetched, which keeps the share link's utm_* when that is how it was found; a digest
    links to the same page without them."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.query:
        return url
    host = _host(parts)
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece
        and not _is_tracking(
            unquote(piece.partition("=")[0].replace("+", " ")).strip().lower(), host
        )
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


def _requote(part: str, safe: str) -> str:
    """RFC 3986 normal form: non-ASCII as UTF-8 escapes, escapes in upper case, and escaped
    unreserved characters decoded, so "%e5%9f%8e", "%E5%9F%8E" and "城" are one spelling."""
    part = _STRAY_PERCENT.sub("%25", part)
    quoted = quote(part, safe=safe + "%")

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _UNRESERVED else "%" + match[1].upper()

    return _ESCAPE.sub(fix, quoted)


def normalise_doi(doi: str) -> str:
    """Lower case, no resolver prefix: "https://doi.org/10.1/ABC" -> "10.1/abc"."""
    return _DOI_PREFIX.sub("", doi.strip()).strip().lower()


def doc_id_for(canonical: str, doi: str | None) -> str:
    """Stable 16-hex id: from the DOI when there is one (it outlives URLs), else the URL."""
    basis = f"doi:{normalise_doi(doi)}" if doi and normalise_doi(doi) else f"url:{canonical}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def _chrome_matchers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(nav-only line, prefix/contains/pattern line) regexes compiled from dedupe.boilerplate."""
    phrases = sorted(boilerplate.NAV_PHRASES, key=len, reverse=True)
    separators = re.escape(boilerplate.NAV_SEPARATORS)
    nav = re.compile(
        r"(?:(?:" + "|".join(map(re.escape, phrases)) + r")|[\s" + separators + r"\W])+"
    )
    alternatives = [re.escape(p) + ".*" for p in boilerplate.LINE_PREFIXES]
    alternatives += [".*" + re.escape(c) + ".*" for c in boilerplate.LINE_CONTAINS]
    alternatives += [f"(?:{p})" for p in boilerplate.LINE_PATTERNS]
    line = re.compile("|".join(f"(?:{a})" for a in alternatives), re.DOTALL)
    return nav, line


def is_chrome(line: str) -> bool:
    """True when a folded line is site chrome: navigation, share widgets, metadata, copyright."""
    stripped = line.strip()
    if not stripped:
        return True
    # A character is one or two columns wide: only lines between half and the whole limit in
    # characters need their width measured.
    if len(stripped) > boilerplate.MAX_CHROME_LINE:
        return False
    if 2 * len(stripped) > boilerplate.MAX_CHROME_LINE and _width(stripped) > (
        boilerplate.MAX_CHROME_LINE
    ):
        return False
    nav, chrome = _chrome_matchers()
    return nav.fullmatch(stripped) is not None or chrome.fullmatch(stripped) is not None


def _width(line: str) -> int:
    """Display width: a Han character counts two, as it carries about a word's worth of text."""
    widths = Counter(map(unicodedata.east_asian_width, line))  # counted in C, not per character
    return len(line) + widths["W"] + widths["F"]


def match_text(text: str) -> str:
    """Matching form: folded (NFKC, Simplified, case-folded) with chrome lines removed."""
    lines = fold(text).splitlines()
    return "\n".join(line.strip() for line in lines if not is_chrome(line))


def hash_form(text: str) -> str:
    """`text` without whitespace and punctuation (Unicode P* categories): what text_hash hashes.

    One str.translate over a table of every such code point (built on first use), ~8x faster
    than testing each character's category; the last few results are cached, as dedupe asks
    again for the text normalise just hashed.
    """
    if len(text) < 512:
        return text.translate(_dropped_chars())
    return _hash_form_cached(text)


@lru_cache(maxsize=64)
def _hash_form_cached(text: str) -> str:
    if text.isascii():  # str.translate's ASCII fast path
        return text.translate(_dropped_chars())
    # Otherwise translate looks each character up in the dict (~30 ns each: 0.25 ms for a
    # Chinese page); one mask lookup over the UTF-32 code points is ten times faster.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codes[_kept_mask()[codes]].tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=1)
def _kept_mask() -> npt.NDArray[np.bool_]:
    """numpy bool array over every code point: True where hash_form keeps the character."""
    mask = np.ones(sys.maxunicode + 1, dtype=bool)
    mask[np.fromiter(_dropped_chars(), dtype=np.int64)] = False
    return mask


@lru_cache(maxsize=1)
def _dropped_chars() -> dict[int, None]:
    """str.translate table deleting whitespace and Unicode punctuation (P*) code points."""
    return {
        cp: None
        for cp in range(sys.maxunicode + 1)
        if chr(cp).isspace() or unicodedata.category(chr(cp))[0] == "P"
    }


def text_hash(match: str) -> str:
    """sha256 hex of a match text with whitespace and punctuation removed.

    The text of an empty document hashes to EMPTY_TEXT_HASH, which must never be read as
    "same text".
    """
    return hashlib.sha256(hash_form(match).encode("utf-8")).hexdigest()


def normalise(record: DocumentRecord) -> NormalisedDocument:
    """Identity and matching form of a parsed record (ParseError when it has no address)."""
    if not record.url.strip() and not record.doi:
        raise ParseError(f"{record.source}: document {record.title[:60]!r} has no URL or DOI")
    canonical = canonical_url(_identity_url(record))
    doi = normalise_doi(record.doi) if record.doi else None
    text = match_text(record.text if record.text.strip() else record.abstract or "")
    return NormalisedDocument(
        record=record,
        doc_id=doc_id_for(canonical, doi),
        canonical_url=canonical,
        match_text=text,
        text_hash=text_hash(text),
    )


def _identity_url(record: DocumentRecord) -> str:
    """The page's declared canonical URL when it is plausible, else the URL it was fetched at.

    Declared canonicals are trusted only on the same site (ignoring www./m./wap.) and when they do
    not point at the site root: templates often declare the home page for every article.
    """
    declared = (record.canonical_url or "").strip()
    if not declared or not record.url:
        return record.url
    absolute = urljoin(record.url, declared)
    try:
        mine, theirs = urlsplit(record.url), urlsplit(absolute)
    except ValueError:
        return record.url
    if theirs.scheme.lower() not in DEFAULT_PORTS or _site(mine) != _site(theirs):
        return record.url
    if theirs.path in ("", "/") and mine.path not in ("", "/"):
        return record.url
    return absolute


def _site(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "wap."):
        host = host.removeprefix(prefix)
    return host
