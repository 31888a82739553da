"""The rules blind set 9 (tests/test_parse_sites9.py) led to, each on a synthetic page of its
own, beside a control that does not trigger it: a side bar's hot list and a list headed as
related stories, whose reporters and dates are other stories'; a notice whose 文号 field is
empty (a release, dated by its 发布日期); bylines (a compiler's '编译｜' credit, a correspondent
abroad, '特派员', before the posting's label; a writer named in <title> after the headline; a
unit's name opened by an acronym; a 通讯员's pen name); dates (the date folders of the
canonical address, an e-paper's issue date above the headline, a publication date labelled
under the revision's, a day and month that cannot be told apart)."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.article import extract_article
from tests.test_parse_sites4_rules import FILLER, NOW, page

# --- the page's chrome ---------------------------------------------------------------------------

HOT_ITEM = (
    "<li><a href='/n/1.html'>粤港澳大湾区跨境通勤人数创新高</a>"
    "<span>2024-03-05</span><span>记者 刘洋</span></li>"
)


def hot_list(element: str = "aside", heading: str = "") -> str:
    """A list of stories: each item a linked headline, its day and its reporter."""
    return f"<{element} class='hot'>{heading}<ul>{HOT_ITEM}</ul></{element}>"


def test_a_side_bars_hot_list_credits_another_story() -> None:
    record = page(f"{FILLER}{hot_list()}")
    assert (record.authors, record.published) == ([], None)
    # control: the same credit and day in the page's own text are the page's
    record = page(f"{FILLER}{hot_list('div')}")
    assert (record.authors, record.published) == (["刘洋"], dt.date(2024, 3, 5))


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("<h3>相关阅读</h3>", ([], None)),
        ("<h3>Related Articles</h3>", ([], None)),
        ("<h3>会议纪要</h3>", (["刘洋"], dt.date(2024, 3, 5))),  # a section of the page's own
    ],
)
def test_a_related_list_in_the_page_credits_another_story(
    heading: str, expected: tuple[list[str], dt.date | None]
) -> None:
    record = page(f"{FILLER}{hot_list('div', heading)}")
    assert (record.authors, record.published) == expected


def test_a_byline_in_the_header_that_holds_the_headline_is_kept() -> None:
    # control: no <article>, the headline, its day and its byline in the page's <header>
    html = (
        "<html><body><header><div class='nav'><a href='/'>首页</a></div>"
        "<h1>城市群协同发展迈出新步伐</h1><p>2024-03-07</p><p>记者 王敏</p></header>"
        f"{FILLER}{FILLER}{hot_list()}</body></html>"
    )
    record = extract_article(html, "http://x.example/a.html", source="s", now=NOW)
    assert (record.authors, record.published) == (["王敏"], dt.date(2024, 3, 7))


# --- government notices --------------------------------------------------------------------------


def county_notice(number: str) -> str:
    """A 政务公开 table (issuer, posting day, 文号), the notice, its signature (落款)."""
    return (
        "<html><body><table><tr><td>发布机构：</td><td>某县人民政府办公室</td></tr>"
        "<tr><td>发布日期：</td><td>2024-03-07</td>"
        f"<td>文号：</td><td>{number}</td></tr></table>"
        "<h1>关于印发《某县都市圈建设实施方案》的通知</h1>"
        f"<p>各乡镇人民政府，县级各部门：</p>{FILLER}"
        "<p>某县人民政府办公室</p><p>二〇二四年三月四日</p></body></html>"
    )


def test_a_notice_whose_document_number_is_empty_is_a_posted_release() -> None:
    html = county_notice("")
    record = extract_article(html, "http://x.example/a.html", source="s", now=NOW)
    assert (record.authors, record.published) == ([], dt.date(2024, 3, 7))


def test_a_numbered_notice_is_still_by_and_of_its_signature() -> None:
    # control: the same notice with its 文号 is the issuer's, dated when it was signed
    html = county_notice("某府办发〔2024〕5号")
    record = extract_article(html, "http://x.example/a.html", source="s", now=NOW)
    assert (record.authors, record.published) == (["某县人民政府办公室"], dt.date(2024, 3, 4))


# --- bylines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        ("编译｜刘晓", ["刘晓"]),  # who wrote the Chinese text of a foreign report
        ("编译/王琳 李想", ["王琳", "李想"]),
        ("（文中引用的报告摘要由周宁翻译）", []),  # a quoted document's translator
        ("编译｜新华社", []),  # an outlet, no person
    ],
)
def test_a_compilers_credit_with_a_bar(credit: str, expected: list[str]) -> None:
    assert page(f"<p>{credit}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("中国特派员 韩咏红 发布 / 2024年3月7日 05:30 AM SGT", ["韩咏红"]),
        ("駐京特派員 林美華 發布 / 2024年3月7日", ["林美華"]),
        ("科技特派员 深入田间地头指导春耕", []),  # the role in prose, no name after it
    ],
)
def test_a_correspondent_abroad_before_the_posting_label(byline: str, expected: list[str]) -> None:
    assert page(f"<div class='byline'>{byline}</div>").authors == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Commuting in the Pearl River Delta - by Emily Carter - Urban Notes", ["Emily Carter"]),
        (
            "Commuting in the Pearl River Delta | by Li Wei and Anna Berg | Medium",
            ["Li Wei", "Anna Berg"],
        ),
        ("Commuting in the Pearl River Delta - by the numbers - Urban Notes", []),  # no name
    ],
)
def test_a_writer_named_in_the_title_after_the_headline(title: str, expected: list[str]) -> None:
    html = (
        f"<html><head><title>{title}</title></head><body><h1>{title.split(' - ')[0]}</h1>"
        f"{FILLER}{FILLER}</body></html>"
    )
    assert extract_article(html, "http://x.example/p/a", source="s", now=NOW).authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("作者：XX发展研究院城市与区域课题组", []),
        ("作者：CCID研究院", []),
        ("作者：Tony张", ["Tony张"]),  # a handle: no unit's name after the letters
        ("作者：IT老兵说", ["IT老兵说"]),
    ],
)
def test_an_acronym_before_a_units_name(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("湖北日报全媒记者 陈凌墨 通讯员 鄂发改", ["陈凌墨"]),  # a press office's pen name
        ("通讯员 鄂发改 记者 陈凌墨", ["陈凌墨"]),
        ("记者 陈凌墨 通讯员 王晓峰", ["陈凌墨", "王晓峰"]),  # a person
        ("记者 鄂文华", ["鄂文华"]),  # a reporter is a person, whatever the surname
    ],
)
def test_a_correspondents_pen_name_is_no_person(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [
        ("https://www.tkww.hk/a/2024/0307/1234567.html", dt.date(2024, 3, 7)),
        ("https://www.tkww.hk/a/1234567.html", None),  # no date folder in it either
    ],
)
def test_the_date_folders_of_the_canonical_address(
    canonical: str, expected: dt.date | None
) -> None:
    head = f"<link rel='canonical' href='{canonical}'>"
    assert page("<p>來源：大公文匯網 | 責任編輯：鄭萍</p>", head=head).published == expected


def epaper(masthead: str, pages: str) -> dt.date | None:
    html = (
        f"<html><body><div class='top'>{masthead}</div><div class='pages'>{pages}</div>"
        f"<h1>长江中游城市群协同发展迈出新步伐</h1><p>湖北日报全媒记者 陈凌墨</p>{FILLER}{FILLER}"
        "</body></html>"
    )
    return extract_article(html, "http://x.example/a.html", source="s", now=NOW).published


@pytest.mark.parametrize(
    ("masthead", "pages", "expected"),
    [
        ("2024年03月07日 星期四 <a>上一期</a> <a>下一期</a>", "", dt.date(2024, 3, 7)),
        ("2024年03月07日 星期四", "<a>第A01版：要闻</a> <a>第A02版：要闻</a>", dt.date(2024, 3, 7)),
        ("2024年03月07日 星期四", "<a>要闻</a> <a>经济</a>", None),  # a header's date, no issue
    ],
)
def test_an_e_papers_issue_date_above_the_headline(
    masthead: str, pages: str, expected: dt.date | None
) -> None:
    assert epaper(masthead, pages) == expected


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("Published 03/07/2024", dt.date(2024, 3, 7)),  # 3 July would be after the update
        ("Published 2024-03-06", dt.date(2024, 3, 6)),
        # 2 March or 3 February, both before the update; or a day after it: the update's day,
        # as on a page that labels no publication
        ("Published 03/02/2024", dt.date(2024, 3, 8)),
        ("Published 2024-03-09", dt.date(2024, 3, 8)),
    ],
)
def test_a_publication_date_labelled_under_the_revisions(
    published: str, expected: dt.date | None
) -> None:
    body = (
        "<div class='author'>By Chen Yifan in Shanghai</div>"
        "<div class='date'>Updated 10:24, 08-Mar-2024 | comments 4</div>"
        f"<span class='published'>{published}</span>"
    )
    assert page(body, h1="Yangtze River Delta launches unified data market").published == expected


def test_a_canonical_address_that_cannot_be_split_dates_nothing() -> None:
    head = "<link rel='canonical' href='http://[::1/2024/0307/1.html'>"
    assert page("<p>來源：大公文匯網</p>", head=head).published is None
