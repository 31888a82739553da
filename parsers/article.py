"""One article page -> DocumentRecord: main text by trafilatura, metadata as the page declares it.

Precedence for every field: configured CSS selectors, then declared metadata (citation_*, Dublin
Core, JSON-LD, OpenGraph, Chinese CMS <meta>), then conventions of the visible text (bylines,
labelled dates), then the `fallback` record (what a feed said).

Authors: reporters and labelled authors (作者：, 记者, 特派员, 文/, 编译｜, 执笔人, By ...) are
authors; 来源 is the source, not an author (unless its value is a person's name); a 责任编辑 /
责编 (the desk editor) is never an author, nor is an author <meta> naming the page's editor or its
source. An '编辑：' who compiled a reposted piece is kept only when the page names nobody else
(reposts credit only them) and no 责任编辑 beside it makes it a newsroom role. An element whose
class or id marks the author list (CNKI, ScienceDirect, think tanks) gives its linked names. The
issuing body of a government notice (发文机关) is its corporate author, unless its 文号 field is
empty (a release the portal posts). A forum thread's author is its first post's poster, the
profile link a few lines above that post's bare '发表于 <date>'. Microdata items (itemscope)
count as JSON-LD. A byline in the page's chrome (a side bar's hot list, a footer; unless that
chrome holds the headline too) or under a 'Related' / '相关阅读' heading credits another story.
A blog's <title> may name its writer after the headline ('Title - by Emily Carter - Blog').
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from soupsieve import SelectorSyntaxError

from agglowatch.config import FieldSelectors
from agglowatch.errors import ConfigError, ParseError
from agglowatch.records import DocumentRecord
from parsers import selectors as sel
from parsers.dates import (
    document_issuers,
    find_published_date,
    parse_date,
    signature,
    title_index,
    unnumbered,
)
from parsers.encoding import looks_binary
from parsers.language import detect_language, normalise_language
from parsers.metadata import (
    Line,
    PageMetadata,
    clean_space,
    element_text,
    headline_chrome,
    jsonld_first,
    jsonld_names,
    jsonld_text,
    load_tree,
    normalise_doi,
    other_stories,
    page_lines,
    read_metadata,
)
from parsers.titles import choose_title, site_names, squash, strip_site_name, title_parts

MIN_TEXT_CHARS = 20  # below this a page has no usable article text


def extract_article(
    html: str,
    url: str,
    *,
    source: str,
    fields: FieldSelectors | None = None,
    fallback: DocumentRecord | None = None,
    now: dt.datetime | None = None,
) -> DocumentRecord:
    """Extract one article; ParseError when the page has no usable text (use `fallback` then)."""
    if looks_binary(html):
        raise ParseError(f"{url}: the body is binary data, not an HTML page")
    tree = load_tree(html)  # the one parse: metadata, visible lines, dates and body all read it
    metadata = read_metadata(tree)
    lines = page_lines(tree, join_labels=True)
    picked = _pick_fields(html, fields)
    body = picked.get("body") or _trafilatura(tree, url)
    # a journal landing page without full text still has its declared abstract
    text = body or _declared_abstract(metadata)
    if len(clean_space(text or "")) < MIN_TEXT_CHARS:
        raise ParseError(f"{url}: no article text found (page has {len(lines)} lines of text)")
    title = picked.get("title") or choose_title(metadata, lines, body) or ""
    title_at = title_index(lines, metadata, title)
    record = DocumentRecord(
        source=source,
        url=url,
        title=title,
        text=without_leading_title(text or "", title, metadata.title_tag),
        canonical_url=_canonical(metadata, url),
        # the author-list markup is looked for only on pages that mention it at all
        authors=normal_case(
            _authors(picked, metadata, lines, title_at, tree if _mentions_author(html) else None)
        ),
        published=_published(picked, tree, metadata, lines, url, title, now),
        language=detect_language(f"{title}\n{text}", _language_hint(metadata)),
        doi=_doi(metadata, lines, title_at),
        abstract=_abstract(metadata),
        keywords=_keywords(metadata),
        container=_container(metadata),
        extra=_extra(metadata, url),
    )
    return merge_fallback(record, fallback)


def without_leading_title(text: str, title: str, title_tag: str | None = None) -> str:
    """The body without a first paragraph that only repeats the headline, or the page's whole
    <title> (decorated: '版块-标题[站名]', where a page misplaces <title> inside its body).

    Otherwise a headline edit would also count as a text change, and the headline would weigh
    twice in matching.
    """
    first, _, rest = text.partition("\n\n")
    if not rest.strip():
        return text
    key = _headline_key(first)
    if (title and key == _headline_key(title)) or (title_tag and key == _headline_key(title_tag)):
        return rest
    return text


def _headline_key(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def merge_fallback(record: DocumentRecord, fallback: DocumentRecord | None) -> DocumentRecord:
    """Fill every field the page left empty from `fallback` (e.g. what a feed entry said)."""
    if fallback is None:
        return record
    filled: dict[str, Any] = {}
    for name in (
        "title", "canonical_url", "authors", "published", "language", "doi", "abstract",
        "keywords", "container", "listing_url",
    ):  # fmt: skip
        if not getattr(record, name) and getattr(fallback, name):
            filled[name] = copy.copy(getattr(fallback, name))
    filled["extra"] = {**fallback.extra, **record.extra}
    return replace(record, **filled)


# --- configured selectors ------------------------------------------------------------------------


def _pick_fields(html: str, fields: FieldSelectors | None) -> dict[str, str]:
    """Text of the configured CSS selectors (title, published, authors, body) that match."""
    if fields is None or not any((fields.title, fields.published, fields.authors, fields.body)):
        return {}
    soup = BeautifulSoup(html, "lxml")
    picked: dict[str, str] = {}
    for name in ("title", "published", "authors", "body"):
        selector = getattr(fields, name)
        if not selector:
            continue
        try:
            found = soup.select(selector)
        except (SelectorSyntaxError, ValueError, NotImplementedError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ConfigError(
                f"fields.{name}: invalid CSS selector {selector!r}: {reason}"
            ) from exc
        text = "\n\n".join(_soup_text(element, name == "body") for element in found)
        if text.strip():
            picked[name] = text.strip() if name == "body" else clean_space(text)
    return picked


def _soup_text(element: Any, blocks: bool) -> str:
    if not blocks:
        return str(element.get_text(" "))
    try:
        fragment = lxml.html.fragment_fromstring(str(element), create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return str(element.get_text("\n"))
    return element_text(fragment)


# --- main text -----------------------------------------------------------------------------------


# Body only: metadata is ours (parsers.metadata, parsers.dates), so trafilatura's own metadata pass
# would be wasted work. `fast` skips the readability/jusText comparison: on ../shared/eval/zh-news
# it raised body F1 (0.914 -> 0.925) and halves the cost (bench.eval_extraction --timing).
BODY_OPTIONS: dict[str, Any] = {
    "fast": True,
    "with_metadata": False,
    "include_comments": False,
    "include_tables": True,
}


def _trafilatura(tree: lxml.html.HtmlElement, url: str) -> str | None:
    """Main text of `tree`, whose layout tables become plain blocks (old CMS pages are all tables).

    The tables are unwrapped in place: td/tr and div are all line breaks to page_lines, and
    trafilatura works on its own copy, so the caller's tree needs no second copy of its own.
    """
    unwrap_layout_tables(tree)
    try:
        guess = trafilatura.bare_extraction(tree, url=url or None, **BODY_OPTIONS)
    except Exception:  # a heuristic library's failure on odd markup means "no text found"
        return None
    return _body_text(getattr(guess, "text", None) if guess is not None else None)


def _body_text(raw: str | None) -> str | None:
    if not raw:
        return None
    paragraphs = [clean_space(line) for line in raw.splitlines()]
    return "\n\n".join(p for p in paragraphs if p) or None


def unwrap_layout_tables(tree: lxml.html.HtmlElement) -> None:
    """Turn tables used for page layout into divs, so extraction scores their content as text.

    Data tables (captions, headers, a grid of short cells) stay tables. The tests follow Mozilla
    Readability's, plus link density: a table of links is a menu.
    """
    for table in list(tree.iter("table")):
        if _is_layout_table(table):
            for element in _own_parts(table):
                element.tag = "div"
            table.tag = "div"


def _own_parts(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    if next(table.iterdescendants("table"), None) is None:  # most tables: no table inside
        return list(table.iter("tr", "td", "th", "tbody", "thead", "tfoot", "caption"))
    return [
        element
        for element in table.iter("tr", "td", "th", "tbody", "thead", "tfoot", "caption")
        if next(element.iterancestors("table"), None) is table
    ]


def _is_layout_table(table: lxml.html.HtmlElement) -> bool:
    if (table.get("role") or "").lower() in ("presentation", "none"):
        return True
    if next(table.iterdescendants("table"), None) is not None:
        return True
    if table.find(".//caption") is not None or table.find(".//th") is not None:
        return False
    rows = [row for row in _own_parts(table) if row.tag == "tr"]
    columns = max((sum(1 for cell in row if cell.tag in ("td", "th")) for row in rows), default=0)
    if len(rows) <= 1 or columns <= 1:
        return True
    text = clean_space(table.text_content())
    links = sum(len(clean_space(a.text_content())) for a in table.iter("a"))
    if text and links / len(text) > 0.5:
        return True
    return any(_is_prose_cell(cell) for row in rows for cell in row if cell.tag in ("td", "th"))


def _is_prose_cell(cell: lxml.html.HtmlElement) -> bool:
    blocks = next(cell.iterdescendants("p", "div", "br", "ul", "ol", "h1", "h2", "h3"), None)
    return blocks is not None and len(clean_space(cell.text_content())) > 200


# --- authors -------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s*(?:[,，、;；/／|｜]|\band\b|\s&\s|\s和\s|\s与\s)\s*")
_FIELD_LABEL_WORDS = "|".join(sorted(map(re.escape, sel.FIELD_LABELS), key=len, reverse=True))
# The next 'label：' ends a field's value. A known label glued to the last name by inline spans
# ('作者：孙嘉怡 吴昊来源：宣传部') ends it at the label, not at the space before the name.
# A label with a word of its own before it ('作者：X　提交日期：…', '文章来源：') ends the value
# at the space (a name glued to a label, '吴昊来源：', is kept by the alternative after).
_LABEL_PREFIX = "提交|回复|发帖|更新|修改|录入|上传|文章|稿件|信息|新闻|图片|最后更新"
# '文/李佳 王琳　图/王斌': a university or newspaper credit line gives each role with a slash;
# the next role's 'X/' (photo, video, layout, editing) ends the writers' names.
_SLASH_ROLES = (
    "图|圖|摄影|攝影|摄|攝|图片|圖片|视频|視頻|制图|製圖|设计|設計|编辑|編輯|编|審核|审核|校对|校對"
)
_NEXT_FIELD = re.compile(
    rf"\s+(?:{_SLASH_ROLES})\s*[/／]|"
    rf"\s+(?![^\s:：]*?(?:{_FIELD_LABEL_WORDS})\s*[:：])\S{{1,8}}[:：]|"
    rf"\s+(?:{_LABEL_PREFIX})(?:{_FIELD_LABEL_WORDS}|日期|时间|時間)\s*[:：]|"
    r"[|｜【\[（(<《]|\s{3,}|"
    rf"(?:{_FIELD_LABEL_WORDS})(?=\s*[:：])|[:：]"
)
_ROLE_PREFIX = re.compile(
    r"^(?:(?:本报|本報|本刊|本台|本网|新华社|中新社|人民网|特约|见习|实习|首席|驻\S{1,4})?"
    r"(?:记者|記者|通讯员|通訊員|实习生|實習生|撰稿人|评论员|编辑|作者|主笔|主筆)"
    r"|[\u4e00-\u9fff]{2,10}?(?:记者|記者|通讯员|实习生|评论员|評論員))\s*"
)
_REPORTED = "报道|報導|報道|报导"  # '…报道' closing a byline, as each script and region writes it
_NAME_SUFFIX = re.compile(rf"(?:{_REPORTED}|摄影?|/摄|等|整理|编译|供稿|撰文|撰写|执笔|发自\S*)$")
_DATELINE = re.compile(rf"^[\u4e00-\u9fff]{{2,6}}(?:{_REPORTED})$|^发自")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,12}")
_LATIN_NAME = re.compile(r"(?:[A-Z][\w'’.-]*\.?\s?){1,5}")
_HANDLE = re.compile(r"[\w&.\-\u4e00-\u9fff]{2,20}")
_HAS_HAN = re.compile(r"[\u4e00-\u9fff]")
_LEADING_LABEL = re.compile(r"^[\s（(【\[]*(?:[^:：]{1,8}[:：])?\s*")


def _spaced(label: str) -> str:
    """A two-character label as old table layouts print it, padded to four ('作　者')."""
    if len(label) == 2 and _HAS_HAN.match(label):
        return rf"{label[0]}\s?{label[1]}"
    return re.escape(label)


def _label_pattern(labels: Iterable[str]) -> re.Pattern[str]:
    """'作者：…' where a field begins: at the line's start, after a space or bracket, or right
    after a digit (a CMS's inline spans glue '发布时间：2023-11-15' to the next '作者：')."""
    alternatives = "|".join(sorted((_spaced(label) for label in labels), key=len, reverse=True))
    return re.compile(
        rf"(?:^|(?<=[\s(（【\[|｜>·□■◎\d-]))(?:(?:{alternatives})\s*[:：]|[【\[](?:{alternatives})[】\]])"
        r"\s*(?P<v>.*)$",
        re.I,
    )


_AUTHOR_LABEL = _label_pattern(a for a in sel.AUTHOR_LABELS if a not in ("文", "By"))
# '文/李佳', '文｜赵一鸣': the writer's credit with a slash or bar; '编译｜刘晓': who wrote the
# Chinese text of a foreign report is its author (a 翻译 of a quoted document is not).
# '■文：梁啟明', '◎文/李佳': a paper's byline mark before the credit. '口述｜X 整理｜Y': who
# wrote up an as-told-to piece is its author (the speaker is its source).
_WEN_LABEL = re.compile(
    r"(?:^|(?<=[\s(（【\[◎□■●]))(?:文|编译|編譯|整理)\s*[/／|｜:：·]\s*(?P<v>.*)$"
)
_ISSUER_LABEL = _label_pattern(sel.ISSUER_LABELS)
_EDITOR_LABEL = _label_pattern(sel.COMPILER_LABELS)
_SOURCE_LABEL = _label_pattern(("来源", "出处"))
_ROLES = "|".join(sel.REPORTER_ROLES)
# '本报记者张三', '记者张三 通讯员李四': a role and a name written together; the name must look
# like a person's (a common surname), or '记者了解到' would be a reporter named 了解到.
# '【本報訊】記者陳家豪': a role right after the bracketed '本报讯' that opens a report.
_REPORTER_TIGHT = re.compile(
    rf"(?:^|(?<=[\s□■◎(（【\[】]))(?:本报|本報|本刊|本台|本网|新华社|中新社|特约|首席)?(?:{_ROLES})"
    rf"(?P<v>[\u4e00-\u9fff]{{2,4}}?)(?=$|[\s，、,；;：:）)】\]/／]|{_REPORTED})"
)
# '作者 张三' with a space and no colon: only a strict name run counts ('作者认为…' is prose).
_AUTHOR_SPACED = re.compile(
    r"(?:^|(?<=[\s(（【\[□■◎]))(?:作者|撰文|撰稿|执笔)\s+(?P<v>[^\s:：].*)$"
)
# '记者 张三', '记者：张三', '界面新闻记者 | 张三' (a bar between the role and the name),
# '南方日报记者/郭思琪 实习生/林可欣' (南方+: a slash after each role)
_REPORTER = re.compile(rf"(?:{_ROLES})(?:[\s:：]+|\s*[|｜/／]\s*)(?P<v>[^\s:：|｜/／].*)$")
# '（记者 张三）', '〔記者蔡淑媛∕台中報導〕' (自由時報: tortoise-shell brackets, a division slash).
_BRACKET_REPORTER = re.compile(
    rf"[（(【\[〔][^（）()【】\[\]〔〕]{{0,15}}?(?:{_ROLES})\s*(?P<v>[^（）()【】\[\]〔〕]{{2,40}})"
    r"[）)】\]〕]"
)
_BRACKET_BEFORE_SOURCE = re.compile(r"[\[【]\s*(?P<v>[^\]】]{2,20}?)\s*[\]】]\s*(?:来源|出处)")
# The value stops at a word's end, never inside one: a byline that runs past the cap ('By A, a
# senior fellow at …, and Sun Hui, …') would otherwise lose the last name's last letters.
_ENGLISH_BY = re.compile(
    r"^(?:by|written by|posted by|words by)\s+(?P<v>[^0-9|｜]{2,200})(?![\w’'-])",
    re.I,
)
_POSTED = re.compile(
    r"^(?P<v>[^\s:：]{2,20})\s+(?:发表于|发布于)|(?:^|\s)由\s*(?P<v2>[^\s，。,.;；:：]{2,20}?)\s*(?:张贴|发表|发布)|"
    r"\d\s+by\s+(?P<v3>\S{2,30})"
)


def _authors(
    picked: dict[str, str],
    metadata: PageMetadata,
    lines: list[Line],
    title_at: int | None,
    tree: lxml.html.HtmlElement | None = None,
) -> list[str]:
    if picked.get("authors"):
        value = _LEADING_LABEL.sub("", picked["authors"]).strip(" ）)】]")
        return split_names(value, loose=True)
    declared = _declared_authors(metadata)
    if declared:
        return declared
    byline = _without_issuer(_without_outlet(find_byline(lines, title_at), metadata), lines)
    if byline:
        return byline
    signed = signature(lines)  # a notice signed by the body that issued it
    if signed:
        return [signed[0]]
    # every site, source and publisher name the page declares (a TRS page's Author <meta> is
    # often its ContentSource, the department that supplied the story)
    site = {
        v.casefold()
        for name in (*sel.META_SITE, *sel.META_PUBLISHER)
        for v in metadata.meta.get(name, [])
    }
    loose = [
        name
        for value in metadata.all(sel.META_AUTHORS_LOOSE)
        if value.casefold() not in site
        and "://" not in value
        and not _credits_software(value, metadata)
        for name in split_names(value, loose=True)
    ]
    if loose:
        editors = _editor_names(lines)
        loose = [name for name in loose if name.casefold() not in editors]
    return (
        loose
        or _author_box(tree)
        or _forum_poster(lines, title_at)
        or _first_floor_poster(lines, title_at)
        or _followed_poster(lines, title_at)
        or _people_in_source(lines)
        or _name_under_title(lines, title_at)
        or _titled_writer(metadata)
        or _blog_owner(metadata)
        or ([] if _credits_staff(lines) else _editors(lines))
    )


def _without_issuer(names: list[str], lines: list[Line]) -> list[str]:
    """A page whose 文号 field is empty posts a release, not a numbered document: the body its
    发布机构 field names posted it and is no corporate author."""
    if not names or not unnumbered(lines):
        return names
    issuers = document_issuers(lines)
    return [name for name in names if name not in issuers]


def _credits_staff(lines: list[Line]) -> bool:
    """'作者：本报记者', '作者：求是网评论员': an author field naming the outlet's staff and no
    person. The piece is the newsroom's own, so an '编辑：' beside it is one of its editors, not
    the compiler of a repost."""
    for line in lines:
        match = _AUTHOR_LABEL.search(line.text) if len(line.text) <= 120 else None
        if match:
            value = _field_value(match["v"])
            if value and not _ROLE_PREFIX.sub("", value).strip():
                return True
    return False


def _without_outlet(names: list[str], metadata: PageMetadata) -> list[str]:
    """'文｜财新 王婧 刘园园' on 财新网, 'By Li Wei, China Daily' on China Daily: the outlet
    named beside its writers is not one of them. Dropped only beside other names: the page's
    own site name, or the Chinese short name the site name begins with."""
    if len(names) < 2:
        return names
    sites = site_names(metadata, metadata.headings)
    kept = [
        n
        for n in names
        if squash(n) not in sites
        and not (_HAS_HAN.search(n) and any(s.startswith(n) for s in sites))
    ]
    return kept or names


_DESK_LABEL = _label_pattern(sel.EDITOR_LABELS)


def _editor_names(lines: list[Line]) -> set[str]:
    """Names the page gives its editors ('编辑：王晓　责任编辑：刘亮'): a portal's author <meta>
    often holds the desk editor who posted the story, not its writer."""
    names: set[str] = set()
    for line in lines:
        if len(line.text) > 120 or ("编" not in line.text and "編" not in line.text):
            continue
        for part in re.split(r"(?=(?:责任|責任)?(?:编辑|編輯|责编)\s*[:：])", line.text):
            match = _DESK_LABEL.search(part)
            if match:
                names.update(
                    n.casefold() for n in split_names(_field_value(match["v"]), loose=True)
                )
    return names


# Elements whose class or id names them as the author list (CNKI's #authorpart, ScienceDirect's
# .author-group, WordPress and think-tank '.authors', '.author-name-list'...), or as its
# contributors (the Lowy Interpreter's '.contributor', magazines' '.contributors').
_AUTHOR_BOXES = lxml.etree.XPath(
    "//*[contains(translate(@class, 'AUTHOR', 'author'), 'author')"
    " or contains(translate(@id, 'AUTHOR', 'author'), 'author')"
    " or contains(translate(@class, 'CONTRIBUTOR', 'contributor'), 'contributor')]"
)
_BOX_CHROME = frozenset({"aside", "footer", "nav"})


def _mentions_author(html: str) -> bool:
    """'author' or 'contributor' in any case (a plain substring test: much cheaper than the
    XPath)."""
    return any(word in html for word in ("uthor", "UTHOR", "ontributor", "ONTRIBUTOR"))


def _author_box(tree: lxml.html.HtmlElement | None) -> list[str]:
    """An element marked as the author list whose links (or buttons) are each one person's
    name, footnote marks (<sup>) left out: a paper's author line, a report's 'authors'. A box
    holding any link that is not a name (an organisation, 'more articles') is no author list,
    nor is one in a side bar or a comment thread."""
    if tree is None:
        return []
    for box in _AUTHOR_BOXES(tree):
        if any(_outside_article(a) for a in box.iterancestors()) or _outside_article(box):
            continue
        names = _box_names(box)
        if names:
            return _unique([*names, *_marked_siblings(box)])
    return []


def _box_names(box: lxml.html.HtmlElement) -> list[str]:
    """The names of a box's links, when each is one (none when any is not)."""
    items = box.xpath("descendant-or-self::a | descendant-or-self::button")
    texts = [clean_space(_text_without_notes(item)) for item in items[:30]]
    names = [t for t in texts if t]
    return names if names and all(_valid_name(n, loose=False) for n in names) else []


def _marked_siblings(box: lxml.html.HtmlElement) -> list[str]:
    """'<a class="author">A</a> in Chengdu and <a class="author">B</a> in Beijing' (FT, news
    themes): each author's own link is marked, not the byline holding them; the marked links
    after the first under the same parent are the other authors."""
    if box.tag != "a":
        return []
    marks = (box.get("class") or "").split()
    names: list[str] = []
    for sibling in box.itersiblings("a"):
        if marks and set(marks) == set((sibling.get("class") or "").split()):
            names += _box_names(sibling)
    return names


def _outside_article(element: lxml.html.HtmlElement) -> bool:
    """A side bar, menu or footer, or a comment thread ('comment-author' is a commenter)."""
    if element.tag in _BOX_CHROME:
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return "comment" in marks


def _text_without_notes(element: lxml.html.HtmlElement) -> str:
    """An element's text without its <sup> footnote marks ('张明<sup>1,2</sup>' -> '张明')."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in ("sup", "script", "style", "svg"):
            parts.append(_text_without_notes(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _credits_software(value: str, metadata: PageMetadata) -> bool:
    """<meta name=author content="Discuz! Team ..."> beside <meta name=generator content="Discuz!
    X3.4">: the CMS's makers, not the page's author."""
    generator = {
        w.casefold() for g in metadata.all(("generator",)) for w in g.split() if len(w) > 2
    }
    return bool(generator) and not generator.isdisjoint(w.casefold() for w in value.split())


def _declared_authors(metadata: PageMetadata) -> list[str]:
    """citation_author / DC.creator (one per tag, or 'A; B'), then JSON-LD author."""
    values = [_first_last(value) for value in metadata.all(sel.META_AUTHORS_SCHOLARLY)]
    names = [name for value in values for name in split_names(value, loose=True)]
    if names:
        return _unique(names)
    authors = _people(jsonld_first(metadata.jsonld, "author", "creator"))
    return _unique(n for value in jsonld_names(authors) for n in split_names(value, loose=True))


def _people(value: Any) -> Any:
    """A JSON-LD author value without the items typed as organisations ('@type':
    'NewsMediaOrganization', BBC's 'BBC News 中文'): the outlet is no writer, and the page's
    byline names who is."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if not _organisation(item)]


def _organisation(item: Any) -> bool:
    kind = item.get("@type") if isinstance(item, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.endswith("Organization") for k in kinds)


def _first_last(name: str) -> str:
    """'Fang, Chuanglin' (citation_author style) -> 'Chuanglin Fang'; lists are left alone."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts) and " " not in parts[0] and not _HAS_HAN.search(name):
        return f"{parts[1]} {parts[0]}"
    return name


def find_byline(lines: list[Line], title_at: int | None) -> list[str]:
    """Authors named in the visible byline, searching near the title first, then the whole page."""
    start = 0 if title_at is None else max(0, title_at - 2)
    near = range(start, min(len(lines), start + 16))
    header, others = headline_chrome(lines, title_at), other_stories(lines)
    order = [  # a side bar's hot list and a 'Related' list credit other stories
        i
        for i in (*near, *(i for i in range(len(lines)) if i not in near))
        if (not lines[i].chrome or i in header) and i not in others
    ]
    for position, index in enumerate(order):
        if lines[index].link:  # a menu item or related link ('记者江湖'), never a byline...
            names = _linked_byline(lines[index].text)  # ...unless a reporter's profile link
        else:
            names = _byline_names(lines[index].text)
        if names:
            # a byline can run over consecutive lines (本报实习生 甲 乙 / 本报记者 丙 丁)
            for follow in order[position + 1 : position + 3]:
                if not lines[follow].link:
                    names += _byline_names(lines[follow].text)
            return _unique(names)
    return []


# '界面新闻记者 | 赵晨阳' as one link to the reporter's profile page: a role, a bar, colon or
# slash, then names alone (a related story's '记者江湖', a menu's '记者站' have no such mark).
_LINKED_ROLE = re.compile(
    rf"^[\u4e00-\u9fff]{{0,8}}?(?:{_ROLES}|作者)\s*[|｜:：/／]\s*(?P<v>[^|｜:：/／]{{2,30}})$"
)


def _linked_byline(text: str) -> list[str]:
    """The names of a byline that is a link as a whole, when every word after the role is one."""
    match = _LINKED_ROLE.match(text)
    if not match:
        return []
    names = _name_run(match["v"])
    words = [w for w in re.split(r"[\s、，,]+", match["v"]) if w and w not in _CONJUNCTION]
    return names if len(names) == len(words) else []


# Every byline pattern below needs one of these words: lines without any are skipped cheaply.
_BYLINE_HINT = re.compile(
    "|".join(
        _spaced(word)
        for word in (
            *sel.AUTHOR_LABELS, *sel.ISSUER_LABELS, *sel.REPORTER_ROLES,
            "文", "编译", "編譯", "整理", "来源", "出处", "发表", "发布", "张贴", "by",
            "研究员", "研究員", "分析师", "分析師", "analyst", "author",
        )
    ),
    re.I,
)  # fmt: skip


def _byline_names(text: str) -> list[str]:
    if text[:1] in _BYLINE_MARKS:
        names = _marked_names(text)
        if names:
            return names
    if not _BYLINE_HINT.search(text):
        return []
    if len(text) > 300:
        return _bracket_reporters(text)
    for pattern in (_AUTHOR_LABEL, _WEN_LABEL):
        match = pattern.search(text)
        if match:
            names = split_names(_without_marks(_field_value(match["v"])), loose=True)
            if names:
                return names
    names = _analysts(text) or _comma_labelled(text)
    if names:
        return names
    match = _AUTHOR_SPACED.search(text) if len(text) < 60 else None
    if match:
        names = _name_run(match["v"])
        if names:
            return names
    match = _ISSUER_LABEL.search(text)
    if match and len(text) < 60:
        value = _field_value(match["v"])
        if 2 <= len(value) <= 40:
            return [value]
    return _reporters(text) or _other_bylines(text)


# '研究员：李明远,王诗涵', '分析师：张三 李四', 'Analysts: A, B': a research report's analysts
# are its authors (brokers' reports, 东方财富, 慧博).
_ANALYST_LABEL = re.compile(
    r"(?:^|(?<=[\s(（【\[|｜]))(?:证券分析师|研究员|研究員|分析师|分析師|Analysts?)\s*[:：]\s*(?P<v>.*)$",
    re.I,
)


# 'Author, Jane Smith', '作者, 黃子謙': BBC's bylines, whose labels (hidden from sight, read
# out by screen readers) end in a comma.
_COMMA_LABEL = re.compile(r"^(?:作者|Authors?)\s*[,，]\s*(?P<v>[^,，]{2,40})$", re.I)


def _comma_labelled(text: str) -> list[str]:
    """The one name after a comma-ended author label, when it alone fills the line."""
    match = _COMMA_LABEL.match(text)
    if not match:
        return []
    value = match["v"].strip()
    return [value] if split_names(value, loose=False) == [value] else []


def _analysts(text: str) -> list[str]:
    """The analysts a report's label credits, each a person's name ('研究员：我们认为' is a
    transcript's speaker, not a credit)."""
    match = _ANALYST_LABEL.search(text) if len(text) <= 200 else None
    if not match:
        return []
    names = split_names(_field_value(match["v"]), loose=False)
    people = all(_looks_like_person(n) or not _HAS_HAN.search(n) for n in names)
    return names if people else []


# '刘思远1 黄佳琪2 孙嘉树1,3': a paper's author line whose affiliation superscripts run into
# the names in the page's text. No Chinese name holds a digit; a lone handle may ('用户7721'),
# so the marks are dropped only when two names or more carry them.
_AFFILIATION_MARK = re.compile(r"(?<=[\u4e00-\u9fff])\d[\d,，*∗†‡]*(?=[\s、，,;；]|$)")


def _without_marks(value: str) -> str:
    if len(_AFFILIATION_MARK.findall(value)) < 2:
        return value
    return _AFFILIATION_MARK.sub("", value)


_BYLINE_MARKS = "◎□■●"
_MARKED = re.compile(rf"^[{_BYLINE_MARKS}]\s*(?P<v>[\u4e00-\u9fff][\u4e00-\u9fff\s、，,]{{1,24}})$")


def _marked_names(text: str) -> list[str]:
    """'◎ 刘畅', '■ 张伟 李娜': a paper's byline mark before names alone on their line (each a
    person's name by its surname, so that '■ 相关链接' is no byline)."""
    match = _MARKED.match(text)
    if not match:
        return []
    names = _name_run(match["v"])
    return names if names and all(_looks_like_person(name) for name in names) else []


def _reporters(text: str) -> list[str]:
    names: list[str] = []
    for match in _REPORTER.finditer(text):
        names += _name_run(match["v"], role=text[match.start() : match.start("v")])
    if not names:  # a wire's dateline opens its first paragraph, however long that is
        names = _wire_reporters(text[:40])
    if not names and len(text) < 80:
        names = _tight_reporters(text)
    if not names:  # so does a report's own credit: '【本报讯】记者甲、乙报道：…'
        names = _opening_reporters(text)
    return names or _bracket_reporters(text)


_NEWS_OPENER = re.compile(r"^[【\[（(]?(?:本报讯|本報訊|本网讯|本網訊|本刊讯|本刊訊)[】\]）)]?\s*")


def _opening_reporters(text: str) -> list[str]:
    """'【本報訊】記者陳家豪、梁慧儀報道：…': the reporters credited where a paragraph opens
    (after its '本报讯'), however long the paragraph; the same words later in it are prose."""
    opening = _NEWS_OPENER.sub("", text[:60])
    return _tight_reporters(opening[:40]) if _REPORTER_TIGHT.match(opening) else []


_MORE_NAMES = re.compile(
    rf"[、，,](?P<v>[\u4e00-\u9fff]{{2,3}})(?=$|[\s、，,；;：:）)】\]]|{_REPORTED})"
)


# '（中央社記者林育瑄台北5日電）': the reporter, then the place and day the wire was filed.
# '（中央社記者邱柏諺上海14日專電）': a correspondent's special dispatch (专电) from abroad.
_WIRE_DATELINE = re.compile(
    r"(?:记者|記者)(?P<v>[\u4e00-\u9fff、]{4,20}?)\d{1,2}日(?:专|專)?(?:电|電)"
)


def _wire_reporters(text: str) -> list[str]:
    """Names of a '記者A、B台北5日電' dateline: the last one runs into the place, most often
    two characters ('台北', '北京'), so a name is what is left before them (three characters at
    most)."""
    match = _WIRE_DATELINE.search(text)
    if not match:
        return []
    *names, last = match["v"].split("、")
    names.append(last[:-2] if len(last) - 2 in (2, 3) else last[:3])
    return names if all(_looks_like_person(name) for name in names) else []


def _tight_reporters(text: str) -> list[str]:
    """'（记者王子涵、陈爱平）': a role written with its names, more names after 、."""
    names: list[str] = []
    for match in _REPORTER_TIGHT.finditer(text):
        if not _looks_like_person(match["v"]):
            continue
        names.append(match["v"])
        end = match.end()
        while (more := _MORE_NAMES.match(text, end)) and _looks_like_person(more["v"]):
            names.append(more["v"])
            end = more.end()
    return names


def _bracket_reporters(text: str) -> list[str]:
    names: list[str] = []
    for match in _BRACKET_REPORTER.finditer(text):
        names += _name_run(match["v"].replace("∕", "／"))  # a division slash is a slash
    return names


_CONJUNCTION = frozenset({"和", "与", "與", "及", "以及"})
# '王　浩': one character, white space, one character, between spaces.
_PADDED_NAME = re.compile(r"(?:(?<=\s)|^)([\u4e00-\u9fff])[ \t\u3000]+([\u4e00-\u9fff])(?=\s|$)")


def _unpad(match: re.Match[str]) -> str:
    """A surname and a given name printed apart to fill three characters' width are one name;
    other single characters ('文 / 图') are left as they are."""
    return match[1] + match[2] if match[1] in sel.SURNAMES else match[0]


# '通讯员 鄂发改': a 通讯员 is often a department's press office, credited by a pen name (its
# province's and its own short names) that no common surname opens.
_CORRESPONDENT = re.compile(r"通讯员|通訊員")


def _name_run(value: str, role: str = "") -> list[str]:
    """Leading tokens of `value` that are names: '彭冲 山东冠县报道' -> ['彭冲']; '张伟 和 李娜'
    -> both; a two-character name padded to three ('王　浩', as newspapers print it) is one.
    A 通讯员's name (after `role` or a role word in `value`) counts only as a person's."""
    names: list[str] = []
    correspondent = bool(_CORRESPONDENT.search(role))
    value = re.split(r"[）)】\]]", value, maxsplit=1)[0]
    value = _PADDED_NAME.sub(_unpad, value.strip())
    for token in re.split(r"[\s、，,/／:：]+", value):  # 李四／台北報導, 实习记者：张三
        bare = _ROLE_PREFIX.sub("", token)
        # a role glued to a word ('编辑若干名') names a person only by a common surname
        if bare and bare != token and not _looks_like_person(bare):
            break
        if bare != token:
            correspondent = bool(_CORRESPONDENT.search(token[: len(token) - len(bare)]))
        token = bare
        if not token or token in _CONJUNCTION:
            continue
        if _DATELINE.search(token):  # '北京报道', '发自成都': the place the report is filed from
            break
        if _NAME_SUFFIX.fullmatch(token):  # '…王洪涛 报道': the byline's closing word
            break
        if _NAME_SUFFIX.search(token) and not _valid_name(token, loose=False):
            token = _NAME_SUFFIX.sub("", token)
            if _valid_name(token, loose=False):
                names.append(token)
            break
        if not _valid_name(token, loose=False):
            break
        if not correspondent or _looks_like_person(token):
            names.append(token)
    return names


_COPYRIGHT = re.compile(r"©|\(c\)|copyright|版权所有|版權所有|all rights reserved", re.I)


def _other_bylines(text: str) -> list[str]:
    if _COPYRIGHT.search(text):  # 'Copyright © 1997-2006 by www.people.com.cn': the owner
        return []
    # 'By A in City | site | Updated: <date>' runs on with the share buttons glued to it: the
    # names end at the first '|' or digit, so a long line is still read from its start
    match = _ENGLISH_BY.search(text) if len(text) <= 300 else None
    if match:
        return english_names(_field_value(match["v"]))
    if len(text) > 120:
        return []
    match = _BRACKET_BEFORE_SOURCE.search(text)
    if match:
        return split_names(_field_value(match["v"]), loose=True)
    match = _POSTED.search(text)
    if match:
        value = match["v"] or match["v2"] or match["v3"]
        return split_names(value, loose=True)
    return []


# 'by Xinhua writers A, B', 'By staff reporter A': the agency and role before the names.
_ENGLISH_ROLE = re.compile(
    r"^(?:[A-Z][\w.&]*\s+){0,2}(?:staff\s+|special\s+|chief\s+)?"
    r"(?:writers?|reporters?|correspondents?|journalists?|staff\s+writers?)\s+",
    re.I,
)
# 'By ZHOU HUIYING in Harbin and LIU MINGJUN in Changchun': where each filed from.
_FILED_IN = re.compile(r"\s+in\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}(?=\s*(?:,|\band\b|&|$))")


# 'Posted by John Smith on March 5, 2024', '… at 10:30': when, after the names.
_POSTED_ON = re.compile(
    r"\s+(?:on|at)(?:\s+(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s*)?(?:[A-Z][a-z]{2,8}\.?|\d).*)?$"
)


def english_names(value: str) -> list[str]:
    """Names of an English byline, without the wire agency's role words before them, the
    places the writers filed from and when they posted."""
    value = _POSTED_ON.sub("", value.strip())
    return split_names(_FILED_IN.sub("", _ENGLISH_ROLE.sub("", value)), loose=True)


_ALL_CAPS_NAME = re.compile(r"[A-Z][A-Z'’.-]*(?:\s+[A-Z][A-Z'’.-]*)+")


def normal_case(names: list[str]) -> list[str]:
    """Wires, Nikkei and AP print bylines in capitals, and their JSON-LD and author <meta> copy
    them ('HIROSHI ONOGI'): the name is cited as 'Hiroshi Onogi' wherever it was read. One word
    in capitals ('BBC', 'AFP') may be an acronym and is left as it is."""
    return [_title_case(name) if _ALL_CAPS_NAME.fullmatch(name) else name for name in names]


def _title_case(name: str) -> str:
    """'JOHN MCDONALD' -> 'John McDonald'; initials ('J.R.') keep their capitals."""
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m[1].upper(), name.title())


