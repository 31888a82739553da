"""The rules blind set 10 (tests/test_parse_sites10.py) led to, each on a synthetic page of its
own, beside a control that does not trigger it: bylines (names printed in capitals, wherever
they are read; a sentence's full stop after the last name; a paper's byline mark before '文：';
a research report's analysts; an organisation declared as the author; BBC's comma-ended
labels; an affiliation before a space; a social post's author card); titles (the <h1> stacked
between a paper's kicker and deck); a script-drawn app's empty shell read from its <noscript> copy;
dates (a related list run into its label on one line; an e-paper's 前一期/后一期 navigation; an
archive's masthead date beside links into that day's folder; a journal's month-only issue
beside the day it went online; a revision's date above the headline)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from agglowatch.records import DocumentRecord
from parsers.article import extract_article
from tests.test_parse_sites4_rules import FILLER, NOW, page

EN_FILLER = (
    "<p>"
    + "The metropolitan area plans more commuter rail lines and shared services. " * 4
    + "</p>"
)


def jsonld_authors(*names: str) -> str:
    """A NewsArticle's JSON-LD crediting `names` as persons."""
    authors = [{"@type": "Person", "name": name} for name in names]
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "author": authors}
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


# --- bylines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        (jsonld_authors("HIROSHI ONOGI", "LAUREN CHEN"), "", ["Hiroshi Onogi", "Lauren Chen"]),
        ("<meta name='author' content='JOHN MCDONALD'>", "", ["John McDonald"]),
        ("", "<p>By MARIA HOLT and JIANG WEN</p>", ["Maria Holt", "Jiang Wen"]),
        ("", "<p>By SEAN O’BRIEN and ANNE-MARIE DUBOIS</p>", ["Sean O’Brien", "Anne-Marie Dubois"]),
        # controls: a name in its own case, and one word in capitals (an acronym)
        (jsonld_authors("Hiroshi Onogi"), "", ["Hiroshi Onogi"]),
        (jsonld_authors("J.R. Tolkien"), "", ["J.R. Tolkien"]),
        ("", "<p>By AFP</p>", ["AFP"]),
    ],
)
def test_a_name_printed_in_capitals_is_cited_in_its_own_case(
    head: str, body: str, expected: list[str]
) -> None:
    assert page(f"{body}{EN_FILLER}", head=head).authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Written by Katherine Yuen.", ["Katherine Yuen"]),
        ("By Ann Lee and Tom Reyes.", ["Ann Lee", "Tom Reyes"]),
        ("Posted by Oliver Grant.", ["Oliver Grant"]),
        # controls: an initial's and a suffix's own full stop
        ("By Katherine J.", ["Katherine J."]),
        ("By Martin Luther King Jr.", ["Martin Luther King Jr."]),
    ],
)
def test_a_sentences_full_stop_after_the_last_name(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>{EN_FILLER}").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("■文：梁啟明", ["梁啟明"]),
        ("◎文/李佳", ["李佳"]),
        ("□ 文｜赵一鸣", ["赵一鸣"]),
        ("■图文：本报摄影部", []),  # control: no person after the mark's label
    ],
)
def test_a_papers_byline_mark_before_the_writers_credit(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        ("建筑建材 2016-08-22 中信建投证券 研究员：李明远,王诗涵 评级：增持", ["李明远", "王诗涵"]),
        ("分析师：张伟 刘洋", ["张伟", "刘洋"]),
        ("Analysts: Mei Chen, Tom Reyes", ["Mei Chen", "Tom Reyes"]),
        # controls: a transcript's speaker; an institute's title
        ("研究员：我们认为轨交投资仍将增长", []),
        ("高级研究员：城市发展研究所", []),
    ],
)
def test_a_reports_analysts_are_its_authors(credit: str, expected: list[str]) -> None:
    assert page(f"<p>{credit}</p>").authors == expected


def jsonld_author(author: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "author": author}
    return f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script>"


BBC = {"@type": "NewsMediaOrganization", "name": "BBC News 中文"}


