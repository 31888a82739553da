"""Round 11: what the blind batches holdout18 and holdout19 showed the rules missed, generalised.

- each theme's vocabulary as writers vary it, in both languages: the middle-income groups of
  common prosperity said without 群体 (中等收入人群, 进入中等收入行列) but not the "middle-income
  trap"; the domestic market of dual circulation (国内大市场, "vast domestic market"); joint
  laboratories; joint governance (共同治理, "co-governance"); multimodal transport (多式联运,
  空铁联运); "UHV"; and, as supporting words only, pollution control in industry (治污,
  超低排放, "ultra-low emission");
- leisure: a recipe, a festival or travel guide's lodging, a review of a film or a show (剧评,
  剧情, 观众, "where to stay", "day one") sets a text where cities are places to eat or see;
- setting: a paper's record with the authors' affiliations (作者单位) and a laboratory's words
  (制备, 薄膜, "thin film") is a laboratory study, where a member city is an address.
Each rule has a twin that stays as it was. These test the rules alone (booster off): the booster
(tests/test_booster.py) must not be what makes them pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tagging import Tagger, load_taxonomy
from tests.tagging_support import regions, themes

ZH_FILLER = "记者近日走访了当地多家企业。负责人介绍了今年的工作安排。"
EN_FILLER = "Reporters visited several firms this month. Managers described their plans."
THEMES_YAML = Path(__file__).resolve().parent.parent / "themes.yaml"


@pytest.fixture(scope="module")
def rules() -> Tagger:
    return Tagger(load_taxonomy(THEMES_YAML), booster=False)


@pytest.mark.parametrize(
    ("title", "theme"),
    [
        ("扩大中等收入人群 让更多家庭进入中等收入行列", "common-prosperity"),
        ("依托国内大市场 内陆企业加快拓展内销", "dual-circulation"),
        ("Exporters turn to China's vast domestic market", "dual-circulation"),
        ("长春组建新能源汽车联合实验室", "innovation"),
        ("Changchun carmakers and universities open a joint laboratory", "innovation"),
        ("两地政府共同治理跨界河流", "governance-planning"),
        ("Joint governance of the Hengqin cooperation zone", "governance-planning"),
        ("Co-governance across the provincial border", "governance-planning"),
        ("郑州发展空铁联运和多式联运", "transport-connectivity"),
        ("Shandong ports push multimodal transport inland", "transport-connectivity"),
        ("A UHV line links Ningxia and Hunan", "new-infrastructure"),
    ],
)
def test_a_theme_said_in_the_words_writers_use_is_named(
    rules: Tagger, title: str, theme: str
) -> None:
    """A full term in the title names the theme; before round 11 none of these was a term."""
    text = ZH_FILLER if any("\u4e00" <= ch <= "\u9fff" for ch in title) else EN_FILLER
    assert theme in themes(rules.tag(title, text))


def test_the_middle_income_trap_is_no_common_prosperity(rules: Tagger) -> None:
    assert "common-prosperity" not in themes(rules.tag("如何跨越中等收入陷阱", ZH_FILLER))


def test_pollution_control_in_industry_is_supporting_only(rules: Tagger) -> None:
    """治污 and 超低排放 are said of industry as much as of ecology: one title makes no theme,
    but they now count as its words beside a full term in the text."""
    assert "ecological-protection" not in themes(rules.tag("钢厂完成超低排放改造", ZH_FILLER))
    text = (
        "唐山的钢铁企业基本完成超低排放改造，颗粒物排放大幅下降。"
        "下一步需要把治污和降碳放在一起考核。过去几年唐山的重点是治理大气污染。"
    )
    old = rules.score("唐山的减碳账", text, applied_only=False)
    eco = next(s for s in old if s.id == "ecological-protection")
    assert {"治污", "超低排放", "大气污染"} <= set(eco.terms)


RECIPE = (
    "材料：牛油500克、菜籽油200克、干辣椒100克、花椒50克、冰糖适量。"
    "做法：锅中放菜籽油烧热，下牛油小火熬化。加入豆瓣翻炒约二十分钟。"
    "小贴士：成都人爱蘸香油蒜泥，重庆人更爱干碟。"
)


def test_a_recipe_names_no_region(rules: Tagger) -> None:
    assert regions(rules.tag("在家做一锅正宗重庆牛油火锅", RECIPE)) == set()


def test_a_drama_review_names_no_region(rules: Tagger) -> None:
    text = (
        "导演把九十年代初的上海拍成了一场梦。黄河路上霓虹闪烁，老上海观众直呼“就是这个味道”。"
        "有人批评剧情节奏太慢，但这部剧让上海的黄河路成了网红打卡地。"
    )
    assert regions(rules.tag("剧评｜剧中的上海记忆", text)) == set()


def test_a_travel_guide_in_english_names_no_region(rules: Tagger) -> None:
    text = (
        "Day one: take the bus from the station to the Terracotta Army museum. "
        "Day two: ride the city wall of Xi'an at sunset. "
        "Where to stay: hotels inside the wall near the Bell Tower. "
        "Best time to go: April or October, when Xi'an is less touristy."
    )
    assert regions(rules.tag("Three days in Xi'an", text)) == set()


def test_a_report_on_the_same_city_still_names_its_region(rules: Tagger) -> None:
    text = (
        "Xi'an and Xianyang will merge their bus networks next year. "
        "The Guanzhong Plain urban agglomeration plan asks the two cities to share hospitals."
    )
    assert "guanzhong-plain" in regions(rules.tag("Xi'an and Xianyang integrate", text))


def test_a_laboratory_papers_record_names_no_region_of_its_affiliation(rules: Tagger) -> None:
    text = (
        "【作者单位】南京大学物理学院，江苏南京 210093\n"
        "【摘要】利用脉冲激光沉积方法在衬底上制备薄膜，研究静水压下电输运行为。"
    )
    assert regions(rules.tag("论文信息：镍基超导体薄膜的压力调控", text)) == set()
