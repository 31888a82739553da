"""parsers.listing: article links and next-page links of listing pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agglowatch.errors import ConfigError
from parsers.listing import extract_links, next_page

LISTING = (Path(__file__).parent / "fixtures" / "pages" / "listing_news.html").read_text("utf-8")
BASE = "https://www.example.org/news/index_2.html"  # the page's <base href> wins for relative links


def test_links_of_containers_are_the_anchors_inside() -> None:
    assert extract_links(LISTING, BASE, "ul.news-list li") == [
        "https://www.example.org/news/2023/0116/c123.html",
        "https://www.example.org/news/2023/0110/c122.html",  # '#comments' dropped
        "https://other.example.com/article/9",
        "https://www.example.org/files/report.pdf",
    ]  # duplicates once, in page order; mailto: skipped


def test_default_selector_takes_every_http_link() -> None:
    links = extract_links(LISTING, BASE)
    assert links[:2] == ["https://www.example.org/", "https://www.example.org/about/"]
    assert "https://www.example.org/news/index_3.html" in links
    assert not any(link.startswith(("javascript:", "mailto:")) for link in links)
    assert len(links) == len(set(links))


def test_include_and_exclude() -> None:
    links = extract_links(LISTING, BASE, "ul.news-list", include=r"/20\d\d/", exclude=r"0110")
    assert links == ["https://www.example.org/news/2023/0116/c123.html"]


def test_relative_links_without_base_element() -> None:
    html = '<ul><li><a href="../a.html">A</a></li><li><a href="//cdn.example.org/b">B</a></li></ul>'
    assert extract_links(html, "https://site.example/x/y/list.html", "li") == [
        "https://site.example/x/a.html",
        "https://cdn.example.org/b",
    ]


@pytest.mark.parametrize("selector", ["ul[", "<<", "a:nth-child(x)", ""])
def test_invalid_selector_is_a_config_error_naming_it(selector: str) -> None:
    with pytest.raises(ConfigError, match="invalid CSS selector"):
        extract_links(LISTING, BASE, selector)
    with pytest.raises(ConfigError, match=re.escape(repr(selector))):
        extract_links(LISTING, BASE, selector)


def test_invalid_include_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="include"):
        extract_links(LISTING, BASE, include="(")


def test_next_page_found_by_its_label() -> None:
    assert next_page(LISTING, BASE, None) == "https://www.example.org/news/index_3.html"


def test_next_page_by_selector() -> None:
    selector = "div.page a:-soup-contains('尾页')"
    assert next_page(LISTING, BASE, selector) == "https://www.example.org/news/index_9.html"


def test_next_page_by_rel_next() -> None:
    html = '<html><head><link rel="next" href="?page=3"></head><body></body></html>'
    assert next_page(html, "https://x.example/list?page=2", None) == "https://x.example/list?page=3"


def test_no_next_page_on_the_last_page() -> None:
    html = '<div class="page"><a href="index_8.html">上一页</a><span>下一页</span></div>'
    assert next_page(html, "https://x.example/news/index_9.html", None) is None


def test_next_page_pointing_to_itself_is_no_next_page() -> None:
    html = '<a href="list.html#top" class="next">Next</a>'
    assert next_page(html, "https://x.example/list.html", None) is None


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=300),
    st.sampled_from(["a[href]", "li", "div.list a", "*"]),
    st.text(max_size=20),
)
def test_listing_functions_raise_only_config_error(html: str, selector: str, junk: str) -> None:
    for candidate in (selector, junk):
        try:
            links = extract_links(html, "https://x.example/list/", candidate)
            following = next_page(html, "https://x.example/list/", candidate or None)
        except ConfigError:
            continue
        assert all(link.startswith(("http://", "https://")) for link in links)
        assert following is None or following.startswith(("http://", "https://"))


def test_links_and_next_page_share_one_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    import bs4

    import parsers.listing as listing

    parses: list[str] = []
    real = bs4.BeautifulSoup

    def counting(markup: str, features: str) -> object:
        parses.append(markup)
        return real(markup, features)

    listing._parsed.cache_clear()
    monkeypatch.setattr(listing, "BeautifulSoup", counting)
    html = '<html><body><a href="/a/1.html">一</a><a href="/list_2.html">下一页</a></body></html>'
    links = listing.extract_links(html, "http://x.example/list.html", "a[href]")
    after = listing.next_page(html, "http://x.example/list.html", None)
    assert links == ["http://x.example/a/1.html", "http://x.example/list_2.html"]
    assert after == "http://x.example/list_2.html"
    assert len(parses) == 1
