"""The digest built from window data and rendered: grouping, escaping, feed, chart, a browser."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from agglowatch.config import DigestSettings
from digest.build import build_digest
from digest.chart import draw_chart
from digest.feed import render_feed
from digest.html import render_html
from digest.render import render_markdown, render_text
from reports.labels import load_labels
from storage.digest_store import (
    ChartData,
    DigestData,
    NewDocument,
    RemovedDocument,
    SourceHealth,
    UpdatedDocument,
)
from tests.test_digest_support import T0, THEMES_YAML

EVIL_TITLE = "<script>alert(1)</script>"
H = dt.timedelta(hours=1)


def new_doc(doc_id: str, **fields: Any) -> NewDocument:
    values: dict[str, Any] = {
        "id": doc_id,
        "url": f"https://example.org/{doc_id}",
        "title": f"Title {doc_id}",
        "source": "cdrf-news",
        "published": dt.date(2026, 1, 2),
        "language": "zh",
        "summary": "城市群是新型城镇化的主体形态。" * 20,
        "themes": [],
        "regions": [],
        "first_seen": T0,
        "status": "active",
        "also_at": [],
    }
    values.update(fields)
    return NewDocument(**values)


def theme(theme_id: str, score: float, *terms: str) -> dict[str, Any]:
    return {"id": theme_id, "score": score, "terms": list(terms)}


@pytest.fixture
def labels(tmp_path: Path) -> Any:
    (tmp_path / "themes.yaml").write_text(THEMES_YAML, encoding="utf-8")
    return load_labels(tmp_path / "themes.yaml")


def sample_data() -> DigestData:
    new = [
        new_doc(
            "two-themes",
            themes=[
                theme("innovation", 0.3, "协同创新"),
                theme("urban-agglomeration", 0.8, "城市群"),
            ],
            regions=[{"id": "yangtze-river-delta", "terms": ["长三角"]}],
            also_at=["https://mirror.example.net/x", "javascript:alert(2)"],
        ),
        new_doc(
            "evil",
            title=EVIL_TITLE,
            url="javascript:alert(1)",
            summary='<img src=x onerror="alert(3)"> lead',
            themes=[theme("urban-agglomeration", 0.5, "<b>term</b>")],
            regions=[{"id": "beijing-tianjin-hebei", "terms": ["京津冀"]}],
            published=dt.date(2026, 1, 3),
        ),
        new_doc("no-region", themes=[theme("urban-agglomeration", 0.6)], published=None),
        new_doc("untagged"),
    ]
    return DigestData(
        start=T0,
        end=T0 + 24 * H,
        new=new,
        updated=[
            UpdatedDocument(
                id="u1",
                url="https://example.org/u1",
                title="Revised <i>plan</i>",
                source="ndrc",
                version=3,
                changed_at=T0 + H,
                changes={
                    "title": ["Draft", "Revised <i>plan</i>"],
                    "text": {"added": 2, "removed": 1, "excerpt_added": ["新增内容。"]},
                },
            )
        ],
        removed=[
            RemovedDocument(
                id="r1",
                url="https://example.org/r1",
                title="Gone",
                source="ndrc",
                removed_at=T0 + 2 * H,
            )
        ],
        broken_sources=[
            SourceHealth(
                name="ndrc",
                status="broken",
                failures_in_row=4,
                last_ok_at=T0 - 72 * H,
                last_error="<b>503</b> from server",
            )
        ],
    )


def sample_chart() -> ChartData:
    return ChartData(
        weeks=["2025-W52", "2026-W01", "2026-W02"],
        counts={"urban-agglomeration": [1, 2, 3], "other": [0, 1, 0], "innovation": [0, 0, 0]},
    )


def build(labels: Any, **kwargs: Any) -> dict[str, Any]:
    return build_digest(
        sample_data(),
        DigestSettings(),
        (T0, T0 + 24 * H),
        T0 + 24 * H,
        labels,
        chart=sample_chart(),
        **kwargs,
    )


def test_each_document_once_under_its_top_theme_grouped_by_region(labels: Any) -> None:
    payload = build(labels, digest_id="d1")
    assert {"id", "window", "generated", "themes", "other", "stats", "delivered"} <= set(payload)
    assert [t["id"] for t in payload["themes"]] == ["urban-agglomeration"]
    docs = payload["themes"][0]["documents"]
    # Region groups in taxonomy order (Beijing–Tianjin–Hebei, then Yangtze), no region last.
    assert [d["id"] for d in docs] == ["evil", "two-themes", "no-region"]
    first = docs[1]
    assert first["themes"] == ["urban-agglomeration", "innovation"]
    assert first["terms"] == ["城市群", "协同创新", "长三角"]
    assert first["regions"] == ["yangtze-river-delta"]
    assert first["also_at"] == ["https://mirror.example.net/x", "javascript:alert(2)"]
    assert len(first["summary"]) <= 100 and first["summary"].endswith("。")  # two lines, whole
    assert [d["id"] for d in payload["other"]] == ["untagged"]
    assert payload["themes"][0]["label"] == "Urban agglomeration / 城市群"
    assert payload["stats"] == {
        "documents": 4,
        "sources": 1,
        "updated": 1,
        "removed": 1,
        "also_at": 2,
    }
    assert payload["chart"]["themes"] == [  # empty series dropped, "other" last
        {"id": "urban-agglomeration", "label": "Urban agglomeration", "counts": [1, 2, 3]},
        {"id": "other", "label": "Other", "counts": [0, 1, 0]},
    ]
    assert payload["window"] == {"from": T0.isoformat(), "to": (T0 + 24 * H).isoformat()}


def test_html_shows_fetched_strings_as_text_and_links_only_http(labels: Any) -> None:
    html = render_html(build(labels), labels, chart_src="cid:chart@example.org")
    soup = BeautifulSoup(html, "lxml")
    assert soup.find("script") is None
    assert soup.find("img", attrs={"onerror": True}) is None
    assert EVIL_TITLE in soup.get_text()  # shown as text
    assert '<img src=x onerror="alert(3)"> lead' in soup.get_text()
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "https://mirror.example.net/x" in hrefs
    # Email-safe: inline styles only, no <style>/<link>, layout tables, the chart by cid.
    assert soup.find("style") is None and soup.find("link") is None
    assert soup.find("table", attrs={"role": "presentation"}) is not None
    (img,) = soup.find_all("img")
    assert img["src"] == "cid:chart@example.org"
    # The chart's figures are also a plain table for clients that block images.
    cells = [td.get_text() for td in soup.find_all("td")]
    assert "Urban agglomeration" in cells and "6" in cells
    assert "Sources needing attention" in soup.get_text()
    assert "<b>503</b> from server" in soup.get_text()


def test_markdown_and_text_show_every_section(labels: Any) -> None:
    payload = build(labels)
    markdown = render_markdown(payload, labels, chart_file="chart.png")
    assert "<script>" not in markdown and "\\<script\\>alert(1)\\</script\\>" in markdown
    assert "(<javascript" not in markdown and "(javascript" not in markdown  # never links
    mirror = "[mirror.example.net/x](<https://mirror.example.net/x>)"
    assert f"Also at: {mirror}, javascript:" in markdown
    assert "![Documents per theme by week](chart.png)" in markdown
    assert "## Urban agglomeration / 城市群 (3)" in markdown
    assert "### Yangtze River Delta / 长三角" in markdown
    assert "### No specific region / 未指明地区" in markdown
    assert f"Also at: {mirror}" in markdown
    assert "title: “Draft” → “Revised \\<i\\>plan\\</i\\>”" in markdown
    assert "## Removed (1)" in markdown and "## Sources needing attention" in markdown
    text = render_text(payload, labels)
    assert EVIL_TITLE in text  # plain text: nothing to escape
    assert "    https://mirror.example.net/x" not in text  # also_at lines are labelled
    assert "    Also at: https://mirror.example.net/x" in text
    assert "ndrc: broken, 4 failed runs in a row" in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_atom_feed_has_one_entry_per_document_and_escapes_fetched_strings(labels: Any) -> None:
    first = build(labels, digest_id="d1")
    later = DigestData(
        start=T0 + 24 * H,
        end=T0 + 48 * H,
        new=[new_doc("later", themes=[theme("innovation", 0.7)], first_seen=T0 + 30 * H)],
        updated=[],
        removed=[],
        broken_sources=[],
    )
    second = build_digest(
        later, DigestSettings(), (T0 + 24 * H, T0 + 48 * H), T0 + 48 * H, labels, digest_id="d2"
    )
    xml = render_feed([second, first], "Monitor", labels)
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "Monitor"
    # Newest digest first; within a digest, the digest's order; then its update.
    assert [e.id for e in parsed.entries] == [
        "urn:agglowatch:document:later",
        "urn:agglowatch:document:evil",
        "urn:agglowatch:document:two-themes",
        "urn:agglowatch:document:no-region",
        "urn:agglowatch:document:untagged",
        "urn:agglowatch:document:u1:v3",
    ]
    by_id = {e.id.rsplit(":", 1)[-1]: e for e in parsed.entries}
    two = by_id["two-themes"]
    assert two.link == "https://example.org/two-themes"
    assert [t.term for t in two.tags] == ["urban-agglomeration", "innovation"]
    assert two.tags[0].label == "Urban agglomeration / 城市群"
    assert two.published.startswith("2026-01-02")
    assert {link.rel: link.href for link in two.links}["related"] == "d1/digest.html"
    assert by_id["v3"].title == "Updated: Revised <i>plan</i>"
    assert "title: Draft → Revised <i>plan</i>" in by_id["v3"].summary
    # The hostile title is XML text (feedparser hands it back as written, never as markup) ...
    evil = by_id["evil"]
    assert evil.title == EVIL_TITLE
    assert all(link.rel != "alternate" for link in evil.links)  # javascript: is never a link
    tree = etree.fromstring(xml)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert tree.find("a:link[@rel='alternate']", ns).get("href") == "d2/digest.html"
    titles = [t.text for t in tree.findall("a:entry/a:title", ns)]
    assert EVIL_TITLE in titles and b"<title><script>" not in xml
    # ... and the entry's HTML content shows it as text.
    contents = [c.text or "" for c in tree.findall("a:entry/a:content", ns)]
    evil_html = contents[1]
    assert "&lt;img src=x onerror" in evil_html and "<img" not in evil_html
    assert "&lt;b&gt;term&lt;/b&gt;" in evil_html
    assert BeautifulSoup(contents[2], "lxml").find("a", href="javascript:alert(2)") is None


def test_feed_lists_a_document_once_even_if_two_digests_carry_it(labels: Any) -> None:
    once = build(labels, digest_id="d1")
    again = build(labels, digest_id="d2")
    parsed = feedparser.parse(render_feed([again, once], "Monitor", labels))
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids)) == 5
    assert {link.rel: link.href for link in parsed.entries[0].links}["related"] == "d2/digest.html"


def test_chart_png_is_drawn_and_skipped_when_empty(labels: Any) -> None:
    from matplotlib.image import imread

    payload = build(labels)
    png = draw_chart(payload["chart"])
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    height, width, _ = imread(io.BytesIO(png)).shape
    assert (width, height) == (1184, 520)
    assert draw_chart({"weeks": ["2026-W01"], "themes": []}) is None
    assert draw_chart(None) is None


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine")
def test_html_digest_renders_in_headless_chromium(tmp_path: Path, labels: Any) -> None:
    import base64

    payload = build(labels)
    png = draw_chart(payload["chart"])
    assert png is not None
    page = tmp_path / "digest.html"
    chart_src = "data:image/png;base64," + base64.b64encode(png).decode()
    page.write_text(render_html(payload, labels, chart_src), encoding="utf-8")
    shot = tmp_path / "digest.png"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=800,2000",
        f"--screenshot={shot}",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert shot.stat().st_size > 10_000  # a page with text and a chart, not a blank image
