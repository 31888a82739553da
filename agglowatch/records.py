"""Typed records passed between the stages.

fetch ─► FetchedPage ─► parse ─► DocumentRecord ─► normalise ─► NormalisedDocument
  ─► dedupe ─► DedupeVerdict ─► tag ─► TagResult ─► store ─► StoreOutcome ─► report ─► digest

Each stage takes one record type and returns the next; none of them knows Prefect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Validators:
    """What a server told us about a URL last time, for conditional GET and change skipping."""

    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None  # a sitemap's <lastmod> for the URL, as written there
    content_hash: str | None = None  # sha256 of the last body, to skip re-parsing identical bytes
    cut_at: int | None = None  # the fetch.max_bytes the body was cut at last time (None: whole)
    length: int | None = None  # the Content-Length the server declared for a cut body
    head_hash: str | None = None  # sha256 of a cut body's first 64 KiB (sources/bodycap.py)

    def conditional_headers(self) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for what the server sent last time."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(slots=True)
class FetchedPage:
    """One HTTP answer, body decoded where it is text."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int  # 200..299, or 304 when not modified
    content: bytes
    content_type: str  # media type only, lower case, e.g. "text/html"
    headers: dict[str, str]
    encoding: str | None = None  # charset used to decode `text`
    text: str | None = None  # decoded body for text types, else None
    truncated: bool = False  # body cut at fetch.max_bytes
    validators: Validators = field(default_factory=Validators)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(slots=True)
class FetchStats:
    """Per-source counters for the run report."""

    requests: int = 0
    not_modified: int = 0
    bytes: int = 0
    truncated: list[str] = field(default_factory=list)  # URLs whose body hit the cap
    cut_unchanged: list[str] = field(default_factory=list)  # over the cap last run, 304 now
    errors: list[str] = field(
        default_factory=list
    )  # per-item problems that did not stop the source
    # listed pages that are gone (404, 410, an error page, a redirect to the home page): missing
    # from the site this run though the listing still names them
    gone: list[str] = field(default_factory=list)


# extra key: the record is what a listing (a feed entry) says of a page that could not be read
# this run. It may stand in for a document never stored, never for a stored page's version.
PAGE_UNREAD = "page_unread"
# extra key, with PAGE_UNREAD: the page is gone (FetchStats.gone); the entry never sees a stored
# document, which is counted missing from its listing instead
PAGE_GONE = "page_gone"


@dataclass(slots=True)
class DocumentRecord:
    """What a parser made of one publication, before normalisation."""

    source: str
    url: str  # final URL of the document (article page, PDF, DOI landing page, file:// path)
    title: str
    text: str  # main text, paragraphs separated by blank lines
    canonical_url: str | None = None  # <link rel=canonical>, og:url... as the page declares it
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None  # never in the future; Chinese sites read as Asia/Shanghai
    language: str | None = None  # "zh", "en", or another ISO 639-1 code
    doi: str | None = None  # lower case, no resolver prefix
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    container: str | None = None  # journal or site name
    listing_url: str | None = None  # the feed/listing/sitemap entry URL that led here
    extra: dict[str, Any] = field(default_factory=dict)
    # dedupe.prepare.Prepared: normalised form, dedupe sketch and tags computed where the page
    # was parsed; the store checks it still matches the fields above before using it
    prepared: Any = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Harvest:
    """Everything one source produced in one run."""

    source: str
    documents: list[DocumentRecord]
    listed_urls: list[str]  # every document URL the listing named, including unchanged (304) ones
    stats: FetchStats
    complete_listing: bool = False  # True when the listing names every live document (folder...)
    state: dict[str, Any] = field(default_factory=dict)  # kind-specific state to persist (cursors)
    warnings: list[str] = field(default_factory=list)
    dates_unparsed: int = 0  # documents whose date could not be read (source health)


@dataclass(slots=True)
class NormalisedDocument:
    """A DocumentRecord with its stable identity and matching form."""

    record: DocumentRecord
    doc_id: str  # stable: from DOI, else canonical URL
    canonical_url: str  # normalised: scheme/host lower case, tracking parameters, fragment dropped
    match_text: (
        str  # NFKC, Simplified, case-folded, boilerplate lines dropped: for hashing/matching
    )
    text_hash: str  # sha256 hex of the whitespace/punctuation-free match_text


@dataclass(slots=True)
class DuplicateRef:
    """What a duplicate duplicates (the earliest document of its cluster, or a seed)."""

    id: str
    url: str
    seed: bool
    similarity: float


@dataclass(slots=True)
class ThemeMatch:
    id: str
    score: float
    terms: list[str]


@dataclass(slots=True)
class RegionMatch:
    id: str
    terms: list[str]


@dataclass(slots=True)
class TagResult:
    themes: list[ThemeMatch]
    regions: list[RegionMatch]


@dataclass(slots=True)
class SourceOutcome:
    """One source's line in the run report."""

    name: str
    status: str  # ok | not_modified | empty | error | broken
    requests: int = 0
    not_modified: int = 0
    bytes: int = 0
    items: int = 0
    new: int = 0
    error: str | None = None
    failures_in_row: int = 0
    last_ok: str | None = None
    warnings: list[str] = field(default_factory=list)  # pages cut or failed, listing notes
    single_attempt: bool = False  # broken for broken_after runs: tried once, without retries
