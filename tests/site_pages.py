"""The harness of the synthetic site-page sets (test_parse_zh_sites, test_parse_sites2 to
test_parse_sites5): each case is (page file, title, authors, published), checked one field
per test; a known miss is a strict xfail, so a fix is noticed. A page is
fetched from a dateless URL unless `urls` names the address it was served from (a site that
puts the year only in its URLs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from agglowatch.records import DocumentRecord
from parsers.article import extract_article
from parsers.encoding import decode_body

NOW = dt.datetime(2026, 12, 3, 9, 0)
FIELDS = ("name", "title", "authors", "published")
Case = tuple[str, str, list[str], dt.date | None]
Test = Callable[..., None]


def site_tests(
    pages: Path,
    cases: Sequence[Case],
    known_misses: dict[tuple[str, str], str],
    urls: Mapping[str, str] | None = None,
) -> tuple[Test, Test, Test]:
    """test_title, test_authors and test_published over `cases`, for a module to bind."""

    def extract(name: str) -> DocumentRecord:
        html, _ = decode_body((pages / name).read_bytes())
        url = (urls or {}).get(name, f"http://www.example.cn/a/{name}")
        return extract_article(html, url, source="s", now=NOW)

    def params(field: str) -> list[Any]:
        return [
            pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason=known_misses[key]))
            if (key := (field, case[0])) in known_misses
            else case
            for case in cases
        ]

    @pytest.mark.parametrize(FIELDS, params("title"))
    def test_title(name: str, title: str, authors: list[str], published: dt.date | None) -> None:
        assert extract(name).title == title

    @pytest.mark.parametrize(FIELDS, params("authors"))
    def test_authors(name: str, title: str, authors: list[str], published: dt.date | None) -> None:
        assert extract(name).authors == authors

    @pytest.mark.parametrize(FIELDS, params("published"))
    def test_published(
        name: str, title: str, authors: list[str], published: dt.date | None
    ) -> None:
        assert extract(name).published == published

    return test_title, test_authors, test_published
