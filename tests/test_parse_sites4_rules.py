"""The rules blind set 4 (tests/test_parse_sites4.py) led to, each on a synthetic page of its
own: bylines (padded names, 和, a bar after the role, a closing 报道, role words inside a
作者 field, a date field after a forum poster, Traditional Chinese surnames, wire datelines,
the outlet's short name before its writers), a heading's sub-headline opened by a dash, a
stale og:title that is the site's name, the date on a byline line, dates written in Chinese
numerals, and a notice signed by the body its title names."""

from __future__ import annotations

import datetime as dt

import pytest

from agglowatch.records import DocumentRecord
from parsers.article import extract_article
from parsers.dates import parse_date
from parsers.metadata import load_tree, read_metadata
from parsers.titles import site_names, squash

NOW = dt.datetime(2026, 11, 23, 9, 0)
FILLER = "<p>" + "城市群协同发展的具体举措包括交通一体化和产业分工，" * 4 + "。</p>"


def page(body: str, head: str = "", h1: str = "城市群协同发展迈出新步伐") -> DocumentRecord:
    html = (
        f"<html><head>{head}</head><body><div class='nav'><a href='/'>首页</a></div>"
        f"<h1>{h1}</h1>{body}{FILLER}{FILLER}</body></html>"
    )
    return extract_article(html, "http://x.example/a.html", source="s", now=NOW)


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        # newspapers pad a two-character name to the width of three
        ("本报记者\u3000丁怡婷\u3000王\u3000浩", ["丁怡婷", "王浩"]),
        ("本报记者 王 浩 丁怡婷", ["王浩", "丁怡婷"]),
        ("记者 张伟 和 李娜 通讯员 王敏", ["张伟", "李娜", "王敏"]),
        ("记者 张伟 与 李娜", ["张伟", "李娜"]),
        ("界面新闻记者 | 陈怡霏", ["陈怡霏"]),
        ("记者｜陈怡霏 李想", ["陈怡霏", "李想"]),
        ("大众新闻记者 赵国陆 通讯员 王洪涛 报道", ["赵国陆", "王洪涛"]),
        ("作者：陈晓丹 实习生 林蓉", ["陈晓丹", "林蓉"]),
        ("作者：周立 通讯员 吴昊", ["周立", "吴昊"]),
    ],
)
def test_byline_names(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("【发布时间：2005年4月5日】【作者：李明】", ["李明"]),
        ("作者：[美] 约翰·史密斯", ["约翰·史密斯"]),
        ("作者：（清）王夫之", ["王夫之"]),
        ("作者：王小明（中国人民大学教授）、张大伟（北京大学副教授）", ["王小明", "张大伟"]),
        ("作者：王丽 文章来源：本站原创 点击数：128", ["王丽"]),
        ("作者：王丽 稿件来源：市政府办", ["王丽"]),
        ("记者：王丽 实习记者：张三", ["王丽", "张三"]),
        ("□记者 王小明 文/图", ["王小明"]),  # 文/图 credits text and photos, it is no name
        ("Posted by John Smith on March 5, 2024", ["John Smith"]),
        ("By Jane Doe and Li Wei on Tuesday", ["Jane Doe", "Li Wei"]),
    ],
)
def test_byline_fields_around_the_names(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


def test_a_name_glued_to_the_next_label_is_kept() -> None:
    assert page("<p>作者：孙嘉怡 吴昊来源：宣传部</p>").authors == ["孙嘉怡", "吴昊"]


@pytest.mark.parametrize(
    "line",
    [
        "更新时间：2024-03-06 发布时间：2024-03-05",
        "Updated: 2024-03-06 | Published: 2024-03-05",
        "最后更新：2024年3月6日　發佈時間：2024年3月5日",
    ],
)
def test_the_publication_label_beats_an_update_on_the_same_line(line: str) -> None:
    assert page(f"<p>{line}</p>").published == dt.date(2024, 3, 5)


@pytest.mark.parametrize("label", ["提交日期", "回复时间", "更新時間"])
def test_a_date_field_after_a_posters_name_ends_it(label: str) -> None:
    record = page(f"<p>作者：沧海一粟2005\u3000{label}：2005-6-21 9:05:00</p>")
    assert record.authors == ["沧海一粟2005"]


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("發布日期：2024/3/5\u3000記者陳俊宏／桃園報導", ["陳俊宏"]),
        ("記者黃嘉欣／台北報導", ["黃嘉欣"]),
    ],
)
def test_traditional_surnames_in_tight_bylines(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("（中央社記者林育瑄台北5日電）交通部今天宣布通勤月票延長實施。", ["林育瑄"]),
        ("（中央社記者王揚宇、林育瑄台北5日電）交通部今天宣布。", ["王揚宇", "林育瑄"]),
        ("（中央社记者王琦北京5日电）国家发展改革委今天表示。", ["王琦"]),
        # the dateline opens a paragraph however long the paragraph is
        ("（中央社記者林育瑄台北5日電）" + "交通部今天宣布通勤月票延長實施，" * 8, ["林育瑄"]),
    ],
)
def test_wire_dateline_reporters(lead: str, expected: list[str]) -> None:
    assert page(f"<p>{lead}</p>").authors == expected


