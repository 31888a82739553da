"""Publication dates from strings and pages, read as calendar days in Asia/Shanghai.

Chinese sites print naive local times; a time with a zone is converted to the Shanghai calendar day.
A date in the future (beyond a day of tolerance for time zones), from a script (except a variable
named for the publication time), or from a "today is" clock widget is never returned: a wrong date
is worse than none.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html

from agglowatch.errors import ParseError
from parsers import selectors as sel
from parsers.metadata import (
    Line,
    PageMetadata,
    clean_space,
    headline_chrome,
    in_teaser,
    jsonld_first,
    jsonld_text,
    load_tree,
    other_stories,
    page_lines,
    read_metadata,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MIN_YEAR = 1900  # declared dates (metadata)
MIN_TEXT_YEAR = 1990  # dates read from page text: older ones are history, not publication
_TOLERANCE = dt.timedelta(days=1)

_TIME = (
    r"(?:\s*(?:T|日|号)?\s*(?P<h>\d{1,2})\s*[:：时点]\s*(?P<mi>\d{1,2})(?:\s*[:：分]\s*(?P<s>\d{1,2})"
    r"(?:[.,]\d+)?)?\s*秒?(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT)(?![A-Za-z]))?)?"
)
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*"
    # a two-digit day may run straight into its time ('2024-07-0221:08:13': day and time in
    # adjacent <span>s with no space between)
    r"(?P<d>\d{2}(?=\d{1,2}[:：]\d)|\d{1,2}(?!\d))" + _TIME
)
_CHINESE = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})(?:\s*[日号]|(?!\d))" + _TIME
)
_YEAR_THEN_DAY = re.compile(
    r"(?<![\d/.])(?P<y>(?:19|20)\d{2})\s+(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])" + _TIME
)
_SLASHED = re.compile(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\d/])" + _TIME)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_ENGLISH = re.compile(
    rf"(?<![A-Za-z]){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)"
    rf"|(?<![\dA-Za-z])(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>[A-Za-z]{{3,9}})\.?,?"
    rf"\s+(?P<y2>\d{{4}})(?!\d)"
    # '08-Mar-2024' (CGTN, Oracle-style timestamps)
    rf"|(?<![\dA-Za-z])(?P<d3>\d{{1,2}})-(?P<mon3>[A-Za-z]{{3}})-(?P<y3>\d{{4}})(?!\d)"
)
# '二〇二四年三月五日': the form a government document's signature (落款) writes its date in.
_HAN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
_HAN_DATE = re.compile(
    r"(?P<hy>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<hm>十[一二]?|[一二三四五六七八九])\s*月"
    r"\s*(?P<hd>[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]"
)
# 'Sun Aug 28 20:56:20 2005': the C library's ctime(), as old BBS post headers print it.
_CTIME = re.compile(
    r"(?<![A-Za-z])(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(?P<mon>[A-Z][a-z]{2})\s+(?P<d>\d{1,2})\s+"
    r"\d{1,2}:\d{2}:\d{2}\s+(?P<y>\d{4})(?!\d)"
)
_PARTIAL = (
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:份)?"),
    re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})"),
    re.compile(r"(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})"),
)
_COMPACT = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)")
# Only relative expressions go to dateparser: it invents a day for a bare 'March' or 'Sun'.
_RELATIVE = re.compile(r"\bago\b|\byesterday\b|\btoday\b|\bjust now\b|前|昨|今天|今日|刚刚", re.I)
_LEADING_LABEL = re.compile(r"^[^\d]{0,12}?[:：]\s*")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date found in a string, with where it was and whether a widget printed it."""

    day: dt.date
    start: int
    end: int
    widget: bool


# --- strings -------------------------------------------------------------------------------------


