"""Round 6 (issue 11): settings that name cities without being about them, and slogans that close
a text.

A share-market report names the city of its exchange, a clinical or laboratory study the city of
its hospitals or cohort, a basketball report its teams' provinces; "Beijing" often stands for the
central government. A theme named once, in the closing sentence, right after a goal word ("更好
服务国内国际双循环") is the text's slogan. Each has a twin that keeps the region or the theme.
"""

from __future__ import annotations

from tagging import Tagger, match_form
from tagging.venues import is_venue
from tests.tagging_support import regions, themes

# --- setting: a share market, a clinical or laboratory study -----------------------------------


def test_a_share_market_report_gives_no_region(tagger: Tagger) -> None:
    text = (
        "Shares in Shenzhen closed lower on Friday as traders took profits in chip makers. "
        "The stock market in Guangzhou-listed property names was flat. "
        "Analysts expect volatile trading next week."
    )
    assert regions(tagger.tag("Shenzhen stocks slip as chip makers fall", text)) == set()


def test_a_clinical_cohort_gives_no_region(tagger: Tagger) -> None:
    abstract = (
        "We followed 20,000 adults in Wuhan for eight years. Participants who walked daily had a "
        "lower incidence of stroke. The cohort was recruited from 12 hospitals."
    )
    result = tagger.tag("Walking and stroke in a Wuhan cohort", "", abstract=abstract)
    assert regions(result) == set()


def test_a_market_text_about_a_theme_keeps_its_region(tagger: Tagger) -> None:
    # the same words, but the text is about the city's innovation: Shenzhen is a place developed
    text = (
        "深圳近日出台措施支持科技型企业发展，推动科技创新和成果转化。"
        "今年以来，深圳新增上市公司十余家，个股表现活跃。"
        "深圳市政府表示，将继续加大研发投入，建设具有全球影响力的科技创新中心。"
    )
    result = tagger.tag("深圳加快建设科技创新中心", text)
    assert "innovation" in themes(result)
    assert regions(result) == {"pearl-river-delta"}


def test_a_study_site_named_by_the_regions_own_name_is_kept(tagger: Tagger) -> None:
    abstract = (
        "We followed 30,000 patients across the Yangtze River Delta. Incidence of asthma fell "
        "as air quality improved. The cohort spans 40 cities."
    )
    result = tagger.tag("Asthma in a Yangtze River Delta cohort", "", abstract=abstract)
    assert regions(result) == {"yangtze-river-delta"}


# --- sport: a basketball report ----------------------------------------------------------------


def test_a_basketball_report_gives_no_region(tagger: Tagger) -> None:
    text = (
        "Zhejiang beat Shandong 101-99 in the semi-final in Hangzhou on Sunday. "
        "The guard made two free throws with five seconds left. "
        "The final starts in Ningbo on Friday."
    )
    assert regions(tagger.tag("Zhejiang edge Shandong to reach the final", text)) == set()


# --- the capital as the government ---------------------------------------------------------------


def test_beijing_standing_for_the_government_is_not_a_place() -> None:
    text = match_form("Exporters turn home with Beijing's blessing, and Beijing wants more.")
    for start in (text.index("beijing"), text.rindex("beijing")):
        assert is_venue(text, start, start + len("beijing"))


def test_beijing_as_a_city_is_a_place() -> None:
    text = match_form("Beijing's subway carried ten million riders; Beijing built new lines.")
    for start in (text.index("beijing"), text.rindex("beijing")):
        assert not is_venue(text, start, start + len("beijing"))


def test_the_government_sense_gives_no_region(tagger: Tagger) -> None:
    text = (
        "Chinese manufacturers are selling more at home, helped by a government push. "
        "Beijing has urged retailers to buy from exporters. Factory owners say margins are thin."
    )
    assert "beijing-tianjin-hebei" not in regions(
        tagger.tag("Exporters turn to the home market with Beijing's blessing", text)
    )


# --- a closing slogan ----------------------------------------------------------------------------

_CARGO = (
    "郑州机场前十个月货邮吞吐量突破八十万吨，国际货运航线达到四十余条。"
    "每周往返货运航班超过三十班，货物以电子产品为主。"
    "航空港区还开通了连接机场和铁路口岸的卡车航班。"
)


