"""Fast paths of the parsers equal the plain definitions they shortcut (issue 13)."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.metadata import clean_space
from parsers.titles import squash

_WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


def reference_clean_space(text: str) -> str:
    """clean_space by its definition: private-use glyphs dropped, every space run one space."""
    return " ".join(_WS.sub(" ", _PRIVATE_USE.sub("", text)).split())


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("ab Z9\t\n\r\x0b\x0c\x1c.城\u3000\xa0\u200b\ufeff\ue001\u2028")
    )
    | st.text(alphabet=st.characters(max_codepoint=127))
)
def test_clean_space_equals_its_definition(text: str) -> None:
    assert clean_space(text) == reference_clean_space(text)


def reference_squash(text: str) -> str:
    """squash by its definition: NFKC, then letters and numbers (categories L*, N*), folded."""
    kept = (ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] in "LN")
    return "".join(kept).casefold()


def test_squash_equals_its_definition_on_every_code_point() -> None:
    every = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    assert squash(every) == reference_squash(every)
    for headline in ("长三角一体化：2023年（图）", "Yangtze River Delta — İstanbul_ß", "①②ⅻ_x"):
        assert squash(headline) == reference_squash(headline)
