"""Cities named only as where something happened or who wrote it: venues, affiliations, datelines
(and the capital's name standing for the government: "with Beijing's blessing").

A lung-cancer congress "held in Shanghai", a paper by authors of "Nanjing University, Nanjing
210093", a wire story opening "新华社北京12月9日电", the "Wuhan Open": the city is the place of the
event, the author's address or the agency's desk, not a place the document is about; so is a
company's home, plant or listing ("the Shenzhen-based carmaker", 台积电南京厂, "Hong Kong-listed
shares"), a sports or convention centre named after its city (深圳湾体育中心, "Shenzhen's Bay
Area Sports Center") and a product launch held there ("its Shenzhen launch"). A region
whose member cities and provinces (its supporting terms) are named only so is dropped before the
regions are scored: it gives no region. A region named as a place anywhere in the document keeps
all its mentions, and its own name (长三角, Greater Bay Area) is always a place: a forum named
after the agglomeration is about it.

The text is in match form (tagging/terms.py): Simplified, case-folded, dashes read as spaces.
Each test looks only at a short window on either side of the mention.
"""

from __future__ import annotations

import re

from tagging.index import REGIONS, Hit
from tagging.terms import HAN

WINDOW = 40  # characters looked at on either side of a mention

# --- Chinese ---------------------------------------------------------------------------------
# Patterns are matched at the mention's end (pattern.match(text, stop, ...)), or searched in the
# window before it: no "^" in them.
# 在上海世博中心开幕 / 于杭州举行: 在|于, the city, a short run without clause punctuation, a verb
# of holding an event
_ZH_AT = "在于"
_ZH_HELD = re.compile(
    r"[^，。；：！？,.;:!?\n\x00]{0,15}?(?:举行|召开|开幕|举办|闭幕|落幕|开赛|揭幕|启幕)"
)
_ZH_AFTER = re.compile(
    # a short run of characters (not across 的, 和 ...: 北京的大学 are universities in Beijing),
    # then an event named after the city (上海国际电影节, 杭州亚运会) or an institution (南京大学,
    # 上海交通大学, 武汉某大学, 北京协和医院; not 大学生, "students")
    r"[^\W\d的是在为了将把对向被让使要已就从由以于和与及]{0,6}?"
    r"(?:论坛|峰会|博览会|交易会|进博会|电影节|马拉松|公开赛|车展|书展|双年展|运动会|亚运会|冬奥会|"
    r"奥运会|大运会|大学(?!生)|学院|医院|科学院|研究所|"
    # a venue (深圳湾体育中心, 上海国际会议中心) or a maker's home and plant (深圳手机厂商,
    # 台积电南京厂; not 厂房, 厂区: a factory's buildings are a development)
    r"体育中心|体育馆|会展中心|会议中心|厂商|工厂|厂(?![房区])|"
    # a court or procuratorate named after its city (杭州互联网法院, 深圳中院)
    r"(?:中级人民|高级人民|人民|知识产权|互联网|金融|海事)?法院|中院|检察院)"
    # 南京 210093: an address; 新华社北京12月9日电, 本报上海讯: a dateline (not 电 of 浙江电网)
    r"|\s?\d{6}(?!\d)|\d{1,2}月\d{1,2}日(?:电|讯)|(?:电|讯)(?![\u4e00-\u9fff])"
)
_ZH_AGENCIES = ("新华社", "中新社", "中新网", "本报", "人民网", "新华网", "央视网", "央广网")

