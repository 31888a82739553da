"""The rules blind set 8 (tests/test_parse_sites8.py) led to, each on a synthetic page of its
own, beside a control that does not trigger it: bylines (a reporter's profile link, '记者/姓名'
role slashes, an author field naming only a collective, affiliation marks run into the names,
each author's own marked link, a correspondent's '專電' dateline, a microdata card of another
article), and dates (an online day the page shows as 'Published' before the issue month, a
revision's label, a mobile template's 'yy-mm-dd hh:mm')."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.article import extract_article
from tests.test_parse_sites4_rules import FILLER, NOW, page

# --- bylines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("界面新闻记者 | 赵晨阳", ["赵晨阳"]),
        ("记者：李文 王琳", ["李文", "王琳"]),
        ("记者江湖", []),  # a related story or column: no mark between role and name
        ("记者 | 专题报道合集", []),  # a bar, but no name after it
    ],
)
def test_a_reporters_profile_link_is_a_byline(link: str, expected: list[str]) -> None:
    body = f"<p><a href='/user/1288031.html'>{link}</a></p><p>界面新闻编辑 | 刘海川</p>"
    assert page(body).authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("南方日报记者/郭思琪 实习生/林可欣 通讯员/陈俊杰", ["郭思琪", "林可欣", "陈俊杰"]),
        ("记者／王伟", ["王伟"]),
        ("本报诚聘记者/编辑若干名", []),  # a slash between two roles, no name after
    ],
)
def test_a_slash_after_each_role(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("记者 郭思琪 实习生林可欣", ["郭思琪", "林可欣"]),
        ("记者 编辑若干名", []),  # '若干名' is no person's name
    ],
)
def test_a_role_glued_to_a_word_names_a_person_only_by_a_surname(
    byline: str, expected: list[str]
) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("作者：求是网评论员", []),
        ("作者：新华社评论员", []),
        ("作者：本报评论员 李明", ["李明"]),  # the collective's role before a person's name
    ],
)
def test_a_collective_commentator_is_no_person(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


def test_an_editor_beside_a_staff_byline_is_no_compiler() -> None:
    editor = "<p>编辑：宋宁　审核：李冰</p>"
    assert (
        page(f"<p><span>作者：本报记者</span> | <span>来源：人民政协报</span></p>{editor}").authors
        == []
    )
    # control: a repost that names nobody else is credited to its compiler
    assert page(f"<p>来源：人民政协报</p>{editor}").authors == ["宋宁"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            "<a href='#'>刘思远</a><sup>1</sup> <a href='#'>黄佳琪</a><sup>2</sup> "
            "<a href='#'>孙嘉树</a><sup>1,3</sup>",
            ["刘思远", "黄佳琪", "孙嘉树"],
        ),
        ("周立群1,2、孙铭远2", ["周立群", "孙铭远"]),
        ("老猫2008", ["老猫2008"]),  # a lone handle's digits are its own
    ],
)
def test_affiliation_marks_run_into_the_names(names: str, expected: list[str]) -> None:
    assert page(f"<div><span>作者：</span><span>{names}</span></div>").authors == expected


def test_each_authors_own_marked_link() -> None:
    def byline(second_class: str) -> list[str]:
        return page(
            "<div class='article-info__byline'>"
            "<a href='/stream/harriet-lowe' class='n-content-tag--author'>Harriet Lowe</a> in "
            f"Chengdu and <a href='/stream/daniel-marsh' class='{second_class}'>Daniel Marsh</a>"
            " in Beijing</div>"
        ).authors

    assert byline("n-content-tag--author") == ["Harriet Lowe", "Daniel Marsh"]
    # control: a link of another kind beside the author's is not an author's
    assert byline("n-content-tag--topic") == ["Harriet Lowe"]


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("（中央社記者邱柏諺上海14日專電）", ["邱柏諺"]),
        ("（中央社记者王明北京5日专电）", ["王明"]),
        ("（中央社上海14日專電）", []),  # the agency's dispatch, no reporter named
    ],
)
def test_a_correspondents_special_dispatch(dateline: str, expected: list[str]) -> None:
    text = f"<p>{dateline}兩岸學者今天在上海舉行研討會，討論長三角城市群的發展經驗。</p>"
    assert page(text).authors == expected


def card_page(card_headline: str, card_link: bool) -> str:
    headline = (
        f"<a itemprop='url' href='/yw/2023/12/28/1.html'>{card_headline}</a>"
        if card_link
        else card_headline
    )
    return (
        "<html><head><title>长三角示范区一批跨域项目集中签约_长三角在线</title></head><body>"
        "<article><h1>长三角示范区一批跨域项目集中签约</h1>"
        "<div class='meta'>长三角在线 <span>2024-03-07 10:15</span></div>"
        f"<div class='byline'>记者 周婉婷 / 沈晓岚</div>{FILLER}"
        "<div class='card' itemscope itemtype='https://schema.org/NewsArticle'>"
        f"<p>相关阅读</p><h3 itemprop='headline'>{headline}</h3>"
        "<p><span itemprop='author' itemscope itemtype='https://schema.org/Person'>"
        "<span itemprop='name'>陆鸣远</span></span> · "
        "<time itemprop='datePublished' datetime='2023-12-28T16:40:00+08:00'>2023-12-28</time>"
        f"</p></div>{FILLER}</article></body></html>"
    )


def test_a_microdata_card_of_another_article_is_not_the_pages() -> None:
    html = card_page("示范区执委会发布2023年度工作报告", card_link=True)
    record = extract_article(html, "http://x.example/a.html", source="s", now=NOW)
    assert (record.authors, record.published) == (["周婉婷", "沈晓岚"], dt.date(2024, 3, 7))


def test_the_pages_own_microdata_item_linked_to_its_permalink_is_kept() -> None:
    # control: the item's headline is the page's own (a theme links it to the permalink)
    html = card_page("长三角示范区一批跨域项目集中签约", card_link=True)
    record = extract_article(html, "http://x.example/a.html", source="s", now=NOW)
    assert (record.authors, record.published) == (["陆鸣远"], dt.date(2023, 12, 28))


# --- dates ---------------------------------------------------------------------------------------


def paper(shown: str) -> dt.date | None:
    head = (
        '<meta name="citation_publication_date" content="2024/04">'
        '<meta name="citation_online_date" content="2024/01/15">'
    )
    return page(f"{shown}<p>Volume 34, pages 215–231</p>", head=head).published


def test_an_online_day_shown_as_published_before_the_issue_month() -> None:
    shown = (
        "<ul><li>Received 12 June 2023</li><li>Published: 15 January 2024</li>"
        "<li>Issue Date: April 2024</li></ul>"
    )
    assert paper(shown) == dt.date(2024, 1, 15)


def test_an_online_day_the_page_does_not_call_published_leaves_the_issue_month() -> None:
    assert paper("<ul><li>Received 12 June 2023</li><li>Issue Date: April 2024</li></ul>") == (
        dt.date(2024, 4, 1)
    )


@pytest.mark.parametrize(
    "revision",
    [
        "<div class='last-updated'>Last updated 20 November 2023: corrected figure 3.</div>",
        "<p>更新时间：2023-11-20 18:00</p>",
    ],
)
def test_a_revision_label_after_the_reports_own_date(revision: str) -> None:
    body = f"<div class='report-meta'><div>14 November 2023</div></div>{FILLER}{revision}"
    assert page(body).published == dt.date(2023, 11, 14)


def test_a_revision_date_alone_under_the_headline_is_kept() -> None:
    # control: nothing is shown before it, the body's day of the event comes after
    body = "<p>更新时间：2024-03-06 09:12</p><p>2024年3月5日，示范区举行项目签约活动。</p>"
    assert page(body).published == dt.date(2024, 3, 6)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>长三角在线 24-03-07 10:15 阅读 1.3万</p>", dt.date(2024, 3, 7)),
        ("<p>长三角在线 24-03-07 阅读 1.3万</p>", None),  # no time: no date
        (
            f"{FILLER}{FILLER}{FILLER}<p>沪苏湖高铁进入联调联试 24-03-06 08:00</p>",
            None,
        ),  # far below
    ],
)
def test_a_mobile_templates_two_digit_year_under_the_headline(
    body: str, expected: dt.date | None
) -> None:
    assert page(body).published == expected
