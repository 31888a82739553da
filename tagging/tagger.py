"""Themes and regions of a document: given when the document is about them, not when it names them.

A document is read as a title, keywords, and a stream of sentences (the abstract, then the body
without a repeat of the title or abstract); the first LEAD_SENTENCES sentences are its lead. For
each theme or region, the evidence E adds up:

- every distinct term in the title or the keywords (3 each; a supporting term counts its weight);
- every distinct term in the lead (1.5 each);
- the share of the stream's sentences that name the entry (6 times the share; a sentence naming
  only supporting terms counts their weight) - so the same words weigh less in a longer text;
- every distinct term of the stream beyond the first (0.5 each): a subject is spoken of in
  several words, a passing mention in one.

The score is 1 - exp(-E / 2), applied at the entry's threshold, but only when the entry is the
document's subject: it is in the title or keywords, or in more than one sentence of a text of
PASSING_SENTENCES sentences or more (one sentence of a longer text is a passing mention), and a
theme needs at least one full-weight term (supporting words such as "innovation" or "5G" alone
are not a theme). A theme is also the subject when spoken of in ELABORATED_TERMS distinct full
terms, or in a sentence devoted to it (two of its own terms, one full, no other theme's full
term, not the closing sentence where slogans go, not a list). A theme `named_by_regions` borrows
the regions' own names as supporting terms, but needs one term of its own; a region's name and one
of the theme's supporting terms in one sentence (大湾区的融合发展) name it in full. A document about
nothing in the taxonomy thus gets no theme at all. A member city named only as a venue, an
affiliation or a dateline ("held in Shanghai", "Nanjing University", "新华社北京…电") is not a
mention of the place at all (tagging/venues.py).

What the kind of text says (round 5): in a speech (or the report of one) a theme named in one
sentence is the occasion's slogan; in a record with keywords, a theme in neither title nor keywords
and in one sentence of the abstract is a side remark; in a weather report, a restaurant review or
a travel guide no place is a region; places of one region named together are that region, not a
list; regions named beside the title's region, in a sentence naming more than LIST_SIZE, are
there to compare it with. A theme's own supporting words, three distinct in three sentences, name
it without a title term.

Round 6: in a share-market report or a clinical or laboratory study (setting words) that is about
no theme, member cities are the exchange's or the study's site, not regions (so themes are scored
before regions); a theme named once in the closing sentence of a text of SLOGAN_SENTENCES or more,
right after a goal word, is a slogan whatever its term; a theme announced as the topic a
sentence turns to ("交通方面，…", "On transport, …") is spoken of there, even by a supporting word;
a theme whose full terms are all in a closing statement of what comes next ("公司表示，将…") is
the report's plan, not its subject. A navigation menu left in the text (a line of short items
split by "|") is not read.

Round 7: a paragraph of three sentences or more that names a theme in every sentence,
one of them in full, is a passage on it however long the text (English texts spread a subject
thinly over many sentences); the term that ends a document's name in book-title marks in the
title ("印发《…发展规划》") counts in full, since what the named document is, the news is about;
a theme whose full terms are all in an opening clause framing the text as serving a goal ("To
meet the goal of carbon neutrality, …") is the study's motivation; in a record with keywords, the
one abstract sentence naming a theme is no side remark when it states the findings ("We find
that …").

Round 8: a sentence stating what the study, the brief or an expert proposes ("本文建议设立…协调
小组", "We recommend that …") and naming a theme in two of its own terms, one full, makes the
theme the subject wherever the sentence stands (the closing sentence too) and whatever other theme
shares it: what a text recommends is what it is about.

Round 9: a paragraph of two sentences naming a theme in both, one in full, is a passage on it (a
text about several things gives a side topic a short paragraph; round 7 asked for three), and a
passage on a theme is never taken for a closing plan; nor is a closing statement of what comes
next ("将继续…", "plans to") when the theme's words, even supporting ones, already named it in
SPREAD_SENTENCES earlier sentences: the text was about it before it said what comes next.

Round 10: a paragraph of GAPPED_PARAGRAPH sentences or more in which all but one name a theme is
a passage on it (a writer does not repeat the subject in every sentence); two distinct supporting
terms of a theme in the title, with the theme named in the text, make it the subject as a full
term there would ("重庆汽车产业智能化转型：打造…产业集群"); and in an advertisement (sales words,
`advert`) a theme named in one sentence is sales talk, as it is a slogan in a speech.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial

from agglowatch.errors import ConfigError
from agglowatch.records import DocumentRecord, RegionMatch, TagResult, ThemeMatch
from tagging.booster import Booster, Vector, load_booster
from tagging.index import CONTEXT, REGIONS, THEMES, Hit, TermIndex
from tagging.names import NameFinder
from tagging.taxonomy import Entry, Taxonomy
from tagging.terms import HAN, SENTENCE_END, match_form, match_lines
from tagging.venues import drop_venues

TITLE_WEIGHT = 3.0  # per distinct term in the title
KEYWORD_WEIGHT = 3.0  # per distinct term in the keywords
LEAD_WEIGHT = 1.5  # per distinct term in the lead
SHARE_WEIGHT = 6.0  # times the share of the stream's sentences that name the entry
DISTINCT_WEIGHT = 0.5  # per distinct term of the stream beyond the first
LEAD_SENTENCES = 3
MIN_SHARE = 0.2  # named in more than this share of the sentences: the subject, even in one
SPREAD_SENTENCES = 2.0  # or named in this many sentences (weighted) ...
MIN_SPREAD_SHARE = 0.04  # ... that are at least this share of the text
EVIDENCE_SCALE = 2.0
LIST_SIZE = 2  # a sentence naming more themes (or places) than this is a list: each gets a part
TOPIC_LIST = 3  # a sentence naming this many themes, none in two of its own terms, lists topics
REGION_LEAD_WEIGHT = 1.0  # regions: per distinct term in the lead, on top of every mention
PAGE_UNITS = 3000.0  # regions: mentions are diluted by the square root of the length in pages
SUPPORT_SHARE = 0.3  # a theme named only by supporting words: in this share of the sentences
SUPPORTED_TERMS = 3  # ... and, with no title naming it, this many distinct ones in as many
TITLE_SUPPORTS = 2  # distinct supporting terms in the title that name the theme like a full term
ENUMERATION_ITEMS = 5  # a sentence of this many items or more is a list (of topics, of goals)
ENUMERATION_PART = 0.5  # ... and what it names counts for this part of a sentence
SPORT_SHARE = 0.3  # a document naming sport (leisure) words in this share of its sentences
# is about sport (leisure)
LEISURE_SENTENCES = 2  # ... and leisure words (weather, meals, trips) in at least this many
KEYWORDED_SENTENCES = 3  # a record with keywords and this many sentences: see _has_keywords
ELABORATED_TERMS = 3  # a theme spoken of in this many distinct full terms is a subject
# a goal stated in the closing sentence ("推动城市群高质量发展", "to support coordinated
# development"): a slogan, when it is all the text says of the theme
GOAL_ENDINGS = ("发展", "development")
GOAL_WORDS = (
    "推动",
    "促进",
    "助力",
    "为",
    "服务",
    "带动",
    "支撑",
    "推进",
    "实现",
    "引领",
    "保障",
    "support",
    "promote",
    "boost",
    "drive",
    "contribute",
    "serve",
    "foster",
)
# a sentence opening "交通方面，" / "On transport," announces its topic (see _announced)
TOPIC_OPENING = 24  # characters: how far into its sentence the topic may be announced
_ZH_TOPIC_BEFORE = re.compile(
    r"(?:(?:此外|同时|另外|其次|再次|最后|[一二三四五]是)[，,]?)?(?:在|而在)?"
)
_ZH_TOPIC_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:方面|领域)[，,：:]")
_EN_TOPIC_BEFORE = re.compile(
    r"(?:(?:also|meanwhile|moreover|finally|first|second|third|and)[, ]+)?"
    r"(?:on|as for|as to|in terms of|when it comes to) (?:the )?"
)
_EN_TOPIC_AFTER = re.compile(r"(?: [a-z]+){0,2},")
# how an English paragraph opens on its topic ("On transport, …")
_EN_OPENERS = ("on ", "as for ", "as to ", "in terms of ", "when it comes to ")
SLOGAN_SENTENCES = 4  # ... any term, in a text this long, when a goal word leads straight to it
GOAL_REACH = 12  # characters (of the clause, before the term) that "straight" means
# a closing sentence saying what comes next: where plans and slogans go (see _closing_intent)
INTENT_WORDS = (
    "表示",
    "下一步",
    "今后",
    "将继续",
    "将持续",
    "将进一步",
    "will continue",
    "plans to",
)
# how a sentence states a study's findings (see _found)
FINDING_WORDS = (
    "we find",
    "we found",
    "results show",
    "results indicate",
    "findings show",
    "结果表明",
    "结果显示",
    "研究发现",
)
# how a sentence states what a study, a brief or an expert proposes (see _proposed)
PROPOSAL_WORDS = (
    "建议",
    "we recommend",
    "we propose",
    "recommends",
    "recommended that",
    "proposes",
)
_CLAUSE_END = re.compile(r"[,，;；:：、]")
# how an opening clause frames the text as serving a goal or set against a background (_framing)
_FRAME_OPENERS = (
    "to meet ",
    "to achieve ",
    "to reach ",
    "to realize ",
    "to realise ",
    "in the context of ",
    "against the background of ",
    "against the backdrop of ",
    "under the ",
    "为实现",
    "为落实",
    "为助力",
    "为服务",
)
_FRAME_ENDINGS = ("背景下", "目标下", "目标要求下", "大背景下")
FULL = 1.0  # the weight of a full term (supporting terms weigh the taxonomy's support_weight)
NAME_SPAN = 16  # characters: the bracketed span (years, a number) after a document's name
PARAGRAPH_SENTENCES = 2  # a paragraph of this many sentences, each naming a theme, is on it
GAPPED_PARAGRAPH = 3  # ... and one of this many or more, all but one of them naming it
MENU_ITEMS = 4  # a line of this many "|"-separated items ...
MENU_ITEM_CHARS = 30  # ... each at most this long, is a navigation menu
_ZONE = "\x00"  # between title, keywords and stream: no term contains it, none matches across
_KEYWORD_SEPARATOR = " | "  # no term can match across two keywords


@dataclass(slots=True)
class EntryScore:
    """One theme's or region's score for a document, applied or not (for reports and eval)."""

    kind: str  # "theme" | "region"
    id: str
    score: float  # 0..1, rounded to 2 decimals
    threshold: float
    terms: list[str] = field(default_factory=list)  # as written in the taxonomy, strongest first
    subject: bool = True  # False: only a passing mention (or supporting words) - never applied
    learned: bool = False  # themes: withheld by the rules, added by the booster (tagging/booster)

    @property
    def applied(self) -> bool:
        return self.learned or (self.subject and self.score >= self.threshold)


@dataclass(slots=True)
class _Folded:
    """A document in match form, folded once: title, keywords and the sentence stream."""

    text: str
    title_end: int
    keywords_end: int
    ends: list[int]  # end offset (in text) of every sentence of the stream
    units: int  # length of the stream: UTF-8 bytes (a Chinese character counts as 3 letters)

    @property
    def sentences(self) -> int:
        return len(self.ends)

    def sentence_start(self, sentence: int) -> int:
        """Where a sentence of the stream starts in `text` (the first one, after the zone mark)."""
        return self.ends[sentence - 1] if sentence else self.keywords_end + 1


@dataclass(slots=True)
class _Evidence:
    """Where one entry's terms were found in one document."""

    title: dict[int, float] = field(default_factory=dict)  # term -> weight
    title_count: dict[int, int] = field(default_factory=dict)  # term -> occurrences in the title
    keywords: dict[int, float] = field(default_factory=dict)
    first: dict[int, int] = field(default_factory=dict)  # stream term -> first sentence
    count: dict[int, int] = field(default_factory=dict)  # stream term -> occurrences
    weight: dict[int, float] = field(default_factory=dict)  # stream term -> weight
    sentences: dict[int, float] = field(default_factory=dict)  # sentence -> strongest weight
    places: list[tuple[int, int]] = field(default_factory=list)  # regions: (term, sentence)
    full_term: dict[int, tuple[int, int]] = field(default_factory=dict)  # themes: sentence ->
    # (where, which) its first full term there
    elaborated: set[int] = field(default_factory=set)  # sentences with two or more full terms
    own: list[tuple[int, int]] = field(default_factory=list)  # themes: (sentence, term) of
    # each of its own terms (not a borrowed region name) in the stream
    borrowed: dict[int, int] = field(default_factory=dict)  # themes: sentence -> where the first
    # borrowed region name is in it
    composed: bool = False  # a region's name and a supporting term together make a full term
    topics: set[int] = field(default_factory=set)  # themes: sentences it is announced as the
    # topic of ("交通方面，…", "On transport, …")


