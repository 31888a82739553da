"""Chinese bytes behind the HTTP default latin-1 label, and undeclared Big5, decode as Chinese."""

from __future__ import annotations

from parsers.encoding import decode_body

ZH = (
    "长江中游城市群是以武汉、长沙、南昌为中心的特大型城市群，近年来三省共同推进基础设施互联互通，"
    "城际铁路网络不断完善，区域协同发展取得明显成效。规划还提出要加强生态环境共保联治。"
)
TW = (
    "長江中游城市群是以武漢、長沙、南昌為中心的特大型城市群，近年來三省共同推進基礎設施互聯互通，"
    "城際鐵路網路不斷完善，區域協同發展取得明顯成效。規劃還提出要加強生態環境共保聯治。"
)


def html(text: str) -> str:
    return f"<html><head><title>规划</title></head><body><h1>城市群</h1><p>{text}</p></body></html>"


def test_gbk_page_behind_a_latin1_header_is_read_as_gbk() -> None:
    page = html(ZH).encode("gbk")
    text, codec = decode_body(page, "text/html; charset=iso-8859-1")
    assert ZH in text and codec == "gb18030"


def test_latin1_page_behind_a_latin1_header_stays_latin1() -> None:
    body = "Café culture in Zürich: Müller's crème brûlée, naïve façades and Ærø ferries. " * 5
    page = html(body).replace("规划", "x").replace("城市群", "y").encode("cp1252")
    text, codec = decode_body(page, "text/html; charset=iso-8859-1")
    assert body in text and codec == "cp1252"


def test_undeclared_big5_is_not_read_as_gbk() -> None:
    page = html(TW).replace("规划", "規劃").encode("big5")
    text, codec = decode_body(page, "text/html")
    assert TW in text and codec.startswith("big5")


def test_undeclared_gbk_is_still_gbk() -> None:
    text, codec = decode_body(html(ZH).encode("gbk"), "text/html")
    assert ZH in text and codec == "gb18030"