_POSTER_WINDOW = 8  # lines between a poster's name and their post's '发表于 <date>'


def _forum_poster(lines: list[Line], title_at: int | None) -> list[str]:
    """Forums (Discuz, phpwind) show the poster's name as a link to their profile a few lines
    above a bare '发表于 <date>', with their points and the floor label ('楼主') between: the
    first post under the thread's title is the thread's, and its poster its author."""
    if title_at is None:
        return []
    start = title_at + 1
    posted = next((i for i in range(start, len(lines)) if sel.POSTED_AT.match(lines[i].text)), None)
    if posted is None:
        return []
    for line in reversed(lines[max(start, posted - _POSTER_WINDOW) : posted]):
        if line.heading:
            break
        if not line.link or line.text in sel.FORUM_ACTIONS or sel.FLOOR_LABELS.fullmatch(line.text):
            continue  # points, registration date, '楼主', '发消息'
        names = split_names(line.text, loose=True)
        return names if names == [line.text] else []
    return []


# The first post's floor label: '1楼', '楼主', '#1', '1#', '1F' (not a later floor).
_FIRST_FLOOR = re.compile(r"^(?:楼主|1\s*(?:楼|#|F|层)|#1|第\s*1\s*楼)$", re.I)


def _first_floor_poster(lines: list[Line], title_at: int | None) -> list[str]:
    """Forums without a '发表于' line (Baidu Tieba, old phpwind skins) mark the thread's first
    post '1楼' or '楼主' right under its poster's linked name: that poster wrote the thread."""
    if title_at is None:
        return []
    for index in range(title_at + 2, min(len(lines), title_at + 12)):
        if not _FIRST_FLOOR.match(lines[index].text):
            continue
        above = lines[index - 1]
        if above.link and not above.heading:
            names = split_names(above.text, loose=True)
            return names if names == [above.text] else []
        return []
    return []


