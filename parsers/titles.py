"""An article's title as a reader sees it: the headline, without the site's name or markup.

The site's name is learnt from the page, never from a list: og:site_name (and its kin), and what
<title> adds to the article's own heading when the two agree ('标题_栏目_新华网' beside an <h1> of
'标题' names '栏目' and '新华网' as site parts). The article's own heading wins when it agrees with
<title>, in the form the page shows (a main and a sub headline keep the space between them).
Pages whose <title> says nothing about the article ('显示', a welcome line, the site's name) give
their headline from the visible text: the nearest headline-like line above the article's body, or
a post's headline over its byline that the post repeats. A <title> that a copyright line names is
the site's name. A whole decorated <title> shown on the page ('版块-[原创]标题[社区]') is cut to
its breadcrumb's last item, without the trail's other items at its ends; a leading '[分类]' tag
that <title> leaves out is the forum's, not the headline's.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from parsers import selectors as sel
from parsers.dates import find_dates
from parsers.metadata import Line, PageMetadata, clean_space, jsonld_first, jsonld_text

# Layout and formatting markup a CMS leaks into titles ('标题<div class="sub">', '<br/>'). Other
# tag-like text (an article about the <img> element) is what the page shows; escaping it is the
# job of whatever renders the title (reports, digests).
_TAG = re.compile(
    r"</?(?:div|span|p|br|b|i|u|em|strong|font|a|h[1-6]|sub|sup|small|big|center|section)"
    r"(?:\s[^<>]{0,200})?/?>",
    re.I,
)
_LOOKBACK = 8  # lines above the body's first paragraph searched for its headline
_NAV = re.compile(
    r"[>»│|｜]|->|<<|第\s*\d+\s*页|上一页|下一页|https?://|www\.|"
    r"当前位置|您的位置|当前您在|所在位置|点击数|点击率|浏览次数|阅读次数|[【\[]?打印|关闭窗口",
    re.I,
)
_EDGE = " |｜_-—·:：>»"  # separators left at either end of a heading line
_LABELLED = re.compile(r"^[^:：]{1,8}[:：]")  # 'label：value' metadata lines
_NOT_HEADLINE_START = re.compile(
    r"^[【\[（(]?(?:资料图|图片|图为|图\s*[:：]|摄影|核心提示|内容提要|提要|导读|编者按|编者的话|"
    r"摘要|按语|阅读提示)"
)
_ENGLISH_BYLINE = re.compile(r"^(?:by|written by|words by)\s+\S", re.I)
_SUBTITLE = re.compile(r"^\s*(?:——|--|—)")
# A short bracketed tag before a headline: a forum thread's type or category ('[通勤]'), often a
# link to that category. It is decoration when <title> gives the headline without it.
_LEADING_TAG = re.compile(r"^\s*[\[【〔［]([^\[\]【】〔〕［］]{1,10})[\]】〕］]\s*(?=\S)")


# Everything but letters and numbers: \w less "_" is exactly Unicode categories L* and N*
# (tests/test_parse_fast_paths.py checks every code point), and one regex pass over a headline
# is faster than asking unicodedata for each character's category.
_NOT_LETTER_OR_NUMBER = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Letters and digits only, case-folded: how two spellings of one headline are compared."""
    return _NOT_LETTER_OR_NUMBER.sub("", unicodedata.normalize("NFKC", text)).casefold()


def clean_title(title: str) -> str:
    """No markup, no '(图)'-style markers, no 'Subject:' label, white space collapsed."""
    text = clean_space(_TAG.sub(" ", title)).strip(_EDGE)
    text = sel.TITLE_LABEL.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = sel.TITLE_MARKERS.sub("", text).strip()
    return text


def title_parts(title: str) -> list[str]:
    return [p.strip() for p in sel.TITLE_SEPARATORS.split(clean_space(title)) if p.strip()]


def site_names(metadata: PageMetadata, headings: Iterable[str] = ()) -> set[str]:
    """Names of the site and its sections, learnt from this page (squashed)."""
    names = {squash(n) for n in metadata.all(sel.META_SITE) if n}
    publisher = jsonld_text(jsonld_first(metadata.jsonld, "publisher"))
    if publisher:
        names.add(squash(publisher))
    decorated = [t for t in (metadata.first(sel.META_TITLE[4:]), metadata.title_tag) if t]
    for heading in headings:
        key = squash(heading)
        for title in decorated:
            parts = title_parts(title)
            if len(key) >= 4 and any(squash(p) == key for p in parts):
                names.update(squash(p) for p in parts if squash(p) != key)
    declared = set(names)
    if len(decorated) == 2:  # og:title and <title> both decorate the headline differently
        shared = {squash(p) for p in title_parts(decorated[0])} & {
            squash(p) for p in title_parts(decorated[1])
        }
        # what both share is the headline, unless it is the declared site name (an og:title
        # that is only the site's name: the rest of <title> is the headline, not a site name)
        if len(shared) == 1 and not shared & declared:
            names.update(squash(p) for d in decorated for p in title_parts(d))
            names -= shared
    names.discard("")
    return names