def test_a_dateline_whose_name_is_no_persons_gives_none() -> None:
    assert page("<p>（中央社記者會台北5日電）交通部今天宣布。</p>").authors == []


def test_the_outlets_short_name_before_its_writers_is_dropped() -> None:
    head = '<meta property="og:site_name" content="财新网">'
    assert page("<p>文｜财新 王婧 刘园园</p>", head).authors == ["王婧", "刘园园"]


def test_a_writer_the_site_name_does_not_begin_with_is_kept() -> None:
    head = '<meta property="og:site_name" content="财新网">'
    assert page("<p>文｜王婧 刘园园</p>", head).authors == ["王婧", "刘园园"]
    assert page("<p>文｜财新</p>", head).authors == ["财新"]  # alone, it is all there is


def test_a_sub_headline_opened_by_a_dash_joins_without_a_space() -> None:
    head = "<title>城市群内部分工与区域协调发展——基于长江中游城市群的考察_社科网</title>"
    h1 = "城市群内部分工与区域协调发展<br>——基于长江中游城市群的考察"
    assert page("<p>作者：胡安俊</p>", head, h1).title == (
        "城市群内部分工与区域协调发展——基于长江中游城市群的考察"
    )


def test_a_heading_broken_by_br_keeps_the_space() -> None:
    head = "<title>宁波都市圈首条跨市公交开通 三地实现一卡通 - 宁波网</title>"
    h1 = "宁波都市圈首条跨市公交开通<br>三地实现一卡通"
    assert page("<p>记者 张伟</p>", head, h1).title == "宁波都市圈首条跨市公交开通 三地实现一卡通"


def test_an_og_title_that_is_the_site_name_teaches_no_headline_as_site_name() -> None:
    html = (
        "<html><head><title>都市圈楼市分化：核心城市企稳_财经频道_财新网</title>"
        '<meta property="og:title" content="财新网"><meta property="og:site_name" content="财新网">'
        "</head><body><h1>都市圈楼市分化：核心城市企稳</h1></body></html>"
    )
    metadata = read_metadata(load_tree(html))
    names = site_names(metadata, metadata.headings)
    assert squash("都市圈楼市分化：核心城市企稳") not in names
    assert squash("财新网") in names


def test_the_date_on_the_byline_line_beats_the_comments_posting_dates() -> None:
    body = (
        "<p>作者：老城记事 | 2005-07-03 22:10 | 阅读(132) | 评论(4)</p>"
        f"{FILLER}<h3>网友评论</h3><p>湘江边 发表于 2005-07-04 09:12</p><p>写得真实。</p>"
    )
    assert page(body).published == dt.date(2005, 7, 3)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("二〇二四年三月五日", dt.date(2024, 3, 5)),
        ("二○二三年十二月三十一日", dt.date(2023, 12, 31)),
        ("二〇二四年十月二十日", dt.date(2024, 10, 20)),
        ("二〇二四年十一月十六号", dt.date(2024, 11, 16)),
        ("二〇二四年二月三十日", None),  # no such day
    ],
)
def test_dates_in_chinese_numerals(written: str, expected: dt.date | None) -> None:
    assert parse_date(written, now=NOW) == expected


