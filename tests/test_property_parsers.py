"""Property tests: every parser takes arbitrary bytes/strings and returns a result or a typed error.

tests/test_parse_*.py already fuzz parse_feed (bytes, one-item RSS), extract_article (text),
parse_date / find_published_date (text) and the listing functions; this file covers the rest:
sitemaps, Crossref and OpenAlex JSON, PDF, DOCX, plain text, decode_body, robots.txt, media types,
parse_page (what any response body goes through), the config loader, and structured generation
close to the real shapes (RSS/Atom with random entries, article pages with random metadata, API
answers with random values in the documented fields), checking that the records the parsers
produce can be normalised for the store.

`AGGLOWATCH_FUZZ_EXAMPLES` sets the number of examples per test (`make fuzz`: 20000).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agglowatch.config import load_config, parse_config
from agglowatch.errors import AgglowatchError, ConfigError, ParseError
from agglowatch.records import DocumentRecord, FetchedPage
from dedupe.normalise import normalise
from parsers import crossref, openalex
from parsers.article import extract_article
from parsers.docx import parse_docx
from parsers.encoding import decode_body, normalise_charset
from parsers.feed import parse_feed
from parsers.pdf import parse_pdf
from parsers.plaintext import parse_text
from parsers.sitemap import lastmod_date, parse_sitemap
from sources.articles import parse_page
from sources.http import parse_retry_after
from sources.mediatype import effective_type, is_text_type
from sources.robots import parse_robots

EXAMPLES = int(os.environ.get("AGGLOWATCH_FUZZ_EXAMPLES", "300"))
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
URL = "https://x.example/path/page"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Slow targets (trafilatura, pypdf, python-docx) get a third of the examples.
FUZZ_SLOW = settings(FUZZ, max_examples=max(EXAMPLES // 3, 30))

# -- building blocks ------------------------------------------------------------------------------

# Text close to the real web: Chinese, English, markup characters, entities, odd white space.
WORDS = st.sampled_from(
    [
        "城市群",
        "高质量发展",
        "京津冀",
        "新型基础设施",
        "urban",
        "agglomeration",
        "2023年1月16日",
        "2023-01-16",
        "<b>",
        "</p>",
        "&amp;",
        "&nbsp;",
        "&#x4e2d;",
        "&bogus;",
        "]]>",
        "\u3000",
        "\x00",
        "\ufeff",
        "\ud7ff",
        "\U0001f600",
        "javascript:alert(1)",
        "<script>",
        "'",
        '"',
        "\r\n",
        "\t",
        "%",
        "%zz",
        "http://[::1",
        "10.1234/abc",
        "doi:",
        "作者：",
        "发布时间：",
    ]
)
TEXT = st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=12).map(" ".join))
# Markup-character soup: what makes XML/HTML parsers take their odd paths (b"<:" once did).
SOUP = st.text(alphabet="<>:/?!-=\"'&;#[] xmlnsurlotcfdeia\n", max_size=80).map(str.encode)
URLISH = st.one_of(
    st.sampled_from(
        [
            "https://x.example/a",
            "/relative/b.html",
            "http://[::1",
            "http://[invalid/x",
            "https://a.example:99999/x",
            "http://exa mple.com/x",
            "file:///etc/passwd",
            "ftp://x.example/f",
            "javascript:alert(1)",
            "//cdn.example/x",
            "mailto:a@b",
            "",
            "http://user:pw@x.example/",
            "https://x.example/%zz",
            "https://xn--fiqs8s.example/",
            "https://中国.example/路径?q=城市群#frag",
            "http://127.0.0.1:0/",
            "https://x.example/" + "a" * 3000,
        ]
    ),
    st.text(max_size=40),
    st.builds(lambda a: f"https://x.example/{a}", st.text(max_size=30)),
)
JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT, st.just("")
)
JSON_ANY = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The value, JSON junk of another type, or nothing: real APIs send all three."""
    return st.one_of(strategy, JSON_ANY, st.none())


def storable(records: list[DocumentRecord]) -> None:
    """What a parser returns must be accepted by the store's first step (normalise)."""
    for record in records:
        assert isinstance(record.title, str) and isinstance(record.text, str)
        assert record.published is None or record.published <= TODAY + dt.timedelta(days=1)
        normalise(record)


# -- decoding, media types, robots.txt ------------------------------------------------------------