class Tagger:
    """Build once from a Taxonomy (one automaton for all terms), then tag any number of texts."""

    def __init__(self, taxonomy: Taxonomy, *, booster: Booster | bool | None = None) -> None:
        """`booster`: None follows the taxonomy's `defaults.booster`, False is the rules alone,
        True the shipped weights, or a Booster of one's own (see tagging/booster.py)."""
        self.taxonomy = taxonomy
        self.booster = _booster_for(taxonomy, booster)
        self.index = TermIndex(taxonomy)
        regional = frozenset(i for i, e in enumerate(taxonomy.themes) if e.named_by_regions)
        self._names = NameFinder(taxonomy.names, regional)
        self._themes = _Group(taxonomy, taxonomy.themes, "theme", taxonomy.theme_threshold)
        self._regions = _Group(taxonomy, taxonomy.regions, "region", taxonomy.region_threshold)

    def tag(
        self,
        title: str,
        text: str,
        *,
        abstract: str | None = None,
        keywords: list[str] | None = None,
    ) -> TagResult:
        """Applied themes (with scores) and regions, each with its matched taxonomy terms."""
        scores = self.score(title, text, abstract=abstract, keywords=keywords)
        themes = [ThemeMatch(s.id, s.score, s.terms) for s in scores if s.kind == "theme"]
        regions = [RegionMatch(s.id, s.terms) for s in scores if s.kind == "region"]
        return TagResult(themes=themes, regions=regions)

    def tag_record(self, record: DocumentRecord) -> TagResult:
        """`tag` over a parsed record's title, text, abstract and keywords."""
        return self.tag(
            record.title, record.text, abstract=record.abstract, keywords=record.keywords
        )

    def score(
        self,
        title: str,
        text: str,
        *,
        abstract: str | None = None,
        keywords: list[str] | None = None,
        applied_only: bool = True,
    ) -> list[EntryScore]:
        """Scores of matched entries: themes then regions, each highest first, ties in file order.

        With applied_only=False, entries below their threshold or only mentioned in passing are
        included too (for tuning and the eval printer).
        """
        folded = fold_document(title, text, abstract=abstract, keywords=keywords or [])
        hits = drop_venues(folded.text, self.index.scan(folded.text), FULL)
        kept = self._names.drop_names(folded.text, hits)
        evidence = _collect(folded, kept, self._themes.own)
        if len(kept) < len(hits):  # a name still names its words: the crowd counts them
            crowd = Crowd.of(_collect(folded, hits, self._themes.own), folded)
        else:
            crowd = Crowd.of(evidence, folded)
        groups = (self._themes, self._regions)
        results: list[EntryScore] = []
        vector: Vector | None = None  # the booster's row of the document, made once if asked
        # themes first: whether the document is about any theme tells how to read its places
        for (group, position), found in sorted(evidence.items(), key=_group_of):
            if group == REGIONS and not crowd.themed:
                crowd.themed = any(r.applied for r in results)
            if group != CONTEXT:
                result = groups[group].score(position, found, folded, crowd)
                if group == THEMES and self.booster is not None and not result.applied:
                    if vector is None:
                        vector = _vector(self.booster, folded)
                    result.learned = _boosted(self.booster, vector, result.id)
                if result.applied or not applied_only:
                    result.terms = groups[group].names(position, found)
                    results.append(result)
        results.sort(
            key=lambda r: (r.kind != "theme", -r.score, groups[r.kind != "theme"].order[r.id])
        )
        return results