# '松江观潮 固收研究爱好者 关注': a post's author card (雪球, 微博, 知乎, 百家号): the poster's
# name, a tag line, the follow button.
_AUTHOR_CARD = re.compile(
    r"^(?P<v>[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,3}|[^\s]{2,20})(?:\s+[^\s]{1,20})?"
    r"\s+[·•]?\s*[+＋]?\s*(?:关注|關注|Follow)$"
)
_CARD_REACH = 4  # lines between the card and the headline, either side
# The card's next line: when and where it was posted ('发布于2025-04-18 21:15 · 来自雪球').
_POSTED_LINE = re.compile(r"发布于|发表于|發佈於|發表於|来自|來自|\d{1,2}:\d{2}|posted", re.I)


def _followed_poster(lines: list[Line], title_at: int | None) -> list[str]:
    """A social post's writer: the name on the author card with a follow button, beside the
    headline, with the time of posting on the next line (a recommended account's card in a
    side bar has none)."""
    if title_at is None:
        return []
    start = max(0, title_at - _CARD_REACH)
    for index in range(start, min(len(lines) - 1, title_at + _CARD_REACH)):
        match = _AUTHOR_CARD.match(lines[index].text)
        if match and not lines[index].chrome and _POSTED_LINE.search(lines[index + 1].text):
            names = split_names(match["v"], loose=True)
            return names if names == [match["v"]] else []
    return []


