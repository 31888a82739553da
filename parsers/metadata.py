"""Read what a page says about itself: <meta> tags, JSON-LD, <link rel=canonical>, visible lines.

Every page is parsed with lxml.html into a full document (html/head/body are added when the page is
a fragment, as old CMS output and some crawls are), so that later steps never see a missing body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import lxml.etree
import lxml.html

from agglowatch.errors import ParseError
from parsers import selectors as sel
from parsers.encoding import decode_body

_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")  # icon glyphs of GBK user-defined areas
_ODD_SPACE = re.compile(r"[\ue000-\uf8ff\u200b\ufeff]")
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
# huge_tree: unclosed <font>/<div> tags in old pages nest deeper than libxml2's default limit of
# 256 levels, beyond which it silently drops the rest of the page. No comments or processing
# instructions, no id index: what trafilatura's own parser drops, so that the body extraction,
# which reads this same tree, works on what it would have parsed itself (and is as fast).
_PARSER = lxml.html.HTMLParser(
    huge_tree=True, remove_comments=True, remove_pis=True, collect_ids=False
)
# Every element an HtmlElement, chosen in C: lxml.html's own lookup is a Python method run for
# each element object lxml hands out (hundreds per page in trafilatura's passes, ~0.4 ms),
# only to give <form>, <input>, <select>, <textarea> and <label> their form-filling subclasses,
# which nothing here uses.
_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def clean_space(text: str) -> str:
    """Collapse every kind of white space (ideographic, no-break...) to single spaces."""
    # rare: icon glyphs, zero-width spaces, byte-order marks (none is ASCII; isascii() is O(1))
    if not text.isascii() and _ODD_SPACE.search(text):
        text = _WS.sub(" ", _PRIVATE_USE.sub("", text))
    return " ".join(text.split())  # str.split() knows Unicode white space, and is fast


def load_tree(html: str | bytes) -> lxml.html.HtmlElement:
    """Parse HTML into a full document tree; ParseError when there is nothing to parse."""
    if isinstance(html, bytes):
        html = decode_body(html)[0]
    # lxml refuses str input with an encoding declaration and chokes on control characters.
    text = _INVALID_XML.sub("", html)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    if not text.strip():
        raise ParseError("empty page: no HTML to parse")
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"not parseable as HTML: {exc}") from exc
    return tree


def element_text(element: lxml.html.HtmlElement) -> str:
    """Visible text of one element, one paragraph per block, separated by blank lines."""
    return "\n\n".join(line.text for line in page_lines(element))


# --- visible lines -------------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One line of visible text, with where it sits on the page."""

    text: str
    chrome: bool = False  # inside a header, menu, footer or side bar
    heading: bool = False  # inside h1-h3
    link: bool = False  # all its text is link text (a menu item, a related article)


def _is_chrome(element: Any, tag: str) -> bool:
    """Site header, menu, footer or side bar (an article's own <header> is not chrome)."""
    if tag in sel.CHROME_TAGS:
        return next(element.iterancestors("article", "main"), None) is None
    get = element.get
    names, classes = get("id"), get("class")
    if not names and not classes:  # most elements: no attribute to look at
        return False
    return _chrome_tokens(names or "", classes or "")


@lru_cache(maxsize=4096)
def _chrome_tokens(names: str, classes: str) -> bool:
    """Cached: a page repeats the same few class names on thousands of elements."""
    return not sel.CHROME_TOKENS.isdisjoint(f"{names} {classes}".lower().split())


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style) and bool(_HIDDEN.search(style))


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.chrome = 0
        self.heading = 0
        self.link = 0
        self.unlinked = False

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if not self.link and not self.unlinked and not text.isspace():
                self.unlinked = True

    def flush(self) -> None:
        if not self.parts:  # most block boundaries close an empty line
            self.unlinked = False
            return
        text = clean_space("".join(self.parts))
        self.parts = []
        if text:
            self.lines.append(Line(text, self.chrome > 0, self.heading > 0, not self.unlinked))
        self.unlinked = False


# A label has a word: ':::' alone is the accesskey anchor of Taiwanese government pages.
_LABEL_ONLY = re.compile(r"^(?=[^:：]*\w)\S.{0,11}[:：]$")


