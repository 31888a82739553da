"""The rules blind set 6 (tests/test_parse_sites6.py) led to, each on a synthetic page of its
own: bylines ('特约撰稿 名', '撰稿 名', a '◎' mark before names, the credit opening a report
after 【本报讯】, 報道 as Hong Kong writes it, a copyright line's owner, a tools link glued to the
byline), dates (a related headline's 日期 is no label, two-digit and Minguo years after a
publication label, a table's row header labels its row), and titles (a menu's entry repeated
by <title> or DC.title names a section, a headline labelled 標題 in a table row, a headline and
sub-headline in two headings that og:title joins)."""

from __future__ import annotations

import datetime as dt

import pytest

from agglowatch.records import DocumentRecord
from parsers.article import extract_article
from parsers.dates import date_labelled, short_year_date
from parsers.metadata import load_tree, page_lines
from parsers.titles import menu_items
from tests.test_parse_sites4_rules import FILLER, NOW, page


def whole(html: str) -> DocumentRecord:
    return extract_article(html, "http://x.example/a.html", source="s", now=NOW)


# --- bylines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("特约撰稿\u3000许文涛", ["许文涛"]),  # an opinion page's contributing writer
        ("撰稿 何晓军", ["何晓军"]),
        ("◎ 刘畅", ["刘畅"]),
        ("◎记者刘畅", ["刘畅"]),
        ("■ 张伟 李娜", ["张伟", "李娜"]),
        ("作者：冯刚 韩雪 我要评论", ["冯刚", "韩雪"]),  # the tools link glued to the line
    ],
)
def test_more_byline_forms(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


def test_a_mark_before_words_that_are_no_names_is_no_byline() -> None:
    assert page("<p>◎ 相关链接</p>").authors == []


def test_a_copyright_lines_owner_is_no_author() -> None:
    footer = "<p>Copyright © 1997-2006 by www.people.com.cn. all rights reserved</p>"
    assert page(footer).authors == []


LONG_LEAD = "廣深港高速鐵路香港段預計今年第三季通車，連同正在興建的多條城際鐵路，" * 3


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        (f"【本報訊】記者陳家豪、梁慧儀報道：{LONG_LEAD}", ["陳家豪", "梁慧儀"]),
        (f"本报讯 记者王丽报道：{LONG_LEAD}", ["王丽"]),
        ("【本報訊】記者陳家豪報道：高鐵香港段今年通車。", ["陳家豪"]),  # short, too
        (f"{LONG_LEAD}【本報訊】記者陳家豪報道。", []),  # not where the paragraph opens
    ],
)
def test_the_credit_opening_a_report(lead: str, expected: list[str]) -> None:
    assert page(f"<p>{lead}</p>").authors == expected


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "labelled"),
    [
        ("发布日期：2024-03-05", True),
        ("日期：2024-03-05", True),
        ("时间 2024-03-05", True),
        ("2005-04-05 10:23　来源: 新华网", True),
        ("港珠澳大橋通車日期未定 (2018-04-12)", False),
        ("会议时间安排已确定 2018-04-12", False),
    ],
)
def test_a_bare_label_word_labels_a_date_only_before_a_colon_or_the_date(
    line: str, labelled: bool
) -> None:
    assert date_labelled(line) is labelled


def test_a_related_headline_with_a_date_word_does_not_beat_the_date_under_the_title() -> None:
    body = (
        "<div>2018年5月3日 星期四 06:15</div>"
        f"{FILLER}<h3>相關新聞</h3><ul><li><a href='#'>大橋通車日期未定</a> (2018-04-12)</li></ul>"
    )
    assert page(body).published == dt.date(2018, 5, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("06-11-23", dt.date(2006, 11, 23)),
        ("：98-7-1", dt.date(1998, 7, 1)),  # not 2098: the future is no publication date
        ("104-10-21", dt.date(2015, 10, 21)),  # Minguo 104
        ("民國95年3月5日", dt.date(2006, 3, 5)),
        ("06-13-23", None),
        ("2006-11-23", None),  # a four-digit year is no short one
    ],
)
def test_short_and_minguo_years(value: str, expected: dt.date | None) -> None:
    assert short_year_date(value, NOW) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("发布时间：06-11-23 浏览次数：207", dt.date(2006, 11, 23)),
        ("發布日期：104-10-21", dt.date(2015, 10, 21)),
        ("编号：06-11-23", None),  # no publication label: a number, not a date
    ],
)
def test_a_short_year_after_a_publication_label(line: str, expected: dt.date | None) -> None:
    assert page(f"<p>{line}</p>").published == expected