def _people_in_source(lines: list[Line]) -> list[str]:
    """'来源：尹娟': a 来源 that is a person's name (common surname, 2-3 characters)."""
    for line in lines:
        match = _SOURCE_LABEL.search(line.text) if len(line.text) < 80 else None
        if match:
            value = _field_value(match["v"])
            if _looks_like_person(value):
                return [value]
    return []


def _name_under_title(lines: list[Line], title_at: int | None) -> list[str]:
    """Essays put the author's name alone on the line under the title: a common surname, or a
    pen name that the page's listing headline also puts before the title ('茉莉：标题')."""
    if title_at is None:
        return []
    title = lines[title_at].text
    for line in lines[title_at + 1 : title_at + 3]:
        if line.link:  # a menu item
            continue
        if _looks_like_person(line.text) or (
            re.fullmatch(r"[\u4e00-\u9fff]{2,4}", line.text)
            and any(
                other.text in (f"{line.text}：{title}", f"{line.text}:{title}") for other in lines
            )
        ):
            return [line.text]
    return []


def _titled_writer(metadata: PageMetadata) -> list[str]:
    """'Title - by Emily Carter - Urban Notes' (Substack, Medium): a part of <title> after the
    headline that names the writer. The headline's own 'By the numbers' is never read."""
    for part in title_parts(metadata.title_tag or "")[1:]:
        match = _ENGLISH_BY.match(part)
        names = english_names(_field_value(match["v"])) if match else []
        if names and all(_valid_name(name, loose=False) for name in names):
            return names
    return []


