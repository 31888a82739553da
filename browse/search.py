"""Full-text search and facets over stored documents, the same on SQLite and PostgreSQL.

A query is terms (split on spaces; "quoted phrases" stay whole); every term must match the title,
abstract or text. Each term also matches its Simplified and Traditional forms (documents are stored
as written). SQLite: terms of 3+ characters go to the FTS5 trigram index (migration 0003), ranked
by bm25 with the title weighted over the abstract over the text; shorter terms (京津, "5G") are
matched with LIKE, since a trigram index cannot hold them. PostgreSQL: ILIKE on one concatenated
expression, which the pg_trgm GIN index of migration 0003 serves. Relevance without bm25 counts
where each term was found (title 10, abstract 4, text 1).

Every query is bounded: a page holds at most MAX_PER_PAGE rows, pages stop at MAX_PAGE, facets
list at most FACET_LIMIT values, and snippets are cut from a window of the text in SQL.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

import opencc
from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    case,
    cast,
    extract,
    func,
    join,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from agglowatch.textnorm import to_simplified
from reports.markup import display_width, shorten
from storage.models import Document

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 500
MAX_TERMS = 8
MAX_TERM_CHARS = 100
FACET_LIMIT = 30
FTS_MIN_CHARS = 3  # the trigram tokenizer indexes nothing shorter
SNIPPET_BEFORE = 80
SNIPPET_CHARS = 280  # of text read around the first match
SNIPPET_COLUMNS = 220  # shown
SNIPPET_LEAD_COLUMNS = 50  # shown before the first match
FTS_WEIGHTS = (10.0, 4.0, 1.0)  # bm25 column weights: title, abstract, text
FACETS = ("theme", "region", "source", "language", "year")
# Keep in step with migration 0003's index expression (the planner matches it to use the index).
PG_SEARCH_EXPRESSION = (
    "(coalesce(documents.title, '') || ' ' || coalesce(documents.abstract, '') || ' ' "
    "|| coalesce(documents.text, ''))"
)

Sort = Literal["relevance", "date"]
_TERMS = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What the search page asks: text, facet filters, order and page (all optional)."""

    q: str = ""
    theme: str | None = None
    region: str | None = None
    source: str | None = None
    language: str | None = None
    year: int | None = None
    sort: Sort = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    duplicates: bool = False  # include documents stored as duplicates of another

    def bounded(self) -> SearchQuery:
        per_page = min(max(self.per_page, 1), MAX_PER_PAGE)
        return replace(self, page=min(max(self.page, 1), MAX_PAGE), per_page=per_page)

    @property
    def terms(self) -> list[str]:
        return parse_terms(self.q)

    def filters(self) -> dict[str, Any]:
        """The active facet filters, for links that keep them."""
        values = {facet: getattr(self, facet) for facet in FACETS}
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    title: str
    url: str
    source: str
    published: dt.date | None
    language: str | None
    status: str
    themes: list[str]
    regions: list[str]
    duplicate: bool
    snippet: Markup


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int


@dataclass(slots=True)
class SearchResult:
    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        pages = (self.total + self.query.per_page - 1) // self.query.per_page
        return min(max(pages, 1), MAX_PAGE)


def parse_terms(q: str) -> list[str]:
    """Terms of a query: whitespace-separated, "quoted phrases" whole; at most MAX_TERMS."""
    terms = []
    for phrase, word in _TERMS.findall(clean(q)):
        term = " ".join((phrase or word).split())[:MAX_TERM_CHARS]
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def clean(value: str | None, limit: int = 500) -> str:
    """`value` without control and format characters (NUL ends a string in SQLite's C API and
    PostgreSQL refuses it; zero-width spaces would make a term never match), cut to `limit`."""
    kept = (" " if unicodedata.category(ch)[0] == "C" else ch for ch in (value or "")[:limit])
    return "".join(kept)


def variants(term: str) -> list[str]:
    """The term as typed, Simplified and Traditional (deduplicated, typed form first)."""
    forms = [term, to_simplified(term), _to_traditional(term)]
    return list(dict.fromkeys(forms))


def _to_traditional(term: str) -> str:
    return term if term.isascii() else str(_s2t().convert(term))


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def search(session: Session, query: SearchQuery, *, with_facets: bool = True) -> SearchResult:
    """One page of hits, the total, and (optionally) the facet counts of the whole match."""
    query = query.bounded()
    plan = _Plan(session.get_bind().dialect.name, query)
    if plan.dialect == "postgresql" and query.terms:
        # The planner prices ILIKE over the concatenated text as cheap, not seeing that a scan
        # detoasts every text: it picks a sequential scan (0.5 s at 5,000 documents) over the
        # trigram index (2 ms). For this transaction only, steer it to the index.
        session.execute(text("SET LOCAL enable_seqscan = off"))
    counts = _counts(session, plan, with_facets)
    hits = _page(session, plan, query)
    total = counts.pop("total", [FacetValue("", 0)])[0].count
    return SearchResult(query=query, total=total, hits=hits, facets=counts)