def _group_of(item: tuple[tuple[int, int], _Evidence]) -> int:
    return item[0][0]


def _booster_for(taxonomy: Taxonomy, booster: Booster | bool | None) -> Booster | None:
    """The booster a Tagger uses: its weights must be for exactly the taxonomy's themes."""
    if booster is None:
        booster = taxonomy.defaults.booster
    if booster is False:
        return None
    if booster is True:
        try:
            return load_booster(labels=taxonomy.theme_ids)
        except ValueError as exc:
            raise ConfigError(f"defaults.booster: {exc}; set it false for this taxonomy") from exc
    return booster


def _vector(booster: Booster, folded: _Folded) -> Vector:
    return booster.vector(booster.count(folded.text, folded.title_end, folded.keywords_end))


def _boosted(booster: Booster, vector: Vector, theme: str) -> bool:
    """A theme the rules found a term of but withheld: the booster's p reaches its threshold."""
    return booster.probability(vector, theme) >= booster.threshold


def fold_document(
    title: str, text: str, *, abstract: str | None = None, keywords: list[str]
) -> _Folded:
    """One match-form string for the whole document, and where its sentences end.

    API records and feeds repeat the title and abstract in the text: the repeat is dropped, so
    that it is not counted twice.
    """
    body = _without_menus(_without_repeats(title, text, abstract))
    stream = "\n\n".join(part for part in (abstract or "", body) if part.strip())
    raw = _ZONE.join(
        part.replace(_ZONE, " ") for part in (title, _KEYWORD_SEPARATOR.join(keywords), stream)
    )
    folded = match_lines(raw)
    title_end = folded.index(_ZONE)
    keywords_end = folded.index(_ZONE, title_end + 1)
    ends = [m.end() for m in SENTENCE_END.finditer(folded, keywords_end + 1)]
    if (not ends or ends[-1] < len(folded)) and folded[keywords_end + 1 :].strip():
        ends.append(len(folded))
    units = len(folded.encode("utf-8")) - keywords_end - 1
    return _Folded(folded, title_end, keywords_end, ends, units)