def _blog_owner(metadata: PageMetadata) -> list[str]:
    """'张三的博客' in <title> or a heading, or a blog whose first heading is a person's name:
    a personal site's owner wrote what it publishes."""
    texts = [t for t in (metadata.title_tag, *metadata.headings[:3]) if t]
    for part in (p for t in texts for p in title_parts(t)):
        match = sel.BLOG_OWNER.match(part)
        if match:
            names = split_names(match["v"], loose=True)
            if len(names) == 1:
                return names
    blog = any(re.search(r"博客|blog", t, re.I) for t in texts)
    if blog and metadata.headings and _looks_like_person(metadata.headings[0]):
        return [metadata.headings[0]]
    return []


def _editors(lines: list[Line]) -> list[str]:
    """A reposted piece's compiler ('编辑：X'); an 编辑 named beside a 责任编辑 is one of the
    newsroom's editors, not a compiler."""
    for line in lines:
        if len(line.text) >= 120 or re.search(r"责任编辑|責任編輯|责编", line.text):
            continue
        match = _EDITOR_LABEL.search(line.text)
        if match:
            names = split_names(_field_value(match["v"]), loose=True)
            if names:
                return names
    return []


def _looks_like_person(value: str) -> bool:
    value = value.strip()
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", value):
        return False
    if value[:2] in sel.COMPOUND_SURNAMES:
        return True
    return len(value) <= 3 and value[0] in sel.SURNAMES


