"""Round 7 (issue 11): what a text is about when its evidence is thin in each sentence, and what
a name, a framing clause or a company's home do not make a subject.

A paragraph whose every sentence names a theme is a passage on it, however long the text; the
word that ends a document's name in the title (《…规划》) says what the news is; a plan's name
(高质量发展规划) says nothing of its qualifiers, but a cluster's plan is about the cluster; an
opening clause that frames a study as serving a goal ("To meet the goal of carbon neutrality, …")
is its motivation; a company's home, plant or listing is no region; in a record with keywords,
the one abstract sentence naming a theme counts when it states the findings. Each rule has a
twin that keeps the theme or the region (or leaves it out).
"""

from __future__ import annotations

from tagging import Tagger, match_form
from tagging.venues import is_venue
from tests.tagging_support import regions, themes

FILLER = [
    "会议听取了有关部门的工作汇报，并对下一阶段的重点任务作出部署。",
    "与会人员围绕相关议题进行了深入交流，提出了许多有价值的意见建议。",
    "据介绍，相关工作将按照时间节点有序推进，确保各项任务落到实处。",
    "记者在现场看到，不少企业代表也参加了当天的活动。",
    "今年以来，相关部门共组织各类座谈会二十余场。",
    "有关负责人表示，将认真梳理各方意见，及时总结经验做法。",
]

# --- a paragraph on a theme ------------------------------------------------------------------

CARBON_PARAGRAPH = (
    "公交车队也在为城市减排出力。全市新能源公交车已超过九千辆。"
    "据测算，去年公交领域减少二氧化碳排放约三十万吨。车库屋顶还铺设了光伏板。"
)


def _long_text(paragraph: str) -> str:
    return "\n\n".join(["".join(FILLER[:3]), paragraph, "".join(FILLER[3:])])


def test_a_paragraph_whose_every_sentence_names_the_theme_is_a_passage_on_it(
    tagger: Tagger,
) -> None:
    result = tagger.tag("城市公交十年巨变", _long_text(CARBON_PARAGRAPH))
    assert "carbon-neutrality" in themes(result)


def test_the_same_words_spread_over_paragraphs_stay_passing_mentions(tagger: Tagger) -> None:
    # the same sentences, each in a paragraph of filler: no passage is on the theme
    sentences = [s + "。" for s in CARBON_PARAGRAPH.split("。") if s]
    paragraphs = [
        f"{filler}{sentence}" for filler, sentence in zip(FILLER, sentences, strict=False)
    ]
    result = tagger.tag("城市公交十年巨变", "\n\n".join([*paragraphs, *FILLER[4:]]))
    assert "carbon-neutrality" not in themes(result)


# --- a document's name in the title ----------------------------------------------------------

PLAN_TEXT = (
    "近日，省人民政府印发该规划。规划范围包括五个地级市，国土面积约七万平方公里。"
    "规划明确，到2025年城市群常住人口达到一千六百万人左右。"
)


def test_the_word_that_ends_a_documents_name_in_the_title_says_what_the_news_is(
    tagger: Tagger,
) -> None:
    title = "省政府印发《山西中部城市群高质量发展规划（2022—2035年）》"
    found = themes(tagger.tag(title, PLAN_TEXT))
    assert {"governance-planning", "urban-agglomeration"} <= found
    # the plan's name says nothing on its own of high-quality development
    assert "high-quality-development" not in found


def test_the_same_word_outside_a_documents_name_is_a_supporting_word(tagger: Tagger) -> None:
    title = "山西中部城市群高质量发展规划范围公布"
    assert "governance-planning" not in themes(tagger.tag(title, PLAN_TEXT))


def test_a_qualifier_outside_a_plans_name_is_still_the_theme(tagger: Tagger) -> None:
    text = "全省推动高质量发展，全要素生产率稳步提高。制造业高质量发展取得新进展。"
    assert "high-quality-development" in themes(tagger.tag("山西推动高质量发展", text))


# --- a framing clause ------------------------------------------------------------------------

FRAMED = (
    "{opening}, low-cost and efficient photovoltaic materials are needed. "
    "Here we introduce a passivator that fills halide vacancies at the film surface. "
    "The treatment reduces the trap density by an order of magnitude. "
    "Devices retain 92% of their initial efficiency after 1,200 h of tracking."
)


def test_a_goal_in_the_opening_clause_is_the_studys_motivation(tagger: Tagger) -> None:
    abstract = FRAMED.format(opening="To meet the goal of carbon neutrality")
    result = tagger.tag("Passivated perovskite solar cells", "", abstract=abstract)
    assert "carbon-neutrality" not in themes(result)


def test_the_same_goal_as_the_opening_statement_is_kept(tagger: Tagger) -> None:
    abstract = FRAMED.format(opening="Carbon neutrality is the goal of this study")
    result = tagger.tag("Passivated perovskite solar cells", "", abstract=abstract)
    assert "carbon-neutrality" in themes(result)


# --- a company's home, plant and listing -----------------------------------------------------