def page_lines(root: lxml.html.HtmlElement, *, join_labels: bool = False) -> list[Line]:
    """Visible text of `root`, one line per block; no scripts, styles or hidden parts.

    `join_labels` joins a lone 'label：' line to the value on the next line (table layouts).
    An app's empty shell (Vue, React: '<div id="app"></div>', the text drawn by script) shows
    what its <noscript> copy holds, as a reader without scripts (and a search crawler) sees it.
    """
    lines = _walk_lines(root, sel.SKIP_TAGS)
    if _app_shell(lines, root):
        lines = _walk_lines(root, sel.SKIP_TAGS - {"noscript"})
    return _join_labels(lines) if join_labels else lines


_SHELL_CHARS = 200  # visible characters below which a page with a <noscript> copy is a shell


def _app_shell(lines: list[Line], root: lxml.html.HtmlElement) -> bool:
    if sum(len(line.text) for line in lines) >= _SHELL_CHARS:
        return False
    return any(len(n.text_content()) >= _SHELL_CHARS for n in root.iter("noscript"))


def _walk_lines(root: lxml.html.HtmlElement, skip_tags: AbstractSet[str]) -> list[Line]:
    """The lines of `root`'s text, skipping `skip_tags` and hidden elements."""
    builder = _LineBuilder()
    marks: list[tuple[bool, bool, bool, bool]] = []
    block_tags, heading_tags = sel.BLOCK_TAGS, sel.HEADING_TAGS
    add, flush, push, pop = builder.add, builder.flush, marks.append, marks.pop
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if not isinstance(tag, str):  # comments, processing instructions
            if event == "end":
                add(element.tail)
            continue
        tag = tag.lower()
        if event == "start":
            if tag in skip_tags or _hidden(element):
                walker.skip_subtree()
                push((False, False, False, False))
                continue
            block = tag in block_tags
            chrome, heading, link = _is_chrome(element, tag), tag in heading_tags, tag == "a"
            if block:
                flush()
            if chrome or heading or link:
                builder.chrome += chrome
                builder.heading += heading
                builder.link += link
            push((block, chrome, heading, link))
            add(element.text)
        else:
            block, chrome, heading, link = pop()
            if tag == "th":
                _label_row_header(element, builder)
            if block:
                flush()
            if chrome or heading or link:
                builder.chrome -= chrome
                builder.heading -= heading
                builder.link -= link
            if element is not root:
                add(element.tail)
    builder.flush()
    return builder.lines


def _label_row_header(cell: lxml.html.HtmlElement, builder: _LineBuilder) -> None:
    """'<th>發布日期</th><td>104-10-21</td>': a row's header cell labels the cell beside it, as
    '發布日期：' would (a column header, followed by more headers, labels nothing beside it)."""
    following = cell.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is None or following.tag != "td" or not builder.parts:
        return
    text = clean_space("".join(builder.parts))
    if text and len(text) <= 12 and text[-1] not in ":：":
        builder.parts.append("：")


def _join_labels(lines: list[Line]) -> list[Line]:
    """'发布日期：' alone on a line (a table cell) belongs with the next line's value."""
    joined: list[Line] = []
    for line in lines:
        if joined and _LABEL_ONLY.match(joined[-1].text):
            previous = joined.pop()
            line = Line(
                f"{previous.text} {line.text}", previous.chrome, previous.heading, line.link
            )
        joined.append(line)
    return joined


def headline_chrome(lines: list[Line], title_at: int | None) -> range:
    """The chrome lines around a headline that is itself in a header outside any <article>:
    that header shows the page's own byline and date. Every other chrome line (a side bar's hot
    list, '标题 2024-03-05 记者 刘洋', a footer) names and dates other stories. Empty when the
    headline is page text."""
    if title_at is None or not lines[title_at].chrome:
        return range(0)
    low, high = title_at, title_at
    while low > 0 and lines[low - 1].chrome:
        low -= 1
    while high + 1 < len(lines) and lines[high + 1].chrome:
        high += 1
    return range(low, high + 1)


def other_stories(lines: list[Line]) -> set[int]:
    """Lines of the sections headed as other stories ('Related Articles', '相关阅读'), each up to
    the next heading: 'China's science spending rises 12 Feb 2024 by Jane Qiu' is a related
    story's byline and date, not the page's."""
    found: set[int] = set()
    inside = False
    for index, line in enumerate(lines):
        if line.heading:
            inside = bool(sel.OTHER_STORIES.match(line.text))
        elif _BARE_OTHER_STORIES.fullmatch(line.text):
            inside = True  # an old table layout's '<td><b>相关新闻</b></td>': a heading too
        elif inside and len(line.text) >= _PROSE_CHARS and not line.link:
            inside = False  # prose again: the bare heading's list has ended
        elif inside or _INLINE_OTHER_STORIES.match(line.text):
            found.add(index)
    return found


