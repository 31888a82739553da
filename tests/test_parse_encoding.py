"""parsers.encoding: declared charsets, and the declarations that lie."""

from __future__ import annotations

import pytest

from parsers.encoding import decode_body

ZH = "长三角城市群高质量发展与新型基础设施建设，推动区域协调发展。"
EN = "It’s the city’s “plan” — and the region’s."


@pytest.mark.parametrize("label", ["gbk", "gb2312", "gb18030", "iso-8859-1", "windows-1252"])
def test_utf8_bytes_under_a_wrong_label_are_utf8(label: str) -> None:
    page = f"<html><body><p>{ZH}</p></body></html>"
    text, codec = decode_body(page.encode("utf-8"), f"text/html; charset={label}")
    assert codec == "utf-8" and ZH in text


def test_a_wrong_meta_label_is_overruled_too() -> None:
    page = f'<html><head><meta charset="gbk"></head><body><p>{ZH}</p></body></html>'
    assert decode_body(page.encode("utf-8"))[0].endswith(f"<p>{ZH}</p></body></html>")


def test_english_curly_quotes_under_the_http_default_label() -> None:
    text, codec = decode_body(EN.encode("utf-8"), "text/html; charset=ISO-8859-1")
    assert (text, codec) == (EN, "utf-8")


def test_utf8_cut_inside_its_last_character_is_still_utf8() -> None:
    data = (ZH * 3).encode("utf-8")[:-1]
    text, codec = decode_body(data, "text/html; charset=gbk")
    assert codec == "utf-8" and text.startswith(ZH)


def test_real_gbk_keeps_its_label() -> None:
    page = f'<html><head><meta charset="gbk"></head><body><p>{ZH}</p></body></html>'
    text, codec = decode_body(page.encode("gbk"), "text/html; charset=gbk")
    assert codec == "gb18030" and ZH in text


def test_a_few_gbk_characters_that_happen_to_be_valid_utf8_keep_their_label() -> None:
    """C3 A9 is 脙 in GBK and é in UTF-8: two characters are no evidence against the label."""
    data = "脙脙 ok".encode("gbk")
    data.decode("utf-8")  # the premise: these bytes are valid UTF-8 too
    assert decode_body(data, "text/html; charset=gbk") == ("脙脙 ok", "gb18030")


def test_latin1_text_keeps_its_label() -> None:
    text = "Caf\u00e9 cr\u00e8me, S\u00e3o Paulo, M\u00fcnchen"
    assert decode_body(text.encode("cp1252"), "text/html; charset=iso-8859-1")[0] == text