@pytest.mark.parametrize(
    ("author", "byline", "expected"),
    [
        (BBC, "<p>記者 黃子謙</p>", ["黃子謙"]),
        (BBC, "", []),
        ([BBC, {"@type": "Person", "name": "Lu Yifan"}], "", ["Lu Yifan"]),
        ({"@type": ["Organization"], "name": "Nikkei Asia"}, "<p>By Ann Lee</p>", ["Ann Lee"]),
        # controls: a person, or a name with no type, is the page's author
        ({"@type": "Person", "name": "Lu Yifan"}, "<p>記者 黃子謙</p>", ["Lu Yifan"]),
        ({"name": "Lu Yifan"}, "<p>記者 黃子謙</p>", ["Lu Yifan"]),
    ],
)
def test_an_organisation_declared_as_author_is_no_writer(
    author: object, byline: str, expected: list[str]
) -> None:
    assert page(f"{byline}{FILLER}", head=jsonld_author(author)).authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("<li><span class='hidden'>作者, </span><span>黃子謙</span></li>", ["黃子謙"]),
        ("<li><span class='hidden'>Author, </span><span>Jane Smith</span></li>", ["Jane Smith"]),
        # controls: a prose line opened by the word, and a role after the label
        ("<p>作者, 本文发表时正在北京调研</p>", []),
        ("<li><span class='hidden'>Role, </span><span>BBC中文記者</span></li>", []),
    ],
)
def test_an_author_label_ended_by_a_comma(byline: str, expected: list[str]) -> None:
    assert page(f"<ul>{byline}</ul>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("作者：周晓岚（南开大学城市与区域研究中心主任、教授） 孟繁宇", ["周晓岚", "孟繁宇"]),
        ("作者：周晓岚（南开大学教授）、孟繁宇（南开大学研究员）", ["周晓岚", "孟繁宇"]),
        # control: the affiliation after the last name is its end
        ("作者：周晓岚（南开大学城市与区域研究中心主任、教授）", ["周晓岚"]),
    ],
)
def test_an_affiliation_before_a_space_and_the_next_name(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


def post(card: str, posted: str) -> list[str]:
    """A social post: the author card with its follow button, the posting line, the headline."""
    html = (
        "<html><body><div class='nav'><a href='/'>雪球</a></div>"
        f"<div>{card}</div><div>{posted}</div><h1>长三角城投债的分化：从都市圈半径看区县平台</h1>"
        f"{FILLER}{FILLER}</body></html>"
    )
    return extract_article(html, "http://x.example/a.html", source="s", now=NOW).authors


@pytest.mark.parametrize(
    ("card", "posted", "expected"),
    [
        (
            "<a>松江观潮</a> <span>固收研究爱好者</span> <span>关注</span>",
            "<a>发布于2025-04-18 21:15 · 来自雪球</a>",
            ["松江观潮"],
        ),
        (
            "<a>城市观察员</a> <span>+关注</span>",
            "<span>04-18 21:15 来自 iPhone</span>",
            ["城市观察员"],
        ),
        ("<a>Lu Yifan</a> · <span>Follow</span>", "<span>Posted Apr 18, 2025</span>", ["Lu Yifan"]),
        # controls: a card with no time of posting under it (a recommended account)
        ("<a>松江观潮</a> <span>关注</span>", "<span>推荐账号</span>", []),
    ],
)
def test_a_posts_author_card_with_its_follow_button(
    card: str, posted: str, expected: list[str]
) -> None:
    assert post(card, posted) == expected


# --- titles --------------------------------------------------------------------------------------

KICKER, HEADLINE, DECK = (
    "“一圈一带”建设提速",
    "省会城市群经济圈今年主攻十大领域",
    "七市将联手推进交通一体化",
)


def stacked(headings: str, title: str = "大众日报数字报") -> str:
    """An e-paper's article: a generic <title> (or a <meta>), the headline block, the byline,
    the text."""
    head = title if title.startswith("<") else f"<title>{title}</title>"
    html = (
        f"<html><head>{head}</head><body><div class='nav'><a href='/'>首页</a>"
        f"</div>{headings}<p>本报记者 孙远明</p>{FILLER}{FILLER}</body></html>"
    )
    return extract_article(html, "http://x.example/a.htm", source="s", now=NOW).title


@pytest.mark.parametrize(
    ("headings", "title", "expected"),
    [
        (f"<h3>{KICKER}</h3><h1>{HEADLINE}</h1><h2>{DECK}</h2>", "大众日报数字报", HEADLINE),
        (f"<h1>{HEADLINE}</h1><h2>{DECK}</h2>", "大众日报数字报", HEADLINE),
        (f"<h1>{HEADLINE}</h1><h3>{DECK}</h3>", "大众日报数字报", HEADLINE),
        # controls: the site's name in an <h1> over the post's <h2>; an <h1> apart from the
        # headings over the body
        ("<h1>城市观察</h1><h2>都市圈的下一步怎么走</h2>", "城市观察博客", "都市圈的下一步怎么走"),
        (
            "<h1>城市观察</h1><h2>都市圈的下一步怎么走</h2>",
            "<meta property='og:site_name' content='城市观察'>",
            "都市圈的下一步怎么走",
        ),
        (f"<h1>{HEADLINE}</h1><p>导读</p><h2>{DECK}</h2>", "大众日报数字报", DECK),
    ],
)
def test_the_headline_between_its_kicker_and_its_deck(
    headings: str, title: str, expected: str
) -> None:
    assert stacked(headings, title) == expected


# --- a script-drawn page ------------------------------------------------------------------------

COPY = (
    "<h1>成渝中线高铁启动前期工作</h1><p>上游新闻·重庆晨报记者 陈维灯 实习生 李欣怡 "
    f"2020-10-21 15:32</p>{FILLER}{FILLER}"
)


def app(shell: str, copy: str) -> DocumentRecord:
    """A page whose text a script draws into `shell`, with `copy` inside <noscript>."""
    html = (
        "<html><head><title>上游新闻-汇聚向上的力量</title></head><body>"
        f"{shell}<noscript>{copy}</noscript><script>window.__INITIAL_STATE__={{}}</script>"
        "</body></html>"
    )
    return extract_article(html, "http://x.example/a.html", source="s", now=NOW)


def test_an_apps_empty_shell_shows_its_noscript_copy() -> None:
    record = app("<div id='app'></div>", COPY)
    assert (record.title, record.authors, record.published) == (
        "成渝中线高铁启动前期工作",
        ["陈维灯", "李欣怡"],
        dt.date(2020, 10, 21),
    )


def test_a_drawn_page_keeps_its_noscript_notice_out_of_its_text() -> None:
    # controls: a page with its own text, whose <noscript> holds another byline and day
    shell = f"<h1>城市群协同发展迈出新步伐</h1><p>记者 王敏</p>{FILLER}{FILLER}"
    record = app(shell, COPY)
    assert (record.title, record.authors) == ("城市群协同发展迈出新步伐", ["王敏"])
    # an empty shell whose <noscript> only asks for scripts: no byline read from it
    record = app(f"<div id='app'></div>{FILLER}", "<p>请启用JavaScript 记者 陈维灯</p>")
    assert record.authors == []


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("related", "expected"),
    [
        ("<p><b>相关稿件：</b><a href='/c/1.htm'>（2013-03-12）规划编制工作启动</a></p>", None),
        ("<p>Related: <a href='/c/1.htm'>Plan launched (2013-03-12)</a></p>", None),
        ("<p>相關新聞：<a href='/c/1.htm'>規劃啟動 2013-03-12</a></p>", None),
        # control: the page's own quote, opened by a word that names no stories
        ("<p>相关负责人：2013-03-12起实施新规</p>", dt.date(2013, 3, 12)),
    ],
)
def test_a_related_list_run_into_its_label_dates_another_story(
    related: str, expected: dt.date | None
) -> None:
    assert page(f"{FILLER}{related}").published == expected