# --- English ---------------------------------------------------------------------------------
_EN_VENUE_WORDS = (
    r"held|hosted|gathered|convened|took place|takes place|meets|met|congress|conference|summit|"
    r"forum|symposium|workshop|expo|exhibition|festival|ceremony|tournament|championships?|meeting"
)
# "gathered in Shanghai", "a congress in Shanghai", "will be held this week in Hangzhou"
_EN_HELD = re.compile(
    rf"\b(?:{_EN_VENUE_WORDS})(?: [a-z0-9]+){{0,3}} (?:in|at) $"
    # "a carmaker based in Shenzhen", "headquartered in Hangzhou": a company's home
    r"|\b(?:based|headquartered) (?:in|at) $"
)
# "Zhejiang University, Hangzhou", "the University of Hong Kong"
_EN_INSTITUTION_BEFORE = re.compile(
    r"\b(?:(?:university|institute|academy|hospital|college|laboratory|school|centre|center)"
    r"(?: of [a-z ]+)?, |(?:university|institute|academy|college) of )$"
)
_FUNCTION_WORD = (
    r"(?:a|an|the|has|have|had|is|was|are|were|and|or|its|s|to|will|new|top|best|first)\b"
)
_EN_AFTER = re.compile(
    # "the Wuhan Open", "the Shanghai International Film Festival", "its Shenzhen launch"
    r" (?:open|masters|marathon|expo|motor show|auto show|book fair|biennale|"
    r"(?:international )?film festival|forum|summit|launch)\b"
    # "the Shenzhen-based carmaker", "Hong Kong-listed shares": a company's home and its listing
    r"| (?:based|listed|headquartered)\b"
    # "Nanjing University", "Shanghai Jiao Tong University", "Beijing Academy of ...", "the
    # Hangzhou Internet Court", "the Shanghai World Expo Center", "Shenzhen's Bay Area Sports
    # Center" (a venue named after its city; the possessive is skipped in _english_venue)
    rf"|(?: (?!{_FUNCTION_WORD})[a-z]+){{0,3}} (?:university|institute|academy|hospital|"
    r"college|polytechnic|court|stadium|arena|"
    r"(?:expo|exhibition|convention|conference|sports) (?:center|centre|hall))\b"
    # "Hangzhou, China)" / "Nanjing 210093": the end of an address
    r"|,? \d{5,6}\b|, (?:p ?r ?)?china\s*(?:[;)\]\n\x00]|$)"
)
# "BEIJING, Dec 2 (Reuters) -" at the start of a paragraph: a dateline
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_EN_DATELINE = re.compile(
    rf"(?:, {_MONTH} \d{{1,2}}(?: \((?:[a-z ]+)\))?|(?:, {_MONTH} \d{{1,2}})? \((?:reuters|xinhua|"
    rf"ap|afp|bloomberg|cgtn|china daily)\))"
)


# "with Beijing's blessing", "Beijing wants ...", "Beijing has ordered ...": the capital's name
# standing for the central government (a metonym), not the city being developed
_EN_CAPITAL = "beijing"
_EN_GOVERNMENT = re.compile(
    r" (?:s (?:blessing|backing|push|approval|support|policy|policies|plan|plans|crackdown|"
    r"campaign|drive|call|order|orders|stimulus|response|priorities|rules|regulators|leaders)\b"
    r"|(?:has |have |had |is |was |will |would )?(?:said|says|wants|wanted|urged|urges|pledged|"
    r"pledges|vowed|vows|announced|announces|ordered|orders|approved|approves|pushed|pushes|"
    r"pushing|told|tells|insists|insisted|hopes|hoped|signalled|signaled|signals|intends|"
    r"intended|encouraged|encourages)\b)"
)


def is_venue(text: str, start: int, stop: int) -> bool:
    """Whether the mention text[start:stop] is a venue, an affiliation or a dateline."""
    if HAN.match(text, start):
        return _chinese_venue(text, start, stop)
    return _english_venue(text, start, stop)


def _chinese_venue(text: str, start: int, stop: int) -> bool:
    end = stop + WINDOW
    if start and text[start - 1] in _ZH_AT and _ZH_HELD.match(text, stop, end):
        return True
    if _ZH_AFTER.match(text, stop, end):
        return True
    return text.endswith(_ZH_AGENCIES, max(0, start - 3), start)


def _english_venue(text: str, start: int, stop: int) -> bool:
    lo = max(0, start - WINDOW)
    if text.endswith((" in ", " at "), lo, start) and _EN_HELD.search(text, lo, start):
        return True
    if text.endswith((", ", " of "), lo, start) and _EN_INSTITUTION_BEFORE.search(text, lo, start):
        return True
    if _EN_AFTER.match(text, stop, stop + WINDOW):
        return True
    if text.startswith(" s ", stop) and _EN_AFTER.match(text, stop + 2, stop + 2 + WINDOW):
        return True  # "Shenzhen's Bay Area Sports Center": the venue named after its city
    if text.startswith(_EN_CAPITAL, start, stop) and _EN_GOVERNMENT.match(
        text, stop, stop + WINDOW
    ):
        return True
    at_paragraph_start = start == 0 or text[start - 1] in "\n\x00"
    return at_paragraph_start and _EN_DATELINE.match(text, stop, stop + WINDOW) is not None


def drop_venues(text: str, hits: list[Hit], full: float = 1.0) -> list[Hit]:
    """`hits` without the region terms of a region whose every mention is a member city or
    province (a term weighing less than `full`) named as a venue, an affiliation or a dateline.

    A region named anywhere as a place keeps all its mentions; so each region's mentions are
    looked at only up to its first that is not a venue (one or two in most documents).
    """
    placed: set[int] = set()
    named: set[int] = set()
    for hit in hits:
        ref = hit.ref
        if ref.group == REGIONS and ref.entry not in placed:
            named.add(ref.entry)
            if ref.weight >= full or not is_venue(text, hit.start, hit.stop):
                placed.add(ref.entry)
    if len(placed) == len(named):
        return hits
    return [hit for hit in hits if hit.ref.group != REGIONS or hit.ref.entry in placed]