def _without_menus(body: str) -> str:
    """The body without its menu lines: a line of MENU_ITEMS or more short items split by "|"
    ("Sections: China | Greater Bay Area | Markets | Tech") is a page's navigation, left in by
    extraction; what it names, the page is not about."""
    if "|" not in body and "｜" not in body:
        return body
    lines = body.split("\n")
    kept = [line for line in lines if not _is_menu(line)]
    return "\n".join(kept) if len(kept) < len(lines) else body


def _is_menu(line: str) -> bool:
    items = [item.strip() for item in line.replace("｜", "|").split("|")]
    return len(items) >= MENU_ITEMS and all(len(item) <= MENU_ITEM_CHARS for item in items)


def _without_repeats(title: str, text: str, abstract: str | None) -> str:
    body = text.strip()
    if title and body.startswith(title.strip()):
        body = body[len(title.strip()) :]
    if abstract and abstract.strip():
        body = body.replace(abstract.strip(), "", 1)
        if body.strip() and body.strip() in abstract:
            return ""  # a text that is only a piece of the abstract
    return body


@dataclass(slots=True)
class Crowd:
    """What the whole document says beyond one entry: which sentences are lists (they name more
    than LIST_SIZE themes, or places) and the part each named entry gets there; whether the
    document is set abroad (places abroad named, and nothing at home: no region term, no home
    word); and whether it is about sport (sport words in SPORT_SHARE of its sentences, or in the
    title) or leisure (the weather, a meal, a trip: its words in SPORT_SHARE of the sentences)."""

    themes: dict[int, float]  # sentence -> part, for list sentences only
    regions: dict[int, float]
    abroad: bool
    sport: bool
    leaders: dict[int, int] = field(default_factory=dict)  # sentence -> theme named there first
    enumerations: set[int] = field(default_factory=set)  # sentences that are lists of items
    counts: dict[int, int] = field(default_factory=dict)  # sentence -> themes with a full term
    sentences: int = 0
    leisure: bool = False  # about the weather, a meal or a trip: cities are where, not what
    speech: bool = False  # a speech or the report of one: one sentence on a theme is a slogan
    # (and in an advertisement, sales talk: see _advert)
    compared: set[int] = field(default_factory=set)  # sentences comparing the title's region
    setting: bool = False  # a share-market report or a clinical or laboratory study
    themed: bool = False  # some theme is applied (set once the themes are scored)
    proposals: set[int] = field(default_factory=set)  # sentences stating what a text proposes

    @classmethod
    def of(cls, evidence: dict[tuple[int, int], _Evidence], folded: _Folded) -> Crowd:
        themes: dict[int, int] = {}
        elaborated: set[int] = set()  # sentences where some theme is named in two own terms
        places: dict[int, int] = {}  # sentence -> places named there
        regions: dict[int, int] = {}  # sentence -> regions named there
        first: dict[int, tuple[int, int]] = {}  # sentence -> (where, theme) of its first theme
        for (group, entry), found in evidence.items():
            if group == THEMES:
                elaborated |= _spoken_of(found)
                for sentence, (where, _) in found.full_term.items():
                    themes[sentence] = themes.get(sentence, 0) + 1
                    if sentence not in first or where < first[sentence][0]:
                        first[sentence] = (where, entry)
            elif group == REGIONS:
                for _, sentence in found.places:
                    places[sentence] = places.get(sentence, 0) + 1
                for sentence in {sentence for _, sentence in found.places}:
                    regions[sentence] = regions.get(sentence, 0) + 1
        # places of one region only ("湖北、湖南、江西三省") are that region, not a list of places
        places = {s: n for s, n in places.items() if regions[s] > 1}
        parts = [
            {s: LIST_SIZE / n for s, n in table.items() if n > LIST_SIZE}
            for table in (themes, places)
        ]
        abroad = _abroad(evidence)
        sport = evidence.get((CONTEXT, 2))
        about_sport = sport is not None and (
            bool(sport.title) or len(sport.sentences) >= SPORT_SHARE * max(1, folded.sentences)
        )
        leisure = evidence.get((CONTEXT, 3))  # not from the title: "fills hotels" is an economy
        about_leisure = leisure is not None and len(leisure.sentences) >= max(
            LEISURE_SENTENCES, SPORT_SHARE * folded.sentences
        )
        speech = (CONTEXT, 4) in evidence or _advert(evidence.get((CONTEXT, 6)))
        setting = evidence.get((CONTEXT, 5))
        about_setting = setting is not None and (
            bool(setting.title) or len(setting.sentences) >= SPORT_SHARE * max(1, folded.sentences)
        )
        # a sentence naming more than LIST_SIZE regions, when a region is named in the title: the
        # others are there to be compared with it ("a fourth growth pole after the Yangtze River
        # Delta, ...")
        titled = any(g == REGIONS and found.title for (g, _), found in evidence.items())
        compared = {s for s, n in regions.items() if n > LIST_SIZE} if titled else set()
        leaders = {sentence: entry for sentence, (_, entry) in first.items()}
        enumerations = {s for s in themes if _enumeration(folded, s)}
        # a sentence naming TOPIC_LIST themes or more, none of them in two terms, lists topics
        enumerations |= {s for s, n in themes.items() if n >= TOPIC_LIST and s not in elaborated}
        return cls(
            parts[0],
            parts[1],
            abroad,
            about_sport,
            leaders,
            enumerations,
            themes,
            folded.sentences,
            about_leisure,
            speech,
            compared,
            about_setting,
            proposals=_proposal_sentences(folded),
        )