def test_a_theme_named_once_after_a_goal_word_in_the_closing_sentence_is_a_slogan(
    tagger: Tagger,
) -> None:
    text = _CARGO + "有关负责人表示，将继续完善货运枢纽功能，更好服务国内国际双循环。"
    assert "dual-circulation" not in themes(tagger.tag("郑州机场货运量创新高", text))


def test_the_same_theme_spoken_of_in_the_closing_sentence_is_kept(tagger: Tagger) -> None:
    # no goal word leading to it: the sentence says something of the theme
    text = _CARGO + "有关负责人表示，航空货运让国内大循环和国际循环在郑州相互衔接，双循环更加畅通。"
    assert "dual-circulation" in themes(tagger.tag("郑州机场货运量创新高", text))


def test_in_a_short_text_the_closing_sentence_is_not_a_slogan(tagger: Tagger) -> None:
    # two sentences: the closing one is half the text
    text = (
        "深圳已开通无人机配送航线两百多条，低空经济企业超过一千家。"
        "深圳提出，推动低空基础设施和起降点建设。"
    )
    assert "new-infrastructure" in themes(tagger.tag("深圳低空经济起飞", text))


# --- a paragraph's announced topic ---------------------------------------------------------------

_GBA_PLAN = (
    "政府公布北部新区最新进展，多个新发展区的土地平整工程陆续展开。"
    "新区将提供约五十万个住宅单位，并创造约六十万个就业职位。"
    "政府计划明年推出首批产业用地，重点发展生命健康产业。"
)


def test_a_theme_announced_as_a_paragraphs_topic_is_spoken_of(tagger: Tagger) -> None:
    text = (
        _GBA_PLAN + "\n\n交通方面，北环线主线工程已经展开，支线将延伸至新口岸，便利两地人流往来。"
    )
    text += "发言人表示，新区是香港融入国家发展大局的重要平台。"
    assert "transport-connectivity" in themes(tagger.tag("政府公布北部新区最新进展", text))


def test_the_same_word_in_passing_is_no_topic(tagger: Tagger) -> None:
    text = _GBA_PLAN + "\n\n北环线主线工程已经展开，周边交通将更便利，支线将延伸至新口岸。"
    text += "发言人表示，新区是香港融入国家发展大局的重要平台。"
    assert "transport-connectivity" not in themes(tagger.tag("政府公布北部新区最新进展", text))


def test_an_english_paragraph_announced_on_a_topic_is_spoken_of(tagger: Tagger) -> None:
    text = (
        "The district will add 500,000 homes over a decade. Land for the first phase is being "
        "cleared. Officials expect 600,000 jobs.\n\nOn transport, a northern line is under "
        "construction and a branch will reach a new border crossing. Officials said the district "
        "is a platform for growth."
    )
    assert "transport-connectivity" in themes(tagger.tag("Hong Kong's northern district", text))


# --- words the taxonomy gained ------------------------------------------------------------------


def test_a_national_integrated_network_is_no_city_cluster(tagger: Tagger) -> None:
    text = (
        "四部门复函同意在贵州启动建设全国一体化算力网络国家枢纽节点。"
        "集群将重点服务京津冀、长三角、粤港澳大湾区等地区的算力需求。"
        "目前已建成和在建的重点数据中心达到二十三个。"
    )
    result = tagger.tag("贵州启动建设全国一体化算力网络国家枢纽节点", text)
    assert "urban-agglomeration" not in themes(result)
    assert "new-infrastructure" in themes(result)


def test_cross_provincial_cooperation_in_the_keywords_is_governance(tagger: Tagger) -> None:
    abstract = (
        "本文评估跨省流域补偿试点对上游水质的影响。研究发现试点实施后断面水质稳定达标。"
        "本文建议推广上下游协商定价的补偿模式。"
    )
    result = tagger.tag("流域补偿的政策效应", "", abstract=abstract, keywords=["跨省协作", "水质"])
    assert "governance-planning" in themes(result)


def test_cities_splitting_tax_revenue_is_governance(tagger: Tagger) -> None:
    text = (
        "Four cities signed an agreement on revenue sharing for firms that relocate between them. "
        "The receiving city keeps 60% of the tax for five years. "
        "The deal ends a race to offer cheap land."
    )
    assert "governance-planning" in themes(tagger.tag("Four cities agree on tax sharing", text))


# --- the closing sentence: what comes next -----------------------------------------------------