class _Plan:
    """The SQL of one query: conditions, the FTS subquery (SQLite), and the relevance."""

    def __init__(self, dialect: str, query: SearchQuery) -> None:
        self.dialect, self.query = dialect, query
        terms = query.terms
        use_fts = dialect == "sqlite"
        self.long_terms = [t for t in terms if use_fts and len(t) >= FTS_MIN_CHARS]
        self.short_terms = [t for t in terms if t not in self.long_terms]
        self.fts = self._fts_subquery() if self.long_terms else None

    def _fts_subquery(self) -> Any:
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        statement = text(
            f"SELECT i.doc_id AS id, bm25(documents_fts, {weights}) AS rank "
            "FROM documents_fts JOIN documents_fts_ids i ON i.n = documents_fts.rowid "
            "WHERE documents_fts MATCH :fts_query"
        ).bindparams(fts_query=fts_expression(self.long_terms))
        return statement.columns(id=String, rank=Float).subquery("fts")

    def conditions(self) -> list[ColumnElement[bool]]:
        q = self.query
        found: list[ColumnElement[bool]] = [self._term_match(t) for t in self.short_terms]
        if not q.duplicates:
            found.append(Document.duplicate_of["id"].as_string().is_(None))
        if q.source:
            found.append(Document.source == q.source)
        if q.language:
            found.append(Document.language == q.language)
        if q.year:
            found.append(extract("year", Document.published) == q.year)
        if q.theme:
            found.append(self.has_json_id(Document.themes, q.theme))
        if q.region:
            found.append(self.has_json_id(Document.regions, q.region))
        return found

    def _term_match(self, term: str) -> ColumnElement[bool]:
        if self.dialect == "postgresql":
            whole: ColumnElement[str] = literal_column(PG_SEARCH_EXPRESSION)
            return or_(*(_contains(whole, v) for v in variants(term)))
        columns = (Document.title, Document.abstract, Document.text)
        return or_(*(c.ilike(_like(v), escape="\\") for v in variants(term) for c in columns))

    def matching(self) -> Select[Any]:
        statement = select(Document.id)
        if self.fts is not None:
            statement = statement.join(self.fts, self.fts.c.id == Document.id)
        return statement.where(*self.conditions())

    def relevance(self) -> ColumnElement[Any]:
        """Higher is better: -bm25 when FTS ran, plus where the LIKE-matched terms were found."""
        score: ColumnElement[Any] = literal(0.0)
        if self.fts is not None:
            score = score - self.fts.c.rank
        for term in self.short_terms:
            score = score + self._where_found(term)
        return score

    def _where_found(self, term: str) -> ColumnElement[Any]:
        pattern = _like(term)
        return (
            case((Document.title.ilike(pattern, escape="\\"), 10.0), else_=0.0)
            + case((Document.abstract.ilike(pattern, escape="\\"), 4.0), else_=0.0)
            + 1.0
        )

    def has_json_id(self, column: Any, value: str) -> ColumnElement[bool]:
        """EXISTS an element {"id": value} in a JSON array column (themes, regions)."""
        elements, key = self.json_elements(column)
        return select(literal(1)).select_from(elements).where(key == value).exists()

    def json_elements(self, column: Any) -> tuple[Any, ColumnElement[Any]]:
        if self.dialect == "postgresql":
            elements = func.json_array_elements(column).table_valued("value").alias("e")
            return elements, elements.c.value.op("->>")("id")
        elements = func.json_each(column).table_valued("value").alias("e")
        return elements, func.json_extract(elements.c.value, "$.id")


