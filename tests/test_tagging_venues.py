"""A city named only as a venue, an affiliation or a dateline gives no region (tagging/venues.py).

Each synthetic text has a twin in which the same city is a place the text is about, and that twin
does get the region: the rule drops the mention, not the city.
"""

from __future__ import annotations

import pytest

from tagging import Tagger, match_form
from tagging.index import REGIONS, Hit, TermRef
from tagging.venues import drop_venues, is_venue
from tests.tagging_support import regions


def candidates(tagger: Tagger, title: str, text: str) -> set[str]:
    """Every region with a mention left, applied or not: a dropped mention leaves none."""
    scores = tagger.score(title, text, applied_only=False)
    return {s.id for s in scores if s.kind == "region"}


def venue(text: str, city: str) -> bool:
    """is_venue for the first mention of `city` in `text` (both in match form)."""
    folded, name = match_form(text), match_form(city)
    start = folded.index(name)
    return is_venue(folded, start, start + len(name))


# --- the windows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("第五届全国眼科学术年会今天在杭州国际博览中心开幕", "杭州"),
        ("会议于南京举行，来自各地的专家出席", "南京"),
        ("2025苏州马拉松鸣枪开跑", "苏州"),
        ("新华社合肥3月5日电 记者从有关部门获悉", "合肥"),
        ("本报上海讯 今年以来", "上海"),
        ("作者单位：南京大学物理学院", "南京"),
        ("武汉市中心医院的医生说", "武汉"),
        ("（浙江大学，杭州 310027）", "杭州"),
        ("More than 2,000 surgeons gathered in Chengdu this week", "Chengdu"),
        ("the annual symposium on catalysis held in Dalian", "Dalian"),
        ("She reached the final of the Wuhan Open", "Wuhan"),
        ("Li Wei (Shanghai Jiao Tong University)", "Shanghai"),
        ("Li Wei (Zhejiang University, Hangzhou, China)", "Hangzhou"),
        ("Department of Physics, University of Hong Kong", "Hong Kong"),
        ("Nanjing 210093, China", "Nanjing"),
        ("BEIJING, Dec 2 (Reuters) - Factory activity shrank", "BEIJING"),
    ],
)
def test_venues_affiliations_and_datelines_are_recognised(text: str, city: str) -> None:
    assert venue(text, city)


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("杭州今年新增高新技术企业一千家", "杭州"),  # the city as the actor
        ("在南京，城际铁路让通勤更便利", "南京"),  # 在 + city, but nothing is held
        ("浙江电网负荷创历史新高", "浙江"),  # 电 of 电网 is not a dateline
        ("上海大学生就业率保持稳定", "上海"),  # 大学生: students, not a university
        ("北京的大学数量居全国前列", "北京"),  # universities in Beijing, no institution name
        ("记者从四川省政府获悉", "四川"),  # a reporter asking the province is no dateline
        ("A new battery plant opened in Hefei last year", "Hefei"),
        ("Hefei has a new university campus", "Hefei"),
        ("a fair share of investment in Wuhan", "Wuhan"),
        ("Beijing, the capital, will cap its population", "Beijing"),
    ],
)
def test_a_city_as_the_place_spoken_of_is_no_venue(text: str, city: str) -> None:
    assert not venue(text, city)


def test_a_region_is_dropped_only_when_every_mention_is_a_venue() -> None:
    text = match_form("长三角论坛在上海举行，杭州代表发言")
    own = Hit(0, 3, TermRef(REGIONS, 1, 0, 1.0))  # 长三角, a full term: always a place
    venue = Hit(6, 8, TermRef(REGIONS, 1, 7, 0.3))  # 上海, a supporting term, here a venue
    place = Hit(11, 13, TermRef(REGIONS, 1, 9, 0.3))  # 杭州, a member city spoken of
    other = Hit(11, 13, TermRef(REGIONS, 2, 9, 0.3))  # another region's term, placed too
    assert text[6:8] == "上海" and text[11:13] == "杭州"
    assert drop_venues(text, [venue]) == []
    assert drop_venues(text, [own, venue]) == [own, venue]
    assert drop_venues(text, [venue, place]) == [venue, place]
    assert drop_venues(text, [venue, other]) == [other]