def archive(masthead: str, menu: str, url: str = "http://x.example/a.htm") -> dt.date | None:
    """An old newspaper's archived article: the masthead's date, a section menu, the column
    (far enough below the masthead that the date is not read as the headline's own)."""
    sections = "".join(
        f"<br><a href='/s/{n}.htm'>{n}</a>" for n in ("中國", "國際", "體育", "副刊")
    )
    html = (
        f"<html><body><table><tr><td>{masthead}</td></tr></table><div>{menu}{sections}</div>"
        f"<h1>珠三角城市群的下一步</h1><p>■文：梁啟明</p>{FILLER}{FILLER}</body></html>"
    )
    return extract_article(html, url, source="s", now=NOW).published


SECTIONS = "<a href='../20070615/gaa.htm'>要聞</a><a href='../20070615/faa.htm'>觀點</a>"


def test_a_header_clock_beside_the_days_links_leaves_the_addresss_date() -> None:
    # control: a news site's clock over its hot list of the day's stories; the page's own
    # address dates it
    url = "http://x.example/news/2007/06/13/1.htm"
    assert archive("2007年6月15日 星期五", SECTIONS, url) == dt.date(2007, 6, 13)


@pytest.mark.parametrize(
    ("masthead", "menu", "expected"),
    [
        ("2013年03月19日 星期二 <a>前一期</a> | <a>后一期</a>", "", dt.date(2013, 3, 19)),
        ("2013年03月19日 星期二 <a>往期回顾</a>", "", dt.date(2013, 3, 19)),
        ("2007年6月15日 星期五", SECTIONS, dt.date(2007, 6, 15)),
        ("2007年6月15日 星期五", SECTIONS.replace("20070615", "2007/06/15"), dt.date(2007, 6, 15)),
        # controls: a header's clock, beside links to other days or to one story of that day
        ("2007年6月15日 星期五", SECTIONS.replace("20070615", "20070614"), None),
        ("2007年6月15日 星期五", "<a href='/20070615/gaa.htm'>要聞</a>", None),
        ("2007年6月15日 星期五", "<a href='/news/gaa.htm'>要聞</a>", None),
    ],
)
def test_an_issue_date_beside_the_issues_own_links(
    masthead: str, menu: str, expected: dt.date | None
) -> None:
    assert archive(masthead, menu) == expected