NOTICE_TITLE = "嘉善县人民政府办公室关于印发融入长三角一体化发展行动计划的通知"


def notice(number: str) -> DocumentRecord:
    body = (
        "<div>发布时间：2024-03-08 15:20:41　信息来源：县府办</div>"
        f"<p>{number}</p><p>各镇人民政府、街道办事处：</p>{FILLER}"
        "<p>嘉善县人民政府办公室</p><p>二〇二四年三月五日</p><p>（此件公开发布）</p>"
    )
    return page(body, f"<title>{NOTICE_TITLE}</title>", NOTICE_TITLE)


def test_a_numbered_notice_is_by_and_of_the_signature_its_title_names() -> None:
    record = notice("善政办发〔2024〕5号")
    assert record.authors == ["嘉善县人民政府办公室"]
    assert record.published == dt.date(2024, 3, 5)


def test_without_a_document_number_the_title_names_no_signature() -> None:
    record = notice("")
    assert record.authors == []
    assert record.published == dt.date(2024, 3, 8)


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        # old table layouts pad two-character labels to the width of four
        ("作\u3000者：山石", ["山石"]),
        ("作 者：山石 日 期：2005-04-05", ["山石"]),
        ("【作 者】山石", ["山石"]),
        ("本文作者：山石", ["山石"]),
        ("文章作者：山石", ["山石"]),
        ("文·山石", ["山石"]),
        ("Posted by 老猫 at 2005-03-21 01:20", ["老猫"]),
    ],
)
def test_more_label_forms(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>").authors == expected


def test_an_old_bbs_post_header() -> None:
    body = (
        "<p>发信人: laomao (老猫), 信区: Economy</p><p>标 题: 都市圈通勤</p>"
        "<p>发信站: 水木社区 (Sun Aug 28 20:56:20 2005), 站内</p>"
    )
    record = page(body)
    assert record.authors == ["laomao"]
    assert record.published == dt.date(2005, 8, 28)


def test_the_outlet_named_after_an_english_byline_is_dropped() -> None:
    head = '<meta property="og:site_name" content="China Daily">'
    assert page("<p>By Li Wei, China Daily</p>", head).authors == ["Li Wei"]
    assert page("<p>By Li Wei and Zhang San</p>", head).authors == ["Li Wei", "Zhang San"]


# --- rules blind set 5 (tests/test_parse_sites5.py) led to ---------------------------------------


def test_a_lone_compiler_in_brackets_is_the_author() -> None:
    assert page("<p>中新网4月5日电 据报道。</p><p>(编辑：王丽华)</p>").authors == ["王丽华"]
    assert page("<p>（责任编辑：刘晓）</p>").authors == []


def test_a_numbered_notice_titled_with_a_qualified_kind_is_signed_by_its_issuer() -> None:
    title = "湖北省人民政府关于加快武汉城市圈建设的若干意见"
    body = (
        "<div>发布日期：2005-04-05</div><p>鄂政发〔2005〕12号</p>"
        f"{FILLER}<p>湖北省人民政府</p><p>二○○五年三月三十一日</p>"
    )
    record = page(body, f"<title>{title}</title>", title)
    assert record.authors == ["湖北省人民政府"]
    assert record.published == dt.date(2005, 3, 31)


def floor(label: str) -> list[str]:
    body = (
        f"<table><tr><td><a href='/i/1'>湘江北去2006</a><br>{label}</td>"
        f"<td>{FILLER}<div>2006-3-21 09:05</div></td></tr>"
        "<tr><td><a href='/i/2'>株洲伢子</a><br>2楼</td><td>支持！</td></tr></table>"
    )
    return page(body, h1="长株潭一体化，你支持吗？").authors


@pytest.mark.parametrize("label", ["1楼", "楼主", "#1", "1#"])
def test_the_poster_over_the_first_floor_label_wrote_the_thread(label: str) -> None:
    assert floor(label) == ["湘江北去2006"]


def test_a_later_floor_alone_names_no_author() -> None:
    assert floor("") == []
