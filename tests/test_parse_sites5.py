"""Blind set 5: eleven pages of the kind the real dataset holds most (2005-era portals,
blogs, forums, a school's ASP site, a literature site, a magazine, an old provincial notice,
China Daily and a Taiwan paper in Big5), written after the fixes blind set 4 led to and before
the parser was run on them, to see whether those rules carry over.

Same conventions as tests/test_parse_sites2.py and tests/test_parse_sites4.py: 责任编辑 is never
an author, a lone 编辑 on a reposted wire story is its compiler, 佚名 is nobody, a blog post is
by its blog's owner, a forum thread by its first poster, a magazine story is dated by its
issue's 出版日期, a notice with a 文号 by its signature.

Blind score on the first run (after the set-4 fixes, before the set-5 ones): title 11/11,
authors 8/11, date 10/11.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "sites5"

CASES = [
    # page, title, authors, published
    ("netease_2005.html", "长三角16城市将实行统一的人才政策", [], dt.date(2005, 4, 5)),
    ("sina_blog_2006.html", "在郑州和开封之间", ["周晓川"], dt.date(2006, 3, 21)),
    ("people_2005.html", "环渤海经济圈合作迈出实质性步伐", ["刘毅", "董洁"], dt.date(2005, 4, 5)),
    (
        "chinanews_2005.html",
        "成渝经济区规划启动 两地将共建西部增长极",
        ["王丽华"],
        dt.date(2005, 4, 5),
    ),
    (
        "school_asp_2005.html",
        "我校师生参加“长株潭城市群发展”社会实践活动",
        [],
        dt.date(2005, 4, 5),
    ),
    ("rongshuxia_story.html", "小城往事", ["青山如黛"], dt.date(2005, 3, 21)),
    ("tieba_2006.html", "长株潭一体化，你支持吗？", ["湘江北去2006"], dt.date(2006, 3, 21)),
    (
        "gov_notice_2005.html",
        "湖北省人民政府关于加快武汉城市圈建设的若干意见",
        ["湖北省人民政府"],
        dt.date(2005, 3, 31),
    ),
    ("caijing_2005.html", "珠三角：城市群的“边界战争”", ["王晓冰", "宋燕华"], dt.date(2005, 4, 4)),
    (
        "chinadaily_2005.html",
        "Pearl River Delta cities plan joint transport network",
        ["Li Wei", "Chen Hong"],
        dt.date(2005, 4, 5),
    ),
    (
        "taiwan_2005_big5.html",
        "北宜高速公路年底通車 宜蘭納入台北生活圈",
        ["吳俊賢"],
        dt.date(2005, 4, 5),
    ),
]


# Still wrong (found by these pages, not yet fixed): kept visible, strict so a fix is noticed.
KNOWN_MISSES: dict[tuple[str, str], str] = {}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES)