def _advert(found: _Evidence | None) -> bool:
    """Sales words (售楼处, 首付, "show flat") in LEISURE_SENTENCES sentences or more, or in the
    title: an advertisement, where a theme named in one sentence is sales talk, as it is a slogan
    in a speech ("杭州都市圈一体化和城际铁路的建设，也让板块的未来价值值得期待")."""
    if found is None:
        return False
    return bool(found.title) or len(found.sentences) >= LEISURE_SENTENCES


def _spoken_of(found: _Evidence) -> set[int]:
    """The sentences that name this theme in two or more of its own terms (any weight)."""
    seen: dict[int, int] = {}
    twice = set()
    for sentence, term in found.own:
        if seen.setdefault(sentence, term) != term:
            twice.add(sentence)
    return twice


def _enumeration(folded: _Folded, sentence: int) -> bool:
    """A sentence of ENUMERATION_ITEMS or more items ("topics include a, b, c, d and e"): what it
    names, it names in passing. Items are split by ", " (Latin) or 、 (Chinese)."""
    start = folded.sentence_start(sentence)
    stop = folded.ends[sentence] if sentence < len(folded.ends) else len(folded.text)
    text = folded.text
    separators = text.count(", ", start, stop) + text.count("、", start, stop)
    return separators + 1 >= ENUMERATION_ITEMS


def _abroad(evidence: dict[tuple[int, int], _Evidence]) -> bool:
    """Places abroad are named, and nothing at home: no home word, and no region named outside
    the sentences that name places abroad (Seoul's 首都圈 is not Beijing's)."""
    foreign = evidence.get((CONTEXT, 1))
    if foreign is None:
        return False
    if (CONTEXT, 0) in evidence:
        return False
    for (group, _), found in evidence.items():
        if group == REGIONS:
            if found.keywords or (found.title and not foreign.title):
                return False
            if any(sentence not in foreign.sentences for sentence in found.sentences):
                return False
    return True


def _uncrowded(found: _Evidence, crowd: Crowd, group: int, entry: int) -> dict[int, float]:
    """Sentence weights, each list sentence giving the entry only its part - unless the entry
    is that sentence's subject: named there first, and in two or more of its own terms."""
    parts = crowd.themes if group == THEMES else crowd.regions
    lists = crowd.enumerations if group == THEMES else set()
    if not parts and not lists:
        return found.sentences
    weights = {}
    for sentence, weight in found.sentences.items():
        if sentence in lists:
            weight *= ENUMERATION_PART
        elif sentence not in found.elaborated or crowd.leaders.get(sentence) != entry:
            weight *= parts.get(sentence, 1.0)
        weights[sentence] = weight
    return weights


def _mentions(found: _Evidence, crowd: Crowd) -> float:
    """Every mention of a region's terms: weight times 1 + ln(count); a city named in a list of
    places counts only its part of the list (the region's own name counts in full)."""
    counts: dict[int, float] = {}
    for term, sentence in found.places:
        part = 1.0 if found.weight[term] == FULL else crowd.regions.get(sentence, 1.0)
        counts[term] = counts.get(term, 0.0) + part
    return sum(found.weight[t] * (1.0 + math.log(n) if n >= 1.0 else n) for t, n in counts.items())


def _is_place(found: _Evidence, crowd: Crowd) -> bool:
    """A region is the subject when its own name is used, or when a member city or province is
    named in the title or keywords or outside a list of places - unless the text is about sport,
    where city names are teams and venues, or set abroad, or is a share-market report or a
    clinical or laboratory study about no theme, where they are the exchange's or the study's
    site."""
    if crowd.abroad:
        return False  # named only beside places abroad
    weights = (*found.title.values(), *found.keywords.values(), *found.weight.values())
    if crowd.leisure and not found.keywords:
        return False  # "寒潮来袭 京津冀等地气温将下降": where the weather is, even by its name
    if not (found.title or found.keywords) and found.sentences.keys() <= crowd.compared:
        return False  # named only beside others, to compare the title's region with
    if FULL in weights:
        return True
    if crowd.sport or (crowd.setting and not crowd.themed):
        return False
    if found.title or found.keywords:
        return True
    return any(sentence not in crowd.regions for sentence in found.sentences)


def _lead_places(found: _Evidence, crowd: Crowd) -> float:
    """A region's distinct terms in the lead; a city named in a list of places counts its part."""
    best: dict[int, float] = {}
    for term, sentence in found.places:
        if sentence < LEAD_SENTENCES:
            weight = found.weight[term]
            part = weight if weight == FULL else weight * crowd.regions.get(sentence, 1.0)
            best[term] = max(best.get(term, 0.0), part)
    return sum(best.values())


def _dilution(units: int) -> float:
    """sqrt of the text's length in pages, at least 1."""
    return math.sqrt(max(1.0, units / PAGE_UNITS))


def _collect(folded: _Folded, hits: list[Hit], own: list[int]) -> dict[tuple[int, int], _Evidence]:
    """Where each entry's terms fall; `own`: per theme, how many terms are its own (the rest
    are borrowed region names)."""
    evidence: dict[tuple[int, int], _Evidence] = {}
    ends, title_end, keywords_end = folded.ends, folded.title_end, folded.keywords_end
    topical = _topical(folded)
    for hit in hits:
        ref = hit.ref
        found = evidence.get((ref.group, ref.entry))
        if found is None:
            found = evidence[(ref.group, ref.entry)] = _Evidence()
        if hit.start < title_end:
            weight = FULL if _names_the_document(folded.text, hit.stop, title_end) else ref.weight
            found.title[ref.term] = max(weight, found.title.get(ref.term, 0.0))
            found.title_count[ref.term] = found.title_count.get(ref.term, 0) + 1
        elif hit.start < keywords_end:
            found.keywords[ref.term] = ref.weight
        else:
            sentence = bisect_right(ends, hit.start)
            found.first.setdefault(ref.term, sentence)
            found.count[ref.term] = found.count.get(ref.term, 0) + 1
            found.weight[ref.term] = ref.weight
            if found.sentences.get(sentence, 0.0) < ref.weight:
                found.sentences[sentence] = ref.weight
            if ref.group == REGIONS:
                found.places.append((ref.term, sentence))
            elif ref.group == THEMES:
                if ref.weight == FULL:
                    _, seen = found.full_term.setdefault(sentence, (hit.start, ref.term))
                    if seen != ref.term:
                        found.elaborated.add(sentence)
                if ref.term < own[ref.entry]:
                    found.own.append((sentence, ref.term))
                    if (
                        topical
                        and hit.start < topical.get(sentence, -1)
                        and _announced(folded, sentence, hit.start, hit.stop)
                    ):
                        found.topics.add(sentence)
                        found.sentences[sentence] = FULL
                else:
                    found.borrowed.setdefault(sentence, hit.start)
    for (group, _), found in evidence.items():
        if group == THEMES and found.borrowed:
            _compose(found)
    return evidence