def strip_site_name(title: str, names: Iterable[str] = ()) -> str:
    """'标题_栏目_新华网' -> '标题'; 'Site | A long article title' -> 'A long article title'."""
    parts = title_parts(title)
    known = {squash(name) for name in names}
    parts = [p for p in parts if squash(p) not in known] or parts
    if not parts:
        return ""
    first, longest = parts[0], max(parts, key=len)
    return longest if len(longest) > 2 * len(first) else first


def choose_title(
    metadata: PageMetadata, lines: list[Line] | None = None, body: str | None = None
) -> str | None:
    """Declared title; else the page's own heading (near the body, else anywhere) agreeing with
    <title> or og:title; else JSON-LD's headline; else the article heading, body lead or visible
    headline above the body; else <title> without the site's name; else the first heading."""
    lines = lines or []
    menu = menu_items(lines)
    declared = metadata.first(sel.META_TITLE[:4])
    if declared and squash(declared) not in menu:
        return clean_title(declared) or None
    above = _lines_above_body(lines, body)
    headline = (
        _nearest_heading(above, _main_heading(metadata))
        or _labelled_headline(above)
        or _headline_over_byline(lines)
        or _body_lead(body, menu)
        or _visible_headline(above, menu)
    )
    shown = [line.text for line in lines if line.heading and not line.chrome]
    candidates = [*metadata.headings[:6], *shown[:6], *([headline] if headline else [])]
    decorated = [t for t in (metadata.first(sel.META_TITLE[4:]), metadata.title_tag) if t]
    ld_headline = jsonld_text(jsonld_first(metadata.jsonld, "headline", "name"))
    leading = _leading_paragraphs(body)
    pool = [*leading, *candidates, *_heading_pairs(lines), *(line.text for line in above)]
    # the site's declared name ('Global Times' in a header the body began with) agrees with
    # the '<headline> - Global Times' <title> too, but names the site, never the article
    named = menu | {squash(name) for name in metadata.all(sel.META_SITE) if name}
    agreed = _agreeing(
        [c for c in pool if squash(c) not in named], [*decorated, ld_headline]
    ) or _agreeing(leading, list(metadata.headings[:6]))
    agreed = _undecorated(agreed, decorated, lines)
    if not agreed:  # a headline of 6+ letters that <title> shows, anywhere on the page
        shown_anywhere = [line.text for line in lines if not line.chrome and not line.link]
        agreed = _agreeing(
            [text for text in shown_anywhere if len(squash(text)) >= 6], [*decorated, ld_headline]
        )
        agreed = _undecorated(agreed, decorated, lines)
    if agreed:
        return clean_title(_whole_heading(agreed, metadata.headings))
    if ld_headline:
        return clean_title(ld_headline)
    if headline:
        return clean_title(_whole_heading(headline, metadata.headings))
    names = site_names(metadata, metadata.headings)
    for title in decorated:
        stripped = strip_site_name(title, names)
        if stripped:
            return clean_title(stripped)
    return clean_title(metadata.headings[0]) if metadata.headings else None


_MENU_SEPARATOR = re.compile(r"\s*[|｜]\s*")


def _main_heading(metadata: PageMetadata) -> str | None:
    """The page's first <h1>, unless it names the site ('城市观察' over the post's <h2>, as
    <title> '城市观察博客' shows it: a headline <title> shows is agreed on before this)."""
    if not metadata.headings or metadata.h1_count == 0:
        return None
    first = squash(metadata.headings[0])
    if first in site_names(metadata) or first in squash(metadata.title_tag or ""):
        return None
    return metadata.headings[0]