_LISTING = (
    "交易所官网显示，一家半导体设备企业的上市申请获受理。"
    "公司拟募集资金十八亿元，主要投向封装测试设备研发及产业化项目。"
    "公司成立于二〇一四年，主营半导体封测设备，营业收入逐年增长。"
    "前五大客户合计销售占比超过六成。"
)


def test_a_theme_only_in_the_closing_statement_of_intent_is_a_plan(tagger: Tagger) -> None:
    text = _LISTING + "公司表示，将持续加大研发投入，以科技创新推动企业发展。"
    assert "innovation" not in themes(tagger.tag("一家半导体设备企业上市申请获受理", text))


def test_a_closing_statement_spoken_of_in_several_terms_is_a_passage(tagger: Tagger) -> None:
    text = _LISTING + (
        "公司表示，将建设国家重点实验室，加大研发投入，推动关键核心技术攻关和科技成果转化。"
    )
    assert "innovation" in themes(tagger.tag("一家半导体设备企业上市申请获受理", text))


def test_the_theme_named_before_the_closing_statement_is_kept(tagger: Tagger) -> None:
    text = (
        "交易所官网显示，一家半导体设备企业的上市申请获受理。"
        "公司研发投入占营业收入的比重超过一成，拥有发明专利两百余项。"
        "前五大客户合计销售占比超过六成。"
        "公司表示，将以科技创新推动企业发展。"
    )
    assert "innovation" in themes(tagger.tag("一家半导体设备企业上市申请获受理", text))


# --- a programme named after the agglomeration --------------------------------------------------


def test_a_programme_named_after_the_region_and_its_integration_is_the_agglomeration(
    tagger: Tagger,
) -> None:
    text = (
        "长三角生态绿色一体化发展示范区执委会日前发布第五批制度创新成果。"
        "青浦、吴江、嘉善三地首次实行统一的项目审批标准。"
        "示范区还统一了详细规划的技术导则。"
    )
    result = tagger.tag("长三角生态绿色一体化发展示范区再推制度创新成果", text)
    assert "urban-agglomeration" in themes(result)


def test_a_programme_named_after_a_theme_alone_still_says_nothing_of_it(tagger: Tagger) -> None:
    text = (
        "黄河流域生态保护和高质量发展先行区建设推进会日前召开。"
        "会议听取了各市节水工作汇报。各地将严控高耗水项目。"
    )
    assert "high-quality-development" not in themes(tagger.tag("先行区建设推进会召开", text))


# --- a navigation menu left in by extraction ------------------------------------------------------


def test_a_navigation_menu_names_no_region(tagger: Tagger) -> None:
    text = (
        "We use cookies to improve your experience. You can change your preferences at any time."
        "\n\nSections: China | Greater Bay Area | Belt and Road | Markets | Opinion"
    )
    assert regions(tagger.tag("Cookie settings", text)) == set()


def test_a_sentence_with_a_bar_is_no_menu(tagger: Tagger) -> None:
    text = (
        "The Greater Bay Area | a region of 86 million people | is building new rail links. "
        "Officials said the links will open next year."
    )
    assert regions(tagger.tag("Rail in the south", text)) == {"pearl-river-delta"}


# --- words the taxonomy gained: province pairs, travel guides and menus --------------------------


def test_two_member_provinces_by_their_short_names_name_the_delta(tagger: Tagger) -> None:
    text = "本文以皖浙两省县域面板数据评估流域补偿试点。研究发现断面水质稳定达标。建议推广该模式。"
    assert regions(tagger.tag("流域补偿试点的政策效应", text)) == {"yangtze-river-delta"}


def test_a_travel_guide_with_sights_and_tips_gives_no_region(tagger: Tagger) -> None:
    text = (
        "第一天：从步行街出发，傍晚去老街看灯光。第二天：坐索道过江，上观景台看江景。"
        "第三天：逛古镇，早上九点前到人少。小贴士：节假日多雨，出门记得带伞。"
    )
    assert regions(tagger.tag("重庆三天两晚怎么玩", text)) == set()


def test_a_topic_announced_in_a_text_set_abroad_gives_no_theme(tagger: Tagger) -> None:
    text = (
        "The Tokyo region will add 50,000 homes over a decade. Land is being cleared in Saitama. "
        "Officials in Japan expect 60,000 jobs.\n\nOn transport, a new line is under construction "
        "to the airport. Officials said the district is a platform for growth."
    )
    assert themes(tagger.tag("Tokyo's new district", text)) == set()