def _names_the_document(text: str, stop: int, title_end: int) -> bool:
    """The term ends a name in book-title marks in the title, before an optional bracketed span
    ("印发《山西中部城市群高质量发展规划（2022—2035年）》"): the word that says what the named
    document is (a plan, a programme) says what the news is about, so it counts in full."""
    at = stop
    if text.startswith("(", at):
        close = text.find(")", at, title_end)
        if close < 0 or close - at > NAME_SPAN:
            return False
        at = close + 1
    return text.startswith("》", at)


def _topical(folded: _Folded) -> dict[int, int]:
    """The sentences that may announce a topic, and how far into them its term may start: one
    with 方面/领域 near its start (the term comes before it), or an English paragraph opening
    "On …", "As for …" (the term comes after). Found with a few searches of the text, so that
    only those terms are looked at (see _announced)."""
    text, ends, start = folded.text, folded.ends, folded.keywords_end
    found: dict[int, int] = {}
    for word in ("方面", "领域"):
        for at in _find_all(text, word, start):
            sentence = bisect_right(ends, at)
            if at - folded.sentence_start(sentence) <= TOPIC_OPENING + 6:
                found.setdefault(sentence, at)
    at = start
    while at >= 0:  # the stream's first paragraph follows the zone mark, the others a break
        if text.startswith(_EN_OPENERS, at + 1):
            found[bisect_right(ends, at + 1)] = at + 1 + TOPIC_OPENING
        at = text.find("\n", at + 1)
    return found


def _announced(folded: _Folded, sentence: int, start: int, stop: int) -> bool:
    """The term opens its sentence as the topic the sentence (and its paragraph) turns to:
    "交通方面，…", "在生态保护领域，…", "On transport, …", "As for innovation, …". Writers
    announce a paragraph's subject so; a theme announced there is spoken of, even by one of its
    supporting words."""
    opening = folded.sentence_start(sentence)
    if start - opening > TOPIC_OPENING:
        return False
    text = folded.text
    if HAN.match(text, start):
        return bool(
            _ZH_TOPIC_BEFORE.fullmatch(text, opening, start)
            and _ZH_TOPIC_AFTER.match(text, stop, stop + TOPIC_OPENING)
        )
    return bool(
        _EN_TOPIC_BEFORE.fullmatch(text, opening, start)
        and _EN_TOPIC_AFTER.match(text, stop, stop + TOPIC_OPENING)
    )


def _compose(found: _Evidence) -> None:
    """A region's own name and a supporting term of the theme in one sentence ("粤港澳大湾区的融合
    发展", "integration of the Yangtze River Delta") say what a full term says (区域一体化,
    regional integration): the sentence names the theme in full."""
    for sentence, term in found.own:
        if sentence in found.borrowed and found.weight[term] < FULL:
            found.composed = True
            found.sentences[sentence] = FULL
            found.full_term.setdefault(sentence, (found.borrowed[sentence], term))


class _Group:
    """The themes or the regions of a taxonomy, as the scorer needs them."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        entries: list[Entry],
        kind: str,
        threshold: Callable[[Entry], float],
    ) -> None:
        self.kind = kind
        self.ids = [entry.id for entry in entries]
        self.order = {entry.id: position for position, entry in enumerate(entries)}
        self.thresholds = [threshold(entry) for entry in entries]
        self.terms = [[term for term, _ in taxonomy.entry_terms(entry)] for entry in entries]
        support = taxonomy.defaults.support_weight
        self.own = [len(entry.weighted_terms(support)) for entry in entries]  # then borrowed
        self.group = THEMES if kind == "theme" else REGIONS
        self.goals = [  # per entry: its terms that name a goal (…发展, … development)
            {t for t, term in enumerate(terms) if match_form(term).endswith(GOAL_ENDINGS)}
            for terms in self.terms
        ]

    def score(self, position: int, found: _Evidence, folded: _Folded, crowd: Crowd) -> EntryScore:
        """The entry's score and whether it is the subject (its terms are filled in later, and
        only for the entries that are kept)."""
        sentences = folded.sentences
        weights = _uncrowded(found, crowd, self.group, position)
        named = sum(weights.values())  # sentences naming the entry, weighted
        share = named / sentences if sentences else 0.0
        total = TITLE_WEIGHT * sum(found.title.values())
        total += KEYWORD_WEIGHT * sum(found.keywords.values())
        lead = sum(w for t, w in found.weight.items() if found.first[t] < LEAD_SENTENCES)
        if self.kind == "theme":
            distinct = sum(found.weight.values())
            total += LEAD_WEIGHT * lead + SHARE_WEIGHT * share
            total += DISTINCT_WEIGHT * max(0.0, distinct - FULL)
            subject = self._is_subject(found, named, share, sentences, crowd.abroad)
            subject = subject or (bool(found.own) and _devoted(found, crowd))
            subject = subject or (bool(crowd.proposals) and _proposed(found, crowd))
            on_passage = cache(partial(_paragraph_on, found, folded, crowd))  # at most once
            subject = subject or on_passage()
            announced = bool(found.topics - {folded.sentences - 1}) and not crowd.abroad
            subject = subject or announced
            subject = subject and not _slogan(found, folded, self.goals[position])
            subject = subject and not (_closing_intent(found, folded) and not on_passage())
            subject = subject and not _framing(found, folded)
            subject = subject and not (crowd.speech and _one_sentence(found))
            subject = subject and not (
                _has_keywords(folded) and _one_sentence(found) and not _found(found, folded)
            )
            subject = (
                subject and min((*found.title, *found.keywords, *found.weight)) < self.own[position]
            )
        else:
            total += TITLE_WEIGHT * sum(
                w * math.log(found.title_count[t]) for t, w in found.title.items()
            )
            total += REGION_LEAD_WEIGHT * _lead_places(found, crowd)
            total += _mentions(found, crowd) / _dilution(folded.units)
            subject = _is_place(found, crowd)
        return EntryScore(
            self.kind,
            self.ids[position],
            round(1.0 - math.exp(-total / EVIDENCE_SCALE), 2),
            self.thresholds[position],
            subject=subject,
        )

    def names(self, position: int, found: _Evidence) -> list[str]:
        """The entry's matched terms as written in the taxonomy, strongest first."""
        names = self.terms[position]
        return [names[t] for t in _ranked(found)]

    def _is_subject(
        self, found: _Evidence, named: float, share: float, sentences: int, abroad: bool
    ) -> bool:
        """Named in the title or keywords, or in enough of the text; a theme also needs a
        document set at home and a full term (or supporting words all through a short text)."""
        if self.kind == "theme":
            if abroad:
                return False
            weights = (*found.title.values(), *found.keywords.values(), *found.weight.values())
            if FULL not in weights and not found.composed and not found.topics:
                return _supported(found, sentences)
        if found.title or found.keywords:
            return True
        if sum(w == FULL for w in found.weight.values()) >= ELABORATED_TERMS:
            return True
        return share > MIN_SHARE or (named >= SPREAD_SENTENCES and share >= MIN_SPREAD_SHARE)


