"""The run report rendered as Markdown, the table artifact rows, and the files on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reports.labels import Labels, load_labels
from reports.markup import md_escape, md_link, safe_href, shorten
from reports.run_report import new_documents_table, render_report_markdown, write_report_files


def sample_report() -> dict[str, Any]:
    return {
        "run_id": "2026-01-05T08-00-00Z-ab12",
        "started": "2026-01-05T08:00:00+00:00",
        "finished": "2026-01-05T08:03:12+00:00",
        "status": "partial",
        "sources": [
            {
                "name": "cdrf-news",
                "status": "ok",
                "requests": 12,
                "not_modified": 3,
                "bytes": 1_250_000,
                "items": 9,
                "new": 2,
                "error": None,
                "failures_in_row": 0,
                "last_ok": "2026-01-05T08:03:00+00:00",
            },
            {
                "name": "ndrc-policy",
                "status": "broken",
                "requests": 4,
                "not_modified": 0,
                "bytes": 0,
                "items": 0,
                "new": 0,
                "error": "HTTP 503 | <b>down</b>",
                "failures_in_row": 4,
                "last_ok": "2025-12-28T08:00:00+00:00",
            },
            {
                "name": "empty-feed",
                "status": "empty",
                "requests": 1,
                "not_modified": 0,
                "bytes": 200,
                "items": 0,
                "new": 0,
                "error": None,
                "failures_in_row": 2,
                "last_ok": None,
            },
        ],
        "new": [
            {
                "id": "d1",
                "url": "https://example.org/a",
                "title": "城市群 new infrastructure",
                "themes": ["new-infrastructure", "urban-agglomeration"],
            },
            {
                "id": "d2",
                "url": "https://example.org/b",
                "title": "<script>alert(1)</script>",
                "themes": ["urban-agglomeration"],
            },
            {"id": "d3", "url": "javascript:alert(1)", "title": "Untagged [x](y)", "themes": []},
        ],
        "updated": [
            {
                "id": "d4",
                "url": "https://example.org/c",
                "title": "Revised plan",
                "changes": {
                    "title": ["Draft plan", "Revised plan"],
                    "published": ["2025-12-01", "2025-12-02"],
                    "text": {
                        "added": 3,
                        "removed": 1,
                        "excerpt_added": ["新增了关于京津冀协同发展的一段话。"],
                        "excerpt_removed": ["Old sentence."],
                    },
                },
            },
        ],
        "removed": [{"id": "d5", "url": "https://example.org/gone", "title": "Withdrawn notice"}],
        "duplicates": [
            {
                "url": "https://mirror.example.net/a",
                "duplicate_of": {
                    "id": "d1",
                    "url": "https://example.org/a",
                    "seed": False,
                    "similarity": 0.953,
                },
            },
            {
                "url": "https://example.org/seedcopy",
                "duplicate_of": {"id": "cdrf-2023.txt", "url": None, "seed": True, "similarity": 1},
            },
        ],
        "totals": {
            "new": 3,
            "updated": 1,
            "removed": 1,
            "duplicates": 2,
            "unchanged": 40,
            "errors": 1,
        },
    }


def test_report_markdown_has_every_section_in_readable_form(tmp_path: Path) -> None:
    (tmp_path / "themes.yaml").write_text(
        "themes:\n  - {id: new-infrastructure, label_en: New infrastructure, label_zh: 新基建}\n"
        "  - {id: urban-agglomeration, label_en: Urban agglomeration, label_zh: 城市群}\n",
        encoding="utf-8",
    )
    text = render_report_markdown(sample_report(), load_labels(tmp_path / "themes.yaml"))

    assert text.startswith("# Run report — partial\n")
    assert "- Duration: 3 min 12 s" in text
    assert "| 3 | 1 | 1 | 2 | 40 | 1 |" in text
    # New documents grouped by (first) theme, in taxonomy order, untagged last.
    new_part = text.split("## New documents (3)")[1].split("## Updated")[0]
    headings = re.findall(r"^### (.+)$", new_part, flags=re.M)
    assert headings == [
        "New infrastructure / 新基建 (1)",
        "Urban agglomeration / 城市群 (1)",
        "Other / 其他 (1)",
    ]
    assert (
        "[城市群 new infrastructure](<https://example.org/a>) — also: Urban agglomeration" in text
    )
    # Updated with old → new and text +n/−n with an excerpt.
    assert "title: “Draft plan” → “Revised plan”" in text
    assert "published: 2025\\-12\\-01" not in text  # no needless escaping mid-line
    assert "published: 2025-12-01 → 2025-12-02" in text
    assert "text: +3 / −1 sentences" in text
    assert "新增了关于京津冀协同发展的一段话。" in text
    assert "[Withdrawn notice](<https://example.org/gone>)" in text
    assert "duplicate of [d1](<https://example.org/a>) (similarity 0.95)" in text
    assert "duplicate of seed document cdrf-2023.txt (similarity 1.00)" in text


def test_report_markdown_escapes_fetched_strings_and_unsafe_links() -> None:
    text = render_report_markdown(sample_report())
    assert "<script>" not in text
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "javascript" not in text
    assert "- Untagged \\[x\\](y)" in text  # shown, not linked
    # Errors inside the health table cannot break its columns.
    row = next(line for line in text.splitlines() if line.startswith("| ndrc-policy"))
    assert row.count(" | ") == 9
    assert "HTTP 503 \\| \\<b\\>down\\</b\\>" in row


def test_report_markdown_source_health_names_broken_and_empty() -> None:
    text = render_report_markdown(sample_report())
    health = text.split("## Source health")[1]
    assert (
        "| ndrc-policy | **broken** | 4 | 0 | 0 B | 0 | 0 | 4 | 2025-12-28 08:00:00 UTC |" in health
    )
    assert "| cdrf-news | ok | 12 | 3 | 1.2 MB |" in health
    assert "| empty-feed | **empty** |" in health
    assert "Needs attention: ndrc-policy (broken), empty-feed (empty)." in health


def test_report_markdown_tolerates_a_half_built_report() -> None:
    text = render_report_markdown({"run_id": "r1", "status": "failed", "new": "oops"})
    assert "# Run report — failed" in text
    assert "## New documents\n\nNone." in text
    assert "No sources ran." in text


def test_new_documents_table_rows_are_plain_strings() -> None:
    rows = new_documents_table(sample_report())
    assert rows[0] == {
        "title": "城市群 new infrastructure",
        "url": "https://example.org/a",
        "themes": "new-infrastructure, urban-agglomeration",
        "id": "d1",
    }
    assert rows[1]["title"] == "<script>alert(1)</script>"  # the artifact table escapes itself
    assert rows[2]["themes"] == ""


def test_write_report_files_atomically_under_the_run_folder(tmp_path: Path) -> None:
    report = sample_report()
    paths = write_report_files(report, tmp_path / "out", Labels())
    folder = tmp_path / "out" / "runs" / "2026-01-05T08-00-00Z-ab12"
    assert paths == [folder / "report.json", folder / "report.md"]
    assert json.loads(paths[0].read_text(encoding="utf-8")) == report
    assert paths[1].read_text(encoding="utf-8") == render_report_markdown(report)
    assert sorted(p.name for p in folder.iterdir()) == ["report.json", "report.md"]  # no temp left
    # A run id cannot escape the runs folder.
    (evil,) = {p.parent for p in write_report_files({"run_id": "../../x"}, tmp_path / "out")}
    assert evil.parent == tmp_path / "out" / "runs"


def test_markup_helpers() -> None:
    assert safe_href("javascript:alert(1)") is None
    assert safe_href("data:text/html,x") is None
    assert safe_href("//example.org/x") is None
    assert safe_href('https://example.org/a b"<x>') == "https://example.org/a%20b%22%3Cx%3E"
    assert md_link("t", "ftp://example.org") == "t"
    assert md_escape("1. not a list") == "1\\. not a list"
    assert md_escape("# not a heading") == "\\# not a heading"
    # Chinese counts two columns: 10 columns hold 4 characters and the ellipsis.
    assert shorten("城市群高质量发展研究", 10) == "城市群高…"
    assert shorten("第一句话。第二句话很长很长", 16) == "第一句话。"
    assert shorten("short", 10) == "short"
