"""The rules blind set 11 (tests/test_parse_sites11.py) led to, each on a synthetic page of its
own, beside a control that does not trigger it: bylines (a share or follow bar's words on the
byline's or the editor's line; who wrote up an as-told-to piece, '口述｜X 整理｜Y'; an English
byline longer than the old 80-character cap, whose last name lost its last letters; an
institution's acronym after a name, 'Xin Li, ANU'; each role after its name, 'X/文 Y/图'; a
box marked as the contributors; a reporter in tortoise-shell brackets, '〔記者X∕台中報導〕');
dates (a masthead's edition date in the Minguo era above the headline; a related list under a
bare '相关新闻' line, not marked as a heading; a <meta> date the page labels as its update's,
or as a working paper's 'Date Written')."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.article import extract_article
from tests.test_parse_sites4_rules import FILLER, NOW, page
from tests.test_parse_sites10_rules import EN_FILLER

EN_H1 = "Belt and Road's quieter second act"

# --- bylines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("编辑：王海燕 分享到 微信 微博", ["王海燕"]),
        ("作者：李娜 分享 朋友圈 QQ空间", ["李娜"]),
        ("By Ann Lee Facebook Twitter Email", ["Ann Lee"]),
        # controls: names that are no share bar's words
        ("作者：李娜 王微", ["李娜", "王微"]),
        ("编辑：王海燕", ["王海燕"]),
    ],
)
def test_a_share_bars_words_are_never_names(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("口述｜陈伟强　整理｜主笔 吴琪", ["吴琪"]),
        ("口述：张大妈 整理：记者 李娜", ["李娜"]),
        # control: no 整理 credit, the speaker alone is no author
        ("口述｜陈伟强", []),
    ],
)
def test_who_wrote_up_an_as_told_to_piece_is_its_author(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        (
            "By Martin Keller, a senior fellow at the Institute for Global Economics, and Sun"
            " Hui, an assistant professor of economics at the University of Toronto.",
            ["Martin Keller", "Sun Hui"],
        ),
        (
            "By Anna Berg, a research associate at the Centre for Urban Studies in Oslo, and"
            " Ole Hansen",
            ["Anna Berg", "Ole Hansen"],
        ),
        # control: a short byline
        ("By Martin Keller and Sun Hui", ["Martin Keller", "Sun Hui"]),
    ],
)
def test_a_long_english_byline_keeps_each_names_last_letter(
    byline: str, expected: list[str]
) -> None:
    assert page(f"<p>{byline}</p>{EN_FILLER}").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Author: Xin Li, ANU", ["Xin Li"]),
        ("By Emma Price, LSE, and Tom Reyes, CSIS", ["Emma Price", "Tom Reyes"]),
        # controls: an agency alone is the credit; a name's own capitals stay
        ("By AFP", ["AFP"]),
        ("Author: Xin Li, Tom Reyes", ["Xin Li", "Tom Reyes"]),
    ],
)
def test_an_institutions_acronym_after_a_name_is_no_author(
    byline: str, expected: list[str]
) -> None:
    assert page(f"<p>{byline}</p>{EN_FILLER}").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("作者：大河网记者 王旭东/文 李凯/图", ["王旭东"]),
        ("本报记者 张明/文 刘洋/摄", ["张明"]),
        # control: no '/文' mark, the names are read as before
        ("记者 张明/李娜", ["张明", "李娜"]),
    ],
)
def test_a_role_after_each_name_keeps_only_the_writers(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        (
            "<div class='contributor'><a href='/people/hq'>Harriet Quinn</a></div>",
            ["Harriet Quinn"],
        ),
        (
            "<div class='article-contributors'><a href='/p/a'>Ann Lee</a> <a href='/p/b'>Tom"
            " Reyes</a></div>",
            ["Ann Lee", "Tom Reyes"],
        ),
        # control: a contributors box whose link is no name
        ("<div class='contributor'><a href='/c'>All contributors</a></div>", []),
    ],
)
def test_a_box_marked_as_the_contributors_names_the_authors(box: str, expected: list[str]) -> None:
    assert page(f"{box}{EN_FILLER}", h1=EN_H1).authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("〔記者蔡淑媛∕台中報導〕", ["蔡淑媛"]),
        ("〔記者林志明／台北報導〕", ["林志明"]),
        # control: the round brackets as before
        ("（记者 张明）", ["张明"]),
    ],
)
def test_a_reporter_in_tortoise_shell_brackets(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


def masthead_page(masthead: str) -> str:
    """An old paper's page: its masthead's date above the headline, no other date."""
    return (
        f"<html><body><table><tr><td>自由時報</td><td class='today'>{masthead}</td></tr></table>"
        f"<h1>高鐵通車在即 台中烏日站區開發拚成形</h1>{FILLER}{FILLER}</body></html>"
    )


@pytest.mark.parametrize(
    ("masthead", "expected"),
    [
        ("中華民國93年5月12日 星期三", dt.date(2004, 5, 12)),
        ("民國104年10月21日", dt.date(2015, 10, 21)),
        # control: a Gregorian date there, without an issue's navigation, may be a clock's
        ("2004年5月12日 星期三", None),
    ],
)
def test_a_masthead_date_in_the_minguo_era_dates_the_edition(
    masthead: str, expected: dt.date | None
) -> None:
    record = extract_article(masthead_page(masthead), "http://x.example/a.htm", source="s", now=NOW)
    assert record.published == expected


def related_page(heading: str) -> str:
    """An old table layout: the story (no date of its own), then a list under `heading`."""
    return (
        "<html><body><h1>乌昌经济一体化迈出实质性步伐</h1>"
        f"<table><tr><td>{FILLER}{FILLER}</td></tr></table><table><tr><td><b>{heading}</b></td>"
        "</tr><tr><td>·<a href='/b.html'>天山北坡经济带建设座谈会召开</a> 2007-09-02</td></tr>"
        "</table></body></html>"
    )


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("相关新闻", None),
        ("相關報導", None),
        # control: under a heading that names no other stories, the date is read as before
        ("乌昌要闻", dt.date(2007, 9, 2)),
    ],
)
def test_a_bare_related_line_heads_other_stories(heading: str, expected: dt.date | None) -> None:
    record = extract_article(related_page(heading), "http://x.example/a.htm", source="s", now=NOW)
    assert record.published == expected


@pytest.mark.parametrize(
    ("meta", "line", "expected"),
    [
        (
            "2025-03-08",
            "发布时间：2025-03-07 08:45 更新时间：2025-03-08 16:20",
            dt.date(2025, 3, 7),
        ),
        ("2025-03-08", "发布日期：2025-03-07 最后更新：2025-03-08", dt.date(2025, 3, 7)),
        # controls: the <meta> names the publication's day; a later 发布时间 is no revision's
        (
            "2025-03-07",
            "发布时间：2025-03-07 08:45 更新时间：2025-03-08 16:20",
            dt.date(2025, 3, 7),
        ),
        ("2025-03-08", "发布时间：2025-03-09 更新时间：2025-03-08", dt.date(2025, 3, 8)),
    ],
)
def test_a_meta_date_the_page_labels_as_its_update(meta: str, line: str, expected: dt.date) -> None:
    head = f"<meta name='publishdate' content='{meta}'>"
    assert page(f"<p>{line}</p>", head=head).published == expected


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("2010/02/01", dt.date(2010, 3, 23)),
        # control: a <meta> date that is not the written one is kept
        ("2010/03/20", dt.date(2010, 3, 20)),
    ],
)
def test_a_working_paper_is_dated_by_its_posted_day(meta: str, expected: dt.date) -> None:
    head = f"<meta name='citation_publication_date' content='{meta}'>"
    body = "<p>38 Pages · Posted: 23 Mar 2010</p><p>Date Written: February 1, 2010</p>"
    assert page(f"{body}{EN_FILLER}", head=head, h1=EN_H1).published == expected