# A line that is only the heading of other stories, not marked as a heading ('相关新闻' in a
# bold table cell): no colon, nothing after it.
# The words that head a list of other stories, in both layouts below.
_STORIES_HEADING = (
    r"(?:相关|相關)(?:稿件|新闻|新聞|文章|阅读|閱讀|链接|鏈接|連結|报道|報導)"
    r"|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀"
)
_BARE_OTHER_STORIES = re.compile(
    rf"{_STORIES_HEADING}|related\s+(?:articles|stories|news)",
    re.I,
)
_PROSE_CHARS = 60  # a line this long without a link is the page's prose, not a list item


# '相关稿件：（2013-03-12）…', 'Related: …': an e-paper's or a CMS's related list as one line,
# its heading a label run into the links it introduces.
# Only words that name stories: '相关负责人：' opens a quote of the page's own.
_INLINE_OTHER_STORIES = re.compile(
    rf"^(?:{_STORIES_HEADING}|更多(?:新闻|新聞|阅读|閱讀)"
    r"|related(?:\s+(?:articles?|stories|news|links|reading))?|see\s+also|read\s+more)\s*[:：]",
    re.I,
)


# --- <meta>, <link>, JSON-LD ---------------------------------------------------------------------


@dataclass(slots=True)
class PageMetadata:
    """Everything a page declares about itself, before any guessing from its text."""

    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-case name -> contents
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # article-like JSON-LD objects
    canonical: str | None = None
    html_lang: str | None = None
    title_tag: str | None = None
    headings: list[str] = field(default_factory=list)  # h1 texts, then h2
    h1_count: int = 0  # how many of `headings` are h1 texts

    def first(self, names: Iterable[str]) -> str | None:
        for name in names:
            for value in self.meta.get(name, []):
                if value:
                    return value
        return None

    def all(self, names: Iterable[str]) -> list[str]:
        for name in names:
            values = [v for v in self.meta.get(name, []) if v]
            if values:
                return values
        return []


def read_metadata(tree: lxml.html.HtmlElement) -> PageMetadata:
    """Collect <meta>, <link rel=canonical>, <html lang>, <title>, h1/h2 and JSON-LD."""
    data = PageMetadata()
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            name = (element.get(attr) or "").strip().strip("\"'“”‘’").lower()
            if name:
                data.meta.setdefault(name, []).append(clean_space(content))
    for element in tree.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split() and element.get("href"):
            data.canonical = element.get("href", "").strip()
            break
    data.html_lang = (tree.get("lang") or tree.get("xml:lang") or "").strip() or None
    title = tree.find(".//title")
    if title is not None:
        data.title_tag = clean_space(title.text_content()) or None
    for tag in ("h1", "h2"):  # '<h1>主标题<br>副标题</h1>' keeps the space the page shows
        data.headings += [t for t in (_heading_text(h) for h in tree.iter(tag)) if t]
        data.h1_count = len(data.headings) if tag == "h1" else data.h1_count
    data.jsonld = [*_article_objects(tree), *_microdata_objects(tree, data)]
    return data


_DASH_OPENED = re.compile(r"^(?:——|--|—|－－)")


def _heading_text(heading: lxml.html.HtmlElement) -> str:
    """The heading's lines joined by a space, as the page shows them, except before a
    sub-headline that its own dash already separates ('主标题<br>——副标题')."""
    text = ""
    for line in page_lines(heading):
        space = "" if not text or _DASH_OPENED.match(line.text) else " "
        text += space + line.text
    return text


def _article_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            parsed = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for item in _walk_jsonld(parsed, depth=0):
            types = item.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in sel.JSONLD_ARTICLE_TYPES for t in names):
                yield item


# schema.org microdata: elements with itemscope and an itemtype; read only when a page has some.
_MICRODATA_ITEMS = lxml.etree.XPath("//*[@itemscope][@itemtype]")
_MICRODATA_PROPS = lxml.etree.XPath(".//*[@itemprop]")
_NEAREST_ITEM = lxml.etree.XPath("ancestor::*[@itemscope][1]")
# What the fields read from: names, people and dates (never the whole text: itemprop=text).
MICRODATA_KEYS = {
    "author": "author", "creator": "creator", "name": "name", "headline": "headline",
    "datepublished": "datePublished", "datecreated": "dateCreated",
    "datemodified": "dateModified", "publisher": "publisher",
}  # fmt: skip