def today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Shanghai at `now` (naive `now` is read as Shanghai time)."""
    return _shanghai(now or dt.datetime.now(SHANGHAI)).date()


def _shanghai(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment.astimezone(SHANGHAI)


def plausible(day: dt.date, now: dt.datetime | None = None, min_year: int = MIN_YEAR) -> bool:
    """Not before `min_year` and not after tomorrow (time zones), relative to `now`."""
    return day.year >= min_year and day <= today(now) + _TOLERANCE


def parse_date(text: str, *, now: dt.datetime | None = None) -> dt.date | None:
    """The first plausible date written in `text` (Chinese, ISO, RFC 2822, English), or None."""
    if not text or not text.strip():
        return None
    text = unicodedata.normalize("NFKC", text)[:2000]
    rfc = _rfc2822(text)
    if rfc and plausible(rfc, now):
        return rfc
    for match in find_dates(text, now):
        if not match.widget and plausible(match.day, now):
            return match.day
    partial = _partial(text)
    if partial and plausible(partial, now):
        return partial
    return _dateparser(text, now)


def find_dates(text: str, now: dt.datetime | None = None) -> list[DateMatch]:
    """Every full date in `text`, in order of position (widget dates flagged, not dropped)."""
    found: list[DateMatch] = []
    for pattern in (_NUMERIC, _CHINESE, _SLASHED, _YEAR_THEN_DAY, _ENGLISH, _CTIME):
        for match in pattern.finditer(text):
            day = _match_day(match)
            if day is not None:
                found.append(DateMatch(day, match.start(), match.end(), _widget(text, match, now)))
    for match in _HAN_DATE.finditer(text):
        day = _han_day(match)
        if day is not None:
            found.append(DateMatch(day, match.start(), match.end(), False))
    for match in _MINGUO_DATE.finditer(text):
        day = _minguo_day(match)
        if day is not None:
            found.append(DateMatch(day, match.start(), match.end(), _widget(text, match, now)))
    found.sort(key=lambda m: m.start)
    return _drop_overlaps(found)


# '中華民國93年5月12日': a Taiwanese paper's edition date in the Minguo calendar (year 1 =
# 1912). The era's name makes the short year unambiguous, so it is read anywhere, no label
# needed (a bare '93年5月12日' is not: it may be a two-digit year or a date in the text).
_MINGUO_DATE = re.compile(
    r"(?:中華民國|中华民国|民國|民国)\s*(?P<y>\d{1,3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
)


def _minguo_day(match: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(match["y"]) + 1911, int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _han_day(match: re.Match[str]) -> dt.date | None:
    """The day a '二〇二四年三月五日' match names."""
    year = int("".join(str(_HAN_DIGIT[c]) for c in match["hy"]))
    try:
        return dt.date(year, _han_number(match["hm"]), _han_number(match["hd"]))
    except ValueError:
        return None


def _han_number(text: str) -> int:
    """'五' -> 5, '十二' -> 12, '二十' -> 20, '三十一' -> 31."""
    if "十" not in text:
        return _HAN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (_HAN_DIGIT[tens] if tens else 1) * 10 + (_HAN_DIGIT[ones] if ones else 0)


def _drop_overlaps(matches: list[DateMatch]) -> list[DateMatch]:
    kept: list[DateMatch] = []
    for match in matches:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def _widget(text: str, match: re.Match[str], now: dt.datetime | None) -> bool:
    """A 'today is ...' clock: labelled as today, or today's date followed by the weekday."""
    if sel.WIDGET_PREFIX.search(text[max(0, match.start() - 8) : match.start()]):
        return True
    day = _match_day(match)
    return day == today(now) and bool(sel.WIDGET_SUFFIX.match(text[match.end() : match.end() + 12]))


def _match_day(match: re.Match[str]) -> dt.date | None:
    groups = match.groupdict()
    if groups.get("a") is not None:
        ymd = _slashed_ymd(match)
        if ymd is None:
            return None
        year, month, day = ymd
    elif groups.get("mon") or groups.get("mon2") or groups.get("mon3"):
        month_name = (groups.get("mon") or groups.get("mon2") or groups.get("mon3") or "").lower()
        if month_name not in _MONTHS:
            return None
        year = int(groups.get("y") or groups.get("y2") or groups.get("y3") or 0)
        month = _MONTHS[month_name]
        day = int(groups.get("d") or groups.get("d2") or groups.get("d3") or 0)
    else:
        year, month, day = int(groups["y"]), int(groups["m"]), int(groups["d"])
    try:
        calendar_day = dt.date(year, month, day)
    except ValueError:
        return None
    return _with_zone(calendar_day, groups)


def _slashed_ymd(match: re.Match[str]) -> tuple[int, int, int] | None:
    """7/5/2005: month first when a.m./p.m. says US usage or a > 12 forbids; else ambiguous."""
    a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
    if a > 12 >= b:
        return year, b, a
    if b > 12 >= a or match["ampm"]:
        return year, a, b
    if a == b:
        return year, a, b
    return None  # 06/02/2022 with a 24-hour clock: day and month cannot be told apart


def _with_zone(day: dt.date, groups: dict[str, str | None]) -> dt.date:
    """Convert a zoned time to the Shanghai calendar day; naive times are Shanghai already."""
    zone = groups.get("tz")
    if not zone or groups.get("h") is None:
        return day
    try:
        hour, minute = int(groups["h"] or 0), int(groups["mi"] or 0)
        hour = _twelve_hour(hour, groups.get("ampm"))
        offset = _offset(zone)
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=offset)
    except ValueError:
        return day
    return moment.astimezone(SHANGHAI).date()


def _twelve_hour(hour: int, ampm: str | None) -> int:
    if not ampm:
        return hour
    pm = ampm.lower().startswith("p")
    if hour == 12:
        return 12 if pm else 0
    return hour + 12 if pm and hour < 12 else hour


def _offset(zone: str) -> dt.tzinfo:
    if zone.upper() in ("Z", "UTC", "GMT"):
        return dt.UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _rfc2822(text: str) -> dt.date | None:
    """'Mon, 16 Jan 2023 10:30:00 +0800' as feeds write it."""
    if "," not in text and not re.search(r"[+-]\d{4}$|GMT$|UT$", text.strip()):
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    return moment.astimezone(SHANGHAI).date() if moment.tzinfo else moment.date()