def journal(shown: str, online: str = "2022/08/05") -> dt.date | None:
    """A Chinese journal's article page: the issue month declared twice, the online day once."""
    head = (
        '<meta name="citation_date" content="2022-07">'
        '<meta name="citation_publication_date" content="2022/07">'
        f'<meta name="citation_online_date" content="{online}">'
    )
    return page(f"<ul><li>收稿日期：2022-03-14</li>{shown}</ul>", head=head).published


@pytest.mark.parametrize(
    ("shown", "online", "expected"),
    [
        ("<li>出版日期：2022-07</li><li>网络出版日期：2022-08-05</li>", "2022/08/05", (2022, 8, 5)),
        ("<li>Published online: 5 August 2022</li>", "2022/08/05", (2022, 8, 5)),
        ("<li>網絡出版日期：2022-09-30</li>", "2022/09/30", (2022, 9, 30)),
        # controls: a later day the page does not show as the paper's going online; one put
        # online more than a year after the issue (a reprint)
        ("<li>出版日期：2022-07</li>", "2022/08/05", (2022, 7, 1)),
        ("<li>网络出版日期：2023-08-05</li>", "2023/08/05", (2022, 7, 1)),
    ],
)
def test_a_month_only_issue_beside_the_day_it_went_online(
    shown: str, online: str, expected: tuple[int, int, int]
) -> None:
    assert journal(shown, online) == dt.date(*expected)


@pytest.mark.parametrize(
    ("bar", "under", "expected"),
    [
        ("数据更新时间：2016-08-23 08:45", "建筑建材 2016-08-22 中信建投证券", (2016, 8, 22)),
        ("Updated 2024-03-09 10:00", "By Ann Lee | 2024-03-07", (2024, 3, 7)),
        # controls: nothing dated under the headline; a day under it after the revision's
        ("数据更新时间：2016-08-23 08:45", "中信建投证券", (2016, 8, 23)),
        ("数据更新时间：2016-08-23 08:45", "建筑建材 2016-08-25 中信建投证券", (2016, 8, 23)),
    ],
)
def test_a_revision_above_the_headline_gives_way_to_the_day_under_it(
    bar: str, under: str, expected: tuple[int, int, int]
) -> None:
    html = (
        f"<html><body><div>{bar}</div><h1>城市群基建专题：轨交投资进入高峰期</h1>"
        f"<div>{under}</div>{FILLER}{FILLER}</body></html>"
    )
    published = extract_article(html, "http://x.example/a.html", source="s", now=NOW).published
    assert published == dt.date(*expected)
