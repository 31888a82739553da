"""OpenAlex works whose addresses are not web URLs (found by the property tests)."""

from __future__ import annotations

import pytest

from agglowatch.errors import ParseError
from dedupe.normalise import normalise
from parsers.openalex import work_to_record


def test_an_unsplittable_landing_page_falls_back_to_the_work_id() -> None:
    work = {
        "id": "https://openalex.org/W1",
        "title": "Urban agglomerations",
        "primary_location": {"landing_page_url": "h://["},
    }
    record = work_to_record(work, "openalex")
    assert (record.url, record.canonical_url) == ("https://openalex.org/W1", None)
    normalise(record)  # the record is storable


def test_a_work_without_any_web_address_is_a_parse_error() -> None:
    work = {"id": "h://[", "title": "0", "primary_location": {"landing_page_url": "ftp://x/y"}}
    with pytest.raises(ParseError):
        work_to_record(work, "openalex")