def test_a_companys_home_plant_and_listing_are_no_places() -> None:
    cases = [
        ("the shenzhen based carmaker said profit rose", "shenzhen"),
        ("its hong kong listed shares rose 3%", "hong kong"),
        ("a chip designer headquartered in hangzhou", "hangzhou"),
        ("深圳手机厂商发布新品", "深圳"),
        ("台积电南京厂营运正常", "南京"),
        ("在深圳湾体育中心举行发布会", "深圳"),
    ]
    for text, city in cases:
        start = match_form(text).index(city)
        assert is_venue(match_form(text), start, start + len(city)), text


def test_a_factory_district_is_still_a_place() -> None:
    text = match_form("苏州厂房租金上涨")
    assert not is_venue(text, 0, 2)


def test_company_news_gives_no_region(tagger: Tagger) -> None:
    text = (
        "BYD, the Shenzhen-based carmaker, said its net profit rose 11% in the quarter. "
        "Its Hong Kong-listed shares rose 3% in early trading."
    )
    assert regions(tagger.tag("BYD profit rises", text)) == set()
    zh = "台积电南京厂获准继续进口设备。南京厂产品主要供应车用芯片客户。"
    assert regions(tagger.tag("台积电南京厂获延长豁免", zh)) == set()


def test_the_city_spoken_of_keeps_its_region(tagger: Tagger) -> None:
    text = (
        "BYD, the Shenzhen-based carmaker, is expanding. "
        "Shenzhen plans new charging stations across the city, and Shenzhen's districts will "
        "share a single booking platform."
    )
    assert "pearl-river-delta" in regions(tagger.tag("Shenzhen builds chargers", text))


# --- words that name the theme ---------------------------------------------------------------


def test_an_integrated_energy_project_is_no_city_cluster(tagger: Tagger) -> None:
    text = (
        "呼包鄂榆地区风光资源富集。研究评估了可再生能源制氢的潜力。"
        "建议在鄂尔多斯、包头率先建设风光氢储一体化示范项目。"
    )
    found = themes(tagger.tag("呼包鄂榆地区绿氢潜力", text, keywords=["绿氢", "呼包鄂榆"]))
    assert "urban-agglomeration" not in found
    assert "carbon-neutrality" in found


CANAL = (
    "Excavators are working around the clock along the river in southern Guangxi. "
    "When it opens, ships of up to 5,000 tonnes will sail straight to the sea. "
    "It forms part of the New Western Land-Sea Corridor linking western China with ASEAN. "
    "Three ship locks are under construction. The total cost is 72 billion yuan. "
    "Environmental groups have raised concerns about saltwater intrusion. "
    "Local officials say the project will attract processing industries to Nanning."
)


def test_a_waterway_in_the_title_and_a_corridor_in_the_text_are_transport(
    tagger: Tagger,
) -> None:
    result = tagger.tag(
        "Guangxi digs a 135-km canal to give the south-west a route to the sea", CANAL
    )
    assert "transport-connectivity" in themes(result)
    # the same text under a title about its cost: the corridor is one sentence of seven
    result = tagger.tag("Guangxi project to cost 72 billion yuan", CANAL)
    assert "transport-connectivity" not in themes(result)


def test_a_cooperation_zone_of_the_bay_area_is_the_agglomeration(tagger: Tagger) -> None:
    text = (
        "The Guangdong-Macao In-depth Cooperation Zone in Hengqin has completed two years under "
        "a joint management committee. The zone now hosts 5,000 Macao-funded enterprises. "
        "Analysts say it is a test bed for aligning rules across the Greater Bay Area."
    )
    found = themes(tagger.tag("Hengqin cooperation zone marks two years", text))
    assert "urban-agglomeration" in found
    # the same zone in a text that never names the bay area: a zone, not the cluster
    alone = text.replace(" across the Greater Bay Area", "")
    assert "urban-agglomeration" not in themes(tagger.tag("Hengqin zone marks two years", alone))


# --- a finding in a record with keywords ------------------------------------------------------

FINDING = (
    "Using panel data on 41 cities from 2011 to 2021, this paper measures green total factor "
    "productivity. {middle} The effect has positive spatial spillovers to neighbouring cities."
)


def test_a_theme_in_the_sentence_stating_the_findings_is_no_side_remark(tagger: Tagger) -> None:
    middle = (
        "We find that digital infrastructure raises it, mainly through technological innovation."
    )
    abstract = FINDING.format(middle=middle)
    result = tagger.tag(
        "Digital infrastructure and productivity",
        "",
        abstract=abstract,
        keywords=["digital infrastructure", "productivity"],
    )
    assert "innovation" in themes(result)


def test_the_same_theme_in_a_background_sentence_is_a_side_remark(tagger: Tagger) -> None:
    middle = "As technological innovation accelerates, digital infrastructure spreads."
    abstract = FINDING.format(middle=middle)
    result = tagger.tag(
        "Digital infrastructure and productivity",
        "",
        abstract=abstract,
        keywords=["digital infrastructure", "productivity"],
    )
    assert "innovation" not in themes(result)