def menu_items(lines: list[Line]) -> set[str]:
    """The items of the page's menus (squashed): a line of four or more short entries split
    by bars, or of linked words split by spaces (fewer may be a whole '标题 | 栏目 | 站名'
    <title> the page shows). An entry there ('新闻动态', '新聞稿') names a section of the site,
    however a <title> or a DC.title of the section's pages repeats it."""
    items: set[str] = set()
    for line in lines:
        if len(line.text) > 200:
            continue
        entries = _MENU_SEPARATOR.split(line.text)
        if len(entries) < 4 and line.link:
            entries = line.text.split(" ")
        if len(entries) >= 4 and all(0 < len(entry) <= 12 for entry in entries):
            items.update(squash(entry) for entry in entries)
    items.discard("")
    return items


def _labelled_headline(above: list[Line]) -> str | None:
    """'标题：…', '標題：…': the headline in a labelled field (a press release's table row,
    whose header cell names it), nearest the body first."""
    for line in above:
        if not line.chrome and sel.TITLE_LABEL.match(line.text):
            value = sel.TITLE_LABEL.sub("", line.text)
            if len(squash(value)) >= 4:
                return value
    return None


def _heading_pairs(lines: list[Line]) -> list[str]:
    """Each heading joined to the heading right after it ('<h1>主题</h1><h2>副题</h2>'): one
    headline when og:title or <title> gives the two as one (the page's own title joins them;
    a sub-headline that no title repeats stays out)."""
    return [
        f"{first.text} {second.text}"
        for first, second in itertools.pairwise(lines)
        if first.heading and second.heading and not first.chrome and not second.chrome
    ][:6]


_CRUMB = re.compile(r"\s*(?:→|->|>>|>|»|›|＞)\s*")
_CRUMB_LABEL = re.compile(r"^[^:：]{1,8}[:：]\s*")  # '当前位置：首页'
_TRAILING_BRACKETS = re.compile(r"\s*[【\[][^【】\[\]]{1,40}[】\]]\s*$")
_LEADING_BRACKETS = re.compile(r"^\s*[【\[][^【】\[\]]{1,40}[】\]]\s*")


def breadcrumb(lines: list[Line]) -> tuple[list[str], str] | None:
    """The page's breadcrumb trail ('麻辣社区 → 版块 → 标题'): the items naming the site and
    its sections, and the last item, naming the page itself."""
    for line in lines:
        if line.link or len(line.text) > 300 or not _CRUMB.search(line.text):
            continue
        items = [item.strip() for item in _CRUMB.split(line.text)]
        if len(items) >= 3 and all(items) and all(len(item) <= 20 for item in items[:-1]):
            return [_CRUMB_LABEL.sub("", items[0]), *items[1:-1]], items[-1]
    return None


def _undecorated(agreed: str | None, decorated: list[str], lines: list[Line]) -> str | None:
    """A line agreeing with a whole <title> is no headline when a copyright line names it (a
    blog's banner repeating a <title> of only the blog's name); else it is cut to its core."""
    if not agreed or not any(squash(agreed) == squash(title) for title in decorated):
        return agreed
    key = squash(agreed)
    if any(key in owner for owner in _copyright_owners(lines)):
        return None
    return _core_of_title(agreed, lines)


def _core_of_title(title: str, lines: list[Line]) -> str:
    """A whole decorated <title> the page shows ('版块-[原创]标题错误信息[麻辣社区]'): the
    breadcrumb's last item when <title> contains it, without the trail's other items glued or
    bracketed at either end (they name the site, its sections, the kind of page)."""
    crumb = breadcrumb(lines)
    if crumb is None:
        return title
    names, tail = crumb
    while squash(tail) not in squash(title) and _TRAILING_BRACKETS.search(tail):
        tail = _TRAILING_BRACKETS.sub("", tail)  # '标题 【打印】【全文搜索】'
    key = squash(tail)
    if len(key) >= 6 and key in squash(title) and not tail.endswith(("...", "…")):
        title = tail
    return trim_names(title, names)


def trim_names(title: str, names: Iterable[str]) -> str:
    """'标题错误信息[麻辣社区]' -> '标题' when the page names 错误信息 and 麻辣社区 elsewhere (its
    breadcrumb): such names, bracketed or glued (4+ letters) at an end, are not the headline's."""
    keys = {squash(name): name for name in names if len(squash(name)) >= 2}
    previous = None
    while previous != title:
        previous = title
        for edge in (_TRAILING_BRACKETS, _LEADING_BRACKETS):
            found = edge.search(title)
            if (
                found
                and squash(found.group()) in keys
                and len(squash(title)) > len(squash(found.group())) + 4
            ):
                title = (title[: found.start()] + title[found.end() :]).strip()
        for key, name in keys.items():
            rest = len(squash(title)) - len(key)
            if len(key) >= 4 and rest >= 4 and title.endswith(name):
                title = title[: -len(name)].rstrip(_EDGE)
            elif len(key) >= 4 and rest >= 4 and title.startswith(name):
                title = title[len(name) :].lstrip(_EDGE)
    return title


