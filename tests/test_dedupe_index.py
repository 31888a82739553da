"""Shingles, MinHash/LSH banding, the confirmation rule and the Deduper over the in-memory index."""

from __future__ import annotations

from hashlib import blake2b
from pathlib import Path

import numpy as np
import pytest

import dedupe.index as index_module
from agglowatch.config import DedupeSettings
from agglowatch.records import DocumentRecord, NormalisedDocument
from dedupe.index import (
    LSH_FLOOR,
    LSH_FLOOR_RECALL,
    Deduper,
    MemoryIndex,
    band_keys,
    estimated_similarity,
    lsh_params,
    minhash_of,
    similarity,
)
from dedupe.normalise import match_text, normalise
from dedupe.shingles import Hashes, jaccard_parts, shingles

FIXTURES = Path(__file__).parent / "fixtures" / "dedupe"


def text(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def doc(body: str, url: str = "https://example.org/a") -> NormalisedDocument:
    return normalise(DocumentRecord(source="t", url=url, title="", text=body))


# --- shingles -------------------------------------------------------------------------------


def test_han_shingles_ignore_punctuation_spaces_and_line_breaks() -> None:
    assert np.array_equal(
        shingles("城市群是新型城镇化的主体形态"), shingles("城市群，是新型\n城镇化的 主体形态。")
    )


def test_han_shingles_are_character_ngrams() -> None:
    assert shingles("城市群是新型").size == 3  # 6 characters, 4-grams
    assert shingles("城市").size == 1  # shorter than n: one shingle of the whole run


def test_digits_join_the_han_stream() -> None:
    a, b = shingles("2023年城市群发展报告"), shingles("2024年城市群发展报告")
    common, size_a, _ = jaccard_parts(a, b)
    assert 0 < common < size_a


def test_latin_shingles_are_word_trigrams_in_order() -> None:
    assert shingles("urban agglomerations in china").size == 2
    assert not np.array_equal(shingles("a b c"), shingles("c b a"))
    assert np.array_equal(
        shingles("new, infrastructure. released"), shingles("new infrastructure released")
    )


def test_shared_english_terms_barely_touch_chinese_shingles() -> None:
    """Two unrelated Chinese texts with the same English terms share almost no shingles."""
    terms = " 5G AI GDP IoT CIM REITs "
    a = match_text(text("zh_10_smart_city") + terms)
    b = match_text(text("zh_11_ev") + terms)
    common, size_a, size_b = jaccard_parts(shingles(a), shingles(b))
    assert similarity(common, size_a, size_b) < 0.05


def _reference_hash(codes: list[int], seed: int) -> int:
    """The documented format in plain Python: FNV-style rolling product, murmur3 finaliser."""
    mask = 2**64 - 1
    value = seed
    for code in codes:
        value = ((value ^ code) * 0x100000001B3) & mask
    for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
        value = ((value ^ (value >> 33)) * multiplier) & mask
    return value ^ (value >> 33)


def test_shingle_hashes_are_a_stable_format() -> None:
    """Stored signatures depend on these values: a change here silently breaks every index."""
    han = _reference_hash([ord(c) for c in "城市群是"], 0xCBF29CE484222325)
    assert shingles("城市群是").tolist() == [han]
    words = [
        int.from_bytes(blake2b(w.encode(), digest_size=8).digest(), "little")
        for w in ("urban", "agglomerations", "released")
    ]
    assert shingles("urban agglomerations released").tolist() == [
        _reference_hash(words, 0x9E3779B97F4A7C15)
    ]


# --- MinHash and LSH ----------------------------------------------------------------------


@pytest.mark.parametrize("num_perm", [16, 64, 128, 200, 256, 512])
def test_lsh_params_find_floor_pairs_with_the_promised_recall(num_perm: int) -> None:
    bands, rows = lsh_params(num_perm)
    assert bands * rows <= num_perm and rows >= 2
    if num_perm >= 64:
        assert 1 - (1 - LSH_FLOOR**rows) ** bands >= LSH_FLOOR_RECALL


def test_band_keys_fit_a_signed_bigint_and_depend_on_the_shape() -> None:
    signature = minhash_of(shingles(match_text(text("zh_01_chengyu"))), 128)
    keys = band_keys(signature, 128)
    assert len(keys) == lsh_params(128)[0]
    assert all(0 <= k < 2**63 for k in keys)
    assert len(set(keys)) == len(keys)
    assert not set(keys) & set(band_keys(np.concatenate([signature, signature]), 256))


def test_minhash_is_deterministic_and_estimates_jaccard() -> None:
    a = shingles(match_text(text("zh_13_plan_long")))
    b = shingles(match_text(text("zh_13_plan_long").replace("报告", "评估")))
    sig_a, sig_b = minhash_of(a, 128), minhash_of(b, 128)
    assert np.array_equal(sig_a, minhash_of(a, 128))
    common, size_a, size_b = jaccard_parts(a, b)
    exact = common / (size_a + size_b - common)
    assert abs(float(np.mean(sig_a == sig_b)) - exact) < 0.1


# --- the confirmation rule -----------------------------------------------------------------


def test_similarity_is_jaccard_or_containment_for_comparable_sizes() -> None:
    assert similarity(50, 100, 250) == pytest.approx(50 / 300)  # under half the size: Jaccard
    assert similarity(40, 40, 100) == pytest.approx(0.4)  # a short quote of a long text
    assert similarity(60, 60, 100) == 1.0  # a 60% truncation: contained, same publication
    assert similarity(50, 100, 100) == 0.5  # comparable sizes: share of the smaller found
    assert similarity(0, 0, 10) == 0.0


def test_estimated_similarity_tracks_the_exact_one() -> None:
    full = match_text(text("zh_14_metro_long"))
    cut = full[: int(len(full) * 0.6)]
    a, b = shingles(full), shingles(cut)
    exact = similarity(*jaccard_parts(a, b))
    estimate = estimated_similarity(minhash_of(a, 128), a.size, minhash_of(b, 128), b.size)
    assert exact > 0.95 and abs(estimate - exact) < 0.1


# --- the Deduper -------------------------------------------------------------------------------


def engine(text_of: dict[str, str] | None = None, **settings: float) -> Deduper:
    return Deduper(MemoryIndex(), DedupeSettings(**settings), text_of.get if text_of else None)


def test_empty_index_finds_nothing() -> None:
    assert engine().check(doc(text("zh_01_chengyu"))) is None


def test_republication_is_found_and_unrelated_text_is_not() -> None:
    dedupe = engine()
    assert dedupe.add("doc:a", doc(text("zh_01_chengyu")))
    copy = "某某网 >> 经济\n来源：某某日报\n" + text("zh_01_chengyu") + "\n责任编辑：王某"
    match = dedupe.check(doc(copy, "https://other.cn/1"))
    assert match is not None and match.key == "doc:a" and match.similarity >= 0.95
    assert dedupe.check(doc(text("zh_09_chengyu_b"), "https://other.cn/2")) is None


def test_own_key_and_excluded_keys_are_never_returned() -> None:
    dedupe = engine()
    mine = doc(text("zh_02_jingjinji"))
    dedupe.add(f"doc:{mine.doc_id}", mine)
    assert dedupe.check(mine) is None
    dedupe.add("doc:other", mine)
    assert dedupe.check(mine) == index_module.Match("doc:other", 1.0)
    assert dedupe.check(mine, exclude={"doc:other"}) is None


def test_ties_go_to_the_earliest_added_key() -> None:
    dedupe = engine()
    body = doc(text("en_02_seminar"))
    for key in ("doc:zz-first", "seed:b-second", "doc:a-third"):
        dedupe.add(key, body)
    match = dedupe.check(doc(text("en_02_seminar"), "https://x.org/copy"))
    assert match is not None and match.key == "doc:zz-first"


def test_best_candidate_wins() -> None:
    dedupe = engine()
    original = text("zh_13_plan_long")
    edited = original.replace("报告认为", "评估认为").replace("城市群", "都市圈", 3)
    dedupe.add("doc:edited", doc(edited))
    dedupe.add("doc:original", doc(original))
    match = dedupe.check(doc(original, "https://x.org/copy"))
    assert match is not None and match.key == "doc:original" and match.similarity == 1.0


FLASH = (
    "国家发展改革委日前印发《长江中游城市群发展“十四五”实施方案》，提出到2025年，"
    "城市群综合实力和竞争力明显增强，武汉、长沙、南昌三大都市圈辐射带动作用持续提升，"
    "基础设施互联互通水平显著提高。"
)  # a news flash of 90-odd characters, as wires and portals carry it


def test_a_short_re_post_is_found_among_short_texts() -> None:
    dedupe = engine(min_chars=200)
    assert dedupe.add("doc:flash", doc(FLASH))
    copy = doc("新华社武汉3月5日电 " + FLASH + "（记者 王磊）", "https://x.cn/copy")
    match = dedupe.check(copy)
    assert match is not None and match.key == "doc:flash" and match.similarity >= 0.95


def test_short_notices_of_one_template_are_not_one_publication() -> None:
    """They overlap 0.84 (a long text's threshold is 0.7): short texts need short_threshold."""
    dedupe = engine(min_chars=200)
    dedupe.add("doc:flash", doc(FLASH))
    other = FLASH.replace("长江中游", "北部湾").replace("武汉、长沙、南昌三大", "南宁、湛江、海口")
    assert dedupe.check(doc(other, "https://x.cn/other")) is None
    loose = engine(min_chars=200, short_threshold=0.7)
    loose.add("doc:flash", doc(FLASH))
    assert loose.check(doc(other, "https://x.cn/other")) is not None


def test_a_short_text_and_a_long_one_are_never_compared() -> None:
    dedupe = engine(min_chars=200)
    long_text = FLASH + "方案明确，" + FLASH.replace("提出", "要求") * 2
    dedupe.add("doc:long", doc(long_text))
    assert dedupe.check(doc(FLASH, "https://x.cn/short")) is None
    dedupe.add("doc:short", doc(FLASH, "https://x.cn/short"))
    match = dedupe.check(doc(long_text, "https://x.cn/long2"))
    assert match is not None and match.key == "doc:long"


def test_texts_under_the_floor_are_left_to_exact_matching() -> None:
    dedupe = engine(min_chars=200)
    tiny = doc("城市群高质量发展专题研讨会在北京召开。" * 2)  # 36 characters
    assert not dedupe.add("doc:tiny", tiny)
    assert dedupe.check(tiny) is None
    assert len(dedupe.index) == 0  # type: ignore[arg-type]


def test_a_short_re_post_with_a_word_changed_is_left_apart() -> None:
    """One word in ninety (0.90) is as close as a template's other notice can come."""
    dedupe = engine(min_chars=200)
    dedupe.add("doc:flash", doc(FLASH))
    assert dedupe.check(doc(FLASH.replace("日前", "近日"), "https://x.cn/c")) is None


def test_a_document_that_became_short_leaves_the_index() -> None:
    dedupe = engine()
    dedupe.add("doc:a", doc(text("zh_03_yangtze_delta")))
    dedupe.add("doc:a", doc("太短了。"))
    assert dedupe.index.signature("doc:a") is None


def test_add_replaces_the_previous_signature() -> None:
    dedupe = engine()
    dedupe.add("doc:a", doc(text("zh_03_yangtze_delta")))
    dedupe.add("doc:a", doc(text("zh_06_carbon")))
    assert dedupe.check(doc(text("zh_03_yangtze_delta"), "https://x.cn/1")) is None
    match = dedupe.check(doc(text("zh_06_carbon"), "https://x.cn/2"))
    assert match is not None and match.key == "doc:a"
    dedupe.remove("doc:a")
    assert dedupe.check(doc(text("zh_06_carbon"), "https://x.cn/2")) is None


def test_truncated_republication_matches_but_a_quoted_paragraph_does_not() -> None:
    dedupe = engine()
    full = text("zh_13_plan_long")
    dedupe.add("doc:full", doc(full))
    cut = full[: int(len(full) * 0.6)]
    match = dedupe.check(doc(cut, "https://x.cn/cut"))
    assert match is not None and match.key == "doc:full" and match.similarity >= 0.9
    paragraph = full.split("\n\n")[3]  # one paragraph quoted elsewhere: under half the size
    assert dedupe.check(doc(paragraph, "https://x.cn/quote")) is None


def test_text_of_gives_exact_similarity_and_is_asked_only_for_plausible_candidates() -> None:
    asked: list[str] = []
    stored = {"doc:a": text("en_01_report"), "doc:b": text("en_03_brief")}

    def text_of(key: str) -> str | None:
        asked.append(key)
        return stored.get(key)

    dedupe = Deduper(MemoryIndex(), DedupeSettings(), text_of)
    dedupe.add("doc:a", doc(stored["doc:a"]))
    dedupe.add("doc:b", doc(stored["doc:b"]))
    edited = stored["doc:a"].replace("The report", "The study")
    match = dedupe.check(doc(edited, "https://x.org/1"))
    exact = similarity(
        *jaccard_parts(shingles(match_text(edited)), shingles(match_text(stored["doc:a"])))
    )
    assert match is not None and match.similarity == round(exact, 4)
    assert asked == ["doc:a"]


def test_text_of_returning_none_falls_back_to_the_estimate() -> None:
    dedupe = Deduper(MemoryIndex(), DedupeSettings(), lambda key: None)
    dedupe.add("seed:x", doc(text("zh_05_bay_area")))
    match = dedupe.check(doc(text("zh_05_bay_area"), "https://x.cn/1"))
    assert match == index_module.Match("seed:x", 1.0)


def test_check_then_add_sketches_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting(value: str) -> Hashes:
        calls.append(1)
        return shingles(value)

    monkeypatch.setattr(index_module, "shingles", counting)
    dedupe = engine()
    new = doc(text("zh_04_new_infra"))
    assert dedupe.check(new) is None
    dedupe.add(f"doc:{new.doc_id}", new)
    assert len(calls) == 1


def test_threshold_is_respected() -> None:
    original = text("en_01_report")
    paragraphs = original.split("\n\n")
    rewritten = "\n\n".join([*paragraphs[:5], "A different ending about other things entirely."])
    strict = engine(threshold=0.99)
    strict.add("doc:a", doc(original))
    assert strict.check(doc(rewritten, "https://x.org/1")) is None
    loose = engine(threshold=0.5)
    loose.add("doc:a", doc(original))
    assert loose.check(doc(rewritten, "https://x.org/1")) is not None
