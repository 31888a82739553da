"""Round 5 (issue 11): what the kind of text says about its places and slogans.

A weather report, a restaurant review or a travel guide names cities as where it rains or where to
eat; a speech names a theme in one sentence as the slogan of the occasion; a list of provinces of
one region is that region, not a list of places; regions named beside the title's, to compare it
with them, are not what the text is about; a court is named after its city. Each has a twin that
keeps the region or the theme.
"""

from __future__ import annotations

import pytest

from tagging import Tagger, match_form
from tagging.venues import is_venue
from tests.tagging_support import regions, themes

# --- places of one region ----------------------------------------------------------------------


def test_provinces_of_one_region_named_together_are_that_region(tagger: Tagger) -> None:
    text = "湖北、湖南、江西三省日前签署水质考核协议。协议按断面水质确定补偿。各方将共享监测数据。"
    assert regions(tagger.tag("三省签署协议", text)) == {"middle-yangtze"}


def test_places_of_several_regions_in_one_sentence_are_still_a_list(tagger: Tagger) -> None:
    text = "北京、上海、武汉、成都四市日前公布前三季度数据。各地增速不一。分析人士表示仍需观察。"
    assert regions(tagger.tag("四市公布数据", text)) == set()


# --- leisure: the weather, a meal, a trip --------------------------------------------------------


def test_a_weather_report_gives_no_region_even_by_its_name(tagger: Tagger) -> None:
    text = (
        "中央气象台今天发布寒潮预警，京津冀等地气温将下降十度以上，局地有六级大风。"
        "气象专家提醒公众添衣保暖。预计周末气温回升。"
    )
    assert regions(tagger.tag("寒潮来袭 京津冀等地明显降温", text)) == set()


def test_a_restaurant_guide_gives_no_region(tagger: Tagger) -> None:
    text = (
        "来重庆一定要吃一次老火锅，本地人推荐的几家店都在老社区里。"
        "晚上排队一两个小时很正常，建议下午取号。点菜时先要微辣，再加一份招牌菜。"
    )
    assert regions(tagger.tag("重庆老火锅攻略", text)) == set()


def test_the_city_as_the_place_developed_keeps_its_region(tagger: Tagger) -> None:
    text = "重庆市印发城市更新行动方案。方案提出改造老旧小区三百个。市政府将每年评估进展。"
    assert regions(tagger.tag("重庆推进城市更新", text)) == {"chengdu-chongqing"}


def test_one_leisure_word_does_not_make_a_text_leisure(tagger: Tagger) -> None:
    text = (
        "Harbin drew record crowds, giving a lift to restaurants across Heilongjiang. "
        "Officials hope tourism can help the Harbin-Changchun city cluster diversify. "
        "Economists say the cluster needs private investment."
    )
    assert regions(tagger.tag("Harbin's winter boom", text)) == {"harbin-changchun"}


# --- speeches ----------------------------------------------------------------------------------

SPEECH = (
    "同事们，过去一年我们实现了营业收入和利润的双增长，我代表董事会向大家表示感谢。"
    "新的一年，我们要紧紧抓住发展新质生产力的历史机遇，把产品和服务做到极致。"
    "最后，祝大家新年快乐！"
)


def test_a_slogan_in_a_speech_is_not_its_theme(tagger: Tagger) -> None:
    assert themes(tagger.tag("董事长在年度员工大会上的讲话", SPEECH)) == set()


def test_the_same_sentence_outside_a_speech_is_its_theme(tagger: Tagger) -> None:
    report = SPEECH.replace("同事们，", "").replace("我代表董事会向大家表示感谢", "公司公布年报")
    assert "high-quality-development" in themes(tagger.tag("公司年报发布", report))


def test_a_speech_on_the_theme_keeps_it(tagger: Tagger) -> None:
    text = SPEECH.replace(
        "最后，祝大家新年快乐！", "新质生产力要靠创新驱动，推动传统产业转型升级。"
    )
    assert "high-quality-development" in themes(tagger.tag("在年度员工大会上的讲话", text))


# --- regions named to compare ------------------------------------------------------------------


def test_regions_named_to_compare_with_the_titles_are_not_given(tagger: Tagger) -> None:
    text = (
        "成渝中线高铁开通后，两地之间只需五十分钟。成渝地区双城经济圈有望成为继京津冀、长三角、"
        "粤港澳大湾区之后的第四个增长极。两地企业将更多开展研发和制造分工。"
    )
    assert regions(tagger.tag("成渝中线高铁开通", text)) == {"chengdu-chongqing"}


def test_the_same_regions_without_a_titled_one_are_given(tagger: Tagger) -> None:
    text = (
        "京津冀、长三角、粤港澳大湾区三大城市群的经济总量占全国四成。三地的人口仍在流入。"
        "研究者比较了三地的产业结构。"
    )
    assert regions(tagger.tag("三大城市群经济总量占全国四成", text)) == {
        "beijing-tianjin-hebei",
        "yangtze-river-delta",
        "pearl-river-delta",
    }


# --- courts and exhibition centres are venues --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("杭州互联网法院审结一起合同纠纷案", "杭州"),
        ("深圳中院一审判决被告赔偿", "深圳"),
        ("the hangzhou internet court ruled on monday", "hangzhou"),
        ("which runs until sunday at the shanghai world expo center.", "shanghai"),
    ],
)
def test_courts_and_exhibition_centres_are_venues(text: str, city: str) -> None:
    form = match_form(text)
    start = form.index(city)
    assert is_venue(form, start, start + len(city))


