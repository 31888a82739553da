"""The folder kind: files dropped into a folder, changed and deleted between runs."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import shutil
from pathlib import Path

import docx
import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from agglowatch.config import FetchSettings, FolderSource
from agglowatch.errors import FetchError
from agglowatch.records import Harvest, Validators
from sources.base import SourceContext
from sources.folder import FolderKind
from sources.http import Fetcher

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
NOW = dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.UTC)


def harvest(folder: Path, validators: dict[str, Validators]) -> Harvest:
    config = FolderSource(name="inbox", kind="folder", path=str(folder))

    async def go() -> Harvest:
        async with Fetcher(FetchSettings()) as fetcher:
            context = SourceContext(
                config=config, fetcher=fetcher.for_source(config.name, validators), now=NOW
            )
            return await FolderKind().harvest(context)

    return asyncio.run(go())


def pdf_bytes() -> bytes:
    figure = Figure()
    figure.text(0.05, 0.9, "Pearl River Delta carbon neutrality outlook")
    figure.text(0.05, 0.8, "The Greater Bay Area sets out its plan for carbon peaking by 2030.")
    buffer = io.BytesIO()
    with mpl.rc_context({"pdf.fonttype": 42}):
        figure.savefig(buffer, format="pdf")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.core_properties.title = "关中平原城市群发展报告"
    document.add_paragraph("关中平原城市群发展报告")
    document.add_paragraph("关中平原城市群是西部地区重要的城市群，科技创新资源丰富。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "2024").mkdir(parents=True)
    note = "京津冀协同发展十年回顾\n发布时间：2024年2月26日\n\n京津冀协同发展取得显著成效。\n"
    (folder / "note.txt").write_bytes(note.encode("gbk"))
    shutil.copy(FIXTURES / "article-en.html", folder / "release.HTML")
    (folder / "2024" / "outlook.pdf").write_bytes(pdf_bytes())
    (folder / "report.docx").write_bytes(docx_bytes())
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a document")
    (folder / ".hidden.txt").write_text("editor swap file")
    (folder / "~$report.docx").write_bytes(b"lock")
    return folder


def test_folder_lists_and_parses_every_kind_of_file(inbox: Path) -> None:
    validators: dict[str, Validators] = {}
    result = harvest(inbox, validators)
    names = sorted(Path(url).name for url in result.listed_urls)
    assert names == ["note.txt", "outlook.pdf", "release.HTML", "report.docx"]
    assert result.complete_listing and not result.stats.errors
    by_name = {Path(d.url).name: d for d in result.documents}
    assert by_name["note.txt"].title == "京津冀协同发展十年回顾"
    assert by_name["note.txt"].published == dt.date(2024, 2, 26)
    assert "carbon peaking by 2030" in by_name["outlook.pdf"].text
    assert by_name["report.docx"].title == "关中平原城市群发展报告"
    assert by_name["release.HTML"].published == dt.date(2023, 1, 16)
    assert all(d.url.startswith("file:///") and d.listing_url == d.url for d in result.documents)
    assert all(validators[url].content_hash for url in result.listed_urls)


def test_changed_file_is_reread_and_deleted_file_is_not_listed(inbox: Path) -> None:
    validators: dict[str, Validators] = {}
    harvest(inbox, validators)
    (inbox / "note.txt").write_bytes("京津冀协同发展十年回顾（修订）\n\n新增内容。\n".encode("gbk"))
    (inbox / "release.HTML").unlink()
    before = dict(validators)  # what the runner keeps to save only what changed
    result = harvest(inbox, validators)
    note = (inbox / "note.txt").resolve().as_uri()
    assert before[note].content_hash != validators[note].content_hash
    assert [Path(d.url).name for d in result.documents] == ["note.txt"]
    assert result.documents[0].title == "京津冀协同发展十年回顾（修订）"
    names = sorted(Path(url).name for url in result.listed_urls)
    assert names == ["note.txt", "outlook.pdf", "report.docx"]
    assert result.complete_listing


def test_broken_file_is_an_error_but_still_listed(inbox: Path) -> None:
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    validators: dict[str, Validators] = {}
    result = harvest(inbox, validators)
    assert len(result.documents) == 4
    assert len(result.stats.errors) == 1 and "broken.pdf" in result.stats.errors[0]
    broken = (inbox / "broken.pdf").resolve().as_uri()
    assert broken in result.listed_urls and broken not in validators  # retried next run


def test_missing_folder_fails_the_source(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no such folder"):
        harvest(tmp_path / "nowhere", {})
