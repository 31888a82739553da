"""Blind set 7: 24 synthetic pages written blind by a separate session that never read the
parsers (the values are what a careful reader takes): a WeChat article mirror, a Baijiahao
self-media post, thepaper.cn, People's Daily (引题 and 副题 around the headline, a correspondent
in the byline), a gov.cn reprint of a Xinhua story, Caixin, the 21st Century Business Herald
(publication and update times), China Daily, Global Times and SCMP in English, an NDRC notice
and a State Council policy page (成文日期 beside 发布日期), a provincial statistics bureau page in
GBK, DRC and the Academy of Macroeconomic Research (full-width spaces between authors, compound
surnames, a 'main——sub' heading), a university news page with a slash credit line (文/ 图/),
CNKI and ScienceDirect-like paper pages (affiliation superscripts, manuscript dates), Brookings
and CSIS analyses, a research centre's PDF landing page with no date of its own, a page dated
only by JSON-LD, a Wen Wei Po page in Big5 and an Economic Daily commentary in GBK.

Conventions of the writer: staff reporters, interns and correspondents in the byline are
authors; editors, photographers, reviewers, typesetters, submitting units, outlets, account
names, divisions, research groups and '本报评论员' / 'staff reporters' are not; the date is the
article's own publication date, never an update, a sidebar's, a header's 'today', a copyright
year, a manuscript date or a URL's. The writer also takes a government notice's 发布日期 over
its signing date and names no issuing body as its author, where sets 2 to 6 (and
tests/test_parse_dates.py) date a document with a 文号 by its 成文日期 or signature and credit
its issuer: those four values are kept as written, as strict xfails, below.

Blind score on the first run (main at c2a5c35, before any fix of this round): title 23/24,
authors 19/24, date 20/24 (62/72). The rules it led to are tested one by one in
tests/test_parse_sites7_rules.py. No expected value was changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "sites7"

CASES = [
    # page, title, authors, published
    ("wechat_1.html", "成渝双城经济圈的“一小时通勤圈”还差几步？", ["王明远"], dt.date(2024, 5, 18)),
    (
        "baijiahao_1.html",
        "长江中游城市群：武汉、长沙、南昌如何从“各自为战”到“抱团出海”",
        ["刘晓峰"],
        dt.date(2024, 4, 16),
    ),
    (
        "thepaper_1.html",
        "长三角示范区五年：跨省“一张蓝图”如何落地",
        ["陈媛媛", "王琦"],
        dt.date(2024, 6, 21),
    ),
    ("rmrb_1.html", "京津冀协同发展向纵深推进", ["王浩", "李晓晴", "赵一鸣"], dt.date(2024, 3, 5)),
    (
        "govnews_1.html",
        "国家发展改革委：今年将推动都市圈同城化和城市群一体化发展",
        ["周思远", "韩佳"],
        dt.date(2024, 3, 6),
    ),
    (
        "caixin_1.html",
        "深中通道通车一月：珠江口东西两岸“握手”之后",
        ["陆思远", "钱语"],
        dt.date(2024, 7, 30),
    ),
    (
        "21jingji_1.html",
        "广州都市圈扩容：清远、云浮、韶关纳入后，“广佛极点”如何辐射粤北",
        ["林晓彤", "黄子轩"],
        dt.date(2024, 7, 9),
    ),
    (
        "chinadaily_1.html",
        "Twin-city economic circle gains momentum as rail links multiply",
        ["Chen Meiling", "He Jiawen"],
        dt.date(2024, 3, 21),
    ),
    (
        "globaltimes_1.html",
        "Xiong'an New Area welcomes first batch of relocated central SOE headquarters",
        [],
        dt.date(2024, 4, 2),
    ),
    (
        "scmp_1.html",
        "Northern Metropolis: can Hong Kong’s border megaproject plug it into the "
        "Greater Bay Area?",
        ["Helen Zhao", "Brian Leung"],
        dt.date(2024, 5, 14),
    ),
    (
        "ndrc_1.html",
        "国家发展改革委办公厅关于推广第二批都市圈同城化发展典型经验做法的通知",
        [],
        dt.date(2024, 2, 27),
    ),
    (
        "gov_1.html",
        "国务院关于印发《深入实施以人为本的新型城镇化战略五年行动计划》的通知",
        [],
        dt.date(2024, 7, 31),
    ),
    ("stats_1.html", "2024年一季度长株潭都市圈经济运行情况", [], dt.date(2024, 4, 28)),
    (
        "drc_1.html",
        "城市群内部产业分工与协同创新的新趋势",
        ["郑志远", "林佳", "欧阳晓明"],
        dt.date(2024, 1, 10),
    ),
    (
        "amr_1.html",
        "推动城市群高质量发展——基于19个城市群的比较研究",
        ["邱晓东", "潘晓燕", "司马文"],
        dt.date(2023, 11, 15),
    ),
    ("univ_1.html", "我校举办第五届长三角城市群规划论坛", ["李佳", "王琳"], dt.date(2024, 5, 20)),
    (
        "cnki_1.html",
        "中国城市群科技协同创新网络的时空演化及驱动机制",
        ["周立群", "孙铭远", "黄欣然"],
        dt.date(2024, 1, 18),
    ),
    (
        "elsevier_1.html",
        "Does high-speed rail integrate urban agglomerations? "
        "Evidence from the Yangtze River Delta",
        ["Yuxin Wang", "Jianfeng Liu", "Mark Thompson"],
        dt.date(2023, 11, 22),
    ),
    (
        "brookings_1.html",
        "What China’s city-cluster strategy means for its growth model",
        ["Sarah Whitfield", "Kevin Zhou"],
        dt.date(2024, 3, 14),
    ),
    (
        "csis_1.html",
        "Mapping the Greater Bay Area’s Tech Corridor",
        ["Thomas Reinholt", "Ana Lopes", "Jonas Berger"],
        dt.date(2024, 6, 11),
    ),
    ("pdf_1.html", "中国城市群一体化发展指数报告（2023）", [], None),
    (
        "jsonld_1.html",
        "Can sponge cities keep the Pearl River Delta dry?",
        ["Li Mengqi", "Tom Baxter"],
        dt.date(2024, 8, 19),
    ),
    ("big5_1.html", "河套合作區提速 深港共建科創走廊", ["陳家豪", "李綺雯"], dt.date(2024, 5, 2)),
    ("ce_1.html", "以城市群建设带动区域协调发展", [], dt.date(2024, 8, 1)),
]

# The project's convention for government documents, against the writer's (kept visible, strict
# so that a change of convention is noticed).
_SIGNED = (
    "convention: a document with a 文号 is dated by its 成文日期 or its signature (落款) and "
    "credits its issuing body (sets 2, 4, 5 and zh_sites, tests/test_parse_dates.py); the writer "
    "takes the portal's 发布日期/发布时间 and names no body"
)
KNOWN_MISSES: dict[tuple[str, str], str] = {
    (
        "authors",
        "ndrc_1.html",
    ): f"{_SIGNED}: signed 国家发展改革委办公厅 under 发改办规划〔2024〕112号",
    ("published", "ndrc_1.html"): f"{_SIGNED}: signed 2024年2月19日, posted 2024/02/27",
    ("authors", "gov_1.html"): f"{_SIGNED}: 发文机关 国务院 in the page's own table",
    ("published", "gov_1.html"): f"{_SIGNED}: 成文日期 2024-07-28, 发布日期 2024-07-31",
}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES)