def _partial(text: str) -> dt.date | None:
    """'2023年1月', '2023-01', 'January 2023' alone: the first day of that month."""
    stripped = _LEADING_LABEL.sub("", clean_space(text)).strip(" []()【】（）")
    compact = _COMPACT.fullmatch(stripped)
    if compact:
        try:
            return dt.date(int(compact["y"]), int(compact["m"]), int(compact["d"]))
        except ValueError:
            return None
    for pattern in _PARTIAL:
        match = pattern.fullmatch(stripped)
        if not match:
            continue
        groups = match.groupdict()
        month = _MONTHS.get((groups.get("mon") or "").lower()) or int(groups.get("m") or 0)
        try:
            return dt.date(int(match["y"]), month, 1)
        except ValueError:
            return None
    return None


def _dateparser(text: str, now: dt.datetime | None) -> dt.date | None:
    """Last resort for relative and unusual forms ('3 days ago', '昨天 10:30'); slow, so gated."""
    if len(text) > 64 or not _RELATIVE.search(text):
        return None
    import dateparser

    base = _shanghai(now or dt.datetime.now(SHANGHAI)).replace(tzinfo=None)
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        parsed = dateparser.parse(text, languages=["zh", "en"], settings=settings)  # type: ignore[arg-type]
    except Exception:  # dateparser raises assorted errors on odd input; a miss is the answer
        return None
    if parsed is None:
        return None
    day = parsed.date()
    return day if plausible(day, now) else None


# --- pages ---------------------------------------------------------------------------------------


def find_published_date(
    page: str | bytes | lxml.html.HtmlElement,
    *,
    now: dt.datetime | None = None,
    url: str | None = None,
    title: str | None = None,
    metadata: PageMetadata | None = None,
    lines: list[Line] | None = None,
) -> dt.date | None:
    """A page's publication day: a government document's 成文日期 (or its signature), metadata,
    then labelled or near-title text, an e-paper's issue date, a script's publish-time variable,
    a citation of the issue it first appeared in, the URL (then the canonical URL the page
    declares), a masthead's date that the links into its day's folder confirm, htmldate."""
    tree = page if isinstance(page, lxml.html.HtmlElement) else _tree_or_none(page)
    if tree is None:
        return _from_url(url, now)
    metadata = metadata or read_metadata(tree)
    lines = lines if lines is not None else page_lines(tree, join_labels=True)
    title_at = title_index(lines, metadata, title)
    found = (
        date_written(lines, now)
        or date_signed(lines, now)
        or date_of_issue(lines, title_at, now)
        or _unless_written(
            _unless_revised(date_from_metadata(metadata, tree, now, lines), lines, now), lines, now
        )
    )
    if found:
        return found
    return (
        date_from_lines(lines, title_at, now)
        or date_of_edition(lines, title_at, now)
        or date_from_script(tree, now)
        or date_from_citation(lines, now)
        or _from_url(url, now)
        or _from_url(_declared_address(metadata), now)
        or date_of_edition(lines, title_at, now, _linked_days(tree, now))
        or _shown_as_the_pages(_from_htmldate(tree, now), lines, now)
    )


def _unless_revised(
    day: dt.date | None, lines: list[Line], now: dt.datetime | None
) -> dt.date | None:
    """A <meta> date the page shows as its update's ('发布时间：2025-03-07 08:45 更新时间：
    2025-03-08'): the CMS filled the tag on saving the revision, and the earlier day the same
    line labels as the publication's is the page's."""
    if day is None:
        return None
    for line in lines:
        text = line.text
        published = _PUBLISHED_LABEL.search(text) if len(text) <= 160 else None
        revised = _REVISED.search(text, published.end()) if published else None
        if not published or not revised:
            continue
        first = find_dates(text[published.end() : revised.start()], now)
        later = find_dates(text[revised.end() :], now)
        if first and later and later[0].day == day and first[0].day < day:
            return first[0].day
    return day


_DATE_WRITTEN = re.compile(r"\bDate\s+Written\s*:?", re.I)
_POSTED_LABEL = re.compile(r"\bPosted\s*:", re.I)


def _labelled_day(
    lines: list[Line], label: re.Pattern[str], now: dt.datetime | None
) -> dt.date | None:
    """The first date right after `label` on a short line."""
    for line in lines:
        match = label.search(line.text) if len(line.text) <= 160 else None
        found = find_dates(line.text[match.end() : match.end() + 40], now) if match else []
        if found:
            return found[0].day
    return None


def _unless_written(
    day: dt.date | None, lines: list[Line], now: dt.datetime | None
) -> dt.date | None:
    """A <meta> date the page labels as the manuscript's ('Date Written: February 1, 2010',
    SSRN's citation_publication_date): a working paper is published the day its repository
    labels 'Posted:', which the page shows beside it."""
    if day is None or _labelled_day(lines, _DATE_WRITTEN, now) != day:
        return day
    posted = _labelled_day(lines, _POSTED_LABEL, now)
    return posted if posted and posted >= day else day


