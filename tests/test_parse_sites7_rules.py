"""The rules blind set 7 (tests/test_parse_sites7.py) led to, each on a synthetic page of its
own: bylines (a label glued by inline spans to the date field before it, the next role's 'X/'
ending a slash credit line, an office named in an author field), dates (a journal page's
manuscript history, a date htmldate finds only in the page's chrome), and titles (the site's
declared name, shown in a header the body began with, is no headline)."""

from __future__ import annotations

import datetime as dt

import pytest

from agglowatch.records import DocumentRecord
from parsers.article import extract_article
from tests.test_parse_sites4_rules import FILLER, NOW, page


def whole(html: str) -> DocumentRecord:
    return extract_article(html, "http://x.example/a.html", source="s", now=NOW)


# --- bylines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # TRS-style info bars: one <span> per field, no white space between them
        (
            "<span>发布时间：2023-11-15</span><span>作者：邱晓东\u3000潘晓燕\u3000司马文</span>"
            "<span>来源：国土开发与地区经济研究所</span>",
            ["邱晓东", "潘晓燕", "司马文"],
        ),
        ("<span>日期：2024-01-10 09:30</span><span>作者：郑志远</span>", ["郑志远"]),
        ("<span>2024-01-10</span><span>【作者】郑志远</span>", ["郑志远"]),
    ],
)
def test_an_author_label_glued_to_the_date_field_before_it(
    fields: str, expected: list[str]
) -> None:
    assert page(f"<div>{fields}</div>").authors == expected


def test_a_label_inside_a_word_is_still_no_label() -> None:
    assert page("<p>合作者：某某研究所提供数据支持</p>").authors == []


@pytest.mark.parametrize(
    ("credits", "expected"),
    [
        (
            "（文/李佳 王琳\u3000图/王斌\u3000供稿：建筑与城市规划学院\u3000审核：张华）",
            ["李佳", "王琳"],
        ),
        ("文/李佳 摄影/王斌", ["李佳"]),
        ("文／李佳 王琳 视频／王斌 编辑／陈曦", ["李佳", "王琳"]),
        ("文/陆思远/钱语", ["陆思远", "钱语"]),  # a slash between two writers is no role
    ],
)
def test_the_next_roles_slash_ends_the_writers(credits: str, expected: list[str]) -> None:
    assert page(f"<p>{credits}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("作者：综合统计处", []),
        ("作者：林业局", []),  # a surname's character first, but no given name ends in 局
        ("作者：城建科", []),
        ("作者：规划发展处 张伟", ["张伟"]),
        ("作者：李文科", ["李文科"]),  # a given name may end in 科
        ("作者：欧阳文院", ["欧阳文院"]),
    ],
)
def test_an_office_in_the_author_field_is_no_person(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        "<p>收稿日期：2023-09-12 修回日期：2023-12-05</p><p>网络首发时间：2024-01-18 15:32:10</p>",
        "<p>Received 12 September 2023; Revised 5 December 2023; Accepted 2 January 2024; "
        "Available online 18 January 2024</p>",
        "<p>Received: 2023-09-12</p><p>Accepted: 2024-01-02</p><p>Published: 2024-01-18</p>",
    ],
)
def test_a_manuscripts_history_dates_no_publication(history: str) -> None:
    assert page(history).published == dt.date(2024, 1, 18)


def test_a_manuscript_date_alone_is_no_publication_date() -> None:
    assert page("<p>收稿日期：2023-09-12</p>").published is None


SIDEBAR = (
    "<div class='sidebar'><h3>最新报告</h3><ul>"
    "<li><a href='/r/1'>中国主要都市圈通勤监测报告</a><span class='date'>2024-06-28</span></li>"
    "<li><a href='/r/2'>县城城镇化发展报告</a><span class='date'>2023-12-15</span></li>"
    "</ul></div>"
)


# a report's contents, so that the dates below are far from the headline: only htmldate's look
# at the markup finds them
CONTENTS = "".join(f"<p>第{i}章 城市群一体化的分项指数。</p>" for i in range(1, 17))


def report_page(extra: str) -> DocumentRecord:
    return whole(
        "<html><head><title>城市群一体化发展指数报告（2023） | 研究中心</title></head><body>"
        f"<h1>城市群一体化发展指数报告（2023）</h1>{FILLER}{CONTENTS}{extra}{SIDEBAR}</body></html>"
    )


def test_a_date_shown_only_in_the_sidebar_is_not_the_pages() -> None:
    assert report_page("").published is None


def test_a_date_htmldate_finds_in_the_page_itself_is_kept() -> None:
    extra = "<div class='info'><span class='date'>2023-11-30</span></div>"
    assert report_page(extra).published == dt.date(2023, 11, 30)


# --- titles --------------------------------------------------------------------------------------


def test_the_sites_declared_name_in_a_header_the_body_began_with_is_no_headline() -> None:
    headline = "Xiong'an New Area welcomes first batch of relocated central SOE headquarters"
    html = (
        f"<html><head><title>{headline} - Global Times</title>"
        f'<meta property="og:title" content="{headline}">'
        '<meta property="og:site_name" content="Global Times"></head><body>'
        "<div class='header'><span>Monday, December 07, 2026</span> <a href='/'>Global Times</a> "
        "<a href='/special/'>Special Coverage</a></div>"
        f"<div class='article'><div class='article_title'>{headline}</div>"
        "<p>Published: Apr 02, 2024 10:44 PM</p>"
        # text broken by <br><br>, no <p>: trafilatura keeps the whole page, header first
        + "<div class='article_right'>"
        + "Several centrally administered State-owned enterprises have started moving their "
        "headquarters to Xiong'an New Area, marking a key step in the relocation plan.<br><br>"
        * 3
        + "</div></div></body></html>"
    )
    assert whole(html).title == headline