CHARSETS = st.sampled_from(
    ["utf-8", "gbk", "gb2312", "big5", "shift_jis", "utf-16", "latin-1", "bogus-charset", "", "'"]
)


@FUZZ
@given(
    st.binary(max_size=2000),
    st.one_of(st.none(), TEXT, CHARSETS.map("text/html; charset={}".format)),
)
def test_property_decode_body_never_raises(content: bytes, content_type: str | None) -> None:
    text, codec = decode_body(content, content_type)
    assert isinstance(text, str)
    assert normalise_charset(codec) is not None  # a codec Python knows


@FUZZ
@given(TEXT, st.sampled_from(["utf-8", "gbk", "gb2312", "gb18030", "big5"]))
def test_property_decode_body_round_trips_declared_text(text: str, charset: str) -> None:
    """Text in the charsets of the watched sites comes back as written when declared."""
    try:
        data = text.encode(charset)
    except UnicodeEncodeError:
        return
    if data.decode(charset) != text or text.startswith("\ufeff"):
        return  # the codec itself does not round-trip this text
    decoded, _ = decode_body(data, f"text/html; charset={charset}")
    assert decoded == text


@FUZZ
@given(st.one_of(st.none(), TEXT, CHARSETS), st.binary(max_size=600))
def test_property_media_type_is_always_a_string(content_type: str | None, body: bytes) -> None:
    media = effective_type(content_type, body)
    assert media == media.lower() and ";" not in media
    is_text_type(media)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=1000),
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "User-agent",
                        "Disallow",
                        "Allow",
                        "Crawl-delay",
                        "Request-rate",
                        "Sitemap",
                        "Host",
                        "junk",
                        "",
                    ]
                ),
                TEXT,
            ),
            max_size=12,
        ).map(
            lambda lines: "\n".join(f"{k}: {v}" for k, v in lines).encode("utf-8", "surrogatepass")
        ),
    ),
    URLISH,
)
def test_property_robots_rules_never_raise(content: bytes, url: str) -> None:
    rules = parse_robots(content)
    assert isinstance(rules.allows(url, "agglowatch"), bool)
    delay = rules.delay("agglowatch")
    assert delay is None or 0.0 <= delay <= 60.0


@FUZZ
@given(st.one_of(st.none(), TEXT, st.integers().map(str), st.floats().map(str)))
def test_property_retry_after_and_lastmod_dates(value: str | None) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or seconds >= 0.0
    day = lastmod_date(value)
    assert day is None or isinstance(day, dt.date)


# -- sitemaps -------------------------------------------------------------------------------------


def sitemap_xml(kind: str, entries: list[tuple[str, str | None]], namespace: str) -> bytes:
    child = "url" if kind == "urlset" else "sitemap"
    items = "".join(
        f"<{child}><loc>{escape(loc)}</loc>"
        + (f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod is not None else "")
        + f"</{child}>"
        for loc, lastmod in entries
    )
    xmlns = f" xmlns={quoteattr(namespace)}" if namespace else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><{kind}{xmlns}>{items}</{kind}>'.encode(
        "utf-8", "surrogatepass"
    )


