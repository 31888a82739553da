"""Decode fetched bytes: header charset, then BOM, then <meta>, then detection.

Chinese sites often declare gb2312 while using GBK/GB18030 characters, and often declare nothing;
every GB charset is therefore read as gb18030 (a strict superset), and Big5 as big5hkscs.

Pages built by byte-level string handling (truncating a title to N bytes, search-and-replace on
raw GBK) leave orphaned lead bytes: the first byte of a two-byte character whose second byte was
cut or overwritten, followed by plain ASCII ("...人们开始\xb0 &quot;形式..."). The character is lost
for good; such orphans are dropped instead of becoming U+FFFD, which would otherwise pollute the
text, its hash and every match made on it. Any other undecodable byte still becomes U+FFFD.

A declared charset can be wrong the other way too: servers that add `charset=gbk` or the HTTP
default `iso-8859-1` to every reply while the pages are UTF-8. GB18030 and cp1252 read nearly any
bytes "cleanly", so such pages would turn into mojibake without a single error. Bytes that are
valid UTF-8 with enough multi-byte sequences are UTF-8 whatever the label says: GBK or Latin text
almost never forms valid UTF-8 by chance. The same default label on GBK pages is caught by
density: Chinese text is mostly high bytes, Latin-1 text (accents here and there) never is.

Undeclared Big5 always reads "cleanly" as GB18030 (every Big5 pair is a valid GBK pair), so when
both decode, charset_normalizer (limited to the two) chooses. Undeclared Latin-1 and Shift_JIS
read "cleanly" as GB18030 too, but as rare extension characters: GB18030 is taken only when most
two-byte pairs are GB2312's symbols and hanzi; Japanese and Korean are told by the script they
read as in their own codecs (_japanese_or_korean).
"""

from __future__ import annotations

import codecs
import re
from itertools import islice

