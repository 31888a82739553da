"""Round 9: a theme carried by one short paragraph of a text about several things, or by its
everyday words, is what the text is about there.

A paragraph of two sentences that names a theme in both, one of them in full, is a passage on
it (round 7 asked for three). A closing statement of what comes next ("将继续…") is not a mere
plan when the theme's words already ran through two earlier sentences. A meeting's name (会商会)
is not a chamber of commerce's (商会). Each rule has a twin that leaves the theme out.
"""

from __future__ import annotations

import pytest

from tagging import Tagger
from tests.tagging_support import themes

FILLER_ZH = [
    "会议听取了有关部门的工作汇报，并对下一阶段的重点任务作出部署。",
    "与会人员围绕相关议题进行了深入交流，提出了许多有价值的意见建议。",
    "据介绍，相关工作将按照时间节点有序推进，确保各项任务落到实处。",
    "记者在现场看到，不少企业代表也参加了当天的活动。",
    "今年以来，相关部门共组织各类座谈会二十余场。",
    "有关负责人表示，会后将认真梳理各方意见。",
]
FILLER_EN = [
    "The meeting reviewed progress reports from the departments concerned.",
    "Participants exchanged views on the topics and made a number of suggestions.",
    "According to the organisers, the work will proceed according to schedule.",
    "Reporters at the site saw workers busy with the next stage of construction.",
    "Officials held more than twenty briefings with companies this year.",
    "A second phase is expected to start after the summer.",
]

# --- a paragraph of two sentences --------------------------------------------------------------

MARKETS = ["这座枢纽一头连着广阔的内需市场，一头连着东盟各国。", "货物由此汇入国内大循环。"]


def test_a_two_sentence_paragraph_naming_the_theme_in_both_is_a_passage(tagger: Tagger) -> None:
    text = "\n\n".join(["".join(FILLER_ZH[:3]), "".join(MARKETS), "".join(FILLER_ZH[3:])])
    assert "dual-circulation" in themes(tagger.tag("物流枢纽货运量创新高", text))


def test_the_same_two_sentences_in_two_paragraphs_stay_passing_mentions(tagger: Tagger) -> None:
    paragraphs = [
        FILLER_ZH[0] + MARKETS[0],
        FILLER_ZH[1] + FILLER_ZH[2],
        MARKETS[1],
        *FILLER_ZH[3:],
    ]
    assert "dual-circulation" not in themes(
        tagger.tag("物流枢纽货运量创新高", "\n\n".join(paragraphs))
    )


# --- a closing statement after the theme's everyday words --------------------------------------

CLOSING = "省能源局负责人表示，将继续推动单位产值二氧化碳排放下降。"


def test_a_closing_plan_after_two_sentences_of_the_themes_words_is_its_subject(
    tagger: Tagger,
) -> None:
    text = "全省新能源装机突破一亿千瓦。海上风电基地陆续开工。" + "".join(FILLER_ZH[:3]) + CLOSING
    assert "carbon-neutrality" in themes(tagger.tag("全省电力装机结构持续调整", text))


def test_a_closing_plan_after_one_such_sentence_is_still_only_a_plan(tagger: Tagger) -> None:
    text = "全省新能源装机突破一亿千瓦。" + "".join(FILLER_ZH[:4]) + CLOSING
    assert "carbon-neutrality" not in themes(tagger.tag("全省电力装机结构持续调整", text))


HUB = "这座枢纽一头连着广阔的内需市场。"
NEXT = "有关负责人表示，下一步将推动更多货源汇入国内大循环。"


def test_a_closing_plan_that_ends_a_passage_on_the_theme_is_its_subject(tagger: Tagger) -> None:
    text = "\n\n".join(["".join(FILLER_ZH[:4]), HUB + NEXT])
    assert "dual-circulation" in themes(tagger.tag("物流枢纽货运量创新高", text))


def test_the_same_plan_after_a_paragraph_break_is_only_a_plan(tagger: Tagger) -> None:
    text = "\n\n".join(["".join(FILLER_ZH[:4]) + HUB, NEXT])
    assert "dual-circulation" not in themes(tagger.tag("物流枢纽货运量创新高", text))


# --- the words a theme is spoken of in ---------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "theme"),
    [
        (
            "New line cuts the commute between the two cities to 35 minutes",
            "transport-connectivity",
        ),
        ("A high-speed line between the two cities opens", "transport-connectivity"),
        ("Smelters move south to cut greenhouse gas output", "carbon-neutrality"),
        ("永定河生态廊道全线贯通", "ecological-protection"),
        ("City opens a comprehensive national science centre", "innovation"),
    ],
)
def test_everyday_and_paraphrase_words_name_their_theme(
    tagger: Tagger, title: str, theme: str
) -> None:
    assert theme in themes(tagger.tag(title, FILLER_EN[0] if title.isascii() else FILLER_ZH[0]))


# --- a meeting is not a chamber of commerce ----------------------------------------------------


def test_a_consultation_meeting_named_after_a_cluster_keeps_the_cluster(tagger: Tagger) -> None:
    result = tagger.tag("长江中游城市群省会城市第十一届会商会在南昌举行", FILLER_ZH[0])
    assert "urban-agglomeration" in themes(result)


def test_a_chamber_of_commerce_named_after_a_cluster_does_not(tagger: Tagger) -> None:
    result = tagger.tag("长江中游城市群企业商会在南昌成立", FILLER_ZH[0])
    assert "urban-agglomeration" not in themes(result)
