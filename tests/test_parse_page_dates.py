"""Publication dates on synthetic pages: one page per written form, label, <meta> and JSON-LD."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from parsers.article import extract_article
from parsers.dates import title_index
from parsers.metadata import load_tree, page_lines, read_metadata

NOW = dt.datetime(2026, 11, 23, 9, 0)
FILLER = "<p>" + "城市群协同发展的具体举措包括交通一体化和产业分工，" * 4 + "。</p>"
DAY = dt.date(2024, 3, 5)


def published(body: str, head: str = "") -> dt.date | None:
    html = (
        f"<html><head>{head}</head><body><h1>城市群协同发展迈出新步伐</h1>"
        f"{body}{FILLER}{FILLER}</body></html>"
    )
    return extract_article(html, "http://x.example/a.html", source="s", now=NOW).published


@pytest.mark.parametrize(
    "written",
    [
        "2024年3月5日",
        "2024年03月05日 10:20",
        "2024-03-05 10:20",
        "2024-03-05 10:20:31",
        "2024/3/5",
        "2024/03/05 10:20",
        "2024.03.05",
        "2024.3.5 10:20",
    ],
)
@pytest.mark.parametrize("label", ["发布时间：", "时间：", "发布日期：", "日期:", ""])
def test_written_forms_under_the_headline(written: str, label: str) -> None:
    assert published(f"<p>{label}{written}</p>") == DAY


def test_labelled_date_far_from_the_headline() -> None:
    body = FILLER * 3 + "<p>发布时间：2024-03-05</p>"
    assert published(body) == DAY


@pytest.mark.parametrize(
    "meta",
    [
        '<meta property="article:published_time" content="2024-03-05T10:20:00+08:00">',
        '<meta name="pubdate" content="2024-03-05 10:20:00">',
        '<meta name="PubDate" content="2024-03-05 10:20">',
        '<meta name="publishdate" content="2024-03-05">',
        '<meta name="citation_publication_date" content="2024/03/05">',
        '<meta name="DC.date" content="2024-03-05">',
    ],
)
def test_declared_in_meta(meta: str) -> None:
    assert published("<p>发布时间：2023-01-01</p>", meta) == DAY  # declared beats the text


def test_a_utc_time_is_read_as_the_shanghai_day() -> None:
    meta = '<meta property="article:published_time" content="2024-03-04T18:30:00Z">'
    assert published("", meta) == DAY


def test_jsonld_date_published() -> None:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2024-03-05"}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    assert published("", head) == DAY


def test_a_government_document_is_dated_when_written() -> None:
    body = "<p>成文日期：2024年03月05日</p><p>发布日期：2024年03月07日</p>"
    assert published(body, '<meta name="pubdate" content="2024-03-07 00:00:00">') == DAY


def test_a_reprint_is_dated_by_the_issue_it_cites() -> None:
    assert published(FILLER + "<p>——《某某评论》2024年3月号</p>") == dt.date(2024, 3, 1)
    assert published(FILLER + "<p>原载《某某评论》2024年3月5日</p>") == DAY


def test_a_page_without_any_date_has_none() -> None:
    assert published("<p>城市群协同发展。</p>") is None


def test_unlabelled_date_under_the_chosen_title_below_a_sidebar_heading() -> None:
    sidebar = "<h2>博客导读</h2>" + "".join(
        f"<div><a href='/{i}'>栏目{i}</a></div>" for i in range(20)
    )
    body = f"{sidebar}<div>城市群规划的得失 (图)</div><div>2024-03-05 01:20:44</div>"
    html = (
        "<html><head><title>某某 | blog.example.com</title></head>"
        f"<body>{body}{FILLER}{FILLER}</body></html>"
    )
    record = extract_article(html, "http://x.example/a.html", source="s", now=NOW)
    assert (record.title, record.published) == ("城市群规划的得失", DAY)
    tree = load_tree(html)
    lines = page_lines(tree, join_labels=True)
    at = title_index(lines, read_metadata(tree), record.title)
    assert at is not None and lines[at].text == "城市群规划的得失 (图)"  # not the sidebar heading