SITEMAPS = st.builds(
    sitemap_xml,
    st.sampled_from(["urlset", "sitemapindex"]),
    st.lists(st.tuples(URLISH, st.one_of(st.none(), TEXT)), max_size=8),
    st.sampled_from(["", "http://www.sitemaps.org/schemas/sitemap/0.9", "urn:x"]),
)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=1500),
        SOUP,
        SITEMAPS,
        SITEMAPS.map(gzip.compress),
        SITEMAPS.map(lambda data: gzip.compress(data)[: max(len(data) // 2, 3)]),
        st.lists(URLISH, max_size=6).map(lambda lines: "\n".join(lines).encode("utf-8", "replace")),
        st.binary(max_size=200).map(lambda data: b"\x1f\x8b" + data),
    )
)
@example(b"<:")
def test_property_parse_sitemap_raises_only_parse_error(content: bytes) -> None:
    try:
        sitemap = parse_sitemap(content, URL, max_size=200_000)
    except ParseError as exc:
        assert URL in str(exc)
        return
    assert sitemap.kind in ("urlset", "index")
    for entry in sitemap.entries:
        assert isinstance(entry.loc, str) and entry.loc
        assert entry.lastmod is None or isinstance(entry.lastmod, str)


# -- feeds: structured RSS and Atom ---------------------------------------------------------------


def rss(items: list[dict[str, str]], encoding: str, language: str) -> bytes:
    body = "".join(
        "<item>" + "".join(f"<{k}>{v}</{k.split()[0]}>" for k, v in item.items()) + "</item>"
        for item in items
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>t</title><language>{language}</language>{body}</channel></rss>"
    )
    return text.encode(encoding if encoding != "bogus" else "utf-8", "replace")


def atom(entries: list[dict[str, str]]) -> bytes:
    body = "".join(
        "<entry>"
        + "".join(
            f'<link href="{v}"/>' if k == "link" else f"<{k}>{v}</{k}>" for k, v in entry.items()
        )
        + "</entry>"
        for entry in entries
    )
    text = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{body}</feed>'
    return text.encode("utf-8", "surrogatepass")


def field_value(escaped: bool) -> st.SearchStrategy[str]:
    """Field content as feeds write it: escaped text, CDATA, raw markup, or raw junk."""
    return st.one_of(
        TEXT.map(escape),
        TEXT.map(lambda t: f"<![CDATA[{t}]]>"),
        TEXT if not escaped else TEXT.map(escape),
    )


RSS_ITEM = st.fixed_dictionaries(
    {},
    optional={
        "title": field_value(False),
        "link": st.one_of(URLISH.map(escape), URLISH),
        "guid": URLISH.map(escape),
        "guid isPermaLink='false'": URLISH.map(escape),
        "description": field_value(False),
        "content:encoded": field_value(False),
        "pubDate": st.one_of(
            TEXT.map(escape), st.just("Tue, 05 Mar 2024 08:00:00 GMT"), st.just("2099-01-01")
        ),
        "dc:date": TEXT.map(escape),
        "dc:creator": field_value(True),
        "author": field_value(True),
        "category": TEXT.map(escape),
    },
)
ATOM_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "title": field_value(False),
        "link": URLISH.map(lambda u: escape(u, {'"': "&quot;"})),
        "id": URLISH.map(escape),
        "summary": field_value(False),
        "updated": TEXT.map(escape),
        "published": st.one_of(TEXT.map(escape), st.just("2023-01-16T10:30:00+08:00")),
    },
)
FEEDS = st.one_of(
    st.builds(
        rss,
        st.lists(RSS_ITEM, max_size=6),
        st.sampled_from(["utf-8", "gbk", "big5", "iso-8859-1", "bogus"]),
        st.sampled_from(["zh-cn", "en", "", "x" * 40, "&amp;"]),
    ),
    st.builds(atom, st.lists(ATOM_ENTRY, max_size=6)),
)


@FUZZ_SLOW
@given(st.one_of(FEEDS, SOUP))
@example(rss([{"title": "t", "guid isPermaLink='false'": "http://[x"}], "utf-8", "en"))
@example(atom([{"title": "t", "id": "http://[::1"}]))
def test_property_structured_feeds_give_entries_or_parse_error(content: bytes) -> None:
    try:
        entries = parse_feed(content, URL, now=NOW)
    except ParseError as exc:
        assert URL in str(exc)
        return
    for entry in entries:
        assert entry.url.startswith(("http://", "https://")) and "#" not in entry.url
        assert entry.published is None or entry.published <= TODAY + dt.timedelta(days=1)
    storable([entry.to_record("s") for entry in entries])


# -- article pages with random metadata -----------------------------------------------------------

META_NAMES = st.sampled_from(
    [
        "citation_title",
        "citation_author",
        "citation_publication_date",
        "citation_doi",
        "citation_keywords",
        "citation_journal_title",
        "citation_abstract",
        "dc.date",
        "dc.title",
        "author",
        "keywords",
        "description",
        "pubdate",
        "og:url",
        "og:title",
        "og:site_name",
        "article:published_time",
        "publishdate",
        "ArticleTitle",
        "PubDate",
        "ContentSource",
        "citation_pdf_url",
    ]
)


def page(metas: list[tuple[str, str]], canonical: str | None, jsonld: Any, body: list[str]) -> str:
    head = "".join(
        f"<meta name={quoteattr(n)} property={quoteattr(n)} content={quoteattr(v)}>"
        for n, v in metas
    )
    if canonical is not None:
        head += f"<link rel=canonical href={quoteattr(canonical)}>"
    if jsonld is not None:
        head += f'<script type="application/ld+json">{json.dumps(jsonld)}</script>'
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body)
    return f"<html><head>{head}</head><body><h1>标题 Title</h1>{paragraphs}</body></html>"