# --- whole documents ------------------------------------------------------------------------

CONGRESS = (
    "第十二届全国骨质疏松学术大会昨天在杭州国际博览中心开幕，三千余名骨科和内分泌科医生参会。"
    "大会发布了骨质疏松症诊疗指南的更新版本，建议五十岁以上人群定期检测骨密度。"
    "专家提醒，补充钙和维生素D、坚持负重运动可以降低骨折风险。"
)
CITY = (
    "杭州今年计划新建保障性租赁住房三万套，重点布局在地铁站点周边和产业园区附近。"
    "杭州市住房保障部门表示，新建房源将优先面向新市民和青年人。"
    "杭州还将对存量商品房收购改建，扩大租赁住房供给。"
)


def test_a_conference_held_in_a_city_gives_no_region(tagger: Tagger) -> None:
    assert candidates(tagger, "全国骨质疏松学术大会在杭州开幕", CONGRESS) == set()


def test_the_same_city_as_the_place_spoken_of_gives_its_region(tagger: Tagger) -> None:
    assert regions(tagger.tag("杭州新建保障性租赁住房三万套", CITY)) == {"yangtze-river-delta"}


def test_a_forum_named_after_the_agglomeration_keeps_it(tagger: Tagger) -> None:
    text = "第六届长三角一体化发展高层论坛在合肥举行。" + CONGRESS[CONGRESS.index("大会发布") :]
    assert regions(tagger.tag("长三角高层论坛举行", text)) == {"yangtze-river-delta"}


PAPER = (
    "We report a photonic crystal cavity with a quality factor of two million, fabricated on a "
    "silicon nitride platform. The cavity couples to a tapered fibre with 92% efficiency, and "
    "thermal tuning shifts its resonance by 4 nm without loss of quality factor."
)


def test_authors_affiliations_give_no_region(tagger: Tagger) -> None:
    text = (
        PAPER + "\n\nAuthors: Wang Fang (Nanjing University, Nanjing 210093, China); "
        "Zhou Lei (Shanghai Jiao Tong University, Shanghai, China)"
    )
    assert candidates(tagger, "A high-Q photonic crystal cavity on silicon nitride", text) == set()


def test_a_paper_about_the_city_keeps_it_whatever_its_affiliations(tagger: Tagger) -> None:
    text = (
        "We map heat exposure in Nanjing's residential blocks with satellite data and find that "
        "old districts in Nanjing are 2 degrees hotter than new ones.\n\n"
        "Authors: Wang Fang (Nanjing University, Nanjing 210093, China)"
    )
    result = tagger.tag("Urban heat in Nanjing's residential blocks", text)
    assert regions(result) == {"yangtze-river-delta"}


def test_a_dateline_gives_no_region(tagger: Tagger) -> None:
    text = (
        "新华社北京3月9日电 国家统计局9日发布数据，2月份全国居民消费价格同比上涨零点七个百分点。"
        "其中食品价格上涨一点一个百分点，非食品价格上涨零点六个百分点。"
    )
    assert candidates(tagger, "2月份CPI同比上涨0.7%", text) == set()
    subject = text.replace("全国居民", "北京市居民")  # the same story about Beijing's prices
    assert regions(tagger.tag("2月份北京CPI同比上涨0.7%", subject)) == {"beijing-tianjin-hebei"}


def test_an_english_congress_in_a_city_gives_no_region(tagger: Tagger) -> None:
    text = (
        "More than 3,000 cardiologists gathered in Shenzhen this week for the regional heart "
        "failure congress. A trial presented there found that a new drug cut hospital admissions "
        "by a quarter. Next year's congress will be held in Bangkok."
    )
    assert candidates(tagger, "Heart failure congress in Shenzhen", text) == set()
    about = "Shenzhen opened four new cardiology centres this year as the city's population aged."
    assert regions(tagger.tag("Shenzhen adds cardiology centres", about)) == {"pearl-river-delta"}
