"""Tagging: taxonomy loading and errors, term matching rules, scoring, retag diff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agglowatch.errors import ConfigError
from agglowatch.records import DocumentRecord, RegionMatch, TagResult, ThemeMatch
from tagging import Tagger, diff_tags, load_taxonomy, match_form, parse_taxonomy

SPEC_THEMES = {
    "urban-agglomeration",
    "new-infrastructure",
    "high-quality-development",
    "innovation",
    "carbon-neutrality",
    "dual-circulation",
    "urbanization",
    "common-prosperity",
    "governance-planning",
}
SPEC_REGIONS = {
    "beijing-tianjin-hebei",
    "yangtze-river-delta",
    "pearl-river-delta",
    "chengdu-chongqing",
    "middle-yangtze",
    "shandong-peninsula",
    "west-strait",
    "central-plains",
    "guanzhong-plain",
    "beibu-gulf",
    "harbin-changchun",
    "central-southern-liaoning",
    "central-shanxi",
    "central-guizhou",
    "central-yunnan",
    "hohhot-baotou-ordos-yulin",
    "lanzhou-xining",
    "ningxia-yellow-river",
    "northern-tianshan",
}


def entry(entry_id: str, **fields: Any) -> dict[str, Any]:
    base = {"id": entry_id, "label_en": entry_id, "label_zh": "测试", "description": "test"}
    return base | fields


def small_tagger(*themes: dict[str, Any], regions: list[dict[str, Any]] | None = None) -> Tagger:
    return Tagger(parse_taxonomy({"themes": list(themes), "regions": regions or []}))


def theme_ids(result: TagResult) -> list[str]:
    return [match.id for match in result.themes]


def region_ids(result: TagResult) -> list[str]:
    return [match.id for match in result.regions]


# --- the default taxonomy ---------------------------------------------------------------


def test_default_taxonomy_has_the_spec_ids(tagger: Tagger) -> None:
    assert set(tagger.taxonomy.theme_ids) >= SPEC_THEMES
    assert set(tagger.taxonomy.region_ids) == SPEC_REGIONS
    for item in [*tagger.taxonomy.themes, *tagger.taxonomy.regions]:
        assert item.label_en and item.label_zh and item.description
        assert item.terms_zh or item.support_zh, item.id
        assert item.terms_en or item.support_en, item.id


def test_every_term_of_the_default_taxonomy_tags_its_own_entry(tagger: Tagger) -> None:
    """A term that cannot match itself (bad spelling, swallowed by an exclusion) is a bug."""
    for kind, entries in (("theme", tagger.taxonomy.themes), ("region", tagger.taxonomy.regions)):
        for item in entries:
            for term in [*item.terms_zh, *item.terms_en]:
                found = tagger.score(term, "", applied_only=False)
                match = [s for s in found if s.kind == kind and s.id == item.id]
                assert match and term in match[0].terms, (item.id, term)


# --- loading errors ----------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_names_file_theme_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
themes:
  - id: carbon-neutrality
    label_en: Carbon
    label_zh: 双碳
    description: x
    terms_zh: [碳中和]
    term_en: [carbon neutrality]
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_taxonomy(path)
    message = str(caught.value)
    assert str(path) in message
    assert 'theme "carbon-neutrality"' in message
    assert 'field "term_en"' in message
    assert "unknown key" in message


def test_term_in_wrong_language_list_names_region_field_and_item(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
themes:
  - {id: a, label_en: A, label_zh: 甲, description: x, terms_en: [alpha]}
regions:
  - id: yangtze-river-delta
    label_en: YRD
    label_zh: 长三角
    description: x
    terms_en: [Yangtze River Delta, 长三角]
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_taxonomy(path)
    message = str(caught.value)
    assert 'region "yangtze-river-delta", field "terms_en" (item 2)' in message
    assert "_zh list" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("themes: [", "not valid YAML"),
        ("- just a list", "top level must be a mapping"),
        ("regions: []", 'field "themes"'),
        (
            "themes:\n  - {id: a, label_en: A, label_zh: 甲, description: x, terms_en: [b],"
            " threshold: 1.5}",
            'theme "a", field "threshold"',
        ),
        (
            "themes:\n  - {id: a, label_en: A, label_zh: 甲, description: x, terms_en: [b]}\n"
            "  - {id: a, label_en: A, label_zh: 甲, description: x, terms_en: [c]}",
            "used twice",
        ),
        (
            "themes:\n  - {id: Bad_Id, label_en: A, label_zh: 甲, description: x, terms_en: [b]}",
            "id",
        ),
        ("themes:\n  - {id: a, label_en: A, label_zh: 甲, description: x}", "at least one term"),
        (
            "themes:\n  - {id: a, label_en: A, label_zh: 甲, description: x,"
            " terms_en: [high-quality development], support_en: [High Quality Development]}",
            "same once normalised",
        ),
        (
            "themes:\n  - {id: a, label_en: A, label_zh: 甲, description: x, terms_en: ['--']}",
            "empty",
        ),
    ],
)
def test_bad_taxonomy_files_raise_config_error(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_taxonomy(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such taxonomy file"):
        load_taxonomy(tmp_path / "absent.yaml")


# --- matching rules ------------------------------------------------------------------------


def test_english_terms_match_whole_words_and_plurals_not_other_words() -> None:
    tagger = small_tagger(entry("clusters", terms_en=["city cluster"]))
    assert theme_ids(tagger.tag("A city cluster plan", "")) == ["clusters"]
    assert theme_ids(tagger.tag("Three city clusters", "")) == ["clusters"]
    assert theme_ids(tagger.tag("City-cluster governance", "")) == ["clusters"]
    # a different word: the statistical method, or a longer word containing the term
    assert theme_ids(tagger.tag("City clustering with k-means", "")) == []
    assert theme_ids(tagger.tag("A megacity clustered", "")) == []
    assert theme_ids(tagger.tag("Velocity cluster", "")) == []


def test_inflections_and_british_spelling() -> None:
    tagger = small_tagger(
        entry("agglo", terms_en=["urban agglomeration"]),
        entry("urb", terms_en=["new urbanization"]),
        entry("city", terms_en=["core city"]),
    )
    result = tagger.tag(
        "Urban agglomerations and new urbanisation", "Two core cities lead.", keywords=[]
    )
    assert set(theme_ids(result)) == {"agglo", "urb", "city"}
    # the terms reported are the taxonomy's, not the text's spelling
    assert {m.id: m.terms for m in result.themes} == {
        "agglo": ["urban agglomeration"],
        "urb": ["new urbanization"],
        "city": ["core city"],
    }
    assert theme_ids(tagger.tag("Agglomerative methods and urbanizing", "")) == []


def test_chinese_terms_match_inside_text(tagger: Tagger) -> None:
    result = tagger.tag("推动城市群高质量发展", "")
    assert {"urban-agglomeration", "high-quality-development"} <= set(theme_ids(result))


def test_traditional_and_full_width_input_matches_simplified_terms(tagger: Tagger) -> None:
    result = tagger.tag("粵港澳大灣區城市群建設", "長三角一體化發展示範區")
    assert "pearl-river-delta" in region_ids(result)
    assert "yangtze-river-delta" in region_ids(result)
    gba = next(m for m in result.regions if m.id == "pearl-river-delta")
    assert "粤港澳大湾区" in gba.terms  # as written in the taxonomy
    assert "urban-agglomeration" in theme_ids(
        tagger.tag("ＵＲＢＡＮ　ＡＧＧＬＯＭＥＲＡＴＩＯＮ", "")
    )


def test_dashes_apostrophes_and_line_breaks_are_word_gaps(tagger: Tagger) -> None:
    result = tagger.tag("Beijing–Tianjin–Hebei and Xi’an", "")
    assert {"beijing-tianjin-hebei", "guanzhong-plain"} <= set(region_ids(result))
    bth = next(m for m in result.regions if m.id == "beijing-tianjin-hebei")
    assert bth.terms == ["Beijing-Tianjin-Hebei"]
    assert "urban-agglomeration" in theme_ids(tagger.tag("城市\n群的发展", ""))
    assert match_form("High-Quality\u00a0Development\n of  X") == "high quality development of x"


def test_exclusions_drop_terms_inside_longer_phrases(tagger: Tagger) -> None:
    # time zone, mountain foothill, "hit a new high": not Beijing, not Shandong, not innovation
    assert region_ids(tagger.tag("北京时间昨晚的比赛", "")) == []
    assert region_ids(tagger.tag("贺兰山东麓的葡萄园", "")) == []
    assert "innovation" not in theme_ids(tagger.tag("港口吞吐量创新高", ""))
    # the same words outside the exclusion still count
    assert region_ids(tagger.tag("北京时间：北京推进城市副中心建设", "")) == [
        "beijing-tianjin-hebei"
    ]
    assert "innovation" in theme_ids(tagger.tag("科技创新与创新高地", ""))


def test_exclusions_belong_to_their_entry() -> None:
    tagger = small_tagger(
        entry("capital", support_zh=["北京"], exclude_zh=["北京时间"]),
        entry("time", terms_zh=["北京时间"]),
    )
    scores = {s.id: s for s in tagger.score("北京时间", "", applied_only=False)}
    assert "capital" not in scores
    assert scores["time"].applied


def test_overlaps_resolve_to_the_leftmost_longest_reading(tagger: Tagger) -> None:
    # 上海南京路 is Shanghai + Nanjing (not 海南); 浙江西部 is Zhejiang (not Jiangxi);
    # 江西安徽 is Jiangxi + Anhui (not Xi'an)
    assert region_ids(tagger.tag("上海南京路", "")) == ["yangtze-river-delta"]
    yrd = tagger.tag("上海南京路", "").regions[0]
    assert set(yrd.terms) == {"上海", "南京"}
    assert region_ids(tagger.tag("浙江西部山区", "")) == ["yangtze-river-delta"]
    assert set(region_ids(tagger.tag("江西安徽两省", ""))) == {
        "middle-yangtze",
        "yangtze-river-delta",
    }


def test_nested_region_names_count_for_the_longer_name(tagger: Tagger) -> None:
    result = tagger.tag("The Guangdong-Fujian-Zhejiang coastal urban agglomeration", "")
    assert region_ids(result) == ["west-strait"]


def test_keywords_do_not_join_into_one_term() -> None:
    tagger = small_tagger(entry("t", terms_en=["urban cluster"], terms_zh=["城市群"]))
    assert theme_ids(tagger.tag("", "", keywords=["urban", "cluster"])) == []
    assert theme_ids(tagger.tag("", "", keywords=["城市", "群"])) == []
    assert theme_ids(tagger.tag("", "", keywords=["urban cluster"])) == ["t"]


# --- scoring ---------------------------------------------------------------------------


FILLER = [
    "The committee met on Tuesday.",
    "It reviewed the annual budget.",
    "Members asked about staffing.",
    "The chair thanked the auditors.",
    "A vote was taken on the minutes.",
    "The next meeting is in March.",
]


def test_title_and_lead_count_more_than_the_rest_and_repetition_adds() -> None:
    tagger = small_tagger(entry("t", terms_en=["dual circulation"]))

    def score(title: str, sentences: list[str], abstract: str | None = None) -> float:
        text = " ".join(sentences)
        found = tagger.score(title, text, abstract=abstract, applied_only=False)
        return found[0].score if found else 0.0

    mention = "It discussed dual circulation."
    in_title = score("Dual circulation", FILLER)
    in_abstract = score("Title", FILLER, abstract=mention)  # the abstract opens the text: lead
    in_lead = score("Title", [mention, *FILLER])
    in_body = score("Title", [*FILLER, mention])
    twice = score("Title", [*FILLER[:3], mention, *FILLER[3:], mention])
    assert in_title > in_abstract > in_body > 0
    assert in_lead == in_abstract
    assert in_body < twice < 2 * in_body
    for value in (in_title, in_abstract, in_body, twice):
        assert 0 < value <= 1 and round(value, 2) == value


def test_long_texts_dilute_a_passing_mention(tagger: Tagger) -> None:
    filler = "The committee met on Tuesday and reviewed the annual budget in detail. " * 400
    short = tagger.tag("Report", "It discussed dual circulation.")
    long = tagger.tag("Report", filler + "It discussed dual circulation.")
    assert "dual-circulation" in theme_ids(short)
    assert "dual-circulation" not in theme_ids(long)
    assert "dual-circulation" in theme_ids(tagger.tag("Dual circulation", filler))


def test_a_passing_city_mention_is_not_a_region(tagger: Tagger) -> None:
    assert region_ids(tagger.tag("Budget review", "The meeting was held in Shanghai.")) == []
    assert region_ids(tagger.tag("Shanghai budget review", "")) == ["yangtze-river-delta"]
    assert region_ids(tagger.tag("Budget", "The Yangtze River Delta plan.")) == [
        "yangtze-river-delta"
    ]


def test_per_entry_threshold_applies() -> None:
    raw = {
        "defaults": {"threshold": 0.3},
        "themes": [
            entry("easy", terms_en=["carbon neutrality"]),
            entry("strict", terms_en=["carbon neutrality"], threshold=0.9),
        ],
    }
    tagger = Tagger(parse_taxonomy(raw))
    text = " ".join(["About carbon neutrality.", *FILLER[:3]])  # the subject, scoring 0.78
    result = tagger.tag("", text)
    assert theme_ids(result) == ["easy"]
    everything = tagger.score("", text, applied_only=False)
    assert [(s.id, s.applied) for s in everything] == [("easy", True), ("strict", False)]


def test_themes_ordered_by_score_and_terms_by_weight(tagger: Tagger) -> None:
    result = tagger.tag(
        "城市群高质量发展",
        "城市群的新型基础设施。城市群与都市圈。",
    )
    scores = [m.score for m in result.themes]
    assert scores == sorted(scores, reverse=True)
    assert result.themes[0].id == "urban-agglomeration"
    assert result.themes[0].terms[0] == "城市群"
    assert "都市圈" in result.themes[0].terms


def test_tagging_is_deterministic_and_empty_input_is_empty(tagger: Tagger) -> None:
    text = "京津冀协同发展与雄安新区建设，推动城市群高质量发展和科技创新。"
    first = tagger.tag("京津冀", text, keywords=["雄安"])
    for _ in range(3):
        assert tagger.tag("京津冀", text, keywords=["雄安"]) == first
    assert tagger.tag("", "") == TagResult(themes=[], regions=[])


def test_tag_record_uses_abstract_and_keywords(tagger: Tagger) -> None:
    record = DocumentRecord(
        source="s",
        url="https://example.org/a",
        title="A study",
        text="We use panel data.",
        abstract="We study common prosperity in Zhejiang.",
        keywords=["carbon neutrality", "Zhejiang"],
    )
    result = tagger.tag_record(record)
    assert {"common-prosperity", "carbon-neutrality"} <= set(theme_ids(result))
    assert region_ids(result) == ["yangtze-river-delta"]


# --- retag ------------------------------------------------------------------------------


def tags(themes: list[str], regions: list[str] | None = None) -> TagResult:
    return TagResult(
        themes=[ThemeMatch(t, 0.5, [t]) for t in themes],
        regions=[RegionMatch(r, [r]) for r in regions or []],
    )


def test_diff_tags_counts_gains_and_losses_per_label() -> None:
    before = {
        "d1": tags(["innovation"], ["yangtze-river-delta"]),
        "d2": tags(["innovation", "urbanization"]),
        "d3": tags([]),
        "gone": tags(["urbanization"]),
    }
    after = {
        "d1": tags(["innovation", "carbon-neutrality"], ["yangtze-river-delta"]),
        "d2": tags(["urbanization"]),
        "d3": tags([]),
        "new": tags(["carbon-neutrality"], ["pearl-river-delta"]),
    }
    summary = diff_tags(before, after)
    assert summary.documents == 5
    assert summary.changed == 4  # d1, d2, gone, new
    themes = {c.id: c for c in summary.themes}
    assert (themes["innovation"].before, themes["innovation"].after) == (2, 1)
    assert themes["innovation"].lost == ["d2"] and themes["innovation"].gained == []
    assert themes["carbon-neutrality"].gained == ["d1", "new"]
    assert themes["urbanization"].lost == ["gone"]
    regions = {c.id: c for c in summary.regions}
    assert not regions["yangtze-river-delta"].changed
    assert regions["pearl-river-delta"].gained == ["new"]
    as_dict = summary.as_dict()
    assert as_dict["themes"][0] == {
        "id": "carbon-neutrality",
        "before": 0,
        "after": 2,
        "gained": 2,
        "lost": 0,
    }
    assert "gained_ids" in summary.as_dict(with_ids=True)["themes"][0]
    lines = summary.lines()
    assert lines[0] == "5 documents compared, 4 changed"
    assert "  theme carbon-neutrality: +2 -0 (0 -> 2)" in lines
    assert not any("yangtze-river-delta" in line for line in lines)


def test_retag_with_an_edited_taxonomy() -> None:
    """The retag path end to end: two taxonomies, the same documents, the diff."""
    old = small_tagger(entry("infra", terms_en=["new infrastructure"]))
    new = small_tagger(entry("infra", terms_en=["new infrastructure", "5G base station"]))
    documents = {
        "a": ("New infrastructure boom", ""),
        "b": ("Operators add 5G base stations", ""),
        "c": ("Football results", ""),
    }
    before = {key: old.tag(title, text) for key, (title, text) in documents.items()}
    after = {key: new.tag(title, text) for key, (title, text) in documents.items()}
    summary = diff_tags(before, after)
    assert summary.changed == 1
    assert [(c.id, c.gained, c.lost) for c in summary.themes] == [("infra", ["b"], [])]