def _microdata_objects(tree: lxml.html.HtmlElement, page: PageMetadata) -> Iterator[dict[str, Any]]:
    """Article-like microdata items (zhihu's Answer, a CMS's BlogPosting) as JSON-LD-shaped
    dicts, so that authors and dates declared only this way are read like JSON-LD's: an item's
    own properties, a nested Person or Organization by its name. A teaser of another article
    (a '相关阅读' card) is not the page's."""
    for item in _MICRODATA_ITEMS(tree):
        kind = _item_kind(item)
        if kind in sel.JSONLD_ARTICLE_TYPES:
            found = {"@type": kind, **_microdata_properties(item)}
            if not _teaser(item, found, page):
                yield found


def in_teaser(element: lxml.html.HtmlElement, page: PageMetadata) -> bool:
    """Whether `element` is a property of an article item that is a teaser of another article."""
    owner = _NEAREST_ITEM(element) if element.get("itemscope") is None else [element]
    if not owner:
        return False
    item = owner[0]
    if _item_kind(item) not in sel.JSONLD_ARTICLE_TYPES:
        return False
    return _teaser(item, _microdata_properties(item), page)


def _item_kind(item: lxml.html.HtmlElement) -> str:
    """A microdata item's type, as JSON-LD names it: 'https://schema.org/NewsArticle' is
    'newsarticle'."""
    return (item.get("itemtype") or "").strip().rstrip("/").rsplit("/", 1)[-1].lower()


_ITEM_LINKS = lxml.etree.XPath(".//a[@href][@itemprop='url' or ancestor::*[@itemprop='headline']]")


def _teaser(item: lxml.html.HtmlElement, found: dict[str, Any], page: PageMetadata) -> bool:
    """A card or related-story list marked up as articles: the item's headline links to the
    other article, and is neither the page's heading nor in its <title>. (A blog theme that
    links the page's own headline to its permalink keeps that headline.)"""
    headline = found.get("headline") or found.get("name")
    if not isinstance(headline, str) or not _ITEM_LINKS(item):
        return False
    shown = [page.title_tag or "", *page.headings[:1]]
    return not any(headline in text for text in shown if text)


def _microdata_properties(item: lxml.html.HtmlElement) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for prop in _MICRODATA_PROPS(item):
        key = MICRODATA_KEYS.get((prop.get("itemprop") or "").strip().lower())
        owner = _NEAREST_ITEM(prop)
        if key is None or key in found or not owner or owner[0] is not item:
            continue  # a property of a nested item (the question's own date) is not this item's
        if prop.get("itemscope") is not None:
            value: Any = _microdata_properties(prop).get("name")
        else:
            value = _microdata_value(prop)
        if value:
            found[key] = value
    return found


def _microdata_value(prop: lxml.html.HtmlElement) -> str | None:
    for attr in ("content", "datetime"):
        if prop.get(attr):
            return clean_space(prop.get(attr, "")) or None
    return clean_space(prop.text_content()) or None


def _walk_jsonld(node: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in node:
                yield from _walk_jsonld(node[key], depth + 1)


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value as plain text: strings, {"name": ...}, {"@value": ...} or first of a list."""
    if isinstance(value, str):
        return clean_space(value) or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return jsonld_text(value.get("name") or value.get("@value") or value.get("headline"))
    if isinstance(value, list) and value:
        return jsonld_text(value[0])
    return None


def jsonld_names(value: Any) -> list[str]:
    """Every name in a JSON-LD author/keywords value (string, object or list of either)."""
    items = value if isinstance(value, list) else [value]
    names = [jsonld_text(item) for item in items]
    return [name for name in names if name]


def jsonld_first(objects: list[dict[str, Any]], *keys: str) -> Any:
    for obj in objects:
        for key in keys:
            value = obj.get(key)
            if value not in (None, "", []):
                return value
    return None


def normalise_doi(value: str | None) -> str | None:
    """'https://doi.org/10.1/ABC' or 'doi:10.1/ABC' -> '10.1/abc'; None when there is no DOI."""
    if not value:
        return None
    match = _DOI.search(value.replace("%2F", "/").replace("%2f", "/"))
    if not match:
        return None
    return match.group(1).rstrip(".,;)]}").lower()