def _shown_as_the_pages(
    day: dt.date | None, lines: list[Line], now: dt.datetime | None
) -> dt.date | None:
    """htmldate's guess, unless the page shows that day only in its chrome or a 'Related' list
    (a sidebar's '<span class="date">' dates another report it lists) or only as a manuscript's
    received or revised date. A day the page shows nowhere came from its markup (<time
    datetime>): kept."""
    if day is None:
        return None
    shown, others = False, other_stories(lines)
    for index, line in enumerate(lines):
        for match in find_dates(line.text, now) if len(line.text) <= 300 else ():
            if match.day != day:
                continue
            elsewhere = line.chrome or index in others
            if not elsewhere and not _after_manuscript_label(line.text, match):
                return day
            shown = True
    return None if shown else day


def date_written(lines: list[Line], now: dt.datetime | None = None) -> dt.date | None:
    """'成文日期：2022年01月27日': a government document is dated when it was written (signed);
    its 发布日期 and the portal's pubdate <meta> say when the portal posted it, often days later."""
    for line in lines:
        match = sel.WRITTEN_LABEL.search(line.text) if len(line.text) <= 160 else None
        if match:
            for found in find_dates(line.text[match.end() :], now):
                if not found.widget and plausible(found.day, now, MIN_TEXT_YEAR):
                    return found.day
    return None


_ISSUER_FIELD = re.compile(rf"(?:{'|'.join(sel.ISSUER_LABELS)})\s*[:：]\s*(?P<v>[^\s:：]{{2,40}})")
_SIGNATURE_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|" + _HAN_DATE.pattern
)
# '善政办发〔2024〕5号', '国办发[2024]12号': a document number (文号) on a line of its own.
_DOCUMENT_NUMBER = re.compile(r"^\S{1,12}[〔\[［(（](?:19|20)\d{2}[〕\]］)）]\s*\d{1,4}\s*号$")
# 'X关于印发…的通知', 'X关于…的若干意见': the body that issues a document names itself before 关于.
_ISSUING_TITLE = re.compile(
    r"^(?P<v>[^\s，,、:：]{2,30}?)关于\S+的\S{0,6}?"
    r"(?:通知|意见|决定|批复|通告|公告|办法|规定|函|报告|方案)$"
)


def document_issuers(lines: list[Line]) -> set[str]:
    """Who issues the document: its 发布机构 / 发文机关 field, or, on a document with a 文号,
    the body its 'X关于…的通知' title names."""
    issuers = {
        match["v"]
        for line in lines
        if len(line.text) <= 160
        and ("发" in line.text or "成" in line.text)  # every issuer label has one
        and (match := _ISSUER_FIELD.search(line.text))
    }
    if not issuers and any(_DOCUMENT_NUMBER.match(line.text) for line in lines):
        issuers = {
            match["v"]
            for line in lines
            if len(line.text) <= 80 and (match := _ISSUING_TITLE.match(line.text))
        }
    return issuers


# '文号：' and a value that holds no number ('国办发〔2024〕21号'): nothing, '无', or the next cell
# ('名称：…', the headline) that a 政务公开 table's empty field runs into.
_NUMBER_FIELD = re.compile(r"(?:^|\s)(?:文号|文\s号|发文字号|發文字號)\s*[:：]\s*(?P<v>\S{0,24})")
_NUMBER_VALUE = re.compile(r"\d\s*[号號]")


def unnumbered(lines: list[Line]) -> bool:
    """Whether the page's 文号 field is empty: the portal posts a release, not a numbered
    document, so its 落款 neither dates it (its 发布日期 does) nor names a corporate author."""
    for line in lines:
        match = _NUMBER_FIELD.search(line.text) if "号" in line.text else None
        if match and not _NUMBER_VALUE.search(match["v"]):
            return True
    return False


def signature(lines: list[Line], now: dt.datetime | None = None) -> tuple[str, dt.date] | None:
    """A notice's signature (落款): its issuing body alone on a line, then a date alone on the
    next, the last such pair on the page (none on a page whose 文号 field is empty)."""
    issuers = document_issuers(lines)
    if not issuers or unnumbered(lines):
        return None
    for index in range(len(lines) - 2, -1, -1):  # the signature closes the document
        if lines[index].text in issuers and _SIGNATURE_DATE.fullmatch(lines[index + 1].text):
            day = parse_date(lines[index + 1].text, now=now)
            if day and plausible(day, now, MIN_TEXT_YEAR):
                return lines[index].text, day
    return None


def date_signed(lines: list[Line], now: dt.datetime | None = None) -> dt.date | None:
    """The date of a notice's signature. Without a 成文日期 field that is the day the document
    was written; the 发布日期 beside the issuer says when the portal posted it."""
    signed = signature(lines, now)
    return signed[1] if signed else None


