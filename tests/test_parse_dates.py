"""parsers.dates: date strings and publication dates of pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.dates import find_published_date, parse_date
from parsers.encoding import decode_body
from parsers.metadata import load_tree, read_metadata

PAGES = Path(__file__).parent / "fixtures" / "pages"
NOW = dt.datetime(2026, 11, 23, 10, 0)  # naive: read as Shanghai time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年1月16日", dt.date(2023, 1, 16)),
        ("2023年01月16日 10:30", dt.date(2023, 1, 16)),
        ("2022年02月13日07:48 | 来源：新华日报", dt.date(2022, 2, 13)),
        ("2023-01-16", dt.date(2023, 1, 16)),
        ("发布时间：2023/01/16 10:30", dt.date(2023, 1, 16)),
        ("[2023-01-16]", dt.date(2023, 1, 16)),
        ("2023.01.16", dt.date(2023, 1, 16)),
        ("2005-04-05 06:40更新 来源：转载文章", dt.date(2005, 4, 5)),
        ("２０２３年１月１６日", dt.date(2023, 1, 16)),  # full-width digits
        # a time with a zone is converted to the Shanghai calendar day
        ("2023-01-16T20:00:00Z", dt.date(2023, 1, 17)),
        ("2023-01-16T20:00:00+08:00", dt.date(2023, 1, 16)),
        ("2023-01-16T23:30:00-05:00", dt.date(2023, 1, 17)),
        ("2022-01-27T16:00:00.000Z", dt.date(2022, 1, 28)),
        ("2023-01-16 23:30", dt.date(2023, 1, 16)),  # naive: already Shanghai
        # RFC 2822 from feeds
        ("Mon, 16 Jan 2023 10:30:00 +0800", dt.date(2023, 1, 16)),
        ("Mon, 16 Jan 2023 20:30:00 GMT", dt.date(2023, 1, 17)),
        # English
        ("January 16, 2023", dt.date(2023, 1, 16)),
        ("Published Jan. 16, 2023", dt.date(2023, 1, 16)),
        ("16 Jan 2023", dt.date(2023, 1, 16)),
        ("16th of January 2023", dt.date(2023, 1, 16)),
        ("7/5/2005 9:23:57 PM", dt.date(2005, 7, 5)),  # a.m./p.m.: US month-first
        ("25/12/2022", dt.date(2022, 12, 25)),
        # partial dates alone: first of the month
        ("2023年1月", dt.date(2023, 1, 1)),
        ("2018-08", dt.date(2018, 8, 1)),
        ("20230116", dt.date(2023, 1, 16)),
        # relative forms, last resort
        ("3天前", dt.date(2026, 11, 20)),
        ("2 days ago", dt.date(2026, 11, 21)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text, now=NOW) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2018",  # a year is not a day
        "2023-02-30",
        "06/02/2022 - 13:48",  # day and month cannot be told apart
        "version 1.2.3",
        "Mayor 2023",
        "2099-01-01",  # future
        "2026-11-25",  # future beyond the one-day tolerance
        "今天是2026年11月23日 星期一",  # a clock widget
        "1066年10月14日",  # before 1900
        "March",  # a bare month or weekday is not a day
        "Sun",
    ],
)
def test_parse_date_none(text: str) -> None:
    assert parse_date(text, now=NOW) is None


def test_tomorrow_is_tolerated_for_time_zones() -> None:
    assert parse_date("2026-11-24", now=NOW) == dt.date(2026, 11, 24)


def test_aware_now_is_converted_to_shanghai() -> None:
    late_utc = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)  # 04:00 on the 23rd in Shanghai
    assert parse_date("2026-11-24", now=late_utc) == dt.date(2026, 11, 24)
    assert parse_date("2026-11-25", now=late_utc) is None


def test_first_plausible_date_wins() -> None:
    assert parse_date("2099-01-01 或 2023-01-16", now=NOW) == dt.date(2023, 1, 16)


# --- pages ---------------------------------------------------------------------------------------


def _page(name: str) -> str:
    return decode_body((PAGES / name).read_bytes(), "text/html")[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gov_cms_gbk.html", dt.date(2023, 1, 16)),  # labelled 发布时间, not the widget or script
        ("thinktank_citation_en.html", dt.date(2023, 1, 16)),  # citation_publication_date
        ("jsonld_newsarticle.html", dt.date(2023, 1, 17)),  # JSON-LD, UTC -> Shanghai
        ("journal_doi.html", dt.date(2022, 12, 25)),
    ],
)
def test_find_published_date_on_fixture_pages(name: str, expected: dt.date) -> None:
    assert find_published_date(_page(name), now=NOW) == expected


def _shell(header: str, body: str) -> str:
    text = "<p>" + "城市群协同发展需要统一规划、共建共享基础设施。" * 5 + "</p>"
    return (
        f"<html><body><div class='top'>{header}</div><h1>城市群报告</h1>{body}{text}</body></html>"
    )


def test_today_widget_alone_gives_no_date() -> None:
    html = _shell("今天是2026年11月23日 星期一", "")
    assert find_published_date(html, now=NOW) is None


@pytest.mark.parametrize("clock", ["2026年11月23日", "Monday, November 23, 2026"])
def test_today_in_the_header_without_label_is_not_the_publication_date(clock: str) -> None:
    assert find_published_date(_shell(clock, ""), now=NOW) is None


def test_an_article_published_today_keeps_its_date() -> None:
    html = _shell("", "<p>发布时间：2026-11-23 08:00</p>")
    assert find_published_date(html, now=NOW) == dt.date(2026, 11, 23)


def test_date_under_the_title_beats_the_header_clock() -> None:
    html = _shell("今天是2026年11月23日 星期一", "<p>2023-01-16 10:30 新华网</p>")
    assert find_published_date(html, now=NOW) == dt.date(2023, 1, 16)


def test_script_and_style_dates_are_ignored() -> None:
    html = (
        "<html><head><script>var t='2023-01-01';</script><style>/* 2022-02-02 */</style></head>"
        "<body><h1>标题</h1><p>正文没有日期。</p><script>document.write('2021-03-03')</script>"
        "</body></html>"
    )
    assert find_published_date(html, now=NOW) is None


def test_labelled_date_on_the_next_cell() -> None:
    html = (
        "<html><body><table><tr><td>发布日期：</td><td>2022年01月28日</td></tr></table>"
        "<h2>吉林省人民政府关于某事的通告</h2><p>正文。</p></body></html>"
    )
    assert find_published_date(html, now=NOW) == dt.date(2022, 1, 28)


def test_first_post_of_a_forum_thread() -> None:
    posts = "".join(
        f"<div>楼层：第{i}楼 时间：2005-08-{27 + i} 20:56:20</div><p>回复内容{i}</p>"
        for i in (1, 2, 3)
    )
    assert find_published_date(f"<html><body>{posts}</body></html>", now=NOW) == dt.date(
        2005, 8, 28
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.gov.cn/zhengce/content/2023-01/16/content_123.htm", dt.date(2023, 1, 16)),
        ("http://fgw.example.gov.cn/zwgk/202301/t20230116_123.html", dt.date(2023, 1, 16)),
        ("https://news.example.cn/2023/0116/c1001-3.html", dt.date(2023, 1, 16)),
        ("https://news.example.cn/2023/01/16/slug.html", dt.date(2023, 1, 16)),
        ("https://news.example.cn/2099/01/16/slug.html", None),
        ("https://news.example.cn/article/12345.html", None),
    ],
)
def test_date_from_url_when_the_page_says_nothing(url: str, expected: dt.date | None) -> None:
    html = "<html><body><h1>标题</h1><p>没有日期的正文。</p></body></html>"
    assert find_published_date(html, now=NOW, url=url) == expected


def test_metadata_beats_text() -> None:
    html = (
        '<html><head><meta name="publishdate" content="2022-02-13"></head>'
        "<body><h1>标题</h1><p>发布时间：2021-01-01</p></body></html>"
    )
    assert find_published_date(html, now=NOW) == dt.date(2022, 2, 13)


def test_future_metadata_is_skipped() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2099-01-01T00:00:00Z">'
        "</head><body><h1>标题</h1><p>发布时间：2021-01-01</p></body></html>"
    )
    assert find_published_date(html, now=NOW) == dt.date(2021, 1, 1)


# --- never crashes ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_parse_date_never_raises(text: str) -> None:
    day = parse_date(text, now=NOW)
    assert day is None or dt.date(1900, 1, 1) <= day <= dt.date(2026, 11, 24)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.builds(lambda t: f"<html><body><h1>x</h1><p>{t}</p></body></html>", st.text()),
    )
)
def test_find_published_date_never_raises(html: str) -> None:
    day = find_published_date(html, now=NOW)
    assert day is None or day <= dt.date(2026, 11, 24)


def test_microdata_date_of_the_answer_beats_its_edit_date_and_the_questions_date() -> None:
    html = (
        '<html><body><div itemscope itemtype="http://schema.org/Question">'
        '<meta itemprop="dateCreated" content="2023-07-18T02:11:05Z"><h1>城市群为什么重要？</h1>'
        '<div itemprop="acceptedAnswer" itemscope itemtype="https://schema.org/Answer">'
        '<meta itemprop="dateCreated" content="2024-03-04T16:12:33.000Z">'
        "<p>正文没有日期。</p><div>编辑于 2024-03-06 10:00</div></div></div></body></html>"
    )
    # 16:12 UTC on the 4th is the 5th in Shanghai
    assert find_published_date(html, now=NOW) == dt.date(2024, 3, 5)


def test_microdata_item_properties_are_its_own_not_its_nested_items() -> None:
    html = (
        '<html><body><article itemscope itemtype="http://schema.org/BlogPosting">'
        '<div itemprop="author" itemscope itemtype="http://schema.org/Person">'
        '<span itemprop="name">张三</span><meta itemprop="dateCreated" content="1990-01-01"></div>'
        '<time itemprop="datePublished" datetime="2024-03-05">3月5日</time>'
        "</article></body></html>"
    )
    objects = read_metadata(load_tree(html)).jsonld
    assert objects == [{"@type": "blogposting", "author": "张三", "datePublished": "2024-03-05"}]


# --- round 5: rules found by the blind pages of tests/fixtures/pages/sites2 ---------------------


def test_a_day_running_straight_into_its_time() -> None:
    # '<span>2024-07-02</span><span>21:08:13</span>': no space between day and time
    assert parse_date("2024-07-0221:08:13") == dt.date(2024, 7, 2)
    assert parse_date("2024-07-021") is None  # a stray digit is no time


def test_a_month_only_publication_date_gives_way_to_the_online_day_in_that_month() -> None:
    def page(online: str) -> str:
        return (
            '<html><head><meta name="citation_publication_date" content="2024/3">'
            f'<meta name="citation_online_date" content="{online}"></head>'
            "<body><h1>Paper</h1><p>Abstract.</p></body></html>"
        )

    assert find_published_date(page("2024/03/05"), now=NOW) == dt.date(2024, 3, 5)
    # an online date in another month (before the issue) leaves the month
    assert find_published_date(page("2024/01/20"), now=NOW) == dt.date(2024, 3, 1)


def test_a_notice_is_dated_by_its_signature_not_by_its_posting() -> None:
    html = (
        "<html><body><table><tr><td>发布机构：</td><td>某市住房和建设局</td>"
        "<td>发布日期：</td><td>2024-05-06</td></tr></table>"
        "<h2>某市住房和建设局关于公布城市更新单元计划的通知</h2>"
        "<p>各区人民政府：现将计划予以公布。</p><p>某市住房和建设局</p><p>2024年4月30日</p>"
        "</body></html>"
    )
    assert find_published_date(html, now=NOW) == dt.date(2024, 4, 30)
    # without the issuer field, a name and date closing the text are no signature
    unsigned = html.replace("发布机构：", "栏目：")
    assert find_published_date(unsigned, now=NOW) == dt.date(2024, 5, 6)


@pytest.mark.parametrize(
    "script",
    [
        'var ct = "1712473200"; var publish_time = "2024-04-07" || "";',
        'window.DATA = {"title":"x","pubtime":"2024-04-07 08:12:30"};',
    ],
)
def test_a_publication_date_a_script_names(script: str) -> None:
    html = (
        f"<html><head><script>{script}</script></head><body><h1>都市圈通勤报告</h1>"
        "<p>正文没有日期。</p></body></html>"
    )
    assert find_published_date(html, now=NOW) == dt.date(2024, 4, 7)


def test_other_script_dates_are_still_ignored() -> None:
    html = (
        "<html><head><script>var build_date = '2023-01-01'; var t = '2022-02-02';</script>"
        "</head><body><h1>标题</h1><p>正文没有日期。</p></body></html>"
    )
    assert find_published_date(html, now=NOW) is None