def _devoted(found: _Evidence, crowd: Crowd) -> bool:
    """A sentence about this theme alone - two or more of its terms, one full, and no other
    theme's full term - is a passage on it, not a passing mention (abroad: never)."""
    if crowd.abroad:
        return False
    last = crowd.sentences - 1  # a closing sentence is where slogans go
    terms: dict[int, set[int]] = {}
    for sentence, term in found.own:
        if sentence in found.full_term and sentence != last:
            terms.setdefault(sentence, set()).add(term)
    return any(
        len(named) >= 2 and crowd.counts.get(s, 0) == 1 and s not in crowd.enumerations
        for s, named in terms.items()
    )


def _proposed(found: _Evidence, crowd: Crowd) -> bool:
    """A sentence stating what the study, the brief or an expert proposes ("本文建议设立…协调
    小组", "We recommend that …") names the theme in two of its own terms, one full: what a text
    recommends is what it is about, wherever the sentence stands and whatever else it names
    (abroad: never)."""
    if crowd.abroad:
        return False
    proposals = (crowd.proposals & found.full_term.keys()) - crowd.enumerations
    if not proposals:
        return False
    terms: dict[int, set[int]] = {}
    for sentence, term in found.own:
        if sentence in proposals:
            terms.setdefault(sentence, set()).add(term)
    return any(len(named) >= 2 for named in terms.values())


def _proposal_sentences(folded: _Folded) -> set[int]:
    """The sentences of the stream holding a PROPOSAL_WORDS word, found with a few searches of
    the text (most documents have none, and then no theme is looked at for it)."""
    text, ends = folded.text, folded.ends
    return {
        bisect_right(ends, at)
        for word in PROPOSAL_WORDS
        for at in _find_all(text, word, folded.keywords_end + 1)
    }


def _find_all(text: str, word: str, start: int) -> Iterator[int]:
    """Where `word` occurs in `text` from `start` on, without overlaps: str.find, not a regex."""
    at = text.find(word, start)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def _paragraph_on(found: _Evidence, folded: _Folded, crowd: Crowd) -> bool:
    """A paragraph of PARAGRAPH_SENTENCES sentences or more in which every sentence names the theme
    by its own terms, one of them in full ("超充网络也在为城市减排出力。… 新能源汽车 … 减少二氧化碳
    排放 … 光伏、风电 …"; "…成为内需市场与外部市场相互贯通的关键节点。…让国内大循环和对外开放在
    这里交汇。"), or one of GAPPED_PARAGRAPH sentences or more in which all but one do (a writer
    does not name the subject in every sentence of a longer paragraph: "…城乡融合发展的重要切入点。
    一方面…引导制造业向县域转移；另一方面提升县城…"): a passage on the theme, however thinly each
    sentence names it and however long the rest of the text (abroad: never)."""
    if crowd.abroad or not found.full_term or len(found.own) < PARAGRAPH_SENTENCES:
        return False
    naming = {sentence for sentence, _ in found.own}
    for sentence in found.full_term.keys() & naming:
        first, last = _paragraph(folded, sentence)
        size = last - first + 1
        missing = size - len(naming.intersection(range(first, last + 1)))
        if size >= PARAGRAPH_SENTENCES and missing <= (size >= GAPPED_PARAGRAPH):
            return True
    return False


def _paragraph(folded: _Folded, sentence: int) -> tuple[int, int]:
    """The first and last sentence of the paragraph that holds `sentence` (a sentence that ends
    at a paragraph break holds the line break: none has one inside)."""
    first = sentence
    while first > 0 and not _ends_paragraph(folded, first - 1):
        first -= 1
    last = sentence
    while last < folded.sentences - 1 and not _ends_paragraph(folded, last):
        last += 1
    return first, last


def _ends_paragraph(folded: _Folded, sentence: int) -> bool:
    start = folded.sentence_start(sentence)
    return "\n" in folded.text[start : folded.ends[sentence]]


