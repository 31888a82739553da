"""The rules blind set 9 (tests/test_parse_sites9.py) led to, each on a synthetic page of its
own, beside a control that does not trigger it: a side bar's hot list, whose reporter and date
are another story's."""

from __future__ import annotations

import datetime as dt

from parsers.article import extract_article
from tests.test_parse_sites4_rules import FILLER, NOW, page

# --- the page's chrome ---------------------------------------------------------------------------

HOT_ITEM = (
    "<li><a href='/n/1.html'>粤港澳大湾区跨境通勤人数创新高</a>"
    "<span>2024-03-05</span><span>记者 刘洋</span></li>"
)


def hot_list(element: str = "aside") -> str:
    """A hot list: each item a linked headline, its day and its reporter."""
    return f"<{element} class='hot'><h3>热点推荐</h3><ul>{HOT_ITEM}</ul></{element}>"


def test_a_side_bars_hot_list_credits_another_story() -> None:
    record = page(f"{FILLER}{hot_list()}")
    assert (record.authors, record.published) == ([], None)
    # control: the same credit and day in the page's own text are the page's
    record = page(f"{FILLER}{hot_list('div')}")
    assert (record.authors, record.published) == (["刘洋"], dt.date(2024, 3, 5))


def test_a_byline_in_the_header_that_holds_the_headline_is_kept() -> None:
    # control: no <article>, the headline, its day and its byline in the page's <header>
    html = (
        "<html><body><header><div class='nav'><a href='/'>首页</a></div>"
        "<h1>城市群协同发展迈出新步伐</h1><p>2024-03-07</p><p>记者 王敏</p></header>"
        f"{FILLER}{FILLER}{hot_list()}</body></html>"
    )
    record = extract_article(html, "http://x.example/a.html", source="s", now=NOW)
    assert (record.authors, record.published) == (["王敏"], dt.date(2024, 3, 7))
