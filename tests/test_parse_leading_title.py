"""The body text does not start with the headline it already carries as its title."""

from __future__ import annotations

from parsers.article import extract_article, without_leading_title

PAGE = """<html><head><meta charset="utf-8"><title>{title} | Site</title></head><body>
<article><h1>{title}</h1><p>{p1}</p><p>{p2}</p></article></body></html>"""
P1 = "The twin-city economic circle plans a shared computing hub and new intercity rail lines."
P2 = "Officials from both cities signed the agreement in March after two years of negotiation."


def test_headline_paragraph_is_dropped() -> None:
    assert without_leading_title("Big News!\n\nBody text.", "big news") == "Body text."
    assert without_leading_title("Body only.", "Body only.") == "Body only."
    assert without_leading_title("Other.\n\nBody.", "Title") == "Other.\n\nBody."


def test_headline_edit_is_not_a_text_edit() -> None:
    first = extract_article(
        PAGE.format(title="Old headline", p1=P1, p2=P2), "https://x.org/a", source="s"
    )
    second = extract_article(
        PAGE.format(title="New headline", p1=P1, p2=P2), "https://x.org/a", source="s"
    )
    assert first.text == second.text
    assert not first.text.startswith("Old headline")


def test_a_first_paragraph_repeating_the_whole_title_tag_is_dropped() -> None:
    text = "版块-[原创]标题错误信息[社区]\n\nBody text."
    assert without_leading_title(text, "标题", "版块-[原创]标题错误信息[社区]") == "Body text."
    assert without_leading_title(text, "标题", "别的标题") == text
