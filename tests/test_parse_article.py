"""parsers.article (and the parts of parsers.encoding / language / metadata it relies on)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agglowatch.config import FieldSelectors
from agglowatch.errors import ConfigError, ParseError
from agglowatch.records import DocumentRecord
from parsers.article import extract_article, split_names, strip_site_name, unwrap_layout_tables
from parsers.encoding import decode_body
from parsers.language import detect_language, normalise_language
from parsers.metadata import load_tree, normalise_doi

PAGES = Path(__file__).parent / "fixtures" / "pages"
NOW = dt.datetime(2026, 11, 23, 9, 0)


def page(name: str) -> str:
    text, _ = decode_body((PAGES / name).read_bytes(), "text/html")
    return text


# --- fixture pages shaped like real sites --------------------------------------------------------


def test_government_cms_page_in_gbk() -> None:
    html = page("gov_cms_gbk.html")
    url = "http://fgw.example.gov.cn/zwgk/tzgg/202301/t20230116_123.html"
    record = extract_article(html, url, source="gov", now=NOW)
    assert record.title == "关于推动成渝地区双城经济圈城市群协同发展的实施意见"
    assert record.authors == ["张三", "李四"]  # the 责任编辑 is not an author when authors exist
    assert record.published == dt.date(2023, 1, 16)  # not the 今天是 widget, not the script
    assert record.language == "zh"
    assert record.container == "某某市发展和改革委员会"  # the site part of <title>
    assert record.keywords == ["城市群", "双城经济圈", "协同发展"]
    assert "朱镕基" in record.text  # a GBK-only character in a page declared gb2312
    assert "\n\n" in record.text  # paragraphs separated by blank lines
    assert "网站首页" not in record.text and "政策文件" not in record.text  # menus dropped
    assert "版权所有" not in record.text


def test_english_think_tank_page_with_citation_meta() -> None:
    html = page("thinktank_citation_en.html")
    url = "https://edrf.example.org/research/new-infrastructure-2023?utm_source=feed"
    record = extract_article(html, url, source="edrf", now=NOW)
    assert record.title == "New Infrastructure and High-Quality Development of Urban Agglomerations"
    assert record.authors == ["Chuanglin Fang", "Zhenbo Wang"]  # 'Fang, Chuanglin' reordered
    assert record.published == dt.date(2023, 1, 16)
    assert record.language == "en"
    assert record.canonical_url == "https://edrf.example.org/research/new-infrastructure-2023"
    assert record.keywords == [
        "urban agglomeration",
        "new infrastructure",
        "high-quality development",
    ]
    assert record.container == "Example Development Research Foundation"
    assert record.abstract is not None and record.abstract.startswith("A report on how")
    assert record.extra["pdf_url"] == (
        "https://edrf.example.org/files/reports/new-infrastructure-2023.pdf"
    )
    assert "Greater Bay Area" in record.text
    assert "All rights reserved" not in record.text


def test_jsonld_news_article() -> None:
    html = page("jsonld_newsarticle.html")
    url = "https://news.example.cn/2023/01/16/yrd-infrastructure.html"
    record = extract_article(html, url, source="news", now=NOW)
    assert record.title == "长三角城市群发布新型基础设施建设三年行动计划"  # not "... - 示例新闻网"
    assert record.authors == ["李伟", "张敏"]  # JSON-LD Person names, not the site in meta author
    # 2023-01-16T20:00Z is 04:00 on the 17th in Shanghai
    assert record.published == dt.date(2023, 1, 17)
    assert record.keywords == ["长三角", "新基建", "城市群"]
    assert record.container == "示例新闻网"
    assert record.canonical_url == url
    assert record.text.startswith("记者从长三角区域合作办公室获悉")


def test_journal_article_with_citation_doi() -> None:
    html = page("journal_doi.html")
    record = extract_article(html, "https://journal.example.cn/article/2022/12/001", source="j")
    assert record.doi == "10.11821/dlxb202212001"  # resolver prefix dropped, lower case
    assert record.authors == ["方创琳", "毛其智", "倪鹏飞"]
    assert record.published == dt.date(2022, 12, 25)  # citation_publication_date first
    assert record.container == "地理学报"
    assert record.abstract is not None and record.abstract.startswith("城市群是国家新型城镇化")
    assert record.keywords == ["城市群", "高质量发展", "科技协同创新共同体"]
    assert record.language == "zh"
    assert "测度十九个城市群" in record.text


# --- options: selectors, fallback, errors --------------------------------------------------------


def test_field_selectors_override_the_automatic_choice() -> None:
    html = page("gov_cms_gbk.html")
    fields = FieldSelectors(title="div.nav a:last-child", authors="div.editor", body="#zoom p")
    record = extract_article(html, "http://fgw.example.gov.cn/a.html", source="g", fields=fields)
    assert record.title == "通知公告"
    assert record.authors == ["王五"]  # the label and brackets around the name are dropped
    assert record.text.startswith("为深入贯彻落实")
    assert record.text.count("\n\n") == 3  # four selected paragraphs


def test_published_selector_wins_over_labelled_dates() -> None:
    html = (
        "<html><body><h1>城市群报告</h1><p>发布时间：2023-01-16</p>"
        "<p class='issued'>印发日期：2023年1月10日</p>"
        + "<p>城市群协同发展的具体举措包括交通一体化和产业分工。</p>" * 5
        + "</body></html>"
    )
    automatic = extract_article(html, "http://x.example/", source="s")
    picked = extract_article(
        html, "http://x.example/", source="s", fields=FieldSelectors(published="p.issued")
    )
    assert (automatic.published, picked.published) == (dt.date(2023, 1, 16), dt.date(2023, 1, 10))


def test_field_selector_matching_nothing_falls_back_to_automatic() -> None:
    fields = FieldSelectors(title="h1.no-such-class", body="div.no-such-body")
    record = extract_article(
        page("gov_cms_gbk.html"), "http://x.example/", source="g", fields=fields
    )
    assert record.title == "关于推动成渝地区双城经济圈城市群协同发展的实施意见"
    assert "总体要求" in record.text


def test_invalid_field_selector_is_a_config_error_naming_it() -> None:
    with pytest.raises(ValueError, match="not a valid CSS selector"):
        FieldSelectors(body="div[")  # rejected at config load...
    fields = FieldSelectors.model_construct(body="div[")  # ...and still caught if built around it
    with pytest.raises(ConfigError, match=r"fields\.body.*'div\['"):
        extract_article(page("gov_cms_gbk.html"), "http://x.example/", source="g", fields=fields)


def test_fallback_fills_only_what_the_page_lacks() -> None:
    fallback = DocumentRecord(
        source="feed",
        url="http://fgw.example.gov.cn/a.html",
        title="Feed title",
        text="feed summary",
        doi="10.1/feed",
        abstract="Feed abstract",
        published=dt.date(2020, 1, 1),
        listing_url="http://fgw.example.gov.cn/a.html",
        extra={"from_feed": True},
    )
    record = extract_article(
        page("gov_cms_gbk.html"), "http://fgw.example.gov.cn/a.html", source="g", fallback=fallback
    )
    assert record.title == "关于推动成渝地区双城经济圈城市群协同发展的实施意见"  # the page wins
    assert record.published == dt.date(2023, 1, 16)
    assert record.doi == "10.1/feed"  # the page has none
    assert record.abstract == "Feed abstract"
    assert record.listing_url == "http://fgw.example.gov.cn/a.html"
    assert record.extra["from_feed"] is True
    assert "总体要求" in record.text


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html><head><title>Empty</title></head><body></body></html>", "<p>短</p>"],
    ids=["empty", "blank", "no-body-text", "too-short"],
)
def test_page_without_text_is_a_parse_error(html: str) -> None:
    with pytest.raises(ParseError):
        extract_article(html, "http://x.example/a", source="s")


def test_fragment_without_html_or_body_is_still_extracted() -> None:
    # some CMS output and crawls have no <html>/<body>; plain trafilatura gives up on them
    paragraphs = "".join(
        f"<p>第{i}段：城市群协同发展需要统一规划、共建共享基础设施。</p>" for i in range(8)
    )
    record = extract_article(
        f"<div class='main'>{paragraphs}</div>", "http://x.example/", source="s"
    )
    assert "第7段" in record.text


def test_layout_tables_become_blocks_but_data_tables_stay() -> None:
    tree = load_tree(
        "<table id='layout'><tr><td><table id='menu'><tr><td><a href='/'>首页</a></td></tr></table>"
        "</td><td>" + "<p>正文。</p>" * 60 + "</td></tr></table>"
        "<table id='data'><tr><th>城市</th><th>人口</th></tr><tr><td>成都</td><td>2126</td></tr>"
        "<tr><td>重庆</td><td>3213</td></tr></table>"
    )
    unwrap_layout_tables(tree)
    assert tree.get_element_by_id("layout").tag == "div"
    assert tree.get_element_by_id("menu").tag == "div"  # one column: layout
    assert tree.get_element_by_id("data").tag == "table"


# --- pieces --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("城市群高质量发展报告发布_新华网", "城市群高质量发展报告发布"),
        ("城市群报告_要闻_某某市人民政府", "城市群报告"),
        ("New report on city clusters | Example Foundation", "New report on city clusters"),
        (
            "EDRF | A much longer title of an article about cities",
            "A much longer title of an article about cities",
        ),
        ("劳伦斯：一个无法定义的“洛克菲勒”-搜狐财经", "劳伦斯：一个无法定义的“洛克菲勒”"),
        ("COVID-19 and cities", "COVID-19 and cities"),
        ("城市群发展——以长三角为例", "城市群发展——以长三角为例"),
    ],
)
def test_site_name_suffixes_are_stripped(title: str, expected: str) -> None:
    assert strip_site_name(title) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三 李四", ["张三", "李四"]),
        ("张三、李四，王五", ["张三", "李四", "王五"]),
        ("本报记者 王燕平", ["王燕平"]),
        ("赵 培", ["赵培"]),
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
        ("Jane Doe & John Smith", ["Jane Doe", "John Smith"]),
        ("新华网", []),
        ("佚名", []),
        ("欧阳修远", ["欧阳修远"]),
    ],
)
def test_split_names(value: str, expected: list[str]) -> None:
    assert split_names(value.removeprefix("By "), loose=False) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>（记者 张倩 通讯员 李明）城市群建设稳步推进。</p>", ["张倩", "李明"]),
        ("<p>新京报记者 彭冲 山东冠县报道</p>", ["彭冲"]),
        ("<p>作者：流泉 来源：钱江晚报</p>", ["流泉"]),
        ("<p>文/王小明</p>", ["王小明"]),
        ("<p>执笔人：闵乐夫 赵兰波</p>", ["闵乐夫", "赵兰波"]),
        ("<p>来源：新华网</p><p>编辑：山石</p>", ["山石"]),  # only an editor: kept
        ("<p>By Li Wei and Mary Smith</p>", ["Li Wei", "Mary Smith"]),
        ("<p>记者一眼就注意到墙上的规划图。</p>", []),  # 记者 in running text is nobody
    ],
)
def test_bylines(body: str, expected: list[str]) -> None:
    filler = "<p>" + "城市群协同发展的具体举措包括交通一体化和产业分工。" * 4 + "</p>"
    html = f"<html><body><h1>标题</h1>{body}{filler}{filler}</body></html>"
    assert extract_article(html, "http://x.example/", source="s").authors == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://doi.org/10.1000/ABC.123", "10.1000/abc.123"),
        ("doi:10.1000/XYZ", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000%2Fabc", "10.1000/abc"),
        ("10.1000/abc.", "10.1000/abc"),
        ("not a doi", None),
        (None, None),
    ],
)
def test_doi_normalised(value: str | None, expected: str | None) -> None:
    assert normalise_doi(value) == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("城市群是新型城镇化的主体形态，京津冀、长三角和粤港澳大湾区是代表。", "en", "zh"),
        ("Urban agglomerations are the main form of the new urbanization of China.", "zh-CN", "en"),
        ("东京は日本の首都です。たくさんの人が住んでいます。", None, "ja"),
        ("ok", "zh-Hans", "zh"),
        ("", None, None),
    ],
)
def test_detect_language(text: str, hint: str | None, expected: str | None) -> None:
    assert detect_language(text, hint) == expected


def test_normalise_language_codes() -> None:
    assert [normalise_language(c) for c in ("zh-CN", "zh_tw", "EN-us", "", "12")] == [
        "zh",
        "zh",
        "en",
        None,
        None,
    ]


def test_orphaned_gbk_lead_bytes_are_dropped_not_replaced() -> None:
    # a byte-level edit cut the second byte of 把 (b0 d1): b0 is left before plain ASCII
    body = "人们开始".encode("gbk") + b"\xb0 &quot;" + "形式".encode("gbk") + b"&quot;"
    text, codec = decode_body(b"<meta charset=gb2312><p>" + body + b"</p>")
    assert codec == "gb18030"
    assert "\ufffd" not in text
    assert "人们开始 &quot;形式&quot;" in text


def test_undecodable_bytes_in_the_middle_still_show() -> None:
    text, _ = decode_body("中文".encode("gbk") + b"\x80\xff" + "内容".encode("gbk") * 50)
    assert "\ufffd" in text


# --- never crashes ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.builds(
            lambda a, b: f"<html><body><h1>{a}</h1><p>{b}</p></body></html>", st.text(), st.text()
        ),
    )
)
def test_extract_article_raises_only_parse_error(html: str) -> None:
    try:
        record = extract_article(html, "http://x.example/a", source="s")
    except ParseError:
        return
    assert isinstance(record.text, str) and record.text.strip()
