"""The rules blind set 7 (tests/test_parse_sites7.py) led to, each on a synthetic page of its
own: bylines (a label glued by inline spans to the date field before it, the next role's 'X/'
ending a slash credit line, an office named in an author field)."""

from __future__ import annotations

import pytest

from agglowatch.records import DocumentRecord
from parsers.article import extract_article
from tests.test_parse_sites4_rules import NOW, page


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