_COPYRIGHT = re.compile(r"©|\(c\)|copyright|版权所有", re.I)


def _copyright_owners(lines: list[Line]) -> list[str]:
    """Copyright lines (squashed): the name they give is the site's ('© 2006 老周的城市观察'),
    so a blog's banner that repeats a <title> of only that name is not its headline."""
    return [squash(x.text) for x in lines if len(x.text) <= 200 and _COPYRIGHT.search(x.text)]


def _agreeing(candidates: list[str], titles: list[str | None]) -> str | None:
    """The candidate (4+ letters) that is the longest part of a decorated <title> shown, else the
    first that is a whole <title> ('栏目 | 标题' shown as one line is the page's heading), else
    one that <title> glues a site name to ('Headline-Site')."""
    keyed = [(squash(c), c) for c in _with_untagged(candidates) if len(squash(c)) >= 4]
    for title in (t for t in titles if t):
        parts = {squash(p) for p in title_parts(title)}
        if len(parts) > 1:
            # the longest part shown: a logo <h1> '新华网' also agrees with '标题_新华网'
            shown = [(len(key), c) for key, c in keyed if key in parts]
            if shown:
                return max(shown, key=lambda item: item[0])[1]
    for title in (t for t in titles if t):
        found = next((c for key, c in keyed if key == squash(title)), None)
        if found:
            return found
    return _heading_before_suffix(candidates, titles)


# '…megacities-Xinhua': a site name glued to the headline by a separator that title_parts
# does not split on between Latin words (a hyphen without spaces).
_GLUED_SUFFIX = re.compile(r"^\s*[-–—_|｜·]\s*\S.{0,30}$")


def _heading_before_suffix(candidates: list[str], titles: list[str | None]) -> str | None:
    """A candidate (10+ letters) that <title> starts with, followed only by a separator and a
    short site name: the headline of a '<headline>-<Site>' <title>."""
    for title in (clean_space(t) for t in titles if t):
        for candidate in candidates:  # startswith first: this runs over every line of a page
            if (
                len(candidate) >= 10
                and title.startswith(candidate)
                and _GLUED_SUFFIX.match(title[len(candidate) :])
                and len(squash(candidate)) >= 10
            ):
                return candidate
    return None


# A status note a heading ends with ('标题（网络首发）'), not in <title>.
_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()\d]{1,8}[）)]\s*$")


def _with_untagged(candidates: list[str]) -> list[str]:
    """Each candidate, then (when it has one) the same without its leading bracketed tag:
    '[通勤] 【原创】标题' agrees with a <title> of '【原创】标题 - 版块 - 论坛'; then without a
    short bracketed note at its end ('标题（网络首发）' agrees with '标题 - 中国知网')."""
    result = []
    for candidate in candidates:
        result.append(candidate)
        untagged = _LEADING_TAG.sub("", candidate, count=1)
        if untagged != candidate and len(squash(untagged)) >= 4:
            result.append(untagged)
        unnoted = _TRAILING_NOTE.sub("", candidate)
        if unnoted != candidate and len(squash(unnoted)) >= 8:  # a headline, not a link name
            result.append(unnoted)
    return result


def _whole_heading(line: str, headings: list[str]) -> str:
    """The whole <h1>/<h2> a headline line belongs to: '主标题<br>副标题' is one headline (but
    a leading '[分类]' tag or trailing note the line was agreed without is not part of it)."""
    key = squash(line)
    keys = [squash(heading) for heading in headings[:6]]
    if key in keys:
        return line
    for heading, whole in zip(headings, keys, strict=False):
        if squash(_LEADING_TAG.sub("", heading, count=1)) == key:
            return line
        if squash(_TRAILING_NOTE.sub("", heading)) == key:  # nor a trailing '（网络首发）'
            return line
        if len(heading) <= 120 and (whole.startswith(key) or whole.endswith(key)):
            return heading
    return line


def _nearest_heading(above: list[Line], main: str | None = None) -> str | None:
    """An <h1>-<h3> of the article just above its body (nearest first), not a menu or link.
    A paper's headline block stacks a kicker (引题) over the headline and a deck (副题) under it,
    the deck nearest the body: the page's <h1> (`main`) in that stack is the headline."""
    for index, line in enumerate(above):
        if line.heading and not line.chrome and not line.link and not _not_headline(line.text):
            return _stacked_main(above[index:], main) or line.text
    return None


