"""HTML pages behind a wrong Content-Encoding: the usual server mistakes are read as browsers
and curl read them, instead of becoming "binary data" or "corrupt" warnings.

- labelled deflate, sent as gzip (or labelled gzip, sent zlib-wrapped): the other decoder;
- gzipped twice but labelled once, or gzipped with no Content-Encoding at all (a pre-compressed
  file served as is): an HTML page whose bytes start with the gzip magic is inflated once more,
  within the same cap.
A gzip file served as a gzip file (a sitemap.xml.gz) is left for its parser.
"""

from __future__ import annotations

import gzip
import zlib

import pytest
from pytest_httpserver import HTTPServer

from tests.test_fetch_http import ZH, get, settings

HTML = f"<html><head><title>城市群</title></head><body><p>{ZH * 40}</p></body></html>".encode()
CASES = {
    "deflate-but-gzip": (gzip.compress(HTML), "deflate"),
    "gzip-but-zlib": (zlib.compress(HTML), "gzip"),
    "gzipped-twice-labelled-once": (gzip.compress(gzip.compress(HTML)), "gzip"),
    "gzipped-unlabelled": (gzip.compress(HTML), None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_wrongly_labelled_compressed_page_is_read(httpserver: HTTPServer, case: str) -> None:
    data, coding = CASES[case]
    headers = {"Content-Encoding": coding} if coding else {}
    httpserver.expect_request("/p").respond_with_data(
        data, content_type="text/html; charset=utf-8", headers=headers
    )
    page = get(httpserver.url_for("/p"))
    assert page.content == HTML and not page.truncated
    assert page.text is not None and ZH in page.text


def test_an_unlabelled_gzip_bomb_is_cut_at_the_cap(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(bytes(8 * 1024 * 1024))
    httpserver.expect_request("/b").respond_with_data(bomb, content_type="text/html")
    page = get(httpserver.url_for("/b"), settings(max_bytes=1024 * 1024))
    assert page.truncated and len(page.content) == 1024 * 1024


@pytest.mark.parametrize("content_type", ["application/gzip", "application/x-gzip"])
def test_a_gzip_file_stays_compressed(httpserver: HTTPServer, content_type: str) -> None:
    data = gzip.compress(b'<?xml version="1.0"?><urlset></urlset>')
    httpserver.expect_request("/s.xml.gz").respond_with_data(data, content_type=content_type)
    assert get(httpserver.url_for("/s.xml.gz")).content == data
