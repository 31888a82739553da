"""Round 10: what the blind batches holdout16 and holdout17 showed the rules missed, generalised.

- each theme's vocabulary as writers vary it, in both languages: industrial upgrading said
  without the slogan (新动能, "move up the value chain", "post-coal economy"), 都市圈 as
  "metropolitan area", desertification and farm pollution (防沙治沙, 面源污染), "shared
  prosperity", the two markets of dual circulation, governance mechanisms (治理机制, "joint
  committee"), and the English of Chinese full terms that had none ("rules connectivity",
  "computing power network");
- a stock sector (新基建概念股, 京津冀板块) is a name, not a theme or a place;
- two distinct supporting terms of a theme in the title name it as a full term would;
- an advertisement's one sentence on a theme is sales talk;
- a paragraph of three sentences or more in which all but one name a theme is a passage on it.
Each rule has a twin that stays as it was.
"""

from __future__ import annotations

import pytest

from tagging import Tagger
from tests.tagging_support import regions, themes

ZH_FILLER = "记者近日走访了当地多家企业。负责人介绍了今年的工作安排。"
EN_FILLER = "Reporters visited several firms this month. Managers described their plans."


@pytest.mark.parametrize(
    ("title", "theme"),
    [
        ("前三季度全省经济运行稳中有进 新动能持续壮大", "high-quality-development"),
        ("推动新旧动能转换 老工业城市加快产业转型升级", "high-quality-development"),
        ("Jinjiang's shoemakers move up the value chain", "high-quality-development"),
        ("Taiyuan and Jinzhong try to build a post-coal economy", "high-quality-development"),
        ("Cities told to upgrade their industries", "high-quality-development"),
        ("Building the Xiamen-Zhangzhou-Quanzhou metropolitan area", "urban-agglomeration"),
        ("The Wuhan city circle opens a second ring road", "urban-agglomeration"),
        ("宁夏沿黄各市持续推进防沙治沙", "ecological-protection"),
        ("黑龙江加大农业面源污染治理力度", "ecological-protection"),
        ("Urbanization and the eco-environment of the Tianshan", "ecological-protection"),
        ("Regional inequality and shared prosperity in China", "common-prosperity"),
        ("逐步缩小城乡差距 让农民共享发展成果", "common-prosperity"),
        ("南宁更好联通国内国际两个市场", "dual-circulation"),
        ("京津冀完善大气污染防治协作机制", "governance-planning"),
        ("Beijing, Tianjin and Hebei set up a joint committee on land use", "governance-planning"),
        ("Guangdong and Macao deepen rules connectivity in Hengqin", "governance-planning"),
        ("Ningxia joins the national computing power network", "new-infrastructure"),
    ],
)
def test_a_theme_said_in_the_words_writers_use_is_named(
    tagger: Tagger, title: str, theme: str
) -> None:
    """A full term in the title names the theme; before round 10 none of these was a term."""
    text = ZH_FILLER if any("\u4e00" <= ch <= "\u9fff" for ch in title) else EN_FILLER
    assert theme in themes(tagger.tag(title, text))


def test_a_metropolitan_area_abroad_is_still_no_theme(tagger: Tagger) -> None:
    result = tagger.tag(
        "Commuting in the Tokyo metropolitan area",
        "Trains into Tokyo carry millions each morning. Planners in Japan study the metropolitan"
        " area's rail network.",
    )
    assert "urban-agglomeration" not in themes(result)


def test_new_vocabulary_is_supporting_where_it_is_ambiguous(tagger: Tagger) -> None:
    """Words that also name other things count only as support: 黑土地保护 in a harvest report,
    "upgrading" or "pollution" in any text, the two cities of a twin-city story."""
    taxonomy = tagger.taxonomy
    support = taxonomy.defaults.support_weight
    weights = {e.id: dict(taxonomy.entry_terms(e)) for e in taxonomy.themes}
    assert weights["ecological-protection"]["黑土地保护"] == support
    assert weights["ecological-protection"]["pollution"] == support
    assert weights["high-quality-development"]["upgrading"] == support
    assert weights["urban-agglomeration"]["the two cities"] == support
    assert weights["urban-agglomeration"]["metropolitan area"] == 1.0


# --- a stock sector is a name ------------------------------------------------------------------

