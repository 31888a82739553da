"""Blind set 10: 24 synthetic pages written blind on 2026-12-07 by a session that never read
the parsers, its tests or the earlier sets: 新京报, 上观新闻 (引题 and 副题), 浙江在线 in GBK (a
headline split by <br>), a 大众日报 e-paper in GB2312, a JS-hydrated 上游新闻 page (the article
only in a state blob and <noscript>), 光明网理论频道, a 中国经济网 print page in undeclared GBK,
央广网, a 自然资源部 notice, a 城市规划学刊 article page, a 东方财富 research report in
GB18030, a 雪球 post, BBC 中文 in Traditional, a 2007 明報 column in Big5, 聯合報, Sixth
Tone, a World Bank blog, an IMF working paper, Nikkei Asia and AP (all-caps bylines),
Bloomberg, Medium, a WordPress academic blog and a call for papers.

Conventions as in tests/test_parse_sites8.py. The writer was told the project's date convention
for a notice with a 文号 (its 成文日期) but also that such a notice has no author, where the
project credits its issuing body (sets 2 to 6): that one value is kept as written, as a strict
xfail by convention.

Kept sealed and measured twice, before any rule was written from it: on main before extraction
round 9 (2e20c9d) and after it (merge of ext9): title 22/24, authors 14/24, date 20/24 (56/72)
both times; round 9's rules, written from set 9, neither helped nor hurt here. Extraction
round 10 read it and fixed all 15 misses with generic rules, each tested on pages of its own
beside a control in tests/test_parse_sites10_rules.py: 71/72, the one left the convention
below. No expected value was changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "sites10"

CASES = [
    # page, title, authors, published   (a comment per case saying what is tricky)
    # 新京报: "_新京报" title suffix; byline only at the article end, run together with 编辑/校对 on
    # the next line; comments and hot list dated later/earlier
    (
        "01_bjnews.html",
        "京津冀协同发展十一周年：“轨道上的京津冀”加速成网",
        ["吴慧婷", "郭雅萱"],
        dt.date(2025, 2, 26),
    ),
    # 上观新闻: 引题 above and 副题 below the h1 (not part of the title); 来源 解放日报; 责任编辑
    # not an author; related list dated the day before
    (
        "02_shobserver.html",
        "示范区挂牌一年半，跨省域项目实现“一张蓝图管全域”",
        ["顾杰", "俞凌琳"],
        dt.date(2021, 5, 28),
    ),
    # 浙江在线 (GBK): headline split by <br /> (joined with a space, as in <title>); 记者 + 通讯员
    # persons; 编辑 twice; header 'today' date
    (
        "03_zjol_gbk.html",
        "共同富裕示范区建设首周观察 从“一张蓝图”到“一串实事”",
        ["沈晶晶", "钱一凡", "王雨妍"],
        dt.date(2021, 6, 11),
    ),
    # 大众日报 e-paper (GB2312): generic <title>; 引题/副题 lines; dateline "本报济南3月18日讯" is
    # the day before the edition date 2013-03-19; 本报记者/本报通讯员 with full-width spaces;
    # 本报评论员 in the headline list
    (
        "04_dzrb_epaper.html",
        "省会城市群经济圈今年主攻十大领域",
        ["孙远明", "王晓青"],
        dt.date(2013, 3, 19),
    ),
    # 上游新闻: empty Vue shell, content in window.__INITIAL_STATE__ (epoch ms publishTime + later
    # updateTime) and a <noscript> copy; 责编/摄影 not authors; generic <title>
    (
        "05_cqrb_upstream.html",
        "成渝中线高铁启动前期工作 重庆至成都将实现“1小时通达”",
        ["陈维灯", "李欣怡"],
        dt.date(2020, 10, 21),
    ),
    # 光明网理论: "_光明网" suffix; 作者 with affiliation in parentheses; author note at end; 来源
    # 光明日报; [ 责编 ] ; related items dated earlier
    (
        "06_gmw_theory.html",
        "推动形成优势互补高质量发展的区域经济布局",
        ["周晓岚", "孟繁宇"],
        dt.date(2019, 9, 18),
    ),
    # 中国经济网 print page: GBK bytes with NO charset declaration; no date on the page (only in
    # URL; copyright 2010 is not it); 2-char name padded with a full-width space "刘　惠"
    (
        "07_ce_print.html",
        "中部六省城市群：从“各自为战”到“抱团发展”",
        ["刘惠", "郭丽萍"],
        dt.date(2010, 9, 15),
    ),
    # 央广网: two-part headline separated by a space; reporters only inside the lead "（记者黄昕
    # 邓冠聪）"; 编辑 not author; related list dated earlier
    (
        "08_cnr.html",
        "政府工作报告首提“粤港澳大湾区” 将研究制定城市群发展规划",
        ["黄昕", "邓冠聪"],
        dt.date(2017, 3, 5),
    ),
    # 自然资源部 notice with 文号: 成文日期 2023-09-15 vs 发布日期/PubDate 2023-09-28; no authors
    # (ContentSource office); related item dated later
    (
        "09_mnr_notice.html",
        "自然资源部办公厅关于做好都市圈国土空间规划编制工作的通知",
        [],
        dt.date(2023, 9, 15),
    ),
    # 城市规划学刊: title with "——" subtitle; citation_* meta; 出版日期 month-only (2022-07) so
    # online date 2022-08-05; 收稿/修回 dates; pinyin uppercase authors; reference authors
    (
        "10_cupr_journal.html",
        "都市圈通勤空间组织特征与规划响应——基于手机信令数据的上海大都市圈实证",
        ["陈晓婷", "杨柏林", "许文卓"],
        dt.date(2022, 8, 5),
    ),
    # 东方财富 research report (declared GB18030): 研究员 comma-separated; broker 中信建投证券 in
    # <title> is not an author; "数据更新时间" 2016-08-23 header; sidebar dates
    (
        "11_eastmoney_report.html",
        "城市群基建专题：轨交投资进入高峰期，关注都市圈市域铁路",
        ["李明远", "王诗涵"],
        dt.date(2016, 8, 22),
    ),
    # 雪球 long post: user nickname is the author; "发布于… · 来自雪球" vs "修改于"; epoch ms in
    # SNOWMAN_STATUS; commenters' names and month-day dates
    (
        "12_xueqiu.html",
        "长三角城投债的分化：从都市圈半径看区县平台",
        ["松江观潮"],
        dt.date(2025, 4, 18),
    ),
    # BBC 中文 Traditional: visually-hidden "作者, " / "Role, " labels; JSON-LD author is the
    # organisation; "- BBC News 中文" suffix; related dated 2018
    (
        "13_bbc_zhongwen.html",
        "粵港澳大灣區規劃綱要公布：香港在「9+2」中的角色是什麼？",
        ["黃子謙"],
        dt.date(2019, 2, 19),
    ),
    # 明報 2007 (Big5): generic <title>; "■文：" byline; 【明報專訊】 inside a column; date only as
    # the edition header "2007年6月15日 星期五"; 昨日明報 社評 link
    ("14_mingpao_2007.html", "珠三角城市群的下一步", ["梁啟明"], dt.date(2007, 6, 15)),
    # 聯合報 udn (off-topic): "聯合報／ 記者A、B／台北報導"; JSON-LD author one string
    # "陳雅玲、林冠宏"; Minguo years (112年, 111年) in body; 責任編輯; sidebar later same-day times
    (
        "15_udn.html",
        "蛋荒延燒 農委會：春節後產量可望回穩",
        ["陳雅玲", "林冠宏"],
        dt.date(2023, 2, 8),
    ),
    # Sixth Tone: Next.js __NEXT_DATA__ with pubTime epoch; "Mar 07, 2024"; Editor line and photo
    # credit; author card with bio; related list with other names/dates
    (
        "16_sixthtone.html",
        "China’s Megacities Ease Hukou Rules. Migrants Aren’t Rushing In.",
        ["Lu Yifan"],
        dt.date(2024, 3, 7),
    ),
    # World Bank blog: blog series name above title; three author cards with bios; inline "A, B &
    # C"; commenters; photo credit; related dated earlier
    (
        "17_worldbank_blog.html",
        "How can China’s metropolitan areas grow smarter?",
        ["Hiroko Tanabe", "Marcus Lindqvist", "Zhao Xin"],
        dt.date(2019, 3, 14),
    ),
    # IMF working paper: citation_author "Surname, Given" (with ø); visible "Author/Editor: A ; B ;
    # C"; related WPs dated earlier; copyright year
    (
        "18_imf_wp.html",
        "Urban Agglomeration and Productivity in China: Evidence from City-Level Data",
        ["Hui Li", "Anders Sørensen", "Jia Wang"],
        dt.date(2019, 7, 26),
    ),
    # Nikkei Asia: ALL-CAPS byline "A and B, Nikkei staff writers"; 05:00 JST (still Dec 2 in UTC);
    # Updated on; contributor line not an author
    (
        "19_nikkei.html",
        "Greater Bay Area bets on cross-border rail to bind Hong Kong closer",
        ["Hiroshi Onogi", "Lauren Chen"],
        dt.date(2020, 12, 3),
    ),
    # Bloomberg: "By A, B and C"; 10:05 PM GMT+8 with Updated on March 8 (local); editors in contact
    # box; bullet abstract
    (
        "20_bloomberg.html",
        "China’s Local Debt Crackdown Puts Brakes on Metro Rail Boom",
        ["Mengchen Zhou", "Amy Ferris", "Li Yang"],
        dt.date(2024, 3, 7),
    ),
    # AP (off-topic): ALL-CAPS "By A and B"; only "Updated 9:40 AM EST" visible, posted time in data
    # attribute/JSON-LD; researcher contributed line; quoted person
    (
        "21_ap.html",
        "China's first homegrown cruise ship sets sail on maiden commercial voyage",
        ["Maria Holt", "Jiang Wen"],
        dt.date(2024, 1, 1),
    ),
    # Medium (off-topic): "| by X | Publication | Medium" title; publication name is not an author;
    # dateModified 2023; thanks-to names; more-from list
    (
        "22_medium.html",
        "Your Design System Needs a Performance Budget",
        ["Priya Raman"],
        dt.date(2022, 8, 12),
    ),
    # WordPress (Twenty Twelve) blog: WP author "cpianalysis" is a CMS account; real author in
    # "Written by Katherine Yuen."; site title is an h1 too; comments dated later
    (
        "23_wp_cpi_blog.html",
        "The Jing-Jin-Ji Integration Plan: Can Beijing Share Its Growth?",
        ["Katherine Yuen"],
        dt.date(2015, 5, 14),
    ),
    # Conference CFP: institutional page, no author (keynote speakers are not authors); Posted date
    # vs deadlines, conference dates and "Last updated"
    (
        "24_cfp.html",
        "Call for Papers: Megaregions and Metropolitan Governance in Asia",
        [],
        dt.date(2018, 2, 2),
    ),
]
URLS = {
    "07_ce_print.html": "http://www.ce.cn/xwzx/gnsz/gdxw/201009/15/t20100915_21819842.shtml",
}

KNOWN_MISSES: dict[tuple[str, str], str] = {
    ("authors", "09_mnr_notice.html"): (
        "convention: a notice with a 文号 is credited to its issuing body"
        " (gives ['自然资源部办公厅'])"
    ),
}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES, URLS)
