"""Themes a text states without the taxonomy's full terms (round 4).

- A region's own name and a supporting term of the urban-agglomeration theme in one sentence
  ("粤港澳大湾区的融合发展", "integration of the Yangtze River Delta") say what a full term says
  (区域一体化, regional integration): the sentence names the theme in full (tagger._compose).
- Synonyms that policy writing uses for a theme, added to themes.yaml: boosting consumption for
  expanding domestic demand, non-fossil energy for the energy transition, shrinking cities for
  urbanization, the division of powers between jurisdictions for governance.
"""

from __future__ import annotations

import pytest

from tagging import Tagger
from tests.tagging_support import themes

# --- a region's name and a supporting term together -------------------------------------------

PORT = ["珠海港今年新开通集装箱航线六条。", "港区新建的自动化码头年底投入使用。"]


def test_a_regions_name_with_an_integration_word_names_the_agglomeration(tagger: Tagger) -> None:
    text = "".join([PORT[0], "新航线将为粤港澳大湾区的融合发展提供支撑。", PORT[1]])
    assert "urban-agglomeration" in themes(tagger.tag("珠海港新开六条航线", text))
    english = (
        "Ningbo port opened six new container routes this year. The routes deepen the "
        "integration of the Yangtze River Delta. A new automated terminal opens in December."
    )
    assert "urban-agglomeration" in themes(tagger.tag("Ningbo port adds routes", english))


def test_either_word_alone_does_not(tagger: Tagger) -> None:
    name_only = "".join([PORT[0], "新航线将为粤港澳大湾区的外贸企业提供支撑。", PORT[1]])
    assert "urban-agglomeration" not in themes(tagger.tag("珠海港新开六条航线", name_only))
    word_only = "".join([PORT[0], "新航线将为港航产业的融合发展提供支撑。", PORT[1]])
    assert "urban-agglomeration" not in themes(tagger.tag("珠海港新开六条航线", word_only))
    # apart, in two sentences, they do not make a full term either
    apart = "".join([PORT[0], "粤港澳大湾区外贸企业受益。", "港航产业融合发展。", PORT[1]])
    assert "urban-agglomeration" not in themes(tagger.tag("珠海港新开六条航线", apart))


def test_urban_rural_integration_is_not_the_agglomeration(tagger: Tagger) -> None:
    text = "".join([PORT[0], "长三角各地推进城乡融合发展。", PORT[1]])
    assert "urban-agglomeration" not in themes(tagger.tag("港口观察", text))


# --- synonyms added to themes.yaml ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "text", "theme"),
    [
        (
            "多地出台措施提振消费",
            "多地出台措施提振消费，延长商场营业时间。各地还发放了家电以旧换新补贴。",
            "dual-circulation",
        ),
        (
            "Desert solar base",
            "The base raises the share of non-fossil power in the grid. It can supply "
            "two million homes.",
            "carbon-neutrality",
        ),
        (
            "收缩型城市的规划转型",
            "收缩型城市人口持续减少。城市收缩要求规划从增量扩张转向存量更新。",
            "urbanization",
        ),
        (
            "合作区十年",
            "合作区明确了两地的事权划分。跨行政区合作的利益分享机制逐步建立。",
            "governance-planning",
        ),
        (
            "加快充电基础设施建设",
            "今年全市新建充电基础设施一万处。高速公路服务区充换电基础设施实现全覆盖。",
            "new-infrastructure",
        ),
        (
            "Charging network expands",
            "The city added 10,000 public points of EV charging this year. Its charging "
            "infrastructure now covers every expressway service area.",
            "new-infrastructure",
        ),
    ],
)
def test_policy_synonyms_name_their_theme(
    tagger: Tagger, title: str, text: str, theme: str
) -> None:
    assert theme in themes(tagger.tag(title, text))