# '[美] 约翰·史密斯', '（清）王夫之': a translated or classical author's country or dynasty.
_ORIGIN_MARK = re.compile(r"^[\[【（(〔［][\u4e00-\u9fff]{1,2}[\]】）)〕］]\s*")
# '王小明（中国人民大学教授）、张大伟（…）': each author's affiliation, between two names.
# '作者：周晓岚（南开大学…教授） 孟繁宇': a space after the brackets parts the names too.
_AFFILIATION = re.compile(
    r"[（(][^（）()]{2,30}[）)](?=(?:\s*[、，,;；和与]|\s)\s*[\u4e00-\u9fff])"
)


def _field_value(value: str) -> str:
    """The value of one 'label：value' field, up to the next field or bracket (an origin mark
    before a name and affiliations between names are not the end)."""
    value = _AFFILIATION.sub("", _ORIGIN_MARK.sub("", value.strip()))
    return _NEXT_FIELD.split(value, maxsplit=1)[0].strip(" \t-—·•】］])）")


# 'Written by Katherine Yuen.': the sentence's full stop after a surname (three letters or
# more, so an initial's 'J.' and 'Jr.' keep theirs) is no part of the name.
_FULL_STOP = re.compile(r"(?<=[a-z]{3})\.$", re.I)


def split_names(value: str, *, loose: bool) -> list[str]:
    """'张三 李四', '张三、李四', 'A. Smith and B. Jones' -> names; drops what is not a name.

    `loose` accepts user handles (forum and blog names) besides personal names.
    """
    value = _writers_credited_after(clean_space(value))
    if not value:
        return []
    pieces = _SEPARATORS.split(value)
    names: list[str] = []
    for piece in pieces:
        piece = _ROLE_PREFIX.sub("", _before_share_bar(piece).strip()).strip()
        trimmed = _NAME_SUFFIX.sub("", piece).strip()
        if trimmed != piece and len(trimmed) >= 2:  # '张三摄' -> '张三', but never '李摄' -> '李'
            piece = trimmed
        piece = _FULL_STOP.sub("", piece)
        tokens = _han_tokens(piece) if _HAS_HAN.search(piece) else [piece]
        # '作者：陈晓丹 实习生 林蓉': a role word between the names is not one of them
        tokens = [_ROLE_PREFIX.sub("", t) if _HAS_HAN.search(t) else t for t in tokens]
        names += [t for t in tokens if _valid_name(t, loose)]
    return _unique(_without_acronyms(names))


