"""Blind set 8: 24 synthetic pages written blind by a separate session that never read the
parsers (the values are what a careful reader takes): Jiemian (a reporter's profile link with
'界面新闻记者 | 姓名'), a chinanews dateline, Guangming, an Economic Daily paper page (引题 and
副题 around the headline), Nanfang Daily on 南方+ ('记者/姓名' role slashes), Qiushi and CPPCC
pages whose author field names only a collective ('求是网评论员', '本报记者'), CSSN, a ministry's
TRS notice (成文日期 beside 发布日期), a city government page in GBK, CAUPD (a closing '文：'
credit), Wanfang and Springer paper pages (affiliation superscripts, manuscript dates, an issue
month after the online day), arXiv, Reuters, FT (each author's link with the city filed from),
Caixin Global, The Diplomat, MERICS (a later 'Last updated'), Hong Kong government press
releases in Chinese and English, a CNA page in Big5 ('專電' dateline), a GB2312 page of 2008 and
a mobile page whose article holds a microdata card of another article.

Conventions of the writer: reporters, interns and correspondents (通讯员) in the byline are
authors; editors, reviewers, outlets, sources and collectives ('本报记者', '求是网评论员',
'Caixin staff writer') are not; the date is the article's own publication date, never an
update, a revision, a sidebar's, a manuscript date or an issue month. The writer takes a
government notice's 发布日期 over its 成文日期, where the project (sets 2 to 7,
tests/test_parse_dates.py) dates a document with a 文号 by its 成文日期 or signature: that value
is kept as written, as a strict xfail, below.

Blind score on the first run (main at d378f66, before any fix of this round): title 24/24,
authors 16/24, date 20/24 (60/72; 59/72 before the previous round). The rules it led to are
tested one by one in tests/test_parse_sites8_rules.py. No expected value was changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "sites8"

CASES = [
    # page, title, authors, published
    ("01_jiemian.html", "京津冀城市群协同创新共同体建设提速", ["赵晨阳"], dt.date(2024, 5, 21)),
    (
        "02_chinanews.html",
        "成渝地区双城经济圈建设交出“成绩单”",
        ["贺劭清", "岳依桐"],
        dt.date(2024, 3, 7),
    ),
    (
        "03_gmw.html",
        "推动城市群高质量发展的三重逻辑",
        ["邓明远", "许静怡"],
        dt.date(2023, 11, 14),
    ),
    ("04_jingjiribao.html", "湾区“硬联通”加速“软联通”", ["钟慧敏", "庞立新"], dt.date(2024, 4, 9)),
    (
        "05_nanfangribao.html",
        "广州都市圈“1小时通勤圈”加快成形",
        ["郭思琪", "林可欣", "陈俊杰"],
        dt.date(2024, 6, 18),
    ),
    ("06_qstheory.html", "以城市群为主体形态推进新型城镇化", [], dt.date(2024, 1, 16)),
    (
        "07_cssn.html",
        "城市群内部创新网络的演化特征与治理路径",
        ["李明哲", "陈若兰"],
        dt.date(2023, 9, 5),
    ),
    (
        "08_mohurd.html",
        "住房城乡建设部关于开展城市群城市更新协同试点工作的通知",
        [],
        dt.date(2024, 1, 29),
    ),
    (
        "09_citygov_gbk.html",
        "长株潭城市群两型社会建设综合配套改革试验区第三阶段工作要点发布",
        ["刘建国"],
        dt.date(2015, 8, 6),
    ),
    ("10_rmzxw.html", "政协委员建言长江中游城市群一体化发展", [], dt.date(2024, 3, 9)),
    (
        "11_caupd.html",
        "《中国城市群发展报告2023》成果发布会在京举行",
        ["张琳", "赵一鸣"],
        dt.date(2023, 12, 26),
    ),
    (
        "12_wanfang.html",
        "城市群科技协同创新共同体建设的理论逻辑与实现路径",
        ["刘思远", "黄佳琪", "孙嘉树"],
        dt.date(2024, 4, 3),
    ),
    (
        "13_springer.html",
        "Spatial spillovers of new infrastructure investment across China’s urban agglomerations",
        ["Wei Zhang", "Lina Chen", "Marco Rossi"],
        dt.date(2024, 1, 15),
    ),
    (
        "14_arxiv.html",
        "Measuring polycentricity in Chinese urban agglomerations with mobile phone data",
        ["Li Wang", "Hao Chen", "Sarah O'Neil"],
        dt.date(2024, 3, 7),
    ),
    (
        "15_reuters.html",
        "China's Greater Bay Area bets on cross-border data flows to lift growth",
        ["Lina Qiu", "Tom Hartley"],
        dt.date(2024, 6, 12),
    ),
    (
        "16_ft.html",
        "China’s inland megacities struggle to lure investors",
        ["Harriet Lowe", "Daniel Marsh"],
        dt.date(2024, 9, 3),
    ),
    (
        "17_caixinglobal.html",
        "Hefei’s State-Backed Venture Model Faces Test as Chip Bets Sour",
        [],
        dt.date(2024, 3, 7),
    ),
    (
        "18_thediplomat.html",
        "What China’s Urban Agglomeration Push Means for Local Debt",
        ["Laura Kim", "Ashok Menon"],
        dt.date(2024, 3, 7),
    ),
    (
        "19_merics.html",
        "City clusters as China’s new engines of innovation",
        ["Katja Hofmann", "Lukas Brenner"],
        dt.date(2023, 11, 14),
    ),
    ("20_hkgov_zh.html", "北部都會區大學城規劃研究展開", [], dt.date(2024, 3, 7)),
    ("21_taiwan_big5.html", "兩岸學者研討長三角城市群發展", ["邱柏諺"], dt.date(2013, 5, 14)),
    (
        "22_gb2312_2008.html",
        "珠江三角洲地区改革发展规划纲要编制工作全面启动",
        ["陈刚"],
        dt.date(2008, 10, 15),
    ),
    (
        "23_two_articles.html",
        "长三角示范区一批跨域项目集中签约",
        ["周婉婷", "沈晓岚", "吴浩"],
        dt.date(2024, 3, 7),
    ),
    (
        "24_hkgov_en.html",
        "Government announces measures to deepen cross-boundary collaboration in Greater Bay Area",
        [],
        dt.date(2024, 10, 15),
    ),
]

# The project's convention for government documents, against the writer's (kept visible, strict
# so that a change of convention is noticed).
KNOWN_MISSES: dict[tuple[str, str], str] = {
    ("published", "08_mohurd.html"): (
        "convention: a document with a 文号 is dated by its 成文日期 or its signature (落款) "
        "(sets 2 to 7, tests/test_parse_dates.py); the writer takes the portal's 发布日期: "
        "建科〔2024〕6号, 成文日期 2024年01月22日 (signed the same day), 发布日期 2024年01月29日"
    ),
}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES)
