"""parsers/pdf.py, parsers/docx.py, parsers/plaintext.py: file bytes → DocumentRecord."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import matplotlib as mpl
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader, PdfWriter

from agglowatch.errors import ParseError
from parsers.docx import parse_docx
from parsers.pdf import find_doi, parse_pdf, reflow
from parsers.plaintext import parse_text


def make_pdf(lines: list[str], metadata: dict[str, object] | None = None) -> bytes:
    """A real one-page PDF with a text layer, drawn by matplotlib's PDF backend."""
    figure = Figure()
    for index, line in enumerate(lines):
        figure.text(0.05, 0.92 - 0.06 * index, line)
    buffer = io.BytesIO()
    with mpl.rc_context({"pdf.fonttype": 42}):
        figure.savefig(buffer, format="pdf", metadata=metadata or {})
    return buffer.getvalue()


REPORT_LINES = [
    "Urban agglomerations and new infrastructure",
    "The Yangtze River Delta leads in 5G base stations and data centres.",
    "doi:10.1007/S11442-019-1682-6.",
]


def test_pdf_text_and_metadata() -> None:
    content = make_pdf(
        REPORT_LINES,
        {
            "Title": "New Infrastructure and Urban Agglomerations",
            "Author": "Fang Chuanglin; Wang Zhenbo",
            "Keywords": "urban agglomeration, new infrastructure",
            "CreationDate": dt.datetime(2023, 1, 16, 10, 30, tzinfo=dt.UTC),
        },
    )
    record = parse_pdf(content, "http://example.org/report.pdf", source="s")
    assert record.title == "New Infrastructure and Urban Agglomerations"
    assert "Yangtze River Delta leads in 5G" in record.text
    assert record.authors == ["Fang Chuanglin", "Wang Zhenbo"]
    assert record.keywords == ["urban agglomeration", "new infrastructure"]
    assert record.published == dt.date(2023, 1, 16)
    assert record.doi == "10.1007/s11442-019-1682-6"
    assert record.language == "en"
    assert record.extra["title_from"] == "metadata"


def test_pdf_junk_metadata_title_falls_back_to_first_line() -> None:
    content = make_pdf(REPORT_LINES, {"Title": "Microsoft Word - draft3.docx"})
    record = parse_pdf(content, "http://example.org/r.pdf", source="s")
    assert record.title == "Urban agglomerations and new infrastructure"
    assert record.extra["title_from"] == "text"


def test_encrypted_pdf_is_a_parse_error() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(REPORT_LINES))))
    writer.encrypt("secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ParseError, match="encrypted"):
        parse_pdf(buffer.getvalue(), "http://example.org/locked.pdf", source="s")


@pytest.mark.parametrize("content", [b"%PDF-1.7\n garbage garbage", b"<html>not a pdf</html>", b""])
def test_broken_pdf_is_a_parse_error(content: bytes) -> None:
    with pytest.raises(ParseError):
        parse_pdf(content, "http://example.org/broken.pdf", source="s")


def test_pdf_without_text_layer_is_a_parse_error() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ParseError, match="no text layer"):
        parse_pdf(buffer.getvalue(), "http://example.org/scan.pdf", source="s")


def test_reflow_joins_wrapped_lines_into_paragraphs() -> None:
    chinese = (
        "城市群建设\n城市群是新型城镇化的主体形态，是支撑\n全国经济增长的重要平台。\n第二段。\n"
    )
    assert reflow(chinese).split("\n\n") == [
        "城市群建设",
        "城市群是新型城镇化的主体形态，是支撑全国经济增长的重要平台。",
        "第二段。",
    ]
    english = (
        "A paragraph that is long enough to set the width of the page and then\n"
        "wraps onto a second line of about the same length, which is hy-\n"
        "phenated at its end, and ends.\n"
        "\nAnother paragraph.\n"
    )
    assert reflow(english).split("\n\n") == [
        "A paragraph that is long enough to set the width of the page and then wraps onto a"
        " second line of about the same length, which is hyphenated at its end, and ends.",
        "Another paragraph.",
    ]


def test_find_doi_strips_trailing_punctuation() -> None:
    assert find_doi("见 https://doi.org/10.11821/DLXB202301001。") == "10.11821/dlxb202301001"
    assert find_doi("no identifier here") is None


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "成渝地区双城经济圈建设进展"
    document.core_properties.author = "张三、李四"
    document.core_properties.keywords = "城市群；成渝"
    document.core_properties.created = dt.datetime(2023, 3, 1, 8, 0)
    document.core_properties.language = "zh-CN"
    document.add_paragraph("成渝地区双城经济圈建设进展")
    document.add_paragraph("成渝地区双城经济圈是西部高质量发展的重要增长极。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "指标"
    table.rows[0].cells[1].text = "数值"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_text_and_core_properties() -> None:
    record = parse_docx(make_docx(), "file:///tmp/a.docx", source="s")
    assert record.title == "成渝地区双城经济圈建设进展"
    assert record.text.startswith("成渝地区双城经济圈是西部高质量发展的重要增长极。")
    assert "指标 | 数值" in record.text
    assert record.authors == ["张三", "李四"]
    assert record.keywords == ["城市群", "成渝"]
    assert record.published == dt.date(2023, 3, 1)
    assert record.language == "zh"


def test_docx_zip_bomb_and_garbage_are_parse_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("parsers.docx.MAX_UNCOMPRESSED", 100_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 1_000_000)
    with pytest.raises(ParseError, match="inflates"):
        parse_docx(buffer.getvalue(), "file:///tmp/bomb.docx", source="s")
    with pytest.raises(ParseError, match="not a readable DOCX"):
        parse_docx(b"PK\x03\x04 nonsense", "file:///tmp/bad.docx", source="s")


def test_plain_text_in_gbk_title_is_first_line_and_date_is_read() -> None:
    content = (
        "\n\n  长三角一体化发展新动向\n发布时间：2023-01-16 10:30\n\n正文第一段。\n\n正文第二段。\n"
    )
    record = parse_text(content.encode("gbk"), "file:///tmp/n.txt", source="s")
    assert record.title == "长三角一体化发展新动向"
    assert record.published == dt.date(2023, 1, 16)
    assert record.text.endswith("正文第一段。\n\n正文第二段。")
    assert record.language == "zh"


def test_empty_text_file_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_text(b" \n\t\n", "file:///tmp/e.txt", source="s")