# 'var publish_time = "2024-04-07"', '"pubtime":"2024-03-21 08:12:30"': pages that fill in
# their date by script (WeChat articles, news apps) name it in an inline script.
_SCRIPT_DATE = re.compile(
    r"""\b(?:publish_?time|pub_?time|publish_?date|pub_?date|date_?published|first_?publish_?time)"""
    r"""['"]?\s*[:=]\s*['"](?P<v>(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}[^'"]{0,12})['"]""",
    re.I,
)


def date_from_script(tree: lxml.html.HtmlElement, now: dt.datetime | None = None) -> dt.date | None:
    """The publication date an inline script assigns to a variable named for it. Other dates
    in scripts (build stamps, copyright years) are never read."""
    for script in tree.iter("script"):
        text = script.text
        if not text or script.get("src"):
            continue
        match = _SCRIPT_DATE.search(text)
        if match:
            day = parse_date(match["v"], now=now)
            if day and plausible(day, now, MIN_TEXT_YEAR):
                return day
    return None


def date_of_issue(
    lines: list[Line], title_at: int | None, now: dt.datetime | None = None
) -> dt.date | None:
    """'2003年5月' alone on a line just under the headline and its byline: a report or paper
    dated by its own issue month; a portal's posting date (often years later) is not its date."""
    if title_at is None:
        return None
    for line in lines[title_at + 1 : title_at + 7]:
        text = line.text.strip(" （）()")
        if len(text) > 12 or not _MONTH_ONLY.fullmatch(text):
            continue
        day = _partial(text)
        if day and plausible(day, now, MIN_TEXT_YEAR):
            return day
    return None


_MONTH_ONLY = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月")
# An e-paper's issue navigation: '上一期 下一期', '第A01版：要闻', '版面导航'.
_EDITION_NAV = re.compile(
    r"上一期|下一期|前一期|后一期|後一期|往期回顾|往期回顧|版面导航|第\s*[A-Z]?\d{1,3}\s*版"
)
_EDITION_REACH = 2  # lines after the masthead's date that may hold the issue navigation
_EDITION_LINKS = 2  # links into the day's folder that make a masthead's date the issue's


def date_of_edition(
    lines: list[Line],
    title_at: int | None,
    now: dt.datetime | None = None,
    linked: AbstractSet[dt.date] | None = None,
) -> dt.date | None:
    """'2024年03月07日 星期四 上一期 下一期' above the headline of a newspaper's e-paper page: the
    date of the issue the article is printed in, beside the links to the other issues and
    pages; or, given the days that the page's `linked` folders hold (an old paper's archive:
    '2007年6月15日 星期五', its section menu linking '../20070615/gaa.htm'), one of them. A date
    above the headline without either may be a header's clock, unless it is written in the
    Minguo era ('中華民國93年5月12日 星期三', 自由時報): a paper's masthead, set when the
    edition was (a script's clock counts Gregorian years; today's date is still a clock's)."""
    for index in range(title_at or 0):
        reach = [line.text for line in lines[index : index + 1 + _EDITION_REACH]]
        if len(reach[0]) > 200:
            continue
        navigated = any(_EDITION_NAV.search(t) for t in reach if len(t) <= 200)
        if linked is None and not navigated and not _MINGUO_DATE.search(reach[0]):
            continue
        day = _first_day(reach[0], lines[index], True, now)
        if day and (linked is None or day in linked):
            return day
    return None


def _linked_days(tree: lxml.html.HtmlElement, now: dt.datetime | None) -> set[dt.date]:
    """The days whose date folders at least _EDITION_LINKS of the page's links open."""
    counts: dict[dt.date, int] = {}
    for href in tree.xpath("//a/@href"):
        day = _from_url(str(href), now)
        if day:
            counts[day] = counts.get(day, 0) + 1
    return {day for day, count in counts.items() if count >= _EDITION_LINKS}


def date_from_citation(lines: list[Line], now: dt.datetime | None = None) -> dt.date | None:
    """'——《北京之春》1998年3月号', '原载《读书》2003年5月': the issue an essay first appeared in,
    the first day of its month when no day is given."""
    for line in lines:
        match = sel.CITATION_DATE.search(line.text) if len(line.text) <= 100 else None
        if not match:
            continue
        try:
            day = dt.date(int(match["y"]), int(match["m"]), int(match["d"] or 1))
        except ValueError:
            continue
        if plausible(day, now, MIN_TEXT_YEAR):
            return day
    return None


def _tree_or_none(page: str | bytes) -> lxml.html.HtmlElement | None:
    try:
        return load_tree(page)
    except ParseError:
        return None


def date_from_metadata(
    metadata: PageMetadata,
    tree: lxml.html.HtmlElement,
    now: dt.datetime | None = None,
    lines: list[Line] | None = None,
) -> dt.date | None:
    """Dates the page declares: citation_*/DC/OpenGraph/CMS <meta>, JSON-LD, <time> markup.

    A first date of only a month ('citation_publication_date: 2024/3', an issue) gives way to
    the next declared day in that month (the online date: the day the paper came out), or to an
    earlier day that the page itself shows as the paper's publication ('Published: 15 January
    2024' above 'Issue Date: April 2024': online first, months before the issue)."""
    month: dt.date | None = None
    for value in _declared_dates(metadata, tree):
        day = parse_date(value, now=now)
        if not day:
            continue
        if _MONTH_ONLY_VALUE.fullmatch(value.strip()):  # the issue month, however often given
            month = month or day
            continue
        if month is not None and (day.year, day.month) != (month.year, month.month):
            return _day_for_month(day, month, lines or [], now)
        return day
    return month


