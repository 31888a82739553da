"""Theme recall: a theme the document is about is given even when no one sentence says much.

Each rule has a twin that stays a passing mention: an agglomeration named by its region's own
name (长三角, Greater Bay Area) with one word of its own, but not the region's name alone; a
sentence devoted to a theme, but not a closing slogan; a theme spoken of in three of its terms in
a long text, but not in one.
"""

from __future__ import annotations

from tagging import Tagger
from tagging.taxonomy import parse_taxonomy
from tests.tagging_support import themes

FILLER = [
    "会议听取了有关部门的工作汇报，并对下一阶段的重点任务作出部署。",
    "与会人员围绕相关议题进行了深入交流，提出了许多有价值的意见建议。",
    "据介绍，相关工作将按照时间节点有序推进，确保各项任务落到实处。",
    "有关负责人表示，将认真梳理各方意见，及时总结经验做法。",
    "记者在现场看到，不少企业代表也参加了当天的活动。",
    "今年以来，相关部门共组织各类座谈会二十余场。",
]


# --- an agglomeration named by its region's own name -----------------------------------------


def test_the_regions_own_names_are_those_their_labels_say(tagger: Tagger) -> None:
    names = set(tagger.taxonomy.region_names())
    assert {"长三角", "京津冀", "粤港澳大湾区", "Greater Bay Area", "Yangtze River Delta"} <= names
    assert not {"雄安", "秦创原", "横琴", "Shanghai", "上海"} & names  # areas, projects, cities
    agglomeration = tagger.taxonomy.themes[0]
    terms = dict(tagger.taxonomy.entry_terms(agglomeration))
    assert terms["长三角"] == tagger.taxonomy.defaults.support_weight
    assert terms["城市群"] == 1.0


INNOVATION = [
    "区域科技创新中心建设取得新进展，一批国家重点实验室和大科学装置相继落地。",
    "去年研发投入强度超过百分之三，专利授权量继续居全国前列。",
    "两地科研人员、设备和资金跨境流动更加便利。",
    "业内人士认为，应进一步强化基础研究和原始创新。",
]


def test_a_region_named_by_its_own_name_with_one_agglomeration_word_is_the_agglomeration(
    tagger: Tagger,
) -> None:
    closing = "专家认为，城市群应形成开放型区域协同创新共同体。"
    named = tagger.tag("粤港澳大湾区国际科技创新中心建设提速", "".join([*INNOVATION, closing]))
    assert {"innovation", "urban-agglomeration"} <= themes(named)
    # the same text about a province: one mention of 城市群 is a passing one
    unnamed = tagger.tag("广东省国际科技创新中心建设提速", "".join([*INNOVATION, closing]))
    assert "urban-agglomeration" not in themes(unnamed)


def test_a_regions_name_alone_is_a_place_not_the_agglomeration_theme(tagger: Tagger) -> None:
    text = (
        "南沙港区四期全自动化码头投入运营，港口年通过能力提升四百九十万标箱。"
        "码头通过海铁联运与珠三角和内陆的物流枢纽相连。"
        "去年粤港澳大湾区港口集装箱吞吐量超过八千万标箱。"
    )
    result = tagger.tag("粤港澳大湾区港口集装箱吞吐量再创新高", text)
    assert "transport-connectivity" in themes(result)
    assert "urban-agglomeration" not in themes(result)
    assert "pearl-river-delta" in {match.id for match in result.regions}


def test_named_by_regions_borrows_the_regions_exclusions() -> None:
    raw = {
        "themes": [
            {
                "id": "agglomeration",
                "label_en": "A",
                "label_zh": "城市群",
                "description": "d",
                "terms_zh": ["城市群"],
                "named_by_regions": True,
            }
        ],
        "regions": [
            {
                "id": "bay",
                "label_en": "Bay Area",
                "label_zh": "大湾区",
                "description": "d",
                "terms_zh": ["大湾区"],
                "exclude_zh": ["旧金山大湾区"],
            }
        ],
    }
    taxonomy = parse_taxonomy(raw)
    theme = taxonomy.themes[0]
    assert [term for term, _ in taxonomy.entry_terms(theme)] == ["城市群", "大湾区"]
    assert taxonomy.entry_exclusions(theme) == ["旧金山大湾区"]
    scores = Tagger(taxonomy).score(
        "旧金山大湾区城市群", "旧金山大湾区城市群很大。", applied_only=False
    )
    found = {score.id: score.terms for score in scores}
    assert found["agglomeration"] == ["城市群"]
    assert "bay" not in found


# --- a sentence devoted to a theme -------------------------------------------------------------

DEVOTED = "与此同时，两地加快推动产业转型升级，提高产品附加值，推动制造业高质量发展。"


def test_a_sentence_devoted_to_a_theme_in_a_long_text_is_its_subject(tagger: Tagger) -> None:
    text = "".join([*FILLER[:3], DEVOTED, *FILLER[3:]])
    assert "high-quality-development" in themes(tagger.tag("两地产业合作观察", text))


def test_the_same_sentence_as_a_closing_slogan_is_a_mention(tagger: Tagger) -> None:
    text = "".join([*FILLER, DEVOTED])
    assert "high-quality-development" not in themes(tagger.tag("两地产业合作观察", text))


def test_a_sentence_that_also_names_another_theme_is_not_devoted_to_either(
    tagger: Tagger,
) -> None:
    shared = "两地推动产业转型升级和制造业高质量发展，并兼顾碳达峰要求。"
    text = "".join([*FILLER[:3], shared, *FILLER[3:]])
    found = themes(tagger.tag("两地产业合作观察", text))
    assert not {"high-quality-development", "carbon-neutrality"} & found


# --- a theme spoken of in several of its own terms ---------------------------------------------


def test_three_distinct_terms_in_one_passage_of_a_long_text_make_a_subject(
    tagger: Tagger,
) -> None:
    rail = "五年来新建城际铁路和高速铁路一千五百公里，市域铁路把中心城区与周边新城连在一起。"
    text = "".join([*FILLER, rail, *FILLER, *FILLER])
    assert "transport-connectivity" in themes(tagger.tag("区域合作五年回顾", text))
    one_term = "五年来新建城际铁路一千五百公里，把中心城区与周边新城连在一起。"
    text = "".join([*FILLER, one_term, *FILLER, *FILLER])
    assert "transport-connectivity" not in themes(tagger.tag("区域合作五年回顾", text))