def fts_expression(terms: Sequence[str]) -> str:
    """An FTS5 MATCH string: every term (any of its variants) as a quoted phrase, ANDed."""

    def phrase(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    groups = []
    for term in terms:
        forms = [v for v in variants(term) if len(v) >= FTS_MIN_CHARS]
        groups.append("(" + " OR ".join(phrase(v) for v in forms) + ")")
    return " AND ".join(groups)


def _contains(column: ColumnElement[str], term: str) -> ColumnElement[bool]:
    """ILIKE, or LIKE for a term without letter case (Chinese): the same match, and PostgreSQL
    need not case-fold every text it rechecks (half the time of a search matching everything)."""
    if term.lower() == term.upper():
        return column.like(_like(term), escape="\\")
    return column.ilike(_like(term), escape="\\")


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _page(session: Session, plan: _Plan, query: SearchQuery) -> list[Hit]:
    terms = query.terms
    first = terms[0] if terms else None
    window, position = _window(plan.dialect, first)
    statement = select(
        Document.id,
        Document.title,
        Document.url,
        Document.source,
        Document.published,
        Document.language,
        Document.status,
        Document.themes,
        Document.regions,
        Document.duplicate_of["id"].as_string(),
        func.coalesce(Document.abstract, ""),
        window,
        position,
    ).select_from(Document)
    if plan.fts is not None:  # the one MATCH, joined once (a second copy would run per row)
        statement = statement.join(plan.fts, plan.fts.c.id == Document.id)
    statement = statement.where(*plan.conditions()).order_by(*_order(plan, query))
    statement = statement.limit(query.per_page).offset((query.page - 1) * query.per_page)
    hits = []
    for row in session.execute(statement):
        abstract, window_text, found_at = row[10], row[11] or "", row[12] or 0
        lead = window_text if found_at or not abstract else abstract
        hits.append(
            Hit(
                id=row[0],
                title=row[1],
                url=row[2],
                source=row[3],
                published=row[4],
                language=row[5],
                status=row[6],
                themes=_ids(row[7]),
                regions=_ids(row[8]),
                duplicate=row[9] is not None,
                snippet=highlight(_trim(lead, terms, bool(found_at)), terms),
            )
        )
    return hits


def _window(dialect: str, term: str | None) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """SQL for a window of the text around the first term's first occurrence, and its position."""
    if term is None:
        return func.substr(Document.text, 1, SNIPPET_CHARS), literal(0)
    finder = func.strpos if dialect == "postgresql" else func.instr
    position = finder(func.lower(Document.text), term.lower())
    start = case((position > SNIPPET_BEFORE, position - SNIPPET_BEFORE), else_=1)
    return func.substr(Document.text, start, SNIPPET_CHARS), position


def _order(plan: _Plan, query: SearchQuery) -> list[Any]:
    newest = [Document.published.desc().nulls_last(), Document.first_seen.desc(), Document.id]
    if query.sort == "date" or not query.terms:
        return newest
    return [plan.relevance().desc(), *newest]


def _trim(window: str, terms: Sequence[str], cut_start: bool) -> str:
    """About SNIPPET_COLUMNS display columns (a Chinese character takes two) of `window`, from a
    little before the first term found, with ellipses where text was cut."""
    flat = " ".join(window.split())
    found = _pattern(terms)
    match = found.search(flat) if found else None
    start = 0
    if match:
        start, columns = match.start(), 0
        while start > 0 and columns < SNIPPET_LEAD_COLUMNS:
            start -= 1
            columns += display_width(flat[start])
        if start > 0 and " " in flat[start : match.start()]:
            start = flat.index(" ", start, match.start()) + 1  # a whole first word
    body = shorten(flat[start:], SNIPPET_COLUMNS)
    return ("…" if start > 0 or (cut_start and not match) else "") + body


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    forms = sorted({v for t in terms for v in variants(t) if v}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile("|".join(re.escape(f) for f in forms), re.IGNORECASE)


def highlight(value: str, terms: Sequence[str]) -> Markup:
    """`value` escaped, with every occurrence of a term (any variant, any case) in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return Markup(escape(value))
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(value):
        parts.append(str(escape(value[last : match.start()])))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(str(escape(value[last:])))
    return Markup("".join(parts))


def _counts(session: Session, plan: _Plan, with_facets: bool) -> dict[str, list[FacetValue]]:
    """The total and each facet's top values over the whole match, in one statement.

    The match is a MATERIALIZED CTE, evaluated once for all of them (a search that matches most
    of the archive reads every matched text once, not once per facet).
    """
    matched = plan.matching().cte("matched").prefix_with("MATERIALIZED")
    parts = [select(literal("total"), literal(""), func.count()).select_from(matched)]
    if with_facets:
        inside = Document.id.in_(select(matched.c.id))
        for name, key, source in _facet_keys(plan):
            counted = select(literal(name), key, func.count()).select_from(source)
            counted = counted.where(inside, key.is_not(None)).group_by(key)
            top = counted.order_by(func.count().desc(), key).limit(FACET_LIMIT).subquery()
            parts.append(select(*top.c))
    statement = union_all(*parts) if len(parts) > 1 else parts[0]
    found: dict[str, list[FacetValue]] = {name: [] for name in FACETS} if with_facets else {}
    for name, value, count in session.execute(statement):
        found.setdefault(name, []).append(FacetValue(_facet_text(value), int(count)))
    for values in found.values():
        values.sort(key=lambda v: (-v.count, v.value))
    return found


def _facet_keys(plan: _Plan) -> list[tuple[str, ColumnElement[Any], Any]]:
    """Each facet: its name, its value as text, and what to select it from."""
    keys: list[tuple[str, ColumnElement[Any], Any]] = []
    for name, json_column in (("theme", Document.themes), ("region", Document.regions)):
        elements, key = plan.json_elements(json_column)
        joined = join(Document, elements, literal(True))
        keys.append((name, cast(key, String), joined))
    keys.append(("source", cast(Document.source, String), Document.__table__))
    keys.append(("language", cast(Document.language, String), Document.__table__))
    year = cast(extract("year", Document.published), Integer)
    keys.append(("year", cast(year, String), Document.__table__))
    return keys


def _facet_text(value: Any) -> str:
    return str(value)


def _ids(items: Any) -> list[str]:
    return [str(i["id"]) for i in items or [] if isinstance(i, dict) and i.get("id")]