# '王旭东/文 李凯/图': each role after its name (大河网 and many papers credit so).
_CREDIT_AFTER = re.compile(
    rf"(?P<name>[^\s/／:：]{{2,20}})\s*[/／]\s*(?P<role>文|{_SLASH_ROLES})(?=\s|$)"
)


def _writers_credited_after(value: str) -> str:
    """When a value marks its writers with '/文' after their names, a name marked with another
    role ('/图', '/摄') is the photographer's or the designer's, no author; the '/文' mark is no
    part of the name. Without a '/文' the value is left as it is ('张三/摄' alone credits him)."""
    credits = list(_CREDIT_AFTER.finditer(value))
    if not any(m["role"] == "文" for m in credits):
        return value
    return _CREDIT_AFTER.sub(lambda m: m["name"] if m["role"] == "文" else "", value).strip()


def _before_share_bar(piece: str) -> str:
    """'王海燕 分享到 微信 微博', 'Ann Lee Facebook Twitter': a share or follow bar glued to
    the byline's line ends the names at its first word (its other words, '小红书', may be
    unlisted platforms)."""
    words = piece.split(" ")
    for index, word in enumerate(words):
        if word.casefold().rstrip(":：") in sel.SHARE_WORDS:
            return " ".join(words[:index])
    return piece


# 'ANU', 'LSE', 'CSIS': one word in capitals, an institution's acronym.
_ACRONYM_WORD = re.compile(r"[A-Z]{2,6}")


def _without_acronyms(names: list[str]) -> list[str]:
    """'Author: Xin Li, ANU': an acronym listed beside a person's full name is their
    institution, not a second author. Alone ('By AFP') it is the credit and is kept."""
    if not any(" " in n and _LATIN_NAME.fullmatch(n) for n in names):
        return names
    return [n for n in names if not _ACRONYM_WORD.fullmatch(n)]


def _han_tokens(piece: str) -> list[str]:
    """Split Chinese names on spaces, rejoining single characters ('赵 培' is one name)."""
    tokens = piece.split(" ")
    merged: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and _HAS_HAN.match(token):
            run += token
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(token)
    if run:
        merged.append(run)
    return merged