MARKET = (
    "周三，A股三大指数震荡走高。截至收盘，上证指数涨0.62%，深证成指涨1.05%。"
    "盘面上，算力、光模块、新基建概念股午后集体拉升，多只个股涨停；成渝板块、京津冀板块小幅走强。"
    "北向资金全天净买入约42亿元。"
)


def test_a_stock_sector_named_after_a_theme_or_region_is_neither(tagger: Tagger) -> None:
    result = tagger.tag("收评：三大指数集体收涨 新基建概念股午后拉升", MARKET)
    assert "new-infrastructure" not in themes(result)
    assert not regions(result) & {"beijing-tianjin-hebei", "chengdu-chongqing"}


def test_the_theme_itself_in_a_title_is_still_the_theme(tagger: Tagger) -> None:
    result = tagger.tag("新基建投资持续加码 各地加快建设5G基站", ZH_FILLER)
    assert "new-infrastructure" in themes(result)


# --- a headline in two supporting words ------------------------------------------------------

AUTO = [
    "该市是全国重要的汽车生产基地。",
    "去年新能源汽车产量突破五十万辆，同比增长一倍以上。",
    "企业建设的智能工厂实现了生产全流程数字化管理。",
    "该市提出，到2027年打造万亿级汽车产业集群。",
]


def test_two_supporting_terms_in_the_title_name_the_theme(tagger: Tagger) -> None:
    result = tagger.tag("汽车产业智能化转型：打造新能源汽车产业集群", "".join(AUTO))
    assert "high-quality-development" in themes(result)


def test_one_supporting_term_in_the_title_does_not(tagger: Tagger) -> None:
    result = tagger.tag("打造新能源汽车产业集群", "".join(AUTO))
    assert "high-quality-development" not in themes(result)


# --- an advertisement --------------------------------------------------------------------------

FLAT = [
    "项目位于城西科技城板块，距离地铁站点步行约500米。",
    "本期推出精装三房、四房，总价约300万元起。",
    "{claim}",
    "目前项目售楼处已开放，欢迎来电预约看房。",
]
CLAIM = "杭州都市圈一体化和城际铁路的建设，也让板块的未来价值值得期待。"


def test_an_advertisements_one_sentence_on_a_theme_is_sales_talk(tagger: Tagger) -> None:
    text = "".join(FLAT).format(claim=CLAIM)
    result = tagger.tag("【新盘速递】城西云庐府：地铁口精装三房", text)
    assert "urban-agglomeration" not in themes(result)


def test_the_same_sentence_in_a_news_report_names_the_theme(tagger: Tagger) -> None:
    text = "杭州都市圈一体化和城际铁路的建设，带动了沿线城镇的发展。" + ZH_FILLER
    assert "urban-agglomeration" in themes(tagger.tag("城西新区观察", text))


# --- a paragraph on a theme that does not name it in every sentence ----------------------------

COUNTIES = [
    "全省经济总量连续多年居全国首位，但区域发展不平衡问题突出。",
    "去年全省生产总值增长百分之五。",
    "",
    "为此，全省把县域作为城乡融合发展的重要切入点。",
    "一方面推动发达地区与欠发达地区结对帮扶，共建产业园区；",
    "另一方面提升县城和中心镇的综合承载能力，吸引农民就近进城。",
    "",
    "在民生方面，全省推动医共体建设，省市医疗专家下沉基层。",
    "实施乡村教师待遇提升计划。",
    "不过，一些干部坦言，产业转移项目落地难、留不住。",
    "当地财力有限，仍需要省级加大统筹。",
]


def _paragraphs(sentences: list[str]) -> str:
    return "".join(s if s else "\n\n" for s in sentences)


def test_a_paragraph_naming_a_theme_in_all_but_one_sentence_is_on_it(tagger: Tagger) -> None:
    result = tagger.tag("县域短板如何补齐", _paragraphs(COUNTIES))
    assert "urbanization" in themes(result)


def test_a_paragraph_naming_it_in_one_sentence_of_three_is_not(tagger: Tagger) -> None:
    sentences = list(COUNTIES)
    sentences[5] = "另一方面改造老旧小区，完善污水处理设施。"
    result = tagger.tag("县域短板如何补齐", _paragraphs(sentences))
    assert "urbanization" not in themes(result)
