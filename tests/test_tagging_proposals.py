"""Round 8 (issue 11): what a text proposes, and each theme's paraphrase vocabulary.

A sentence stating what a study, a brief or an expert recommends ("本文建议设立…", "We recommend
that …") is what the text is about, even where other themes share the sentence; the same sentence
reported as a fact stays a passing mention. Themes are also spoken of in the words their
descriptions use rather than their labels: 腾笼换鸟 (industrial upgrading), 居住证 and residence
permits (hukou reform), public charging points (EV charging), income differences and basic public
services (common prosperity), wetland restoration and soil and water conservation (ecological
restoration), city check-ups and regional governance (governance of cities and regions).
Regions: a travel guide and a restaurant review in their everyday words (温差, 防晒, 火锅, 甜品),
a share report in an analyst's (target price), and a venue or a launch named after its city
("Shenzhen's Bay Area Sports Center", "its Shenzhen launch") give no region. Each rule has a twin
that keeps the theme or the region out (or in).
"""

from __future__ import annotations

import pytest

from tagging import Tagger
from tagging.terms import match_form
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
EN_FILLER = [
    "The survey covered 4,000 households in nine districts over two years.",
    "Average household size fell from 3.1 to 2.8 people over the period.",
    "Most respondents said they had lived at the same address for a decade.",
    "Rents in the older districts rose by about 4% a year.",
    "The full data set will be published with the final report next spring.",
]

# --- what a text proposes ----------------------------------------------------------------------

ZH_PROPOSAL = "本文建议设立跨市协调小组，统一生态保护标准，推动两地发展相协调。"
ZH_REPORTED = "调研组了解到，两地已设立跨市协调小组，统一生态保护标准，推动两地发展相协调。"


def _zh_text(sentence: str) -> str:
    return "".join(FILLER[:3]) + sentence + "".join(FILLER[3:])


def test_what_a_study_proposes_is_what_it_is_about(tagger: Tagger) -> None:
    result = tagger.tag("两市工业园区调研", _zh_text(ZH_PROPOSAL))
    assert "governance-planning" in themes(result)


def test_the_same_sentence_reported_as_a_fact_is_a_passing_mention(tagger: Tagger) -> None:
    result = tagger.tag("两市工业园区调研", _zh_text(ZH_REPORTED))
    assert "governance-planning" not in themes(result)


def test_an_english_brief_recommending_a_measure_is_about_it(tagger: Tagger) -> None:
    sentence = (
        "We recommend that the two cities open a joint office to coordinate land approvals and "
        "to share the cost of ecological protection."
    )
    text = " ".join([*EN_FILLER[:3], sentence, *EN_FILLER[3:]])
    assert "governance-planning" in themes(tagger.tag("Housing in two cities", text))
    reported = sentence.replace("We recommend that the two cities open", "The two cities opened")
    text = " ".join([*EN_FILLER[:3], reported, *EN_FILLER[3:]])
    assert "governance-planning" not in themes(tagger.tag("Housing in two cities", text))


# --- paraphrase vocabulary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("theme", "title", "text"),
    [
        (
            "high-quality-development",
            "老工业基地如何“腾笼换鸟”",
            "当地关停了一批高耗能小作坊，腾出的土地引进了装备制造企业。",
        ),
        (
            "urbanization",
            "居住证持有人可在居住地申请公租房",
            "新规明确，持证满一年即可申请，子女可就近入学。",
        ),
        (
            "new-infrastructure",
            "Province adds 20,000 public charging points in a year",
            "Most of the new chargers are on expressway service areas.",
        ),
        (
            "common-prosperity",
            "Narrowing income differences between city and countryside",
            "Transfers to poorer counties rose by a fifth last year.",
        ),
        (
            "ecological-protection",
            "河口湿地修复工程完工",
            "工程清退养殖塘两千亩，恢复芦苇和碱蓬群落。",
        ),
        (
            "governance-planning",
            "全市完成年度城市体检",
            "体检从住房、小区、街区和城区四个层级查找问题。",
        ),
    ],
)
def test_a_theme_is_named_in_the_words_its_description_uses(
    tagger: Tagger, theme: str, title: str, text: str
) -> None:
    assert theme in themes(tagger.tag(title, text))


def test_supporting_paraphrases_alone_name_no_theme(tagger: Tagger) -> None:
    # water quality, sewage, chargers, 质量效益: words of a theme, not a theme on their own
    text = " ".join(
        [
            *EN_FILLER[:3],
            "Water quality at the sewage outlet was tested twice.",
            "Chargers were added in the car park.",
            *EN_FILLER[3:],
        ]
    )
    assert themes(tagger.tag("Housing in two cities", text)) == set()
    zh = _zh_text("企业表示，产品质量效益有所提高。")
    assert "high-quality-development" not in themes(tagger.tag("两市工业园区调研", zh))


# --- regions: leisure, markets and venues in their everyday words ------------------------------

TRAVEL = (
    "昆明冬季早晚温差大，白天可穿单衣，晚上需要外套。高原紫外线强，记得带好防晒霜。"
    "傍晚可以去西山看日落，再到老城区逛逛。返程前不妨买些鲜花饼。"
)
HOTPOT = (
    "这家重庆火锅店上月开业，主打牛油锅底。必点的是鲜毛肚，口感爽脆。"
    "甜品做得不错，正好解辣。店里营业到凌晨两点，适合宵夜。"
)


def test_a_travel_guide_and_a_restaurant_review_give_no_region(tagger: Tagger) -> None:
    assert regions(tagger.tag("冬天去昆明，这些事要知道", TRAVEL)) == set()
    assert regions(tagger.tag("新店开张", HOTPOT)) == set()


def test_the_same_city_in_a_development_story_keeps_its_region(tagger: Tagger) -> None:
    text = (
        "重庆将建设国际消费中心城市，今年新增商业综合体十个。全市社会消费品零售总额增长百分之六。"
    )
    assert "chengdu-chongqing" in regions(tagger.tag("重庆推进国际消费中心城市建设", text))


def test_a_share_report_in_an_analysts_words_gives_no_region(tagger: Tagger) -> None:
    text = (
        "Shares of the developer fell 6% after it reported a loss. Revenue fell by a third. "
        "Analysts cut their target price to HK$10 from HK$13. Its malls in Chongqing stayed busy."
    )
    assert regions(tagger.tag("Chongqing developer's shares slide as profit halves", text)) == set()


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("the phone was unveiled at shenzhen s bay area sports center", "shenzhen"),
        ("the company showed the phone at its shenzhen launch", "shenzhen"),
        ("the final was played at the hangzhou olympic sports centre stadium", "hangzhou"),
    ],
)
def test_a_venue_or_a_launch_named_after_its_city_is_a_venue(text: str, city: str) -> None:
    start = match_form(text).index(city)
    assert is_venue(match_form(text), start, start + len(city))


def test_a_city_that_launches_a_plan_is_no_venue() -> None:
    text = match_form("shenzhen launches a plan for its sports industry")
    assert not is_venue(text, 0, len("shenzhen"))