def _day_for_month(
    day: dt.date, month: dt.date, lines: list[Line], now: dt.datetime | None
) -> dt.date:
    """A declared day outside the issue month dates the paper when the page shows it as the
    paper's: published before the issue ('Published: 15 January 2024' above 'Issue Date: April
    2024'), or put online after it ('出版日期：2022-07' beside '网络出版日期：2022-08-05', as
    CNKI and Chinese journals print it). Otherwise the issue's month stands."""
    if day < month and _shown_published(day, lines, now):
        return day
    if month < day <= month + _ONLINE_AFTER and _shown_published(day, lines, now, _ONLINE_LABEL):
        return day
    return month


_ONLINE_AFTER = dt.timedelta(days=366)  # an issue put online later than this is a reprint
_ONLINE_LABEL = re.compile(
    r"网络出版|網絡出版|网络首发|網絡首發|在线出版|在線出版|"
    r"\b(?:published|available|first\s+published)\s+online\b",
    re.I,
)


def _shown_published(
    day: dt.date, lines: list[Line], now: dt.datetime | None, labels: re.Pattern[str] | None = None
) -> bool:
    """Whether a line of the page labels `day` as the publication date ('Published: <day>'), or
    with `labels` as what they name."""
    for line in lines:
        label = (labels or _PUBLISHED_LABEL).search(line.text) if len(line.text) <= 300 else None
        if label and any(
            m.day == day and not m.widget for m in find_dates(line.text[label.end() :], now)[:1]
        ):
            return True
    return False


_MONTH_ONLY_VALUE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*月?")


def _declared_dates(metadata: PageMetadata, tree: lxml.html.HtmlElement) -> Iterator[str]:
    for name in sel.META_DATES_SCHOLARLY:
        yield from metadata.meta.get(name, [])
    value = jsonld_text(jsonld_first(metadata.jsonld, "datePublished", "dateCreated"))
    if value:
        yield value
    for name in sel.META_DATES_WEB:
        yield from metadata.meta.get(name, [])
    for element in _MARKED(tree):  # one XPath pass in C instead of a Python loop over spans
        if _marked_published(element) and not in_teaser(element, metadata):
            yield element.get("datetime") or element.get("title") or element.text_content()


_MARKED = lxml.etree.XPath("//time[@itemprop or @pubdate] | //abbr[@itemprop] | //span[@itemprop]")


def _marked_published(element: lxml.html.HtmlElement) -> bool:
    prop = (element.get("itemprop") or "").lower()
    if prop in ("datepublished", "datecreated"):
        return True
    return element.tag == "time" and element.get("pubdate") is not None


def title_index(lines: list[Line], metadata: PageMetadata, title: str | None = None) -> int | None:
    """Index of the line that shows the article title: the chosen title first (in a heading, else
    anywhere), then the page's headings and <title> parts; a line that is the title before one
    that contains it ('张三：标题' in a list above the article's own '标题'). None if not shown."""
    candidates = [t for t in [title, *metadata.headings[:3], *_title_parts(metadata)] if t]
    pools = ([(i, line) for i, line in enumerate(lines) if line.heading], list(enumerate(lines)))
    for candidate in candidates:  # the chosen title first, wherever it is shown
        for pool in pools:
            exact = clean_space(candidate)
            found = next((i for i, line in pool if line.text == exact), None)
            if found is None:
                found = next((i for i, line in pool if _shows_title(line.text, candidate)), None)
            if found is not None:
                return found
    return None


def _title_parts(metadata: PageMetadata) -> list[str]:
    parts = []
    for value in (metadata.first(sel.META_TITLE), metadata.title_tag):
        if value:
            parts += [p for p in sel.TITLE_SEPARATORS.split(value) if len(p) >= 4]
    return parts


def _shows_title(line: str, title: str) -> bool:
    title = clean_space(title)
    if line == title:
        return True
    return len(title) >= 6 and title in line and len(line) <= len(title) * 2 + 10