import numpy as np
from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-.]+)["']""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([^\s;"']+)""", re.IGNORECASE)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _orphans(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: drop a truncated multi-byte sequence followed by ASCII or the end."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    data = error.object
    bad = data[error.start : error.end]
    following = data[error.end : error.end + 1]
    if bad and min(bad) >= 0x80 and (not following or following[0] < 0x80):
        return "", error.end
    return "\ufffd", error.end


codecs.register_error("agglowatch-orphans", _orphans)
_ERRORS = "agglowatch-orphans"


def normalise_charset(name: str | None) -> str | None:
    """Map a declared charset to the Python codec that reads it best, or None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return normalise_charset(match.group(1)) if match else None


def sniff_declared(content: bytes) -> str | None:
    """Charset a document declares in itself (<meta> or the XML declaration)."""
    head = content[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def decode_body(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, codec). Never raises: undecodable bytes become U+FFFD."""
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return content.decode(codec, errors=_ERRORS), codec
    for declared in (charset_from_content_type(content_type), sniff_declared(content)):
        if declared and _wide_without_zeros(content, declared):
            continue  # a UTF-16/32 label on 8-bit bytes (a misconfigured server)
        if declared and _decodes_cleanly(content, declared):
            if declared != "utf-8" and _mislabelled_utf8(content, declared):
                declared = "utf-8"
            elif declared == "cp1252" and _mostly_high_bytes(content):
                declared = detect(content)
            elif declared in _GB_OR_BIG5:
                declared = _gb_or_big5(content, declared)
            return content.decode(declared, errors=_ERRORS), declared
    guessed = detect(content)
    return content.decode(guessed, errors=_ERRORS), guessed


_WIDE = ("utf_16", "utf-16", "utf_32", "utf-32")


def _wide_without_zeros(content: bytes, declared: str) -> bool:
    """True for a UTF-16/32 label on bytes with no zero byte: any HTML in UTF-16 or UTF-32 has
    them (its ASCII markup is half or three quarters zeros), and UTF-16 reads any even number
    of bytes "cleanly", as nonsense."""
    return declared.startswith(_WIDE) and b"\x00" not in content[:4096]


# Valid UTF-8 multi-byte sequences needed to overrule a declared charset. Two-byte CJK charsets
# need more: a few GBK characters can form valid UTF-8 by chance (C3 A9 is 脙 in GBK, é in UTF-8).
_UTF8_EVIDENCE_CJK = 8
_UTF8_EVIDENCE = 2
_CJK_CODECS = frozenset({"gb18030", "big5hkscs", "euc_jp", "shift_jis", "cp932", "euc_kr", "cp949"})
_UTF8_LEAD = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _mislabelled_utf8(content: bytes, declared: str) -> bool:
    """True when bytes declared as `declared` are plainly UTF-8 (see the module docstring)."""
    if declared.startswith(_WIDE):
        return False
    needed = _UTF8_EVIDENCE_CJK if declared in _CJK_CODECS else _UTF8_EVIDENCE
    sample = content[:500_000]
    if sum(1 for _ in islice(_UTF8_LEAD.finditer(sample), needed)) < needed:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(sample) - 3  # only a character cut at the end of the sample
    return True


def detect(content: bytes) -> str:
    """Guess the charset of undeclared (or wrongly declared) bytes; prefers UTF-8, then GB18030
    (unless the bytes are plainly Japanese or Korean: _japanese_or_korean)."""
    if _decodes_cleanly(content, "utf-8"):
        return "utf-8"
    if (other := _japanese_or_korean(content)) is not None:
        return other
    if _decodes_cleanly(content, "gb18030"):
        if _decodes_cleanly(content, "big5hkscs") and _big5_rather_than_gb(content):
            return "big5hkscs"
        if _plausible_gb(content):
            return "gb18030"
    best = from_bytes(content[:200_000]).best()
    return normalise_charset(best.encoding if best else None) or "utf-8"


# Two-byte pairs as GB18030 reads them, and the part of them that Chinese text is made of:
# GB2312's symbol rows and hanzi (lead A1-A9 or B0-F7, trail A1-FE). Latin-1 accents are single
# high bytes before ASCII (trail < 80), Shift_JIS kana and most of its kanji lead with 81-9F:
# both read "cleanly" as GB18030, but as rare GBK extension characters, which Chinese pages have
# few of.
_GB_PAIR = re.compile(rb"[\x81-\xfe][\x40-\xfe]")
GB_COMMON_SHARE = 0.6  # of the pairs; Chinese pages: 0.95 and more


def _plausible_gb(content: bytes) -> bool:
    """True when the bytes' two-byte pairs are mostly GB2312's own (see _GB_PAIR)."""
    pairs = b"".join(_GB_PAIR.findall(content[:100_000]))
    if not pairs:
        return True
    leads = np.frombuffer(pairs[0::2], dtype=np.uint8)
    trails = np.frombuffer(pairs[1::2], dtype=np.uint8)
    common = (((leads >= 0xA1) & (leads <= 0xA9)) | ((leads >= 0xB0) & (leads <= 0xF7))) & (
        trails >= 0xA1
    )
    return int(np.count_nonzero(common)) >= GB_COMMON_SHARE * leads.size


# GB18030 reads Shift_JIS, EUC-JP and EUC-KR bytes "cleanly" too, as nonsense Chinese (EUC-KR's
# Hangul block is GB2312's commonest hanzi). What tells them apart is the script they decode to in
# their own codec: Japanese text is full of hiragana (particles, endings), which Chinese never is;
# Korean is Hangul written with spaces between words, while GB Chinese read as EUC-KR (which it
# can be, Hangul and all) has no spaces between its "words".
_OTHER_CJK_SAMPLE = 100_000
_HIRAGANA = re.compile("[\u3041-\u309f]")
_HANGUL = re.compile("[\uac00-\ud7a3]")
_HANGUL_THEN_SPACE = re.compile("[\uac00-\ud7a3][ \u00a0]")
_CJK_LETTER = re.compile("[\u3041-\u30ff\u3400-\u9fff\uac00-\ud7a3]")
HIRAGANA_SHARE = 0.1  # Japanese prose: 0.3-0.5 of its letters; GB Chinese read as Japanese: ~0
HANGUL_SHARE = 0.5  # of the letters, in Korean read as EUC-KR: ~1.0
HANGUL_SPACING = 0.1  # spaces per syllable: Korean 0.25-0.35; GB Chinese read as EUC-KR: < 0.02
# Hiragana or Hangul needed at all: a few GBK words in an English page read as a few "syllables"
OTHER_CJK_EVIDENCE = 20


def _japanese_or_korean(content: bytes) -> str | None:
    """cp932 (Shift_JIS), euc_jp or cp949 (EUC-KR) when the bytes read as that language in it."""
    sample = content[:_OTHER_CJK_SAMPLE]
    for codec in ("cp932", "euc_jp"):
        text = _clean_reading(sample, codec)
        if text is not None:
            letters = len(_CJK_LETTER.findall(text))
            hiragana = len(_HIRAGANA.findall(text))
            if hiragana >= max(OTHER_CJK_EVIDENCE, HIRAGANA_SHARE * letters):
                return codec
    text = _clean_reading(sample, "cp949")
    if text is not None:
        letters, hangul = len(_CJK_LETTER.findall(text)), len(_HANGUL.findall(text))
        spaced = len(_HANGUL_THEN_SPACE.findall(text))
        enough = hangul >= max(OTHER_CJK_EVIDENCE, HANGUL_SHARE * letters)
        if enough and spaced >= HANGUL_SPACING * hangul:
            return "cp949"
    return None


HIGH_BYTE_SHARE = 0.2  # Chinese pages: 0.5-0.8 of their bytes; Latin-1 European pages: < 0.05
_ASCII_BYTES = bytes(range(0x80))


def _mostly_high_bytes(content: bytes) -> bool:
    """True when bytes labelled Latin-1 are too dense in non-ASCII to be Latin-1 text."""
    sample = content[:100_000]
    return bool(sample) and _high_bytes(sample) > HIGH_BYTE_SHARE * len(sample)


def _high_bytes(content: bytes) -> int:
    """How many of the first 100,000 bytes are >= 0x80 (counted in C)."""
    return len(content[:100_000].translate(None, _ASCII_BYTES))


_GB_OR_BIG5 = ("gb18030", "big5hkscs")
GB_BIG5_EVIDENCE = 200  # high bytes (about 100 characters) before a GB/Big5 label is doubted


def _gb_or_big5(content: bytes, declared: str) -> str:
    """The declared GB or Big5 charset, unless the bytes read cleanly in the other too and are
    plainly that one: GB18030 reads nearly any Big5 page "cleanly" (as nonsense simplified
    Chinese), so a Taiwan or Hong Kong page behind a server's default gbk label was mojibake.
    Real GBK pages seldom read cleanly as Big5, and charset_normalizer then keeps them GB."""
    other = _GB_OR_BIG5[1] if declared == _GB_OR_BIG5[0] else _GB_OR_BIG5[0]
    if _high_bytes(content) < GB_BIG5_EVIDENCE or not _decodes_cleanly(content, other):
        return declared  # a few characters are no evidence against the label
    return "big5hkscs" if _big5_rather_than_gb(content) else "gb18030"


def _big5_rather_than_gb(content: bytes) -> bool:
    """charset_normalizer's choice between the two CJK codecs that both read these bytes."""
    best = from_bytes(content[:50_000], cp_isolation=["gb18030", "big5"]).best()
    return best is not None and normalise_charset(best.encoding) == "big5hkscs"


def _decodes_cleanly(content: bytes, codec: str, tolerance: float = 0.001) -> bool:
    """True when the bytes read in `codec` with (almost) no errors."""
    return _clean_reading(content, codec, tolerance) is not None


def _clean_reading(content: bytes, codec: str, tolerance: float = 0.001) -> str | None:
    """The first 500,000 bytes read in `codec` (U+FFFD for the odd bad byte), or None when
    they do not read (almost) without errors."""
    sample = content[:500_000]
    try:
        return sample.decode(codec)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    decoded = sample.decode(codec, errors="replace")
    return decoded if decoded.count("\ufffd") <= max(2, int(len(decoded) * tolerance)) else None


BINARY_SAMPLE = 8000  # characters looked at
BINARY_SHARE = 0.1  # undecodable or control characters above this share: not text
# U+FFFD and the control characters that text never has (all but \t \n \r \f and ESC)
_NOT_TEXT = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def looks_binary(text: str) -> bool:
    """True when decoded "text" is really binary data (an image or archive served as text/html):
    many U+FFFD or control characters, which real pages, even badly encoded ones, do not have."""
    sample = text[:BINARY_SAMPLE]
    if not sample:
        return False
    bad = len(_NOT_TEXT.findall(sample))
    return bad > BINARY_SHARE * len(sample)
