"""Listing pages: article links by CSS selector, and the link to the next page of the listing."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from soupsieve import SelectorSyntaxError

from agglowatch.errors import ConfigError

_NEXT_TEXT = re.compile(
    r"^\s*(?:下一页|下页|后一页|下一頁|next(?:\s+page)?|older(?:\s+(?:posts|entries))?|[›»>→])\s*[›»>→]*\s*$",
    re.IGNORECASE,
)
_NEXT_CLASS = re.compile(r"(?:^|[\s_-])next(?:$|[\s_-])", re.IGNORECASE)


def extract_links(
    html: str,
    base_url: str,
    selector: str = "a[href]",
    include: str | None = None,
    exclude: str | None = None,
) -> list[str]:
    """Absolute http(s) links matched by `selector`, in page order, without duplicates or fragments.

    A selector that matches containers (li.news, div.list) yields the <a href> links inside them.
    `include` / `exclude` are regular expressions searched in the absolute URL.
    """
    wanted, unwanted = _regex(include, "include"), _regex(exclude, "exclude")
    soup = _parsed(html or "")
    base = _base_href(soup, base_url)
    links: list[str] = []
    seen: set[str] = set()
    for element in _select(soup, selector):
        for anchor in _anchors(element):
            url = absolute_url(anchor.get("href"), base)
            if url is None or url in seen:
                continue
            if (wanted and not wanted.search(url)) or (unwanted and unwanted.search(url)):
                continue
            seen.add(url)
            links.append(url)
    return links


def next_page(html: str, base_url: str, selector: str | None) -> str | None:
    """URL of the listing's next page: by `selector`, else rel="next" or a 下一页 / Next link."""
    soup = _parsed(html or "")
    base = _base_href(soup, base_url)
    if selector:
        candidates = [a for element in _select(soup, selector) for a in _anchors(element)]
    else:
        candidates = _rel_next(soup) + _labelled_next(soup)
    current = urldefrag(base_url)[0]
    for anchor in candidates:
        url = absolute_url(anchor.get("href"), base)
        if url and url != current:
            return url
    return None


@lru_cache(maxsize=2)
def _parsed(html: str) -> BeautifulSoup:
    """One parse of a listing page serves both its links and its next-page link (read only)."""
    return BeautifulSoup(html, "lxml")


def absolute_url(href: Any, base: str) -> str | None:
    """`href` resolved against `base`, fragment dropped; None unless it is http(s)."""
    if not isinstance(href, str) or not href.strip():
        return None
    try:
        url = urldefrag(urljoin(base, href.strip()))[0]
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host such as http://[::1
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def _regex(pattern: str | None, name: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{name}: {pattern!r} is not a valid regular expression: {exc}") from exc


def _select(soup: BeautifulSoup, selector: str) -> list[Any]:
    try:
        return list(soup.select(selector))
    except (SelectorSyntaxError, ValueError, NotImplementedError, TypeError) as exc:
        raise ConfigError(f"invalid CSS selector {selector!r}: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _anchors(element: Any) -> list[Any]:
    if element.name in ("a", "area", "link") and element.get("href"):
        return [element]
    return list(element.select("a[href], area[href]"))


def _base_href(soup: BeautifulSoup, base_url: str) -> str:
    base = soup.find("base", href=True)
    href = base.get("href") if base is not None else None
    if isinstance(href, str) and href.strip():
        resolved = absolute_url(href, base_url)
        if resolved:
            return resolved
    return base_url


def _rel_next(soup: BeautifulSoup) -> list[Any]:
    return [
        element
        for element in soup.find_all(["link", "a"], href=True)
        if "next" in [str(rel).lower() for rel in (element.get("rel") or [])]
    ]


def _labelled_next(soup: BeautifulSoup) -> list[Any]:
    found = []
    for anchor in soup.find_all("a", href=True):
        label = anchor.get_text(" ", strip=True) or str(anchor.get("title") or "")
        classes = " ".join(anchor.get("class") or [])
        if _NEXT_TEXT.match(label) or _NEXT_CLASS.search(classes):
            found.append(anchor)
    return found
