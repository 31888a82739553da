"""parsers.feed: RSS 2.0 (GBK), Atom, broken feeds and things that are not feeds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agglowatch.errors import ParseError
from parsers.feed import FeedEntry, parse_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
NOW = dt.datetime(2026, 11, 23, 10, 0)


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss_in_gbk() -> None:
    content = feed("rss_gbk.xml")
    assert b'encoding="gb2312"' in content and "镕".encode("gbk") in content
    entries = parse_feed(content, "http://fgw.example.gov.cn/rss/tzgg.xml", now=NOW)
    assert [e.url for e in entries] == [
        "http://fgw.example.gov.cn/zwgk/tzgg/202301/t20230116_123.html",  # relative, absolutised
        "http://fgw.example.gov.cn/zwgk/zcjd/202301/t20230115_120.html",  # fragment dropped
    ]  # the entry without a link is skipped
    first, second = entries
    assert first.title == "关于推动成渝地区双城经济圈城市群协同发展的实施意见"
    assert first.summary == (
        "为深入贯彻落实成渝地区双城经济圈建设规划纲要，推动城市群高质量发展。\n\n"
        "朱镕基同志强调区域协调发展。"
    )
    assert first.published == dt.date(2023, 1, 16)
    assert first.authors == ["张三", "李四"]
    assert first.language == "zh"
    assert second.title == "新型基础设施建设三年行动计划解读 & 问答"
    assert second.published == dt.date(2023, 1, 15)  # 17:00 GMT is 01:00 next day in Shanghai


@pytest.mark.parametrize(
    "declaration",
    ["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>'],
    ids=["no-declaration", "no-encoding", "wrongly-utf-8"],
)
def test_gbk_feed_without_a_true_declaration(declaration: str) -> None:
    body = (
        '<rss version="2.0"><channel><title>通知公告</title><item>'
        "<title>城市群高质量发展实施意见</title><link>/a.html</link></item></channel></rss>"
    )
    entries = parse_feed((declaration + body).encode("gbk"), "http://fgw.example.gov.cn/rss")
    assert [(e.title, e.url) for e in entries] == [
        ("城市群高质量发展实施意见", "http://fgw.example.gov.cn/a.html")
    ]


def test_atom_feed() -> None:
    entries = parse_feed(feed("atom.xml"), "https://journal.example.org/feed.atom", now=NOW)
    assert len(entries) == 2
    first, second = entries
    assert first == FeedEntry(
        url="https://journal.example.org/articles/10.1234/ejrs.2023.001",
        title="Urban agglomerations and new infrastructure",
        summary=(
            "We study how new infrastructure shapes the development of the city clusters of China."
        ),
        published=dt.date(2023, 1, 17),  # 23:30 at UTC-5 is midday of the 17th in Shanghai
        authors=["Chuanglin Fang", "Mary Smith"],
        doi="10.1234/ejrs.2023.001",
        language="en",
    )
    assert second.url == "https://journal.example.org/articles/10.1234/ejrs.2023.002"
    assert second.published == dt.date(2023, 1, 10)
    assert second.summary is not None and second.summary.startswith("Collaborative innovation")


def test_broken_feed_with_entries_still_reads() -> None:
    content = feed("broken.xml")
    assert feedparser.parse(content).bozo  # the fixture really is malformed
    entries = parse_feed(content, "https://think.example.org/rss", now=NOW)
    assert [e.title for e in entries] == [
        "Cities & regions: a new agenda",
        "Carbon neutrality in city clusters",
    ]
    assert entries[1].published == dt.date(2023, 1, 11)


def test_entry_to_record() -> None:
    entry = parse_feed(feed("rss_gbk.xml"), "http://fgw.example.gov.cn/rss/tzgg.xml", now=NOW)[0]
    record = entry.to_record("fgw-notices")
    assert record.source == "fgw-notices"
    assert record.url == entry.url and record.listing_url == entry.url
    assert record.title == entry.title
    assert record.text == entry.summary and "<" not in record.text
    assert record.published == dt.date(2023, 1, 16)
    assert record.authors == ["张三", "李四"] and record.authors is not entry.authors
    assert record.language == "zh"


def test_empty_feed_is_not_an_error() -> None:
    content = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    assert parse_feed(content, "https://x.example/rss") == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        ((FEEDS / "not_feed.html").read_bytes(), "HTML page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"just some words, no markup at all", "no RSS/Atom root"),
    ],
    ids=["empty", "blank", "html-error-page", "png", "plain-text"],
)
def test_not_a_feed(content: bytes, reason: str) -> None:
    with pytest.raises(
        ParseError, match=rf"https://x.example/rss is not an RSS or Atom feed: .*{reason}"
    ):
        parse_feed(content, "https://x.example/rss")


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=500),
        st.builds(
            lambda t, d: (
                f"<rss version='2.0'><channel><item><title>{t}</title>"
                f"<link>/a</link><pubDate>{d}</pubDate></item></channel></rss>"
            ).encode("utf-8", "surrogatepass"),
            st.text(max_size=50),
            st.text(max_size=30),
        ),
    )
)
def test_parse_feed_raises_only_parse_error(content: bytes) -> None:
    try:
        entries = parse_feed(content, "https://x.example/rss", now=NOW)
    except ParseError:
        return
    for entry in entries:
        assert entry.url.startswith(("http://", "https://"))
        assert entry.published is None or entry.published <= dt.date(2026, 11, 24)