def _slogan(found: _Evidence, folded: _Folded, goals: set[int]) -> bool:
    """All the text says of the theme is one goal term in its closing sentence, after a goal
    word in the same clause ("...，推动城市群和都市圈高质量发展。"): a slogan, not the subject.
    A title or keywords naming the theme, or a second term, make it more than that. Any other
    term is a slogan too when the goal word leads straight to it ("更好服务国内国际双循环",
    "to serve the dual circulation") in a text of SLOGAN_SENTENCES or more, where the closing
    sentence is not a large part of what the text says."""
    last = folded.sentences - 1
    if found.title or found.keywords or len(found.weight) != 1 or set(found.sentences) != {last}:
        return False
    where, term = found.full_term.get(last, (-1, -1))
    if where < 0:
        return False
    start = folded.sentence_start(last)
    clause = _CLAUSE_END.split(folded.text[start:where])[-1]
    if term in goals:
        return any(word in clause for word in GOAL_WORDS)
    lead_in = clause[-GOAL_REACH:]
    return folded.sentences >= SLOGAN_SENTENCES and any(word in lead_in for word in GOAL_WORDS)


def _closing_intent(found: _Evidence, folded: _Folded) -> bool:
    """Every full term of the theme is in the closing sentence, and that sentence is what someone
    says they will do next ("公司表示，将持续加大研发投入，以科技创新推动企业高质量发展"; "下一步
    将推动数据中心与算力调度平台协同发展"): the plans and slogans a report ends on, not its
    subject - when the rest of the text names the theme, if at all, only by supporting words, and
    the closing sentence in fewer than ELABORATED_TERMS full terms."""
    last = folded.sentences - 1
    if found.title or found.keywords or found.topics or set(found.full_term) != {last}:
        return False
    if folded.sentences < SLOGAN_SENTENCES:
        return False  # in a short text the closing sentence is a large part of what it says
    if sum(w == FULL for w in found.weight.values()) >= ELABORATED_TERMS:
        return False  # spoken of in several terms: a passage on it, even at the end
    if len(found.sentences.keys() - {last}) >= SPREAD_SENTENCES:
        return False  # its everyday words run through the text: the end names what it is about
    start = folded.sentence_start(last)
    sentence = folded.text[start : folded.ends[last]]
    return any(word in sentence for word in INTENT_WORDS)


def _framing(found: _Evidence, folded: _Folded) -> bool:
    """Every full term of the theme is in the opening clause of the text, and that clause frames
    what follows as serving a goal or set against a background ("To meet the goal of carbon
    neutrality, …", "为实现碳达峰碳中和目标，…", "在双碳背景下，…"): the study's motivation, not
    its subject - when neither title nor keywords name the theme in full, in a text of
    SLOGAN_SENTENCES or more."""
    if set(found.full_term) != {0} or folded.sentences < SLOGAN_SENTENCES or found.topics:
        return False
    if FULL in found.title.values() or FULL in found.keywords.values():
        return False
    start = folded.keywords_end + 1
    where, _ = found.full_term[0]
    clause = _CLAUSE_END.search(folded.text, start, folded.ends[0])
    if clause is None or clause.start() < where:
        return False
    opening = folded.text[start : clause.start()].lstrip()
    return opening.startswith(_FRAME_OPENERS) or opening.endswith(_FRAME_ENDINGS)


def _has_keywords(folded: _Folded) -> bool:
    """The record has keywords and KEYWORDED_SENTENCES sentences or more: its authors said what
    it is about, and a theme named in neither title nor keywords and in one sentence of the
    abstract ("As the energy transition accelerates, demand for batteries rises") is a side
    remark (in an abstract of one or two sentences, that sentence is what it studies)."""
    return folded.keywords_end > folded.title_end + 1 and folded.sentences >= KEYWORDED_SENTENCES


def _found(found: _Evidence, folded: _Folded) -> bool:
    """The one sentence naming the theme states what the study found ("We find that … mainly
    through technological innovation", "结果表明，…"): a finding is what the record reports, not
    a side remark."""
    sentence = next(iter(found.sentences))
    start = folded.sentence_start(sentence)
    return any(word in folded.text[start : folded.ends[sentence]] for word in FINDING_WORDS)


def _one_sentence(found: _Evidence) -> bool:
    """The theme is named in one sentence of the text and not in the title or keywords: in a
    speech, the slogan of the occasion ("抓住发展新质生产力的历史机遇")."""
    return not found.title and not found.keywords and len(found.sentences) == 1


def _supported(found: _Evidence, sentences: int) -> bool:
    """Supporting words only: a subject when the title (or keywords) names one and several of
    them run through the text (in several sentences, a large share of it) - not when a paper
    about something else uses "big data" and "artificial intelligence" as its tools - or when the
    title names TITLE_SUPPORTS distinct ones and the text names the theme too: a headline says in
    several everyday words what a full term would ("重庆汽车产业智能化转型：打造…产业集群")."""
    if not (found.title or found.keywords):
        return _supported_throughout(found, sentences)
    if len(found.title) >= TITLE_SUPPORTS and found.sentences:
        return True
    naming = len(found.sentences)
    distinct = len(found.weight)
    return distinct >= 2 and naming >= SPREAD_SENTENCES and naming >= SUPPORT_SHARE * sentences


def _supported_throughout(found: _Evidence, sentences: int) -> bool:
    """No title naming it, but SUPPORTED_TERMS distinct supporting words of the theme's own (not
    a region's name) in as many sentences, a large share of the text: "cooperation", "action plan",
    "blueprint" all through a story about a plan say governance without its full terms."""
    own = {term for _, term in found.own}
    naming = {sentence for sentence, _ in found.own}
    return (
        len(own) >= SUPPORTED_TERMS
        and len(naming) >= SUPPORTED_TERMS
        and len(naming) >= SUPPORT_SHARE * sentences
    )


def _ranked(found: _Evidence) -> list[int]:
    """Terms strongest first: title and keywords, lead, then repetition; ties in taxonomy order."""

    def strength(term: int) -> float:
        value = TITLE_WEIGHT * found.title.get(term, 0.0)
        value += KEYWORD_WEIGHT * found.keywords.get(term, 0.0)
        if term in found.count:
            weight = found.weight[term]
            value += weight * (1.0 + math.log(found.count[term]))
            value += LEAD_WEIGHT * weight * (found.first[term] < LEAD_SENTENCES)
        return value

    terms = {*found.title, *found.keywords, *found.count}
    return sorted(terms, key=lambda term: (-strength(term), term))