def _stacked_main(stack: list[Line], main: str | None) -> str | None:
    """`main` when it is one of the headings stacked one right over another from stack[0] up."""
    for line in stack[1:]:
        if not line.heading or line.chrome or line.link:
            return None
        if main and line.text == main and not _not_headline(main):
            return main
    return None


_POSTING = re.compile(r"发表于|发布于|发表时间|发帖时间|\bposted\b|\bby\b", re.I)


def _headline_over_byline(lines: list[Line]) -> str | None:
    """A post's headline right over its byline ('[分类]标题', then '某某 发表于 <date>') that
    the post repeats as its first line: found wherever the post sits, even under a sidebar the
    body extraction began with (old blogs, whose <title> is only the blog's name)."""
    for index in range(1, len(lines) - 1):
        line = lines[index]
        if line.chrome or len(line.text) > 100 or not _POSTING.search(line.text):
            continue
        above = lines[index - 1]
        headline = _LEADING_TAG.sub("", above.text, count=1)
        if above.chrome or len(headline) > 80 or _not_headline(headline):
            continue
        if not find_dates(line.text):
            continue
        key = squash(headline)
        if any(squash(after.text) == key for after in lines[index + 1 : index + 4]):
            return headline
    return None


def _leading_paragraphs(body: str | None) -> list[str]:
    """The body's first short paragraphs (a kicker, the headline, a sub-headline)."""
    leading = []
    for paragraph in [p for p in (body or "").split("\n\n") if p.strip()][:3]:
        if len(paragraph) > 80:
            break
        leading.append(clean_space(paragraph))
    return leading


def _body_lead(body: str | None, menu: AbstractSet[str] = frozenset()) -> str | None:
    """A headline the extracted body starts with: a short first paragraph that reads as one,
    followed by more text (the article's header block came out with its body)."""
    paragraphs = [p for p in (body or "").split("\n\n") if p.strip()]
    if len(paragraphs) < 2:
        return None
    first = clean_space(paragraphs[0])
    if len(first) > 60 or _not_headline(first) or first[-1:] in "。.;；，,：:":
        return None
    return None if squash(first) in menu else first  # a menu the body began with


def _lines_above_body(lines: list[Line], body: str | None) -> list[Line]:
    """The few lines right above the body's first paragraph (nearest first)."""
    paragraphs = [clean_space(p) for p in (body or "").split("\n\n")]
    for paragraph in [p for p in paragraphs if len(p) >= 30][:5]:
        for index, line in enumerate(lines):
            if not line.chrome and paragraph[:16] in line.text:
                return lines[max(0, index - _LOOKBACK) : index][::-1]
    return []


def _visible_headline(above: list[Line], menu: AbstractSet[str] = frozenset()) -> str | None:
    """The nearest line above the body that reads as a headline, skipping bylines, dates,
    labelled fields, navigation and sub-headlines; a repeat of it without an 'author：' prefix
    is the article's own heading."""
    found: str | None = None
    for line in above:
        text = line.text
        if line.chrome or len(text) > 80:
            break
        if line.link or _not_headline(text) or squash(text) in menu:
            continue
        found = text
        break
    if found is None:
        return None
    for line in above:
        if len(line.text) >= 4 and found.endswith(line.text) and found != line.text:
            prefix = found[: -len(line.text)]
            if re.fullmatch(r"[^:：]{1,8}[:：]\s*", prefix):
                return line.text
    return found


def _not_headline(text: str) -> bool:
    if len(squash(text)) < 4 or _SUBTITLE.match(text) or _NAV.search(text):
        return True
    if _NOT_HEADLINE_START.match(text):  # a caption, an editor's note, a summary
        return True
    if find_dates(text) or (sel.DATE_LABELS.search(text) and any(c.isdigit() for c in text)):
        return True
    if _LABELLED.match(text) and not re.match(r"^[^:：]{1,8}[:：]\s*\S{4,}$", text):
        return True
    if re.search(r"(?:记者|通讯员|作者|编辑|来源|摄)", text) and len(text) < 30:
        return True
    if _ENGLISH_BYLINE.match(text) and len(text) < 100:  # 'by Xinhua writers A, B'
        return True
    if sel.GROUP_SUFFIXES.search(text) and len(text) < 40:  # '…课题组' under the headline
        return True
    return bool(sel.ORGANISATION_SUFFIXES.search(text) and len(text) <= 12)