# '作者：冯刚 韩雪 我要评论': a link of the page's tools glued to the byline line.
_PAGE_ACTION = re.compile(r"^我要[\u4e00-\u9fff]{1,3}$")


def _valid_name(name: str, loose: bool) -> bool:
    name = name.strip()
    if not name or name.casefold() in sel.NOT_NAMES or any(ch.isdigit() for ch in name[:1]):
        return False
    if name in sel.FORUM_ACTIONS or _PAGE_ACTION.match(name) or _names_a_unit(name):
        return False
    if name.casefold() in sel.SHARE_WORDS:  # '编辑：王海燕 分享到 微信 微博': the share bar
        return False
    if _HAN_NAME.fullmatch(name) or (
        re.fullmatch(r"[\u4e00-\u9fff]{4}", name) and name[:2] in sel.COMPOUND_SURNAMES
    ):
        return not sel.ORGANISATION_SUFFIXES.search(name)
    if (
        _LATIN_NAME.fullmatch(name)
        and len(name) <= 40
        and not sel.ORGANISATION_SUFFIXES.search(name)
    ):
        return True
    return loose and bool(_HANDLE.fullmatch(name)) and not sel.ORGANISATION_SUFFIXES.search(name)


# 'CF40研究部', 'XX发展研究院城市与区域课题组': Latin letters or digits opening an organisation's
# Chinese name (an acronym, a placeholder).
_ACRONYM = re.compile(r"^[A-Za-z0-9&]+(?=[\u4e00-\u9fff]{3})")


def _names_a_unit(name: str) -> bool:
    """'综合统计处', '林业局', '城建科': an office's name, not a person's (a name ending in 科,
    室, 院... is a short one after a surname: '李文科', '欧阳文院'). An acronym before it names
    no person: its Chinese part is read."""
    if _ACRONYM.match(name):
        return sel.UNIT_SUFFIXES.search(name) is not None
    unit = sel.UNIT_SUFFIXES.search(name) if _HAS_HAN.match(name) else None
    if unit is None or len(name) < 3:
        return False
    if unit["office"]:
        return True
    if name[:2] in sel.COMPOUND_SURNAMES:
        return len(name) > 4
    return len(name) > 3 or name[0] not in sel.SURNAMES


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            result.append(value)
    return result


# --- other fields --------------------------------------------------------------------------------


def _published(
    picked: dict[str, str],
    tree: lxml.html.HtmlElement,
    metadata: PageMetadata,
    lines: list[Line],
    url: str,
    title: str,
    now: dt.datetime | None,
) -> dt.date | None:
    if picked.get("published"):
        day = parse_date(picked["published"], now=now)
        if day:
            return day
    return find_published_date(tree, now=now, url=url, title=title, metadata=metadata, lines=lines)


def _canonical(metadata: PageMetadata, url: str) -> str | None:
    page = jsonld_first(metadata.jsonld, "mainEntityOfPage", "url")
    declared = page.get("@id") if isinstance(page, dict) else page
    candidates = (metadata.canonical, metadata.first(sel.META_CANONICAL), declared)
    for value in candidates:
        if not isinstance(value, str):
            continue
        if value.strip():
            value = value.strip()
            if value.startswith("www."):  # og:url written without its scheme
                value = "http://" + value
            absolute = _http_url(url, value)
            if absolute is not None:
                return absolute
    return None


def _http_url(base: str, value: str) -> str | None:
    """`value` made absolute when that is an http(s) URL with a host; None for anything else,
    including what urllib cannot split (a canonical of "http://[::1" must not lose the page)."""
    try:
        absolute = urljoin(base, value) if base else value
        parts = urlsplit(absolute)
    except ValueError:
        return None
    return absolute if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _doi(metadata: PageMetadata, lines: list[Line], title_at: int | None) -> str | None:
    for value in metadata.all(sel.META_DOI):
        doi = normalise_doi(value)
        if doi:
            return doi
    declared = jsonld_first(metadata.jsonld, "doi", "identifier", "sameAs")
    for value in declared if isinstance(declared, list) else [declared]:
        text = (
            jsonld_text(value) if not isinstance(value, dict) else jsonld_text(value.get("value"))
        )
        doi = (
            normalise_doi(text)
            if text and ("doi" in text.lower() or text.startswith("10."))
            else None
        )
        if doi:
            return doi
    start = 0 if title_at is None else title_at
    for line in lines[start : start + 12]:
        if re.match(r"^\s*DOI\s*[:：]", line.text, re.I):
            return normalise_doi(line.text)
    return None


def _declared_abstract(metadata: PageMetadata) -> str | None:
    abstract = metadata.first(sel.META_ABSTRACT)
    return abstract or jsonld_text(jsonld_first(metadata.jsonld, "abstract"))


def _abstract(metadata: PageMetadata) -> str | None:
    """The declared abstract, else a description long enough to say something."""
    declared = _declared_abstract(metadata)
    if declared:
        return declared
    description = metadata.first(sel.META_DESCRIPTION) or jsonld_text(
        jsonld_first(metadata.jsonld, "description")
    )
    if description and len(description) >= 20 and description != metadata.title_tag:
        return description
    return None


def _keywords(metadata: PageMetadata) -> list[str]:
    values = metadata.all(sel.META_KEYWORDS)
    if not values:
        values = jsonld_names(jsonld_first(metadata.jsonld, "keywords"))
    words: list[str] = []
    for value in values:
        pieces = re.split(r"\s*[,;，；、|]\s*", value)
        if len(pieces) == 1 and _HAS_HAN.search(value):
            pieces = value.split(" ")
        words += [p.strip() for p in pieces if p.strip()]
    return _unique(words)[:50]


def _container(metadata: PageMetadata) -> str | None:
    journal = metadata.first(sel.META_JOURNAL) or jsonld_text(
        jsonld_first(metadata.jsonld, "isPartOf")
    )
    if journal:
        return journal
    site = metadata.first(sel.META_SITE) or jsonld_text(jsonld_first(metadata.jsonld, "publisher"))
    if site:
        return re.sub(r"^(?:来源|出处|Source)\s*[:：]\s*", "", site, flags=re.I) or None
    return _site_from_title(metadata)


def _site_from_title(metadata: PageMetadata) -> str | None:
    """'标题_栏目_新华网' names its site last."""
    if not metadata.title_tag:
        return None
    parts = [p.strip() for p in sel.TITLE_SEPARATORS.split(metadata.title_tag) if p.strip()]
    if len(parts) < 2 or strip_site_name(metadata.title_tag) == parts[-1]:
        return None
    return parts[-1] if 2 <= len(parts[-1]) <= 30 else None


def _language_hint(metadata: PageMetadata) -> str | None:
    declared = metadata.first(sel.META_LANGUAGE) or jsonld_text(
        jsonld_first(metadata.jsonld, "inLanguage")
    )
    return normalise_language(metadata.html_lang) or normalise_language(declared)


def _extra(metadata: PageMetadata, url: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    pdf = _http_url(url, metadata.first(sel.META_PDF) or "")
    if pdf:
        extra["pdf_url"] = pdf
    publisher = metadata.first(sel.META_PUBLISHER)
    if publisher and "://" not in publisher:
        extra["publisher"] = publisher
    return extra
