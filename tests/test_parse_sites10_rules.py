"""The rules blind set 10 (tests/test_parse_sites10.py) led to, each on a synthetic page of its
own, beside a control that does not trigger it: bylines (names printed in capitals, wherever
they are read; a sentence's full stop after the last name)."""

from __future__ import annotations

import json

import pytest

from tests.test_parse_sites4_rules import page

EN_FILLER = (
    "<p>"
    + "The metropolitan area plans more commuter rail lines and shared services. " * 4
    + "</p>"
)


def jsonld_authors(*names: str) -> str:
    """A NewsArticle's JSON-LD crediting `names` as persons."""
    authors = [{"@type": "Person", "name": name} for name in names]
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "author": authors}
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


# --- bylines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        (jsonld_authors("HIROSHI ONOGI", "LAUREN CHEN"), "", ["Hiroshi Onogi", "Lauren Chen"]),
        ("<meta name='author' content='JOHN MCDONALD'>", "", ["John McDonald"]),
        ("", "<p>By MARIA HOLT and JIANG WEN</p>", ["Maria Holt", "Jiang Wen"]),
        ("", "<p>By SEAN O’BRIEN and ANNE-MARIE DUBOIS</p>", ["Sean O’Brien", "Anne-Marie Dubois"]),
        # controls: a name in its own case, and one word in capitals (an acronym)
        (jsonld_authors("Hiroshi Onogi"), "", ["Hiroshi Onogi"]),
        (jsonld_authors("J.R. Tolkien"), "", ["J.R. Tolkien"]),
        ("", "<p>By AFP</p>", ["AFP"]),
    ],
)
def test_a_name_printed_in_capitals_is_cited_in_its_own_case(
    head: str, body: str, expected: list[str]
) -> None:
    assert page(f"{body}{EN_FILLER}", head=head).authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Written by Katherine Yuen.", ["Katherine Yuen"]),
        ("By Ann Lee and Tom Reyes.", ["Ann Lee", "Tom Reyes"]),
        ("Posted by Oliver Grant.", ["Oliver Grant"]),
        # controls: an initial's and a suffix's own full stop
        ("By Katherine J.", ["Katherine J."]),
        ("By Martin Luther King Jr.", ["Martin Luther King Jr."]),
    ],
)
def test_a_sentences_full_stop_after_the_last_name(byline: str, expected: list[str]) -> None:
    assert page(f"<p>{byline}</p>{EN_FILLER}").authors == expected
