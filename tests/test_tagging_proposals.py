"""Round 8 (issue 11): what a text proposes, and each theme's paraphrase vocabulary.

A sentence stating what a study, a brief or an expert recommends ("本文建议设立…", "We recommend
that …") is what the text is about, even where other themes share the sentence; the same sentence
reported as a fact stays a passing mention. Themes are also spoken of in the words their
descriptions use rather than their labels: 腾笼换鸟 (industrial upgrading), 居住证 and residence
permits (hukou reform), public charging points (EV charging), income differences and basic public
services (common prosperity), wetland restoration and soil and water conservation (ecological
restoration), city check-ups and regional governance (governance of cities and regions). Each
rule has a twin that keeps the theme out.
"""

from __future__ import annotations

import pytest

from tagging import Tagger
from tests.tagging_support import themes

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