def date_from_lines(
    lines: list[Line], title_at: int | None, now: dt.datetime | None = None
) -> dt.date | None:
    """Labelled dates near the title, any date just under it, then labelled dates anywhere."""
    start = 0 if title_at is None else max(0, title_at - 2)
    window = range(start, min(len(lines), start + 14))
    header, others = headline_chrome(lines, title_at), other_stories(lines)
    searches = (
        (window, True),
        (window, False) if title_at is not None else (range(0), False),
        (range(start, len(lines)), True),
        (range(0, start), True),
    )
    for indices, labelled in searches:
        for index in indices:
            if not labelled and ((lines[index].chrome and index not in header) or index in others):
                continue  # a side bar's or a 'Related' list dates the stories it links to
            day = _line_date(lines[index], labelled, index < (title_at or 0), now)
            revised = labelled and title_at is not None and index in window
            if day and revised and _revision_dated(lines[index].text):
                return (
                    _shown_before(lines, title_at or 0, index, day, now)
                    or _published_by(lines[index + 1 : window.stop], day)
                    or day
                )
            if day is None and not labelled and title_at is not None:
                day = _clocked_short_date(lines, title_at, index, now)
            if day:
                return day
    return None


# 'Last updated 20 November 2023', '更新时间：…': the date of a revision, not of the publication.
_REVISED = re.compile(r"更新|修改|修订|\b(?:updated|modified|revised)\b", re.I)


def _revision_dated(text: str) -> bool:
    """Whether the first date on a line is labelled only as a revision's (no publication label
    before it)."""
    found = find_dates(text[:160])
    head = text[: found[0].start] if found else ""
    return bool(_REVISED.search(head)) and not _PUBLISHED_LABEL.search(head)


def _shown_before(
    lines: list[Line], title_at: int, revised_at: int, revised: dt.date, now: dt.datetime | None
) -> dt.date | None:
    """A date shown between the headline and a revision's label (both near the headline): the
    publication's (MERICS, think tanks: the report's date under its title, 'Last updated'
    below a short text). A revision labelled above the headline (a header's '数据更新时间', a
    CMS's 'Updated' bar) gives way to a day shown on the lines just under it, when not later."""
    if revised_at > title_at:
        below = lines[title_at + 1 : revised_at]
    else:
        below = lines[title_at + 1 : title_at + 1 + _UNDER_HEADLINE]
    for line in below:
        day = _line_date(line, False, False, now)
        if day and (revised_at > title_at or day <= revised):
            return day
    return None


_UNDER_HEADLINE = 2  # lines under the headline that show its date (the byline's, the source's)


def _published_by(lines: list[Line], revised: dt.date) -> dt.date | None:
    """'Updated 10:24, 08-Mar-2024' over 'Published 03/07/2024' (CGTN): the publication date
    labelled after a revision's, when it is not later. One whose day and month cannot be told
    apart is the one reading not after the revision's day (none when both readings are)."""
    for line in lines:
        label = _PUBLISHED_LABEL.search(line.text) if len(line.text) <= 160 else None
        if not label:
            continue
        value = line.text[label.end() :].lstrip(" :：")
        match = _SLASHED.match(value)
        readings = _slashed_readings(match) if match else {m.day for m in find_dates(value)[:1]}
        readings = {day for day in readings if day.year >= MIN_TEXT_YEAR and day <= revised}
        return readings.pop() if len(readings) == 1 else None
    return None


def _slashed_readings(match: re.Match[str]) -> set[dt.date]:
    """Both days '03/07/2024' may be: 7 March (US) and 3 July."""
    a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
    readings: set[dt.date] = set()
    for month, day in ((a, b), (b, a)):
        try:
            readings.add(dt.date(year, month, day))
        except ValueError:
            continue
    return readings


# '24-03-07 10:15': a mobile template's two-digit year, with the time, on the meta line under
# the headline. Only there, and only with its time, is it read as a date (20yy-mm-dd).
_SHORT_CLOCKED = re.compile(
    r"(?<![\d:/.-])(?P<y>\d{2})-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\s+[0-2]?\d:[0-5]\d(?![\d-])"
)
_META_LINES = 2  # lines under the headline that hold its meta line (source, time, reads)