JSONLD = st.one_of(
    st.none(),
    JSON_ANY,
    st.fixed_dictionaries(
        {"@type": st.sampled_from(["NewsArticle", "Article", "ScholarlyArticle"])},
        optional={
            "headline": maybe(TEXT),
            "datePublished": maybe(TEXT),
            "author": maybe(st.lists(st.fixed_dictionaries({"name": maybe(TEXT)}), max_size=3)),
            "mainEntityOfPage": maybe(st.fixed_dictionaries({"@id": maybe(URLISH)})),
            "url": maybe(URLISH),
        },
    ),
)
PAGES = st.builds(
    page,
    st.lists(st.tuples(META_NAMES, st.one_of(TEXT, URLISH)), max_size=8),
    st.one_of(st.none(), URLISH),
    JSONLD,
    st.lists(TEXT, min_size=1, max_size=5).map(lambda ps: [*ps, "城市群高质量发展。" * 8]),
)


@FUZZ_SLOW
@given(PAGES)
@example(page([], "http://[::1", None, ["城市群高质量发展。" * 8]))
@example(page([("citation_pdf_url", "http://[::1")], "HTTP:", None, ["城市群高质量发展。" * 8]))
def test_property_article_pages_with_random_metadata(html: str) -> None:
    try:
        record = extract_article(html, URL, source="s", now=NOW)
    except ParseError:
        return
    if record.canonical_url is not None:
        parts = urlsplit(record.canonical_url)
        assert parts.scheme.lower() in ("http", "https") and parts.netloc
    storable([record])


# -- any response body through parse_page ---------------------------------------------------------

CONTENT_TYPES = st.sampled_from(
    [
        "text/html",
        "text/plain",
        "application/pdf",
        "application/octet-stream",
        "text/xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
        "",
    ]
)
BODIES = st.one_of(
    st.binary(max_size=1500),
    SOUP,
    st.binary(max_size=400).map(lambda data: b"%PDF-1.4\n" + data),
    st.binary(max_size=400).map(lambda data: b"PK\x03\x04" + data),
    PAGES.map(lambda html: html.encode("utf-8", "surrogatepass")),
    PAGES.map(lambda html: html.encode("utf-8", "surrogatepass")[: len(html) // 2]),
)


@FUZZ_SLOW
@given(BODIES, CONTENT_TYPES, st.booleans())
def test_property_parse_page_any_body_any_type(body: bytes, content_type: str, cut: bool) -> None:
    """What every fetched document goes through: a record or an AgglowatchError, never a crash."""
    text = decode_body(body)[0] if content_type.startswith("text/") else None
    fetched = FetchedPage(URL, URL, 200, body, content_type, {}, text=text, truncated=cut)
    try:
        record = asyncio.run(parse_page(fetched, source="s", now=NOW))
    except AgglowatchError:
        return
    storable([record])


# -- PDF, DOCX, plain text ------------------------------------------------------------------------


def tiny_pdf(text: str) -> bytes:
    """A minimal one-page PDF whose text layer says `text` (hand-built: pypdf cannot add text)."""
    safe = text.encode("latin-1", "replace").replace(b"\\", b"\\\\")
    safe = safe.replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 12 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    return bytes(buffer)


EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6)


def test_tiny_pdf_is_a_readable_pdf() -> None:
    """The generator behind the PDF property test makes real PDFs (else the test tests nothing)."""
    record = parse_pdf(tiny_pdf("Urban agglomerations in China"), URL, source="s")
    assert "Urban agglomerations in China" in record.text


@FUZZ_SLOW
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=600).map(lambda data: b"%PDF-1.7\n" + data),
        st.builds(mutate, TEXT.map(tiny_pdf), EDITS),
        st.builds(lambda t, n: tiny_pdf(t)[:n], TEXT, st.integers(0, 700)),
    )
)
def test_property_parse_pdf_raises_only_parse_error(content: bytes) -> None:
    try:
        record = parse_pdf(content, URL, source="s")
    except ParseError as exc:
        assert URL in str(exc)
        return
    assert record.text.strip()
    storable([record])


