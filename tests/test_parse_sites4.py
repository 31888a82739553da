"""Blind set 4: 27 synthetic pages of site types and byline/date/title patterns the earlier sets
do not cover, written before the parser was run on them.

Ministry pages with 发布时间/来源 lines and 发文单位/成文日期 tables, provincial TRS portals
(ArticleTitle meta, 引题, the site name as a <title> prefix), a county notice signed
二〇二四年三月五日 in an XHTML page whose encoding only its <?xml?> prolog gives; news with
split date markup, 记者/通讯员/实习生 bylines, names separated by 、, spaces and 和,
「记者 | 名」 and 「文｜财新 名 名」 forms, a date given as 03-05 16:20 with the year only in the
URL; 2005-era portals, forums and blogs (GBK with no declaration at all, GB2312, 提交日期,
作者：X | date); a serialised book chapter with no date; a Chinese-language page of a French
broadcaster (05/03/2024 - 09:30, day first); a Chinese journal page (citation_* meta, a
headline and its sub-headline split by <br>); English think-tank, Xinhua, Global Times and
journal pages (JSON-LD author arrays, "By X and Y", datelines, "Surname, Given" meta, markup
inside <title>); Traditional Chinese pages from Hong Kong and Taiwan (撰文, 記者X／Y報導,
中央社記者X台北5日電, 發布日期：2024/3/5) in UTF-8 and Big5; a UTF-8 page labelled gb2312;
og:title set to the site name.

Same conventions as tests/test_parse_sites2.py. Also: a byline naming several people credits
all of them (通讯员 and 实习生 included), an editor (编辑, 责任编辑, Editor) beside no reporter
is still not an author of a news agency wire; a forum thread is by its first poster; a page
split by <br> in one heading keeps the break as a space (none before the —— that opens a
sub-headline), and a sub-headline in its own element
(副题 under the headline) is not part of the title.

Blind score on the first run, before any fix of this round (27 pages): title 26/27, authors
17/27, date 25/27. The rules it led to are tested one by one in
tests/test_parse_sites4_rules.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.site_pages import site_tests

PAGES = Path(__file__).parent / "fixtures" / "pages" / "sites4"
DAY = dt.date(2024, 3, 5)

CASES = [
    # page, title, authors, published
    ("ndrc_news.html", "国家发展改革委印发《关于推动现代化都市圈高质量发展的若干措施》", [], DAY),
    (
        "mohurd_notice.html",
        "住房和城乡建设部关于开展2024年城市体检工作的通知",
        ["住房和城乡建设部"],
        dt.date(2024, 2, 26),
    ),
    (
        "mnr_news.html",
        "自然资源部：成渝地区双城经济圈国土空间规划编制取得阶段性成果",
        ["王少勇"],
        DAY,
    ),
    ("trs_hunan_gbk.html", "长株潭都市圈“半小时通勤”再提速", ["李国斌", "刘燕娟"], DAY),
    (
        "county_gov_xml_gb2312.html",
        "嘉善县人民政府办公室关于印发嘉善县融入长三角一体化发展三年行动计划的通知",
        ["嘉善县人民政府办公室"],
        DAY,
    ),
    ("hk_gov_tc.html", "政府公布北部都會區行動綱領進度報告", [], DAY),
    ("xinhuanet_split_date.html", "南京都市圈跨省公交线路增至38条", ["邱冰清", "陈席元"], DAY),
    ("people_rmrb_subtitle.html", "建设人民满意的都市圈", ["丁怡婷", "王浩"], DAY),
    (
        "thepaper_next.html",
        "都市圈里的“候鸟”青年：在苏州工作，回上海过周末",
        ["朱奕奕", "李思雨"],
        DAY,
    ),
    (
        "caixin_cn.html",
        "都市圈楼市分化：核心城市企稳，外围城市仍在筑底",
        ["王婧", "刘园园"],
        DAY,
    ),
    ("jiemian.html", "郑州都市圈扩容至九城，新增的周口能分到什么？", ["陈怡霏"], DAY),
    (
        "regional_year_in_url.html",
        "宁波都市圈首条跨市公交开通 宁波—舟山—台州实现“一卡通”",
        ["张伟", "李娜", "王敏"],
        DAY,
    ),
    (
        "dazhong_mislabelled.html",
        "济南都市圈发展规划获批 覆盖7市人口超2000万",
        ["赵国陆", "王洪涛"],
        DAY,
    ),
    (
        "portal2005_undeclared_gbk.html",
        "珠三角城际轨道网规划出台 广州到深圳只需半小时",
        ["陈晓丹", "林蓉"],
        dt.date(2005, 4, 12),
    ),
    (
        "tianya_bbs_gb2312.html",
        "我在深圳东莞之间跑了三年，说说这条“通勤带”",
        ["沧海一粟2005"],
        dt.date(2005, 6, 21),
    ),
    ("bokee_blog_gbk.html", "走在长株潭之间", ["老城记事"], dt.date(2005, 7, 3)),
    ("book_serial_gbk.html", "城市的边界(4)", ["周子衡"], None),
    ("rfi_style.html", "法国媒体：中国都市圈建设与欧洲大都市区有何不同", ["林嘉"], DAY),
    (
        "hanspub_journal.html",
        "都市圈通勤效率对房价梯度的影响研究——以成都都市圈为例",
        ["陈思远", "刘晓梅"],
        DAY,
    ),
    (
        "thinktank_jsonld_array.html",
        "Can China\u2019s City Clusters Absorb 100 Million More Urban Residents?",
        ["Mary Gallagher", "Thomas Liu"],
        DAY,
    ),
    (
        "xinhua_dateline_en.html",
        "Chengdu metropolitan circle to add three intercity rail lines this year",
        [],
        DAY,
    ),
    (
        "tandf_journal_en.html",
        "Metropolitan integration and the hukou gap: evidence from the Pearl River Delta",
        ["Xiaoming Chen", "Li Huang"],
        DAY,
    ),
    (
        "globaltimes_en.html",
        "Yangtze River Delta cities extend cross-border healthcare settlement",
        ["Wang Qi", "Zhang Han"],
        DAY,
    ),
    (
        "taiwan_local_big5.html",
        "桃園航空城計畫第二期區段徵收啟動 預計2027年完成",
        ["陳俊宏"],
        DAY,
    ),
    ("hk_news_tc.html", "港深西部鐵路研究完成 料2035年通車", ["李家明", "黃嘉欣"], DAY),
    ("cna_tw.html", "北北基桃生活圈通勤月票延長 交通部：年底前評估擴大", ["林育瑄"], DAY),
    (
        "cass_gb18030.html",
        "城市群内部分工与区域协调发展——基于长江中游城市群的考察",
        ["胡安俊", "孙久文"],
        DAY,
    ),
]

# The one page whose year is only in its address, as the site served it.
URLS = {"regional_year_in_url.html": "http://news.cnnb.com.cn/system/2024/03/05/030512999.shtml"}

# Still wrong (found by these pages, not yet fixed): kept visible, strict so a fix is noticed.
KNOWN_MISSES: dict[tuple[str, str], str] = {}

test_title, test_authors, test_published = site_tests(PAGES, CASES, KNOWN_MISSES, URLS)