def test_a_court_case_gives_no_region(tagger: Tagger) -> None:
    text = "杭州互联网法院审结一起主播合同纠纷案。法院判决主播赔偿八十万元。法官提醒审慎签约。"
    assert regions(tagger.tag("一起主播违约案审结", text)) == set()


# --- words ---------------------------------------------------------------------------------------


def test_a_carbon_market_is_carbon_neutrality(tagger: Tagger) -> None:
    text = "China will add steel and cement to its national carbon market this year."
    result = tagger.tag("China expands emissions trading to heavy industry", text)
    assert "carbon-neutrality" in themes(result)


def test_benefit_sharing_between_cities_is_governance(tagger: Tagger) -> None:
    text = (
        "两市共建产业园十五年，园区由苏州派出管理团队。一批企业把生产基地转移到园区。"
        "园区去年产值突破千亿元。电子信息企业占七成。企业负责人说用地成本较低。"
        "省里表示，南北共建园区是推动区域协调发展的抓手，将完善利益分享和统计分算机制。"
        "园区附近还新建了一所学校。"
    )
    assert "governance-planning" in themes(tagger.tag("共建产业园十五年", text))


# --- supporting words all through a text -------------------------------------------------------

SUPPORTED = (
    "The city released a blueprint for a new district along the border. "
    "Officials said cooperation with the neighbouring city would decide its success. "
    "An action plan sets out the first projects of the district. "
    "Lawmakers asked how land would be paid for. "
    "Residents welcomed the news."
)


def test_three_supporting_words_through_the_text_make_a_theme(tagger: Tagger) -> None:
    assert "governance-planning" in themes(tagger.tag("A new district for the north", SUPPORTED))


def test_two_supporting_words_do_not(tagger: Tagger) -> None:
    text = SUPPORTED.replace("An action plan sets", "A list sets")
    assert "governance-planning" not in themes(tagger.tag("A new district for the north", text))


# --- a theme's words in the name of an event ---------------------------------------------------

EXPO = (
    "一千多家企业参展，发布智能机器人和智能芯片等新产品三百余项。"
    "多家企业发布了推理成本更低的大模型，展示了人工智能在制造业中的应用。"
    "专家认为，算力和数据的突破正在推动人工智能走向产业。"
)


def test_a_theme_word_in_the_name_of_a_congress_is_not_its_theme(tagger: Tagger) -> None:
    assert "new-infrastructure" not in themes(tagger.tag("世界人工智能大会开幕", EXPO))


def test_the_same_word_in_a_title_of_its_own_is(tagger: Tagger) -> None:
    assert "new-infrastructure" in themes(tagger.tag("人工智能算力加快走向产业", EXPO))


# --- a record's keywords say what it is about ----------------------------------------------------

CATHODE = (
    "As the energy transition accelerates, demand for high-energy batteries keeps rising. "
    "Here we report a cobalt-free layered oxide cathode doped with magnesium. "
    "The cathode retains 91% of its capacity after 500 cycles. "
    "Calculations attribute the improvement to a higher vacancy formation energy."
)


def test_a_side_remark_outside_the_keywords_is_not_a_theme(tagger: Tagger) -> None:
    result = tagger.tag(
        "A cobalt-free cathode", "", abstract=CATHODE, keywords=["cathode", "doping"]
    )
    assert themes(result) == set()


def test_the_same_abstract_without_keywords_keeps_the_remark(tagger: Tagger) -> None:
    assert "carbon-neutrality" in themes(tagger.tag("A cobalt-free cathode", "", abstract=CATHODE))


def test_a_theme_in_the_keywords_is_kept(tagger: Tagger) -> None:
    result = tagger.tag(
        "A cobalt-free cathode", "", abstract=CATHODE, keywords=["cathode", "energy transition"]
    )
    assert "carbon-neutrality" in themes(result)


def test_an_institutional_arrangement_is_governance(tagger: Tagger) -> None:
    text = (
        "三省签署流域补偿协议，按断面水质确定补偿资金。三省将建立联席会议制度，统一监测标准。"
        "协议约定联合开展污染排查。去年干流水质保持二类。部分支流总磷仍然超标。"
        "有关负责人表示，横向补偿是一项重要的制度安排。"
    )
    assert "governance-planning" in themes(tagger.tag("三省签署流域补偿协议", text))


def test_planners_at_work_are_governance(tagger: Tagger) -> None:
    text = (
        "The city government has completed its move to the new sub-centre. "
        "Planners hope the sub-centre will ease congestion in the old core. "
        "Commuters say rail links are still inadequate."
    )
    assert "governance-planning" in themes(tagger.tag("A government moves east", text))


def test_industries_working_together_are_not_governance(tagger: Tagger) -> None:
    text = "两地汽车企业共建供应链。电子信息企业互设研发中心。去年配套率提高到六成。"
    assert "governance-planning" not in themes(tagger.tag("两地汽车产业协同发展观察", text))
    assert "governance-planning" in themes(tagger.tag("两地区域协同发展观察", text))


def test_farmers_income_is_common_prosperity(tagger: Tagger) -> None:
    text = (
        "商务部门支持县城建设商贸服务中心。完善县域商业体系有助于增加农民收入。快递进村将加快推进。"
    )
    assert "common-prosperity" in themes(tagger.tag("完善县域商业体系", text))
    english = "Officials say faster parcel delivery to villages will lift rural incomes."
    assert "common-prosperity" in themes(tagger.tag("Parcels for the countryside", english))