def test_a_row_header_cell_labels_the_cell_beside_it() -> None:
    html = (
        "<html><body><table><tr><th>發布日期</th><td>104-10-21</td></tr>"
        "<tr><th>标题</th><th>日期</th></tr><tr><td>甲</td><td>乙</td></tr></table></body></html>"
    )
    texts = [line.text for line in page_lines(load_tree(html), join_labels=True)]
    assert texts == ["發布日期： 104-10-21", "标题", "日期", "甲", "乙"]


def test_an_accesskey_anchor_is_no_label() -> None:
    html = "<html><body><a name='C'>:::</a><p>標題：</p><p>城市群</p></body></html>"
    texts = [line.text for line in page_lines(load_tree(html), join_labels=True)]
    assert texts == [":::", "標題： 城市群"]


# --- titles --------------------------------------------------------------------------------------

MENU = (
    "<div><a href='/'>学院首页</a> | <a href='/g'>学院概况</a> | <a href='/n'>新闻动态</a> | "
    "<a href='/k'>科学研究</a></div>"
)


def test_menu_items() -> None:
    html = (
        f"<html><body>{MENU}<div><a>首頁</a> <a>港聞</a> <a>中國</a> <a>國際</a></div>"
        "<p>我市召开推进会 | 新闻 | 交通局</p></body></html>"
    )
    items = menu_items(page_lines(load_tree(html)))
    assert {"新闻动态", "港聞"} <= items
    assert "我市召开推进会" not in items  # a whole '标题 | 栏目 | 站名' shown: no menu


def test_a_section_name_that_title_repeats_is_not_the_headline() -> None:
    html = (
        "<html><head><title>某大学交通学院 - 新闻动态</title></head><body>"
        f"{MENU}<table><tr><td><b>新闻动态</b></td></tr>"
        "<tr><td><a href='/1'>学院召开年度科研工作会议</a></td></tr></table>"
        "<div><b>我院承办城际交通发展学术研讨会</b></div>"
        "<div>撰稿：何晓军 发布时间：2006-11-23</div>"
        f"{FILLER}{FILLER}</body></html>"
    )
    assert whole(html).title == "我院承办城际交通发展学术研讨会"


def test_a_dc_title_naming_the_section_gives_way_to_the_labelled_headline() -> None:
    html = (
        '<html><head><title>發展委員會-新聞稿</title><meta name="DC.Title" content="新聞稿">'
        "</head><body><div id='menu'><a>本會簡介</a>｜<a>政策專區</a>｜<a>新聞稿</a>｜"
        "<a>出版品</a></div>"
        "<table><tr><th>標題</th><td>推動生活圈交通整合 強化區域均衡發展</td></tr>"
        "<tr><th>發布單位</th><td>區域發展處</td></tr>"
        "<tr><th>發布日期</th><td>104-10-21</td></tr></table>"
        f"{FILLER}{FILLER}</body></html>"
    )
    record = whole(html)
    assert record.title == "推動生活圈交通整合 強化區域均衡發展"
    assert record.published == dt.date(2015, 10, 21)


def test_a_dc_title_that_is_no_menu_entry_is_still_the_title() -> None:
    head = '<meta name="DC.Title" content="推動生活圈交通整合">'
    assert page("<p>记者 张伟</p>", head, "另一个标题").title == "推動生活圈交通整合"


def heading_pair(og_title: str) -> DocumentRecord:
    html = (
        f'<html><head><meta property="og:title" content="{og_title}"></head><body>'
        "<h1>大灣區城際鐵路網加快成形</h1><h2>港深通勤圈逐步融合</h2>"
        f"<div>2018年5月3日</div>{FILLER}{FILLER}</body></html>"
    )
    return whole(html)


def test_a_sub_headline_that_og_title_joins_to_the_headline_is_part_of_it() -> None:
    joined = "大灣區城際鐵路網加快成形 港深通勤圈逐步融合"
    assert heading_pair(joined).title == joined


def test_a_sub_headline_that_og_title_leaves_out_stays_out() -> None:
    assert heading_pair("大灣區城際鐵路網加快成形").title == "大灣區城際鐵路網加快成形"