def _clocked_short_date(
    lines: list[Line], title_at: int, index: int, now: dt.datetime | None
) -> dt.date | None:
    """The 'yy-mm-dd hh:mm' of the meta line right under the headline, as 20yy-mm-dd."""
    if not 0 < index - title_at <= _META_LINES or len(lines[index].text) > 80:
        return None
    match = _SHORT_CLOCKED.search(lines[index].text)
    if not match:
        return None
    try:
        day = dt.date(2000 + int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    return day if plausible(day, now, MIN_TEXT_YEAR) else None


# '作者：老城记事 | 2005-07-03 22:10 | 阅读(132)': a date on the byline line is the post's, as
# much as a labelled one (and comes before the 发表于 dates of the comments under it).
_BYLINE_FIELD = re.compile(r"(?:^|[\s|｜])(?:作者|作\s者|记者|記者)\s*[:：]")


def _line_date(
    line: Line, labelled: bool, before_title: bool, now: dt.datetime | None
) -> dt.date | None:
    text = line.text
    if len(text) > 160:
        return None
    if labelled and not (date_labelled(text) or _BYLINE_FIELD.search(text)):
        return None
    published = _PUBLISHED_LABEL.search(text) if labelled else None
    if published:  # '更新时间：3月6日 发布时间：3月5日': the publication label's own date first
        day = _first_day(text[published.end() :], line, before_title, now)
        if day:
            return day
    day = _first_day(text, line, before_title, now)
    if day is None and published:
        return short_year_date(text[published.end() :], now)
    return day


# Label words that are also plain words: '通车日期未定 (2018-04-12)' is a related story's
# headline, whose date is its own. They label a date only when a colon or the date follows.
_BARE_LABELS = frozenset({"时间", "日期", "更新", "来源"})
_AFTER_LABEL = re.compile(r"\s*(?:[:：\d(（\[【于於]|$)")


def date_labelled(text: str) -> bool:
    """Whether `text` has a date label: a publication word ('发布时间', 'Published'), or a bare
    one ('时间', '日期') right before a colon or a date."""
    for match in sel.DATE_LABELS.finditer(text):
        if match.group() not in _BARE_LABELS or _AFTER_LABEL.match(text, match.end()):
            return True
    return False


# '发布时间：06-11-23' (a school's ASP page), '發布日期：104-10-21', '民國104年10月21日' (Taiwan's
# Minguo calendar, year 1 = 1912): years short of four digits, read only after a publication label.
_SHORT_YEAR = re.compile(
    r"^\s*[:：]?\s*(?P<roc>民[国國]\s*)?(?P<y>\d{2,3})\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})\s*"
    r"(?:(?P=sep)|月)\s*(?P<d>\d{1,2})(?!\d)"
)


def short_year_date(value: str, now: dt.datetime | None = None) -> dt.date | None:
    """The date a publication label's value gives with a two-digit year (the nearest past
    century's: 06 is 2006) or a Minguo year (three digits, or marked 民國: 104 is 2015)."""
    match = _SHORT_YEAR.match(value)
    if not match:
        return None
    year = int(match["y"])
    if match["roc"] or len(match["y"]) == 3:
        candidates = [year + 1911]
    else:
        candidates = [2000 + year, 1900 + year]
    for candidate in candidates:
        try:
            day = dt.date(candidate, int(match["m"]), int(match["d"]))
        except ValueError:
            return None
        if plausible(day, now, MIN_TEXT_YEAR):
            return day
    return None


# Labels of the publication date itself, not of an update or of the page's source.
_PUBLISHED_LABEL = re.compile(
    r"(?:发布|发表|刊发|發布|發佈|發表)(?:时间|日期|時間|于|於)|\b(?:Published|Posted)\b", re.I
)


# '收稿日期：2023-09-12 修回日期：…', 'Received 12 March 2023; Accepted …': a journal page's
# manuscript history, dates of the paper's review, never of its publication.
_MANUSCRIPT_LABEL = re.compile(
    r"(?:收稿|修回|录用|錄用|接收|接受|投稿)(?:日期|时间|時間)\s*[:：]?\s*$|"
    r"\b(?:Received|Revised|Accepted)(?:\s+in\s+revised\s+form)?\s*(?:on)?\s*[:：]?\s*$",
    re.I,
)


def _after_manuscript_label(text: str, match: DateMatch) -> bool:
    """Whether the date `match` found in `text` is a received, revised or accepted date."""
    return bool(_MANUSCRIPT_LABEL.search(text, max(0, match.start - 24), match.start))


def _first_day(
    text: str, line: Line, before_title: bool, now: dt.datetime | None
) -> dt.date | None:
    """The first plausible date in `text` that is not a clock widget's nor a manuscript's."""
    for match in find_dates(text, now):
        if match.widget or not plausible(match.day, now, MIN_TEXT_YEAR):
            continue
        if _after_manuscript_label(text, match):
            continue
        if match.day == today(now) and (line.chrome or before_title):
            continue  # today's date in the page header is a clock, not a publication date
        return match.day
    return None


def _from_url(url: str | None, now: dt.datetime | None) -> dt.date | None:
    """/2023/0116/, /2023/01/16/, /t20230116_123.html, /2023-01-16/ in the URL path."""
    if not url:
        return None
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:  # a declared canonical URL urllib cannot split ('http://[::1')
        return None
    for match in sel.URL_DATE.finditer(path):
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        if plausible(day, now, MIN_TEXT_YEAR):
            return day
    return None


def _declared_address(metadata: PageMetadata) -> str | None:
    """The address the page gives itself (<link rel=canonical>, og:url): a page served from a
    dateless address (a mobile or share link) still has its date folders there."""
    return metadata.canonical or metadata.first(sel.META_CANONICAL)


def _from_htmldate(tree: lxml.html.HtmlElement, now: dt.datetime | None) -> dt.date | None:
    """htmldate on markup only (no extensive guessing: it invents 1 January for bare years).

    htmldate prunes a deep copy of a tree it is given, so the caller's tree is passed as is."""
    from htmldate import find_date

    latest = today(now) + _TOLERANCE
    try:
        found = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%d",
            min_date=f"{MIN_TEXT_YEAR}-01-01",
            max_date=latest.isoformat(),
        )
    except Exception:  # htmldate is a heuristic library; any failure means "no date"
        return None
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found)
    except ValueError:
        return None
