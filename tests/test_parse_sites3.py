"""Blind set 3: seven more site types, written after the fixes that blind set 2 led to, to
see whether those rules carry over to pages they were not made on.

Same conventions as tests/test_parse_sites2.py; expectations were written before the parser
was run on these pages. Blind score on the first run: title 7/7, authors 7/7, date 7/7 (the
code before round 5 scores the same: these pages check that the new rules broke nothing on
common layouts, they do not measure them).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "sites3"

CASES = [
    # page, title, authors, published
    ("guangming.html", "都市圈建设要在“同城化”上下功夫", ["袁于飞"], dt.date(2024, 3, 18)),
    ("hanweb_gov.html", "南宁市召开北部湾城市群建设推进会", ["韦静"], dt.date(2024, 4, 23)),
    (
        "ojs_journal.html",
        "县域城镇化的空间差异与驱动机制",
        ["周海涛", "吴雅婷"],
        dt.date(2024, 6, 28),
    ),
    (
        "csis_analysis.html",
        "China\u2019s Urban Clusters and the Limits of Planning",
        ["Scott Kennedy-Ward", "Ilaria Mazzocco"],
        dt.date(2024, 10, 8),
    ),
    (
        "cssn.html",
        "新时代区域协调发展的理论逻辑与实践路径",
        ["孟凡强", "薛雨萱"],
        dt.date(2024, 8, 14),
    ),
    (
        "caixin_global.html",
        "In Depth: China\u2019s Struggling Small Cities Look to Metro Areas for a Lifeline",
        ["Wang Xintong", "Denise Jia"],
        dt.date(2024, 11, 4),
    ),
    (
        "zhengxie_news.html",
        "省政协召开“推动都市圈协同发展”专题协商会",
        ["刘金华", "周勇军"],
        dt.date(2024, 9, 26),
    ),
]


# Still wrong (found by these pages, not yet fixed): kept visible, strict so a fix is noticed.
KNOWN_MISSES: dict[tuple[str, str], str] = {}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES)
