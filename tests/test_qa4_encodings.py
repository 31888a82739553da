"""Japanese, Korean, Big5 and GBK pages behind a wrong charset label decode as what they are.

GB18030 reads Shift_JIS, EUC-JP and EUC-KR bytes without a single error, so a Japanese or Korean
page whose label was wrong (a server's default utf-8 or iso-8859-1) was stored as nonsense
Chinese: mojibake titles in the run report, a wrong language, no match for any term. And the
Chinese pages the tests ship, in GBK, must still read as GBK.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from parsers.encoding import GB_BIG5_EVIDENCE, decode_body
from tests.e2e_site import Site
from tests.test_pipeline_e2e import ROOT, run_once
from tests.test_rounds_of_change import digest_now, html_config

JA_TITLE = "首都圏の都市集積と新しいインフラ"
JA = (
    "日本の首都圏では、新しいインフラの整備が急速に進んでいます。政府は二〇三〇年までに、"
    "データセンターと高速通信網を全国に広げる計画を発表しました。専門家は、地域間の協力と"
    "公共サービスの共有が重要だと指摘しています。"
)
KO_TITLE = "수도권 도시집적과 신인프라"
KO = (
    "정부는 수도권과 지방의 균형 발전을 위해 새로운 교통망을 구축하고, 데이터 센터를 지방 "
    "도시에 분산 배치하는 계획을 발표했다. 전문가들은 지역 간 협력과 공공 서비스 공유가 "
    "중요하다고 지적했다."
)


def page(title: str, text: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{text}</p></article></body></html>"
    )


@pytest.mark.parametrize("label", ["utf-8", "iso-8859-1", None])
@pytest.mark.parametrize(
    ("title", "text", "codec"),
    [(JA_TITLE, JA, "shift_jis"), (JA_TITLE, JA, "euc_jp"), (KO_TITLE, KO, "euc_kr")],
)
def test_japanese_and_korean_under_a_wrong_label(
    title: str, text: str, codec: str, label: str | None
) -> None:
    content_type = f"text/html; charset={label}" if label else "text/html"
    decoded, used = decode_body(page(title, text).encode(codec), content_type)
    assert text in decoded and title in decoded, used


def chinese_fixture_texts() -> list[str]:
    """The Chinese texts of the shipped page fixtures (decoded as the parser reads them)."""
    texts = []
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.html")):
        text, _ = decode_body(path.read_bytes())
        if sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 50:
            texts.append(text)
    return texts


def test_chinese_pages_in_gbk_are_never_taken_for_japanese_or_korean() -> None:
    texts = chinese_fixture_texts()
    assert len(texts) >= 20
    for text in texts:
        data = text.encode("gb18030", errors="ignore")
        decoded, codec = decode_body(data, "text/html")
        assert codec == "gb18030" and decoded == data.decode("gb18030")


def test_a_shift_jis_page_behind_a_utf8_header_is_reported_in_japanese(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    site = Site(httpserver)
    site.put("/copies/", "<html><body></body></html>")
    site.put("/news/", '<html><body><a href="/news/ja.html">ja</a></body></html>')
    site.put("/news/ja.html", page(JA_TITLE, JA).encode("shift_jis"), "text/html; charset=utf-8")
    site.install()
    config = html_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", site)
    report = run_once(config)
    assert [doc["title"] for doc in report["new"]] == [JA_TITLE]
    assert digest_now(config)["stats"]["documents"] == 1


TW = (
    "長江中游城市群是以武漢、長沙、南昌為中心的特大型城市群，近年來三省共同推進基礎設施互聯互通，"
    "城際鐵路網路不斷完善，區域協同發展取得明顯成效。規劃還提出要加強生態環境共保聯治。"
)
ZH = (
    "长江中游城市群是以武汉、长沙、南昌为中心的特大型城市群，近年来三省共同推进基础设施互联互通，"
    "城际铁路网络不断完善，区域协同发展取得明显成效。规划还提出要加强生态环境共保联治。"
)


@pytest.mark.parametrize(
    ("text", "codec", "header", "meta"),
    [
        (TW, "big5", "gbk", None),  # a server's default label on a Big5 page
        (TW, "big5", "gbk", "big5"),  # the header and the page's own <meta> disagree
        (TW, "big5", None, "gb2312"),  # a template's wrong <meta>
        (ZH, "gbk", "big5", None),
        (ZH, "gbk", "big5", "gbk"),
    ],
)
def test_gb_and_big5_under_each_others_label(
    text: str, codec: str, header: str | None, meta: str | None
) -> None:
    head = f'<meta charset="{meta}">' if meta else ""
    paragraphs = f"<p>{text}</p>" * 3
    body = f"<html><head>{head}<title>城市群</title></head><body>{paragraphs}</body></html>"
    content_type = f"text/html; charset={header}" if header else "text/html"
    decoded, used = decode_body(body.encode(codec), content_type)
    assert text in decoded, used


@pytest.mark.parametrize("label", ["gbk", "big5"])
def test_gbk_pages_stay_gbk_under_either_label(label: str) -> None:
    """Pages with text enough to doubt a label by (a few characters are left to their label)."""
    for text in chinese_fixture_texts():
        data = text.encode("gb18030", errors="ignore")
        if sum(1 for byte in data if byte >= 0x80) < GB_BIG5_EVIDENCE:
            continue
        decoded, codec = decode_body(data, f"text/html; charset={label}")
        assert codec == "gb18030" and decoded == data.decode("gb18030")


@pytest.mark.parametrize("label", ["utf-16", "utf-16le", "UTF-32"])
def test_a_utf16_label_on_8bit_bytes_is_not_believed(label: str) -> None:
    body = f"<html><head><title>城市群</title></head><body><p>{ZH}</p></body></html>"
    for codec in ("gbk", "utf-8"):
        decoded, used = decode_body(body.encode(codec), f"text/html; charset={label}")
        assert ZH in decoded, (codec, used)


def test_bomless_utf16_behind_its_label_still_reads() -> None:
    body = f"<html><head><title>城市群</title></head><body><p>{ZH}</p></body></html>"
    for codec, label in (
        ("utf-16-le", "utf-16le"),
        ("utf-16-le", "utf-16"),
        ("utf-16-be", "utf-16be"),
    ):
        decoded, _ = decode_body(body.encode(codec), f"text/html; charset={label}")
        assert ZH in decoded, label