def tiny_docx(paragraphs: list[str]) -> bytes:
    """A minimal .docx (the three parts Word needs) holding `paragraphs`."""
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8", "surrogatepass"))
    return out.getvalue()


def test_tiny_docx_is_a_readable_docx() -> None:
    record = parse_docx(tiny_docx(["城市群报告", "正文第一段。"]), URL, source="s")
    assert record.title == "城市群报告" and "正文第一段" in record.text


@FUZZ_SLOW
@given(
    st.one_of(
        st.binary(max_size=1000),
        st.binary(max_size=400).map(lambda data: b"PK\x03\x04" + data),
        st.lists(TEXT, max_size=4).map(tiny_docx),
        st.builds(mutate, st.lists(TEXT, max_size=3).map(tiny_docx), EDITS),
    )
)
def test_property_parse_docx_raises_only_parse_error(content: bytes) -> None:
    try:
        record = parse_docx(content, URL, source="s")
    except ParseError as exc:
        assert URL in str(exc)
        return
    storable([record])


@FUZZ
@given(st.one_of(st.binary(max_size=1500), TEXT.map(lambda t: t.encode("gbk", "replace"))))
def test_property_parse_text_raises_only_parse_error(content: bytes) -> None:
    try:
        record = parse_text(content, URL, source="s")
    except ParseError:
        return
    assert record.title.strip()
    storable([record])


# -- Crossref and OpenAlex JSON -------------------------------------------------------------------

DATE_OBJECT = st.fixed_dictionaries(
    {
        "date-parts": maybe(
            st.lists(st.lists(maybe(st.integers(-10, 100_000)), max_size=4), max_size=2)
        )
    }
)
CROSSREF_ITEM = st.fixed_dictionaries(
    {},
    optional={
        "DOI": maybe(TEXT),
        "title": maybe(st.lists(maybe(TEXT), max_size=2)),
        "abstract": maybe(TEXT.map(lambda t: f"<jats:p>{t}</jats:p>")),
        "author": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {}, optional={"given": maybe(TEXT), "family": maybe(TEXT), "name": maybe(TEXT)}
                ),
                max_size=3,
            )
        ),
        "published-online": maybe(DATE_OBJECT),
        "published-print": maybe(DATE_OBJECT),
        "issued": maybe(DATE_OBJECT),
        "indexed": maybe(DATE_OBJECT),
        "container-title": maybe(st.lists(maybe(TEXT), max_size=2)),
        "language": maybe(TEXT),
        "subject": maybe(st.lists(maybe(TEXT), max_size=2)),
        "resource": maybe(
            st.fixed_dictionaries({"primary": maybe(st.fixed_dictionaries({"URL": maybe(URLISH)}))})
        ),
        "URL": maybe(URLISH),
        "type": maybe(TEXT),
    },
)
CROSSREF = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["ok", "error", ""]),
        "message": maybe(
            st.fixed_dictionaries(
                {"items": maybe(st.lists(maybe(CROSSREF_ITEM), max_size=4))},
                optional={"next-cursor": maybe(TEXT), "total-results": maybe(st.integers())},
            )
        ),
    }
)
OPENALEX_WORK = st.fixed_dictionaries(
    {},
    optional={
        "id": maybe(URLISH),
        "doi": maybe(st.one_of(TEXT, TEXT.map("https://doi.org/10.1/{}".format))),
        "title": maybe(TEXT),
        "display_name": maybe(TEXT),
        "publication_date": maybe(st.one_of(TEXT, st.dates().map(str))),
        "language": maybe(TEXT),
        "abstract_inverted_index": maybe(
            st.dictionaries(
                TEXT, maybe(st.lists(maybe(st.integers(-5, 30_000)), max_size=4)), max_size=6
            )
        ),
        "authorships": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "author": maybe(st.fixed_dictionaries({"display_name": maybe(TEXT)})),
                        "raw_author_name": maybe(TEXT),
                    },
                ),
                max_size=3,
            )
        ),
        "primary_location": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "landing_page_url": maybe(URLISH),
                    "pdf_url": maybe(URLISH),
                    "source": maybe(st.fixed_dictionaries({"display_name": maybe(TEXT)})),
                },
            )
        ),
        "keywords": maybe(
            st.lists(maybe(st.fixed_dictionaries({"display_name": maybe(TEXT)})), max_size=3)
        ),
    },
)
OPENALEX = st.fixed_dictionaries(
    {
        "meta": maybe(
            st.fixed_dictionaries(
                {}, optional={"next_cursor": maybe(TEXT), "count": maybe(st.integers())}
            )
        ),
        "results": maybe(st.lists(maybe(OPENALEX_WORK), max_size=4)),
    }
)


