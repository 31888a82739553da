"""The round-3 precision rules, each on a synthetic text of its own, with a twin showing the scope.

- tagging/names.py: a theme or region word inside a proper name (an employer, a club, a company,
  a programme) is part of the name, not the subject;
- the closing slogan (tagger._slogan): one goal term (…发展, … development) after a goal word in
  the closing sentence, all a text says of a theme, is a slogan;
- the list of topics (tagger.Crowd): a sentence naming three or more themes, none of them in two
  of its own terms, names each in passing.

Each test would fail with its rule removed (checked by switching the rule off in the last tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agglowatch.records import TagResult
from tagging import Tagger, load_taxonomy
from tagging.names import NameFinder
from tests.tagging_support import regions, themes

ROOT = Path(__file__).resolve().parent.parent


# --- names: places and theme words inside the names of clubs, companies, programmes ----------

JOB_AD = (
    "因业务发展需要，现招聘会计一名、出纳一名。应聘者须具有本科以上学历和两年以上工作经验。"
    "请于本月二十日前将简历发送至人事部邮箱。"
)


def test_a_region_and_a_theme_in_an_employers_name_are_not_the_subject(tagger: Tagger) -> None:
    result = tagger.tag("长三角某科技创新研究院招聘启事", "长三角某科技创新研究院" + JOB_AD)
    assert result == TagResult(themes=[], regions=[])


def test_the_same_words_outside_a_name_are_the_subject(tagger: Tagger) -> None:
    text = "长三角三省一市科技创新合作不断深化。长三角共建的创新平台已有一百多个。"
    result = tagger.tag("长三角科技创新合作深化", text)
    assert "innovation" in themes(result)
    assert regions(result) == {"yangtze-river-delta"}


def test_a_club_or_company_named_after_a_city_is_not_the_city(tagger: Tagger) -> None:
    club = "杭州某足球俱乐部今天宣布，球队新任主教练将于下周到任。俱乐部感谢前任主教练的付出。"
    assert regions(tagger.tag("杭州某足球俱乐部宣布新帅", club)) == set()
    company = "苏州某精密制造有限公司公告，公司董事会审议通过了年度利润分配预案。"
    assert regions(tagger.tag("苏州某精密制造有限公司发布公告", company)) == set()
    # the city itself: the same words, no name ending after them
    city = "苏州今年精密制造业产值增长一成。苏州新增规模以上工业企业三百家。"
    assert regions(tagger.tag("苏州精密制造业产值增长一成", city)) == {"yangtze-river-delta"}


def test_a_programmes_name_keeps_its_region_but_not_its_themes(tagger: Tagger) -> None:
    text = (
        "浙江高质量发展建设共同富裕示范区新闻发布会将于本周五上午十时举行。"
        "请各媒体记者于周四下班前报名。发布会地点在省政府新闻发布厅。"
    )
    result = tagger.tag("浙江高质量发展建设共同富裕示范区新闻发布会预告", text)
    assert themes(result) == set()
    assert regions(result) == {"yangtze-river-delta"}  # a zone named after Zhejiang is in it


def test_a_name_does_not_run_across_a_break_or_too_far() -> None:
    finder = NameFinder(load_taxonomy(ROOT / "themes.yaml").names)
    tagger = Tagger(load_taxonomy(ROOT / "themes.yaml"))
    for text, named in [
        ("长三角某研究院", True),
        ("长三角的研究院", False),  # 的 ends the noun phrase: a research institute of the region
        ("长三角，研究院", False),  # punctuation
        ("长三角地区一共有二十多所各类高等院校和研究院", False),  # more than NAME_GAP characters
    ]:
        hits = tagger.index.scan(text)
        kept = finder.drop_names(text, hits)
        assert (len(kept) < len(hits)) is named, text


# --- the closing slogan ------------------------------------------------------------------------

LIBRARY = ["新建的社区图书馆本周对外开放。", "馆内藏书两万册，设有儿童阅览区和自习室。"]
SLOGAN = "这是推动文化事业高质量发展的具体举措。"


def test_a_goal_after_a_goal_word_in_the_closing_sentence_is_a_slogan(tagger: Tagger) -> None:
    assert themes(tagger.tag("社区图书馆开放", "".join([*LIBRARY, SLOGAN]))) == set()
    english = (
        "The new community library opened this week. It holds 20,000 books and has a "
        "children's reading room. The library will help to promote high-quality development."
    )
    assert themes(tagger.tag("Community library opens", english)) == set()


def test_the_same_goal_elsewhere_or_without_a_goal_word_is_the_subject(tagger: Tagger) -> None:
    middle = "".join([LIBRARY[0], SLOGAN, LIBRARY[1]])  # not the closing sentence
    assert themes(tagger.tag("社区图书馆开放", middle)) == {"high-quality-development"}
    stated = "".join([*LIBRARY, "文化事业高质量发展取得新进展。"])  # a statement, no goal word
    assert themes(tagger.tag("社区图书馆开放", stated)) == {"high-quality-development"}
    # only goals (…发展) are slogans: a closing sentence on carbon peaking still names a theme
    carbon = "".join([*LIBRARY, "这是推动全区碳达峰的具体举措。"])
    assert themes(tagger.tag("社区图书馆开放", carbon)) == {"carbon-neutrality"}


# --- the list of topics ------------------------------------------------------------------------

MEETING = [
    "市政府昨天召开常务会议。",
    "会议研究了碳达峰、新型城镇化和科技创新等工作。",
    "会议还审议了其他事项。",
]


def test_a_sentence_naming_three_themes_once_each_is_a_list(tagger: Tagger) -> None:
    assert themes(tagger.tag("市政府召开常务会议", "".join(MEETING))) == set()


def test_a_theme_spoken_of_in_two_of_its_terms_there_is_not_listed(tagger: Tagger) -> None:
    elaborated = "会议提出以科技创新和成果转化带动碳达峰、新型城镇化工作。"
    text = "".join([MEETING[0], elaborated, MEETING[2]])
    assert "innovation" in themes(tagger.tag("市政府召开常务会议", text))


# --- each rule matters: switched off, its test fails -------------------------------------------


def test_without_the_name_rule_the_employer_is_the_subject(
    tagger: Tagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(NameFinder, "drop_names", lambda self, text, hits: hits)
    result = tagger.tag("长三角某科技创新研究院招聘启事", "长三角某科技创新研究院" + JOB_AD)
    assert regions(result) == {"yangtze-river-delta"} and "innovation" in themes(result)


def test_without_the_slogan_rule_the_slogan_is_a_theme(
    tagger: Tagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tagging.tagger as module

    monkeypatch.setattr(module, "_slogan", lambda found, folded, goals: False)
    result = tagger.tag("社区图书馆开放", "".join([*LIBRARY, SLOGAN]))
    assert themes(result) == {"high-quality-development"}


def test_without_the_list_rule_the_listed_themes_are_subjects(
    tagger: Tagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tagging.tagger as module

    monkeypatch.setattr(module, "TOPIC_LIST", 99)  # no sentence is a list of topics
    assert themes(tagger.tag("市政府召开常务会议", "".join(MEETING)))
