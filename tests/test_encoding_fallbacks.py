"""Chinese bytes behind the HTTP default latin-1 label, and undeclared Big5, decode as Chinese;
undeclared Latin-1 and Japanese pages are not taken for GBK."""

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


JA = (
    "東京圏の通勤鉄道は世界で最も混雑しているといわれる。首都圏の人口は約三千七百万人で、"
    "日本の総人口の約三割を占める。政府は多極分散型の国土づくりを進めてきた。"
)
FR = (
    "Les métropoles françaises coopèrent davantage : Lyon, Marseille et Lille élaborent des "
    "stratégies communes à l'échelle régionale, y compris pour les transports."
)


def page_in(text: str, codec: str) -> bytes:
    return f"<html><head><title>t</title></head><body><p>{text}</p></body></html>".encode(codec)


def test_undeclared_latin1_is_not_read_as_gbk() -> None:
    """Each accent is one high byte before an ASCII letter: GB18030 reads the pair "cleanly", as
    a rare extension character (m閠ropoles), which Chinese text is not made of."""
    text, codec = decode_body(page_in(FR, "iso-8859-1"), "text/html")
    assert FR in text and codec == "cp1252"


def test_undeclared_japanese_is_not_read_as_gbk_or_big5() -> None:
    for charset in ("shift_jis", "euc_jp"):
        text, _ = decode_body(page_in(JA, charset))
        assert JA in text, charset


def test_undeclared_gbk_with_a_few_chinese_words_in_english_is_still_gbk() -> None:
    body = "A note on Shanghai (上海) and the Yangtze River Delta (长三角) by 张伟. " * 3
    text, codec = decode_body(page_in(body, "gbk"))
    assert body in text and codec == "gb18030"
