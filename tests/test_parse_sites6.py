"""Blind set 6: 24 synthetic pages written blind by a separate session that never read the
parsers (the values are what a careful reader takes): 2005-2011 portals (NetEase, Sina, Sohu,
people.cn, chinanews, xinhuanet), provincial and city government pages, a university school's
site, a company's news page with no charset declaration, an Oblog blog, a regional portal, modern
UTF-8 news with JSON-LD, a central government notice, a People's Daily e-paper page in GB18030,
a UTF-8 page labelled gb2312, a Taiwan press release in Big5 (Minguo dates), a Hong Kong news
page, English wire, think-tank, journal and GOV.UK pages, and two pages whose sidebars carry
other dates before the article's own.

Same conventions as tests/test_parse_sites2.py and tests/test_parse_sites4.py: 责任编辑 and 审核
are never authors, nor is a CMS account (发布人：admin), a photographer (图/) or a contact
person; a government office or ministry named as the source is no author.

Blind score on the first run (main at bc52699, before any fix of this round): title 20/24,
authors 20/24, date 21/24. The rules it led to are tested one by one in
tests/test_parse_sites6_rules.py. No expected value was changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "sites6"

CASES = [
    # page, title, authors, published
    ("portal_1.html", "长三角16城市签署交通一体化协议", [], dt.date(2005, 4, 5)),
    ("portal_2.html", "珠三角九市联手治理跨界河流污染", ["钟海鹏", "何秀玲"], dt.date(2006, 9, 14)),
    ("portal_3.html", "成渝经济区规划呼之欲出", ["陈立"], dt.date(2007, 3, 22)),
    (
        "gov_1.html",
        "长株潭城市群“两型社会”建设综合配套改革试验区总体方案解读",
        [],
        dt.date(2009, 1, 8),
    ),
    ("gov_2.html", "我市召开城乡公交一体化推进会", ["周海涛"], dt.date(2006, 8, 12)),
    ("news_1.html", "京津冀生态屏障建设需要统筹协调", ["许文涛"], dt.date(2006, 3, 12)),
    (
        "news_2.html",
        "中原城市群九城加快“同城化” 郑汴新区规划获批",
        ["孙志远", "马莉"],
        dt.date(2007, 5, 18),
    ),
    ("news_3.html", "皖江城市带承接产业转移步伐加快", ["程学军", "吴红梅"], dt.date(2005, 4, 5)),
    ("school_1.html", "我院承办成渝城际交通发展学术研讨会", ["何晓军"], dt.date(2006, 11, 23)),
    ("company_1.html", "长株潭城际铁路湘江特大桥主墩顺利封顶", ["刘畅"], dt.date(2008, 9, 16)),
    ("blog_1.html", "关中城市群的“一核”与“多极”", ["赵明远"], dt.date(2006, 7, 3)),
    ("news_4.html", "北部湾经济区城市群交通网络加快成形", ["冯刚", "韩雪"], dt.date(2011, 6, 8)),
    (
        "modern_1.html",
        "长三角生态绿色一体化发展示范区五周年：跨省域“一张蓝图”如何绘到底",
        ["沈佳怡", "陆子航"],
        dt.date(2024, 10, 28),
    ),
    (
        "modern_2.html",
        "关于推动成渝地区双城经济圈生态环境共建共保的通知",
        [],
        dt.date(2023, 6, 12),
    ),
    (
        "modern_3.html",
        "黄河“几字弯”都市圈：从能源走廊到生态廊道 ——呼包鄂榆城市群调研行",
        ["王瑾瑜", "田野"],
        dt.date(2019, 11, 20),
    ),
    ("modern_4.html", "关中平原城市群：西咸一体化再提速", ["韦一鸣"], dt.date(2021, 3, 5)),
    (
        "tw_1.html",
        "國發會推動北北基桃生活圈交通整合 強化區域均衡發展",
        [],
        dt.date(2015, 10, 21),
    ),
    (
        "hk_1.html",
        "大灣區城際鐵路網加快成形 港深通勤圈逐步融合",
        ["陳家豪", "梁慧儀"],
        dt.date(2018, 5, 3),
    ),
    (
        "en_news_1.html",
        "China's Yangtze River Delta bets on high-speed rail to knit megaregion together",
        ["Helen Marsh", "Daniel Okafor"],
        dt.date(2024, 3, 5),
    ),
    (
        "en_thinktank_1.html",
        "Metropolitan Coordination in China's City Clusters: Lessons from Jing-Jin-Ji",
        ["Sarah J. Whitfield", "Yiming Zhang"],
        dt.date(2023, 9, 14),
    ),
    (
        "en_journal_1.html",
        "Ecological compensation and cross-boundary water governance in the Xin'an River basin",
        ["Fang Liu", "Mark A. Peterson", "Haoran Wu"],
        dt.date(2022, 6, 28),
    ),
    (
        "en_press_1.html",
        "UK and China agree joint research programme on sustainable urban transport",
        [],
        dt.date(2024, 3, 5),
    ),
    ("tricky_1.html", "我市与马鞍山签订跨江交通合作框架协议", [], dt.date(2009, 11, 3)),
    ("tricky_2.html", "辽宁沿海经济带六城市共建生态廊道", ["高原", "宋晓东"], dt.date(2010, 4, 28)),
]


# Still wrong (found by these pages, not yet fixed): kept visible, strict so a fix is noticed.
KNOWN_MISSES: dict[tuple[str, str], str] = {
    ("title", "modern_3.html"): (
        "judgement call: the writer joins the People's Daily sub-headline (<h2>——副题</h2>) to "
        "the title, while set 4 (people_rmrb_subtitle.html, the same layout with an <h4>) leaves "
        "it out; <title> and og:title give the main headline alone on both pages"
    ),
}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES)
