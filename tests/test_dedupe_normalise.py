"""Identity and matching form: canonical URLs, ids, chrome removal, the text hash."""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agglowatch.errors import ParseError
from agglowatch.records import DocumentRecord
from dedupe.normalise import (
    EMPTY_TEXT_HASH,
    canonical_url,
    doc_id_for,
    is_chrome,
    match_text,
    normalise,
    normalise_doi,
    text_hash,
)

CANONICAL_CASES = [
    # scheme, host, default port, fragment
    ("HTTP://WWW.Example.COM:80/News/A.html#top", "http://www.example.com/News/A.html"),
    ("https://example.com:443", "https://example.com/"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("https://example.com./a", "https://example.com/a"),
    # tracking parameters dropped, the rest sorted
    ("https://e.cn/a?utm_source=wx&utm_medium=share&id=7", "https://e.cn/a?id=7"),
    ("https://e.cn/a?spm=a2c4.b&from=timeline&isappinstalled=0", "https://e.cn/a"),
    ("https://e.cn/a?b=2&a=1&fbclid=x&gclid=y", "https://e.cn/a?a=1&b=2"),
    ("https://e.cn/a?UTM_Campaign=x&page=2", "https://e.cn/a?page=2"),
    ("https://e.cn/a?print&id=3", "https://e.cn/a?id=3&print"),
    ("https://e.cn/a?id=", "https://e.cn/a?id="),
    # WeChat: __biz/mid/idx/sn are the article; chksm, scene, sharer_* are the share
    (
        "https://mp.weixin.qq.com/s?__biz=MzA5&mid=2650&idx=1&sn=ab12&chksm=8b7c&scene=21"
        "&sharer_sharetime=1&pass_ticket=zz&lang=zh_CN#wechat_redirect",
        "https://mp.weixin.qq.com/s?__biz=MzA5&idx=1&mid=2650&sn=ab12",
    ),
    ("https://mp.weixin.qq.com/s/AbC-dEf_123?scene=1", "https://mp.weixin.qq.com/s/AbC-dEf_123"),
    # percent-encoding spelled one way; paths otherwise kept (case, index.html, trailing slash)
    ("https://e.cn/%e5%9f%8e%e5%b8%82", "https://e.cn/%E5%9F%8E%E5%B8%82"),
    ("https://e.cn/城市群/", "https://e.cn/%E5%9F%8E%E5%B8%82%E7%BE%A4/"),
    ("https://e.cn/%7Euser/%41", "https://e.cn/~user/A"),
    ("https://e.cn/a b?q=城", "https://e.cn/a%20b?q=%E5%9F%8E"),
    ("https://e.cn/100%", "https://e.cn/100%25"),
    ("https://e.cn/a/index.html", "https://e.cn/a/index.html"),
    ("https://e.cn/a/", "https://e.cn/a/"),
    # dot segments resolved, as a browser does
    ("https://e.cn/a/./b/../c.html", "https://e.cn/a/c.html"),
    ("https://e.cn/news/../../x.html", "https://e.cn/x.html"),
    ("https://e.cn/a/b/..", "https://e.cn/a/"),
    ("https://e.cn/a/.", "https://e.cn/a/"),
    ("https://e.cn/a/..b/.c.html", "https://e.cn/a/..b/.c.html"),
    # single-page-app routes are identity, anchors are not
    ("https://e.cn/#/article/12", "https://e.cn/#/article/12"),
    ("https://e.cn/app#!/news/3", "https://e.cn/app#!/news/3"),
    # IDN and IPv6 hosts
    ("https://城市群.中国/a", "https://xn--uis47l9y5a.xn--fiqs8s/a"),
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    # other schemes: scheme lower-cased, fragment dropped, nothing else touched
    ("FILE:///data/Seeds/a.txt#x", "file:///data/Seeds/a.txt"),
]


@pytest.mark.parametrize(("url", "expected"), CANONICAL_CASES)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    for url, _ in CANONICAL_CASES:
        once = canonical_url(url)
        assert canonical_url(once) == once, url


def test_canonical_url_keeps_non_tracking_parameters_on_other_hosts() -> None:
    """lang/version are reader noise on WeChat only; elsewhere they may select another page."""
    assert canonical_url("https://e.org/a?lang=en&version=2") == "https://e.org/a?lang=en&version=2"


def test_doc_id_prefers_doi_and_is_stable() -> None:
    by_doi = doc_id_for("https://a.org/x", "10.11821/DLXB202112001")
    assert by_doi == doc_id_for("https://b.org/y", "https://doi.org/10.11821/dlxb202112001")
    assert by_doi != doc_id_for("https://a.org/x", None)
    assert len(by_doi) == 16 and int(by_doi, 16) >= 0
    # stable across runs and machines: a plain sha256, not Python's salted hash()
    assert doc_id_for("https://a.org/x", None) == sha256(b"url:https://a.org/x").hexdigest()[:16]
    assert doc_id_for("https://a.org/x", "  ") == doc_id_for("https://a.org/x", None)


def test_normalise_doi() -> None:
    assert normalise_doi("doi: 10.1000/ABC ") == "10.1000/abc"
    assert normalise_doi("http://dx.doi.org/10.1000/x") == "10.1000/x"


CHROME = [
    "Welcome to the China Development Research Foundation",
    "中文 Add to favourites Set homepage",
    "Return list",
    "【字体：大 中 小】 【打印本页】 【关闭窗口】",
    "返回列表",
    "责任编辑：王某",
    "（责任编辑：王某、李某）",
    "来源：新华社",
    "2023-01-16 10:30　来源：人民网",
    "发布时间：2023年01月16日",
    "分享到：微信 微博 QQ空间",
    "版权所有：某某网站　京ICP备00000000号",
    "Copyright © 2023 Example. All rights reserved.",
    "首页 > 新闻中心 > 工作动态",
    "Share: Facebook Twitter LinkedIn",
    "— END —",
    "預覽時標籤不可點",
]
TEXT = [
    "Report on New Infrastructure and High-Quality Development of Urban Agglomerations Released",
    "会议指出，过去一年，川渝两地共同实施的重大项目累计完成投资超过四千亿元。",
    "来源：国家统计局的数据显示，城市群集聚了全国四分之三以上的人口，创造了八成以上的经济总量，"
    "成为支撑全国经济增长、促进区域协调发展、参与国际竞争合作的重要平台和主要载体。",
    "中国",
    "Home prices in core cities push young workers to satellite cities.",
    "(c) the agglomeration shall coordinate land quotas",
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome_lines_are_recognised(line: str) -> None:
    from agglowatch.textnorm import fold

    assert is_chrome(fold(line))


@pytest.mark.parametrize("line", TEXT)
def test_text_lines_are_kept(line: str) -> None:
    from agglowatch.textnorm import fold

    assert not is_chrome(fold(line))


def test_match_text_drops_chrome_and_folds() -> None:
    text = "Welcome to the Site\n\n城市群高質量發展\nＧＤＰ　增長\nReturn list\n"
    assert match_text(text) == "城市群高质量发展\ngdp 增长"


BASE = "城市群是新型城镇化的主体形态。2023年，12个城市群的GDP占全国的3/4！\n\nHigh-quality growth."
VARIANTS = [
    "城市群是新型城镇化的主体形态 2023年 12个城市群的GDP占全国的3/4\nHigh quality growth",
    "  城市群是新型城镇化的主体形态。\n2023年，12个城市群的GDP占全国的3/4！High-quality   growth.",
    "城市群是新型城镇化的主体形态。２０２３年，１２个城市群的ＧＤＰ占全国的３/４！"
    "High-quality growth.",
    "“城市群”是新型城镇化的主体形态……2023年、12个城市群的gdp占全国的3/4；high-quality growth!",
    opencc.OpenCC("s2t").convert(BASE),
    "Return list\n" + BASE + "\n责任编辑：李某\n分享到：微信 微博",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_text_hash_ignores_whitespace_punctuation_width_script_and_chrome(variant: str) -> None:
    assert text_hash(match_text(variant)) == text_hash(match_text(BASE))


def test_text_hash_sees_real_changes() -> None:
    assert text_hash(match_text(BASE.replace("2023", "2024"))) != text_hash(match_text(BASE))
    assert text_hash(match_text(BASE.replace("主体", "重要"))) != text_hash(match_text(BASE))
    assert text_hash("") == EMPTY_TEXT_HASH


def record(**fields: object) -> DocumentRecord:
    values: dict[str, object] = {"source": "s", "url": "https://www.e.cn/a/1.html", "title": "T"}
    values["text"] = "城市群是新型城镇化的主体形态。"
    values.update(fields)
    return DocumentRecord(**values)  # type: ignore[arg-type]


def test_normalise_fills_identity_and_matching_form() -> None:
    doc = normalise(record(url="https://WWW.e.cn/a/1.html?utm_source=x#p2"))
    assert doc.canonical_url == "https://www.e.cn/a/1.html"
    assert doc.doc_id == doc_id_for("https://www.e.cn/a/1.html", None)
    assert doc.match_text == "城市群是新型城镇化的主体形态。"
    assert doc.text_hash == text_hash(doc.match_text)


def test_normalise_uses_doi_for_the_id() -> None:
    doc = normalise(record(doi="10.1/X"))
    assert doc.doc_id == doc_id_for("ignored", "10.1/x")


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("https://e.cn/a/1.html?from=groupmessage", "https://e.cn/a/1.html"),  # same site
        ("/a/1.html", "https://www.e.cn/a/1.html"),  # relative
        ("https://m.e.cn/a/1.html", "https://m.e.cn/a/1.html"),  # mobile host, same site
        ("https://www.e.cn/", "https://www.e.cn/a/2.html"),  # template declares the home page
        ("https://other.org/a/1.html", "https://www.e.cn/a/2.html"),  # another site: not trusted
        ("javascript:void(0)", "https://www.e.cn/a/2.html"),
    ],
)
def test_declared_canonical_is_used_only_when_plausible(declared: str, expected: str) -> None:
    doc = normalise(record(url="https://www.e.cn/a/2.html", canonical_url=declared))
    assert doc.canonical_url == expected


def test_normalise_falls_back_to_the_abstract() -> None:
    doc = normalise(record(text="  ", abstract="Abstract of the article."))
    assert doc.match_text == "abstract of the article."


def test_normalise_without_address_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no URL or DOI"):
        normalise(record(url=" "))


_SEGMENT = st.text(alphabet=st.sampled_from("aZ09-._~%/城市 &?=#+"), max_size=12)
_PARAM = st.sampled_from(["id", "page", "utm_source", "spm", "from", "lang", "q", "__biz", "sn"])


@given(
    scheme=st.sampled_from(["http", "HTTPS", "https"]),
    host=st.from_regex(r"[a-zA-Z0-9]{1,8}(\.[a-zA-Z]{2,4}){1,2}", fullmatch=True),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=_SEGMENT,
    query=st.lists(st.tuples(_PARAM, _SEGMENT), max_size=4),
    fragment=_SEGMENT,
)
def test_canonical_url_properties(
    scheme: str, host: str, port: str, path: str, query: list[tuple[str, str]], fragment: str
) -> None:
    """Idempotent, lower-case scheme and host, no tracking parameters, whatever the input."""
    pairs = "&".join(f"{name}={value}" for name, value in query)
    url = f"{scheme}://{host}{port}/{path}?{pairs}#{fragment}"
    once = canonical_url(url)
    assert canonical_url(once) == once
    parts = urlsplit(once)
    assert parts.scheme == scheme.lower() and parts.hostname == host.lower()
    names = {piece.partition("=")[0] for piece in parts.query.split("&")}
    assert not names & {"utm_source", "spm", "from"}


@pytest.mark.parametrize("name", ["zh_01_chengyu", "en_01_report", "zh_05_bay_area"])
def test_match_text_is_idempotent(name: str) -> None:
    """Callers may hand the Deduper a stored text already in matching form."""
    text = (Path(__file__).parent / "fixtures" / "dedupe" / f"{name}.txt").read_text("utf-8")
    once = match_text(opencc.OpenCC("s2t").convert(text))
    assert match_text(once) == once
