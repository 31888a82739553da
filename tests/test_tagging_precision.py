"""Theme precision: a theme is given when the document is about it, not when it names it once.

Small documents shaped like the ones that used to be mis-tagged (issue 11): a closing slogan, a
journal's boilerplate, a medical machine-learning abstract, a joke from a feed, a city abroad, a
list of places or of topics. Each has a twin that is about the theme and does get it.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agglowatch.records import TagResult
from agglowatch.textnorm import nfkc
from tagging import Tagger, match_form
from tagging.tagger import fold_document
from tagging.terms import match_lines
from tests.tagging_support import regions, themes

HOSPITAL = [
    "市第一人民医院“一站式”智慧门诊日前正式上线。",
    "患者通过手机即可完成预约挂号、缴费和报告查询。",
    "平均就诊时间由两个半小时缩短到一个小时左右。",
    "医院将收费、取药和检验窗口集中到一楼，并增设了二十台自助服务机。",
    "针对老年患者，医院保留了人工窗口，安排志愿者在大厅提供引导。",
    "正在候诊的李女士说，现在看病方便多了。",
    "医院负责人表示，下一步将扩大检查结果互认范围。",
]
SLOGAN = "医院将为推动共同富裕贡献卫生健康力量。"


# --- passing mentions ------------------------------------------------------------------------


def test_a_closing_slogan_is_not_a_theme(tagger: Tagger) -> None:
    result = tagger.tag("市第一人民医院上线智慧门诊", "".join([*HOSPITAL, SLOGAN]))
    assert themes(result) == set()


def test_the_same_sentence_is_a_theme_where_it_is_a_large_share_of_the_text(
    tagger: Tagger,
) -> None:
    # one sentence of three: a third of the text is about common prosperity
    result = tagger.tag("医院上线智慧门诊", "".join([HOSPITAL[0], HOSPITAL[1], SLOGAN]))
    assert "common-prosperity" in themes(result)


def test_a_passing_mention_in_english_news_is_not_a_theme(tagger: Tagger) -> None:
    text = (
        "The company reported a 14% rise in third-quarter revenue, helped by strong game sales "
        "abroad. Net profit rose to 38.2 billion yuan, ahead of forecasts. International games "
        "revenue grew 29%. The firm will spend more on game engines. It repeated a pledge to "
        "fund common prosperity programmes. Shares rose 3% after the results."
    )
    assert themes(tagger.tag("Gaming giant's profit beats forecasts", text)) == set()


def test_a_document_about_a_theme_gets_it_and_not_its_passing_neighbours(tagger: Tagger) -> None:
    text = (
        "生态环境部将钢铁、水泥、铝冶炼行业纳入全国碳排放权交易市场。"
        "扩容后，全国碳市场覆盖的排放量将占全国二氧化碳排放总量的六成左右。"
        "新纳入行业实行配额免费分配，并逐步收紧配额总量，推动企业节能降碳。"
        "专家表示，碳价信号将倒逼高耗能企业提升能效，对实现碳达峰碳中和目标意义重大。"
        "也有人提到，碳市场建设有助于构建新发展格局。"
        "数据质量管理仍是碳市场健康运行的基础。"
    )
    result = tagger.tag("全国碳市场扩容", text)
    assert themes(result) == {"carbon-neutrality"}
    assert result.themes[0].terms[0] in {"碳市场", "碳排放"}


def test_a_theme_named_in_the_title_is_the_subject(tagger: Tagger) -> None:
    filler = " ".join(
        f"Paragraph {n} describes the meeting agenda and who attended." for n in range(30)
    )
    assert "dual-circulation" in themes(tagger.tag("Dual circulation: a briefing", filler))
    assert "dual-circulation" not in themes(
        tagger.tag("A briefing", filler + " Dual circulation was mentioned.")
    )


# --- records about nothing in the taxonomy ------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "abstract"),
    [
        (
            "Editorial Board",
            "An abstract is not available for this content so a preview has been provided.",
        ),
        (
            "Aims and Scope",
            "The journal publishes research on cities and regions. Topics include urbanization, "
            "housing, transport, energy transition, carbon emission accounting, ecological "
            "restoration, urban governance and planning, migration and public health. "
            "Submissions are handled through the online system.",
        ),
        (
            "A deep learning system for diabetic retinopathy screening",
            "We trained a deep learning model on 103,000 retinal images from hospitals in "
            "Guangzhou. Sensitivity was 94.1% and specificity 91.6%. Artificial intelligence "
            "screening could expand access to eye care, and big data from screening may "
            "support health planning. The model runs on a cloud computing platform.",
        ),
        (
            "Hydrogen-bond networks stabilise ligand binding in a kinase",
            "Water-mediated hydrogen bonds shape protein-ligand recognition. Molecular "
            "dynamics simulations show a conserved network of water molecules. Hydrogen-bond "
            "lifetimes predicted selectivity better than docking scores.",
        ),
    ],
)
def test_api_records_about_other_things_get_no_theme(
    tagger: Tagger, title: str, abstract: str
) -> None:
    # as the Crossref and OpenAlex parsers give them: the text repeats title and abstract
    result = tagger.tag(title, f"{title}\n\n{abstract}", abstract=abstract)
    assert themes(result) == set()
    assert regions(result) == set()


def test_short_texts_in_other_languages_get_nothing(tagger: Tagger) -> None:
    joke = (
        "Бабушка звонит внуку: «У нас поставили вышку 5G, теперь давление скачет». "
        "Внук: «Бабуль, её ещё не включили». Дед с дивана: «А у меня после Wi-Fi картошка "
        "лучше растёт!»"
    )
    assert tagger.tag("Анекдот про вышку 5G", joke) == TagResult(themes=[], regions=[])


def test_a_grade_of_steel_is_not_carbon_policy(tagger: Tagger) -> None:
    text = "Welded joints of low-carbon steel are used in bridges. We tested 48 specimens."
    assert themes(tagger.tag("Fatigue of low-carbon steel welds", text)) == set()
    assert "carbon-neutrality" in themes(tagger.tag("Low-carbon cities", text))


def test_supporting_words_alone_are_not_a_theme_but_can_be_when_they_run_through(
    tagger: Tagger,
) -> None:
    one = "Innovation in cancer screening: a new assay. The assay detects tumours early."
    assert "innovation" not in themes(tagger.tag("Innovation in cancer screening", one))
    spread = (
        "该市新建三个大型数据中心。数据中心采用液冷技术。"
        "算力规模达到每秒百亿亿次。云计算企业纷纷入驻。大数据交易所同步开业。"
    )
    assert "new-infrastructure" in themes(tagger.tag("数据中心与算力", spread))


# --- abroad, and lists ------------------------------------------------------------------------


TOKYO = (
    "Tokyo moves about 40 million people a day on a rail network run by private companies. "
    "Commuting from the suburbs takes about an hour. The metropolitan area keeps growing, "
    "and intercity railway lines link it with Osaka."
)


def test_a_place_abroad_gets_no_theme_unless_lessons_are_drawn_for_china(tagger: Tagger) -> None:
    assert themes(tagger.tag("Tokyo's commuter rail", TOKYO)) == set()
    lessons = TOKYO + " China's metropolitan circles can learn from it, planners in Beijing say."
    assert "transport-connectivity" in themes(tagger.tag("Tokyo's commuter rail", lessons))


def test_a_home_region_name_used_abroad_is_not_a_region(tagger: Tagger) -> None:
    seoul = (
        "韩国房地产院数据显示，首尔公寓价格连续上涨。分析人士指出，利率下降推高了购房需求。"
        "韩国政府表示，将扩建首都圈广域快线，缩短郊区居民的通勤时间。"
    )
    assert tagger.tag("首尔房价连续上涨", seoul) == TagResult(themes=[], regions=[])
    beijing = "北京推进首都圈轨道交通建设。首都圈通勤更加便利。"
    assert regions(tagger.tag("首都圈建设", beijing)) == {"beijing-tianjin-hebei"}


def test_what_a_list_of_topics_names_it_names_in_passing(tagger: Tagger) -> None:
    preface = (
        "This volume contains the 86 papers accepted at the conference. The papers cover "
        "wireless communication, 5G networks, the internet of things, edge and cloud computing, "
        "network security and signal processing. We thank the reviewers for their work."
    )
    assert themes(tagger.tag("Preface", preface)) == set()
    about = (
        "The province will build 60,000 5G base stations this year. The 5G network will cover "
        "every township. Industrial internet platforms will connect 200,000 machines."
    )
    assert themes(tagger.tag("5G plan", about)) == {"new-infrastructure"}


def test_cities_named_in_a_list_are_not_a_region(tagger: Tagger) -> None:
    text = (
        "New home prices fell in 62 of 70 cities in October. In first-tier cities prices were "
        "mixed: Shanghai, Beijing, Guangzhou and Shenzhen all moved. Among second-tier cities "
        "Hangzhou, Chengdu and Wuhan saw the smallest declines. Analysts expect more easing."
    )
    assert regions(tagger.tag("Home prices fall", text)) == set()
    # the agglomerations' own names are the subject even in a list
    study = "以京津冀、长三角和珠三角三大城市群为研究对象，测算碳排放强度。"
    assert regions(tagger.tag("三大城市群碳排放", study)) == {
        "beijing-tianjin-hebei",
        "yangtze-river-delta",
        "pearl-river-delta",
    }


def test_a_theme_spoken_of_in_its_own_terms_in_a_crowded_sentence_is_not_just_listed(
    tagger: Tagger,
) -> None:
    text = (
        "据报道，北京市召开会议部署相关工作。京津冀协同发展进入新阶段，城市群一体化建设加快推进。"
        "新型基础设施建设为城市群高质量发展提供有力支撑，数据中心、工业互联网和城际铁路把北京、"
        "天津和河北的创新资源连接起来。专家认为，要完善区域协调机制，促进公共服务共建共享。"
    )
    assert {"urban-agglomeration", "new-infrastructure"} <= themes(
        tagger.tag("京津冀城市群建设提速", text)
    )


def test_club_names_are_not_places(tagger: Tagger) -> None:
    text = (
        "Shandong Taishan beat Chengdu Rongcheng 2-1. Shanghai Port beat Wuhan Three Towns 3-0. "
        "Beijing Guoan drew at Zhejiang FC."
    )
    assert tagger.tag("Super League round-up", text) == TagResult(themes=[], regions=[])


def test_in_a_text_about_sport_cities_are_teams_and_venues(tagger: Tagger) -> None:
    text = (
        "天津渤海银行女排以三比一战胜江苏中天钢铁女排。首局江苏队发球抢攻，先下一城。"
        "此后天津队调整接发球，连扳三局。本轮其他比赛中，上海光明女排战胜北京北汽女排。"
    )
    assert regions(tagger.tag("女排超级联赛：天津女排力克江苏女排", text)) == set()
    marathon = "三万名选手参加了武汉马拉松。男子组冠军成绩为二小时十分。赛道经过东湖。"
    assert regions(tagger.tag("武汉马拉松鸣枪开跑", marathon)) == set()
    # the same city, where the text is about the city itself
    budget = "武汉市公布今年重点项目清单。项目涉及交通、产业和公共服务。"
    assert regions(tagger.tag("武汉公布重点项目清单", budget)) == {"middle-yangtze"}


# --- one fold, one pass -----------------------------------------------------------------------


def test_a_repeated_abstract_counts_once(tagger: Tagger) -> None:
    title = "Urban agglomeration and carbon emission efficiency"
    abstract = "We study 41 cities of the Yangtze River Delta urban agglomeration."
    repeated = tagger.score(title, f"{title}\n\n{abstract}", abstract=abstract)
    alone = tagger.score(title, "", abstract=abstract)
    assert [(s.id, s.score) for s in repeated] == [(s.id, s.score) for s in alone]


def test_the_document_is_folded_once_into_zones_and_sentences() -> None:
    folded = fold_document(
        "長三角", "第一句。第二句！\n\nSecond paragraph. It ends", abstract=None, keywords=["A"]
    )
    title, keywords, stream = folded.text.split("\x00")
    assert (title, keywords) == ("长三角", "a")
    assert stream == "第一句。第二句!\nsecond paragraph. it ends"
    assert folded.sentences == 4
    assert folded.text[folded.ends[-1] - 7 :].endswith("it ends")


@given(st.text())
def test_fast_nfkc_is_nfkc(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


TEXT = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\n \t\u3000-")


@given(st.text(alphabet=TEXT, max_size=80))
def test_match_lines_is_match_form_with_paragraphs(text: str) -> None:
    """(Control characters are not text: \x00 and \x01 mark zones and paragraphs.)"""
    lines = match_lines(text)
    assert "\n\n" not in lines
    assert match_form(lines.replace("\n", " ")) == match_form(text)