def as_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


@FUZZ
@given(st.one_of(st.binary(max_size=500), JSON_ANY.map(as_json), CROSSREF.map(as_json)))
def test_property_crossref_works_raise_only_parse_error(content: bytes) -> None:
    try:
        page = crossref.parse_works(content, URL, source="s", today=TODAY)
    except ParseError as exc:
        assert URL in str(exc)
        return
    assert page.size == len(page.records) + len(page.errors)
    for record in page.records:
        assert record.url.startswith(crossref.DOI_RESOLVER) and record.doi and record.title
    storable(page.records)


@FUZZ
@given(st.one_of(st.binary(max_size=500), JSON_ANY.map(as_json), OPENALEX.map(as_json)))
def test_property_openalex_works_raise_only_parse_error(content: bytes) -> None:
    try:
        page = openalex.parse_works(content, URL, source="s", today=TODAY)
    except ParseError as exc:
        assert URL in str(exc)
        return
    assert page.size == len(page.records) + len(page.errors)
    for record in page.records:
        assert record.title and record.url
        assert len(record.abstract or "") <= 31 * openalex.MAX_ABSTRACT_WORDS * 4
    storable(page.records)


# -- the config loader ----------------------------------------------------------------------------

FETCH = st.fixed_dictionaries(
    {},
    optional={
        "timeout": JSON_ANY,
        "retries": JSON_ANY,
        "max_bytes": JSON_ANY,
        "user_agent": JSON_ANY,
        "allow_private_addresses": JSON_ANY,
        "per_host_delay": JSON_ANY,
        "unknown": JSON_ANY,
    },
)
SOURCE = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.sampled_from(["ok-name", "Bad Name", "", "a"]), JSON_ANY),
        "kind": st.one_of(
            st.sampled_from(["feed", "html", "sitemap", "crossref", "openalex", "folder", "rss"]),
            JSON_ANY,
        ),
        "url": maybe(URLISH),
        "links": maybe(TEXT),
        "include": maybe(st.sampled_from(["(", "[a-", "\\", "ok", "(?P<x>"])),
        "filter": JSON_ANY,
        "max_pages": JSON_ANY,
        "path": JSON_ANY,
        "enabled": JSON_ANY,
        "fields": maybe(
            st.fixed_dictionaries({}, optional={"title": maybe(TEXT), "bogus": JSON_ANY})
        ),
    },
)
CONFIGS = st.fixed_dictionaries(
    {},
    optional={
        "database": maybe(TEXT),
        "fetch": maybe(FETCH),
        "sources": maybe(st.lists(maybe(SOURCE), max_size=4)),
        "digest": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "formats": JSON_ANY,
                    "email": maybe(
                        st.fixed_dictionaries(
                            {}, optional={"to": JSON_ANY, "host": JSON_ANY, "port": JSON_ANY}
                        )
                    ),
                },
            )
        ),
        "removed_after": JSON_ANY,
        "dedupe": JSON_ANY,
    },
)


@FUZZ
@given(st.one_of(CONFIGS, st.dictionaries(st.text(max_size=10), JSON_ANY, max_size=5)))
def test_property_parse_config_raises_only_config_error(raw: dict[str, Any]) -> None:
    try:
        config = parse_config(raw, Path("/etc/agglowatch/agglowatch.yaml"))
    except ConfigError as exc:
        assert str(exc).startswith("/etc/agglowatch/agglowatch.yaml: invalid configuration")
        return
    assert all(source.name for source in config.sources)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=400),
        CONFIGS.map(
            lambda raw: yaml.safe_dump(raw, allow_unicode=True).encode("utf-8", "surrogatepass")
        ),
        TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
)
def test_property_load_config_file_raises_only_config_error(
    tmp_path_factory: Any, data: bytes
) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz-agglowatch.yaml"
    path.write_bytes(data)
    try:
        load_config(path)
    except ConfigError as exc:
        assert str(path) in str(exc)
