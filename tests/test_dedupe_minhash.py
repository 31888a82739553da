"""The fast paths of dedupe equal the reference ones value for value.

minhash_of is numpy, but stored signatures and SQL band keys were made by datasketch's MinHash
(affine64, MINHASH_SEED): any difference would silently split old and new copies of a text.
hash_form, is_chrome and fold have faster bodies than the plain per-character definitions they
replaced; text hashes stored in existing databases depend on them.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from agglowatch.textnorm import _SPACE_RUNS, _SPACES, fold, to_simplified
from dedupe import boilerplate
from dedupe.index import MINHASH_SCHEME, MINHASH_SEED, band_keys, minhash_of
from dedupe.normalise import hash_form, is_chrome, match_text
from dedupe.shingles import (
    _CHAR_SEED,
    _WORD_SEED,
    HAN_N,
    WORD_N,
    _ngrams,
    _word_hash,
    shingles,
    sorted_unique,
)
from tests.test_dedupe_labelled import fixtures


def datasketch_minhash(hashes: np.ndarray, num_perm: int) -> np.ndarray:
    """The reference: what dedupe.index computed before (datasketch, identity hash function)."""
    sketch = MinHash(
        num_perm=num_perm, seed=MINHASH_SEED, hashfunc=lambda v: v, scheme=MINHASH_SCHEME
    )
    sketch.update_batch(hashes.tolist())
    return np.asarray(sketch.hashvalues, dtype=np.uint64)


@pytest.mark.parametrize("size", [0, 1, 2, 511, 512, 513, 1500, 4097])
@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_minhash_equals_datasketch_on_random_sets(size: int, num_perm: int) -> None:
    rng = np.random.default_rng(size * 1000 + num_perm)
    hashes = np.unique(rng.integers(0, 2**64, size=size, dtype=np.uint64))
    ours = minhash_of(hashes, num_perm)
    assert ours.dtype == np.uint64
    assert np.array_equal(ours, datasketch_minhash(hashes, num_perm))


def test_minhash_and_band_keys_equal_datasketch_on_real_texts() -> None:
    """Real shingle sets (Chinese and English fixtures): same signatures, so same band keys."""
    docs = list(fixtures().values())
    assert len(docs) >= 10
    for doc in docs:
        hashes = shingles(match_text(doc.text))
        reference = datasketch_minhash(hashes, 128)
        assert np.array_equal(minhash_of(hashes, 128), reference), doc.name
        assert band_keys(minhash_of(hashes, 128), 128) == band_keys(reference, 128)


_REF_HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_REF_HAN_OR_DIGIT = re.compile(f"[{_REF_HAN}0-9]")


def reference_shingles(text: str) -> np.ndarray:
    """dedupe.shingles.shingles as it was: a regular expression for the Han stream, and every
    word hashed in turn."""
    has_han = re.search(f"[{_REF_HAN}]", text) is not None
    parts = []
    if has_han:
        chars = "".join(_REF_HAN_OR_DIGIT.findall(text))
        codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        parts.append(_ngrams(codes, HAN_N, _CHAR_SEED))
    words = re.findall(f"[^\\W_{_REF_HAN}]+", text)
    if has_han:
        words = [w for w in words if not re.fullmatch("[0-9]+", w)]
    if words:
        codes = np.array([_word_hash(w) for w in words], dtype=np.uint64)
        parts.append(_ngrams(codes, WORD_N, _WORD_SEED))
    if not parts:
        return np.empty(0, dtype=np.uint64)
    return np.unique(np.concatenate(parts))


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("城市群发展ぁアカ㐀豈龥〇0123456789٣ab Z_-,.\n。"), max_size=300
    )
)
def test_shingles_equal_the_reference_property(text: str) -> None:
    assert np.array_equal(shingles(text), reference_shingles(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_shingles_of_ascii_text_equal_the_reference_property(text: str) -> None:
    """ASCII text takes a narrower word pattern: the same words as the general one."""
    assert np.array_equal(shingles(text), reference_shingles(text))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 100, 4097])
def test_sorted_unique_equals_np_unique(size: int) -> None:
    rng = np.random.default_rng(size)
    values = rng.integers(0, 2**64, size=size, dtype=np.uint64)
    values = np.concatenate([values, values[: size // 2], rng.integers(0, 4, size, np.uint64)])
    ours = sorted_unique(values)
    assert ours.dtype == np.uint64
    assert np.array_equal(ours, np.unique(values))


def test_shingles_equal_the_reference_on_fixtures() -> None:
    for doc in fixtures().values():
        text = match_text(doc.text)
        assert np.array_equal(shingles(text), reference_shingles(text)), doc.name


def reference_hash_form(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] != "P")


def test_hash_form_equals_reference_on_every_code_point() -> None:
    every = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    assert hash_form(every) == reference_hash_form(every)
    surrogates = "长三角\ud800 一体化，\udfff" * 100  # lone surrogates: kept, as any Cs
    assert hash_form(surrogates) == reference_hash_form(surrogates)
    short = "城市群，协同发展！ Yangtze River Delta — 2023年。\u3000\xa0"
    assert hash_form(short) == reference_hash_form(short) == "城市群协同发展YangtzeRiverDelta2023年"


def reference_is_chrome(line: str) -> bool:
    """is_chrome as it was: the display width measured on every line."""
    stripped = line.strip()
    if not stripped:
        return True
    width = len(stripped) + sum(1 for ch in stripped if unicodedata.east_asian_width(ch) in "WF")
    if width > boilerplate.MAX_CHROME_LINE:
        return False
    return is_chrome(line)


@pytest.mark.parametrize("repeat", [1, 30, 59, 60, 61, 80, 119, 120, 121])
@pytest.mark.parametrize("unit", ["首页", "来源:新华社", "a", "返回 ", "责任编辑:王某 分享到"])
def test_is_chrome_width_shortcut_keeps_the_limit(unit: str, repeat: int) -> None:
    line = (unit * repeat)[: max(repeat, 1) * len(unit)]
    assert is_chrome(line) == reference_is_chrome(line)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\u3000\xa0a城\n"), max_size=60))
def test_space_runs_collapse_as_the_plain_pattern(text: str) -> None:
    """fold matches only the space runs that change; the result is the plain pattern's."""
    assert _SPACE_RUNS.sub(" ", text) == _SPACES.sub(" ", text)


def reference_fold(text: str) -> str:
    folded = to_simplified(unicodedata.normalize("NFKC", text)).casefold()
    return _SPACES.sub(" ", folded)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            "城市群區域發展ＡＢＣａ！～abcＩＩ①ﬁ\u3000\u0301\u0308 \t,.，。ǅß"
        ),
        max_size=700,
    )
)
def test_fold_equals_reference_property(text: str) -> None:
    assert fold(text) == reference_fold(text)
    assert fold(text) == fold(text)  # the cached path answers the same


def test_fold_of_a_long_text_is_cached_and_equal() -> None:
    text = "粵港澳大灣區　ＧＤＰ growth " * 200
    first = fold(text)
    assert first == reference_fold(text)
    assert fold(text) is first  # folded once, reused by normalise and tagging alike
