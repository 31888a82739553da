"""Realistic synthetic pages shaped like common Chinese sites the dev set does not cover.

Each fixture in tests/fixtures/pages/zh_sites/ copies one site family's layout: its <title>
decoration, headline markup (引题, sub-headlines), byline and date conventions, and the chrome
around them (menus, clocks, related links with their own dates, editors, photographers, 来源 names).
Some
are GBK, as such sites serve them. URLs carry no date, so the date must come from the page.

Conventions checked: 通讯员 and 实习生 named in a byline are authors (the dev set's truth lists
every name a byline credits: '本报实习生 甲 乙 本报记者 丙 丁');
来源, 责任编辑, 编辑 beside a reporter,
摄影, 审核 and 校对 are not; a government document is dated by its 成文日期 and authored by its
issuing body; a report is dated by the month it gives for itself, not the portal's posting date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "zh_sites"
DAY = dt.date(2024, 3, 5)

CASES = [
    # page, title, authors, published
    ("people_cn.html", "成渝地区双城经济圈建设按下快进键", ["王明远", "刘晓燕"], DAY),
    (
        "xinhuanet.html",
        "长三角生态绿色一体化发展示范区发布第五批制度创新成果",
        ["王子涵", "陈爱平"],
        DAY,
    ),
    (
        "gov_notice_gbk.html",
        "浙江省人民政府办公厅关于推进杭州都市圈高质量发展的实施意见",
        ["浙江省人民政府办公厅"],
        dt.date(2024, 3, 1),
    ),
    ("gov_news_gbk.html", "苏锡常都市圈交通一体化工作推进会在无锡召开", [], DAY),
    (
        "sina.html",
        "中部城市群“抱团”发展 武汉都市圈通勤半径扩至百公里",
        ["张杨", "吴思琪"],
        DAY,
    ),
    ("sohu.html", "城市群里的小县城，如何接住大城市的产业外溢？", ["周晓东"], DAY),
    ("netease_163.html", "京津冀协同发展十年：北京非首都功能疏解交出成绩单", ["李思远"], DAY),
    ("ifeng.html", "成都都市圈建设成效显著 德眉资同城化进程加快", ["罗之飏", "蒲晓磊"], DAY),
    ("thepaper.html", "长三角一体化五年｜跨省“断头路”打通之后", ["陈悦"], DAY),
    ("zhihu_answer.html", "为什么说都市圈是未来人口流动的主要方向？", ["陆晨阳"], DAY),
    ("discuz_thread_gbk.html", "住在嘉兴、上班在上海，跨省通勤三年的一点感受", ["沪嘉通勤客"], DAY),
    ("wordpress_blog.html", "都市圈规划里被忽视的“边缘城镇”", ["张小北"], DAY),
    ("classic_blog_gbk.html", "南京都市圈的“跨界”地铁，坐起来是什么感觉", ["老周"], DAY),
    ("university_news.html", "我校召开2024年城市群与区域发展研究工作会议", ["孙嘉怡", "吴昊"], DAY),
    (
        "report_page.html",
        "中国城市群高质量发展评估报告（2023）",
        ["钱文博", "冯雅琴"],
        dt.date(2023, 12, 1),
    ),
    ("epaper_gbk.html", "珠江口东西两岸融合发展提速", ["梁嘉欣", "何子健"], DAY),
]


# Still wrong (found by these pages, not yet fixed): kept visible, strict so a fix is noticed.
KNOWN_MISSES: dict[tuple[str, str], str] = {}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES)
