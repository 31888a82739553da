"""Script counts of parsers.language: counted by cutting the runs outside a script, they must
equal a plain character count, and a rare script is only counted when present."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.language import _counts_by_script, _script_counts, detect_language


def _plain(sample: str, low: int, high: int) -> int:
    return sum(1 for ch in sample if low <= ord(ch) <= high)


def test_counts_equal_a_character_count() -> None:
    sample = "长三角 Yangtze River Delta，一体化 integration—ひらがな ok 北京"
    counts = _script_counts(sample)
    assert counts["han"] == 3 * _plain(sample, 0x4E00, 0x9FFF)
    assert counts["kana"] == 3 * _plain(sample, 0x3040, 0x30FF)
    assert counts["latin"] == _plain(sample, ord("A"), ord("z"))
    assert "ru" not in counts and "ko" not in counts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_counts_equal_the_general_counts(sample: str) -> None:
    """ASCII text is counted by one bytes.translate: the same counts as the regex path."""
    assert _script_counts(sample) == _counts_by_script(sample)


def test_rare_scripts_counted_when_present() -> None:
    counts = _script_counts("Москва и 서울 again")
    assert counts["ru"] == 6 + 1 and counts["ko"] == 2 and counts["latin"] == 5


def test_languages_unchanged() -> None:
    assert detect_language("这是一篇关于京津冀协同发展的文章，内容很长。") == "zh"
    assert (
        detect_language("The plan is one of the steps to integrate the region and the city.")
        == "en"
    )
    assert detect_language("Le plan est une des étapes pour la région et la ville du pays.") == "fr"
    assert detect_language("Это статья о городе и регионе, и о плане развития.") == "ru"
