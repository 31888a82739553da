"""Issue 14: `agglowatch browse` over a store filled by real runs, through a real uvicorn server.

The store: the demo site read twice (version 2 edits one article: a document with two versions;
one page republishes a seed, one article is on both the feed and the portal) plus a folder file
whose title is markup. Expected results come from the exported documents (a substring oracle),
never from the search code itself. SQLite always; PostgreSQL too when configured.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import httpx
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from agglowatch.errors import ConfigError
from browse.cli import build_app, check_host
from storage.db import alembic_config, make_engine, session_factory, transaction, upgrade
from storage.models import Document
from tests.browse_store import HOSTILE_TITLE, BackgroundServer, FilledStore, fill_store
from tests.conftest import BACKENDS, _truncate_all
from tests.test_pipeline_e2e import exported

Soup = BeautifulSoup


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> FilledStore:
    folder = tmp_path_factory.mktemp(f"browse-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'agglowatch.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        _truncate_all(url)
    return fill_store(folder, url)


@pytest.fixture(scope="module")
def docs(store: FilledStore) -> list[dict[str, Any]]:
    return exported(store.config)


@pytest.fixture(scope="module")
def client(store: FilledStore) -> Iterator[httpx.Client]:
    with (
        BackgroundServer(build_app(store.config)) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as http,
    ):
        yield http


def page(client: httpx.Client, path: str, **params: Any) -> BeautifulSoup:
    answer = client.get(path, params=params or None)
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    return BeautifulSoup(answer.text, "lxml")


def originals(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in docs if not d["duplicate_of"]]


def containing(docs: list[dict[str, Any]], *terms: str) -> set[str]:
    """Ids of non-duplicate documents whose title, abstract or text holds every term."""

    def fields(d: dict[str, Any]) -> str:
        return " ".join([d["title"], d["abstract"] or "", d["text"]]).casefold()

    return {d["id"] for d in originals(docs) if all(t.casefold() in fields(d) for t in terms)}


def hit_ids(soup: BeautifulSoup) -> list[str]:
    return [a["href"].removeprefix("/doc/") for a in soup.select("article.hit h2 a")]


def total(soup: BeautifulSoup) -> int:
    return int(soup.select_one("#total").get_text().split()[0])


# -- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, terms",
    [
        ("城市群", ["城市群"]),  # Chinese, the trigram index
        ("京津", ["京津"]),  # a two-character Chinese word: shorter than a trigram
        ("Chengdu infrastructure", ["chengdu", "infrastructure"]),  # English, two terms
        ('"data centres"', ["data centres"]),  # a quoted phrase
        ("5G", ["5g"]),
    ],
)
def test_search_matches_what_the_documents_hold(
    client: httpx.Client, docs: list[dict[str, Any]], query: str, terms: list[str]
) -> None:
    expected = containing(docs, *terms)
    assert expected, f"the filled store should hold {terms}"
    soup = page(client, "/", q=query, per_page=100)
    assert set(hit_ids(soup)) == expected
    assert total(soup) == len(expected)
    for snippet in soup.select("article.hit .snippet"):
        marked = [m.get_text().casefold() for m in snippet.find_all("mark")]
        assert marked and set(marked) <= {t.casefold() for t in terms} | {
            w.casefold() for t in terms for w in t.split()
        }


def test_traditional_query_finds_simplified_documents(
    client: httpx.Client, docs: list[dict[str, Any]]
) -> None:
    soup = page(client, "/", q="城市羣", per_page=100)  # 羣: Traditional form of 群
    assert set(hit_ids(soup)) == containing(docs, "城市群")


def test_relevance_puts_title_matches_first_and_date_sort_is_newest_first(
    client: httpx.Client, docs: list[dict[str, Any]]
) -> None:
    by_id = {d["id"]: d for d in docs}
    ranked = hit_ids(page(client, "/", q="城市群", per_page=100))
    in_title = ["城市群" in by_id[i]["title"] for i in ranked]
    assert in_title == sorted(in_title, reverse=True) and any(in_title) and not all(in_title)
    dated = hit_ids(page(client, "/", q="城市群", sort="date", per_page=100))
    dates = [by_id[i]["published"] or "" for i in dated]
    assert sorted(dated) == sorted(ranked) and dates == sorted(dates, reverse=True)


def test_facets_count_the_whole_match_and_filter_it(
    client: httpx.Client, docs: list[dict[str, Any]]
) -> None:
    soup = page(client, "/", q="城市群")
    matched = [d for d in originals(docs) if d["id"] in containing(docs, "城市群")]
    expected = {
        "theme": Counter(t["id"] for d in matched for t in d["themes"]),
        "region": Counter(r["id"] for d in matched for r in d["regions"]),
        "source": Counter(d["source"] for d in matched),
        "language": Counter(d["language"] for d in matched),
        "year": Counter(d["published"][:4] for d in matched if d["published"]),
    }
    for facet, counts in expected.items():
        shown = {
            li["data-value"]: int(li.select_one(".count").get_text())
            for li in soup.select(f"#facet-{facet} li[data-value]")
        }
        assert shown == dict(counts), facet
    # Following a facet link narrows the result to exactly its count, and keeps the query.
    theme, count = expected["theme"].most_common()[-1]
    link = soup.select_one(f"#facet-theme li[data-value='{theme}'] a")["href"]
    assert parse_qs(urlsplit(link).query) == {"q": ["城市群"], "theme": [theme]}
    narrowed = page(client, link)
    assert total(narrowed) == count == len(hit_ids(narrowed))
    assert narrowed.select_one(f"#facet-theme li.on[data-value='{theme}']") is not None
    language = page(client, "/", language="en", per_page=100)
    assert set(hit_ids(language)) == {d["id"] for d in originals(docs) if d["language"] == "en"}


def test_paging_is_bounded(client: httpx.Client, docs: list[dict[str, Any]]) -> None:
    everything = len(originals(docs))
    seen: list[str] = []
    for number in range(1, everything + 1):
        soup = page(client, "/", per_page=1, page=number)
        seen += hit_ids(soup)
        assert total(soup) == everything
    assert len(seen) == len(set(seen)) == everything
    assert hit_ids(page(client, "/", per_page=1, page=everything + 1)) == []
    huge = page(client, "/", per_page=10**9, page=10**9)  # clamped, not an error
    assert hit_ids(huge) == [] and total(huge) == everything
    assert len(hit_ids(page(client, "/", per_page="many"))) == min(everything, 20)
    with_duplicates = page(client, "/", duplicates=1, per_page=100)
    assert len(hit_ids(with_duplicates)) == len(docs)


def test_odd_queries_are_answered_not_errors(client: httpx.Client) -> None:
    odd = ["*", "NEAR(", "'", "%_\\", "x" * 2000, "a\x00b", '""""', '"unclosed', "AND OR", "😀😀😀"]
    for q in odd:
        assert client.get("/", params={"q": q}).status_code == 200, q
    for params in [{"year": "abc"}, {"page": "-5"}, {"theme": "x' OR 1=1"}, {"source": "a\x00"}]:
        answer = client.get("/", params=params)
        assert answer.status_code == 200, params
    assert total(page(client, "/", q="\u200b城市群")) == total(page(client, "/", q="城市群"))


# -- document pages -------------------------------------------------------------------------------


def test_document_page_shows_two_versions_with_field_and_sentence_diffs(
    client: httpx.Client, docs: list[dict[str, Any]]
) -> None:
    (edited,) = [d for d in docs if d["version"] == 2]
    soup = page(client, f"/doc/{edited['id']}")
    assert soup.h1.get_text() == edited["title"]
    assert soup.select_one("#original")["href"] == edited["url"]
    versions = soup.select("#versions article.version")
    assert [v["id"] for v in versions] == ["v2", "v1"]
    field = versions[0].select_one("table.fields tr")
    old_title = field.select_one("td.removed").get_text()
    assert (
        field.th.get_text() == "title"
        and field.select_one("td.added").get_text() == (edited["title"])
    )
    assert old_title != edited["title"] and "Chengdu" in old_title
    added = [li.get_text() for li in versions[0].select("ul.diff li.added")]
    removed = [li.get_text() for li in versions[0].select("ul.diff li.removed")]
    assert added and removed
    assert all(a[1:].strip() in " ".join(edited["text"].split()) for a in added)
    assert "First stored." in versions[1].get_text()
    themes = {p.strong.get_text(): p for p in soup.select("#terms p") if p.strong}
    for theme in edited["themes"]:
        label = next(k for k in themes if k.startswith(theme_label_en(theme["id"])))
        shown = [t.get_text() for t in themes[label].select(".tag")]
        assert shown == theme["terms"]
    assert edited["text"].split("\n")[0].strip() in soup.select_one("#text").get_text()


def theme_label_en(theme_id: str) -> str:
    import yaml

    taxonomy = yaml.safe_load((Path(__file__).parent.parent / "themes.yaml").read_text("utf-8"))
    (entry,) = [t for t in taxonomy["themes"] if t["id"] == theme_id]
    return str(entry["label_en"])


def test_document_page_lists_its_duplicates_and_a_duplicate_its_original(
    client: httpx.Client, docs: list[dict[str, Any]]
) -> None:
    copies = [d for d in docs if d["duplicate_of"] and not d["duplicate_of"].get("seed")]
    assert copies
    copy = copies[0]
    original = copy["duplicate_of"]["id"]
    soup = page(client, f"/doc/{original}")
    also_at = soup.select("#also-at li")
    assert [li.a["href"] for li in also_at] == [copy["url"]]
    assert also_at[0].find("a", href=f"/doc/{copy['id']}") is not None
    back = page(client, f"/doc/{copy['id']}")
    assert back.select_one("#duplicate-of a")["href"] == f"/doc/{original}"
    (seed_copy,) = [d for d in docs if (d["duplicate_of"] or {}).get("seed")]
    seeded = page(client, f"/doc/{seed_copy['id']}").select_one("#duplicate-of")
    assert "(seed document)" in seeded.get_text() and "similarity" in seeded.get_text()
    assert client.get("/doc/no-such-id").status_code == 404


# -- escaping and read-only -----------------------------------------------------------------------


def test_hostile_title_is_text_on_every_page_and_in_the_feed(
    client: httpx.Client, docs: list[dict[str, Any]]
) -> None:
    (hostile,) = [d for d in docs if d["title"] == HOSTILE_TITLE]
    for path, params in [("/", {"q": "成渝双城经济圈"}), (f"/doc/{hostile['id']}", {})]:
        answer = client.get(path, params=params or None)
        assert answer.status_code == 200
        assert "<script>alert(1)</script>" not in answer.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
        soup = BeautifulSoup(answer.text, "lxml")
        assert soup.find("script") is None and soup.find("img", onerror=True) is None
        assert HOSTILE_TITLE in soup.get_text()
    feed = client.get("/feed.atom", params={"q": "成渝双城经济圈"})
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert b"<script>" not in feed.content
    parsed = feedparser.parse(feed.content)
    assert parsed.bozo == 0
    assert [e.title for e in parsed.entries] == [HOSTILE_TITLE]
    assert parsed.entries[0].id == f"urn:agglowatch:document:{hostile['id']}"


def test_no_write_endpoints_and_strict_headers(client: httpx.Client) -> None:
    for path in ("/", "/sources", "/feed.atom", "/doc/x"):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert client.request(method, path).status_code == 405, (method, path)
    answer = client.get("/")
    assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'none'
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert answer.headers["x-frame-options"] == "DENY"
    assert client.head("/sources").status_code == 200
    assert client.get("/", headers={"host": "rebinding.example"}).status_code == 400


def test_the_app_cannot_write_even_if_asked(store: FilledStore) -> None:
    from browse.cli import read_only

    engine = read_only(make_engine(store.config.database, store.config.base_dir))
    try:
        with (
            pytest.raises(DBAPIError, match=r"(?i)read.only|readonly"),
            engine.begin() as connection,
        ):
            connection.execute(delete(Document))
    finally:
        engine.dispose()


def test_browse_refuses_a_non_loopback_host_without_the_flag(store: FilledStore) -> None:
    for host in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        check_host(host, allow_remote=False)
    with pytest.raises(ConfigError, match="--allow-remote"):
        check_host("0.0.0.0", allow_remote=False)
    check_host("0.0.0.0", allow_remote=True)
    from agglowatch.cli import app

    config = str(store.config.base_dir / "agglowatch.yaml")
    result = CliRunner().invoke(app, ["browse", "--config", config, "--host", "192.168.1.5"])
    assert result.exit_code == 2 and "--allow-remote" in result.output.replace("\n", " ")


# -- sources and feeds ----------------------------------------------------------------------------


def test_sources_page_shows_health_streaks_and_weekly_yield(
    client: httpx.Client, store: FilledStore, docs: list[dict[str, Any]]
) -> None:
    soup = page(client, "/sources")
    rows = {tr["data-source"]: tr for tr in soup.select("#sources tr[data-source]")}
    assert set(rows) == {"demo-news", "demo-portal", "drop-folder"}
    statuses = {s["name"]: s["status"] for s in store.reports[-1]["sources"]}
    for name, row in rows.items():
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        assert cells[2].startswith(statuses[name])
        assert cells[3] == f"{statuses[name]} × 2"  # both runs were good
        assert cells[5] != "—"  # a last good run
        mine = [d for d in originals(docs) if d["source"] == name]
        assert cells[6] == str(len(mine))
        weekly = [int(n) for n in row.select_one(".weekly .count").get_text().split()]
        assert len(weekly) == 8 and weekly[-1] == len(mine)  # all first stored this week


def test_digest_feed_has_one_entry_per_document_and_escapes_the_hostile_title(
    store: FilledStore,
) -> None:
    xml = (Path(store.config.path(store.config.output)) / "digests" / "feed.atom").read_bytes()
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    listed = [d for t in store.digest["themes"] for d in t["documents"]] + store.digest["other"]
    assert len(listed) == store.digest["stats"]["documents"]
    ids = [e.id for e in parsed.entries]
    assert ids == [f"urn:agglowatch:document:{d['id']}" for d in listed]
    by_title = {e.title: e for e in parsed.entries}
    assert HOSTILE_TITLE in by_title and b"<script>alert(1)" not in xml
    entry = by_title[HOSTILE_TITLE]
    assert {t.term for t in entry.tags} == {
        t for d in listed if d["title"] == HOSTILE_TITLE for t in d["themes"]
    }
    assert {link.rel for link in entry.links} == {"related"}  # file:// is never an alternate
    assert dt.datetime.fromisoformat(entry.published) <= dt.datetime.now(dt.UTC)


# -- the index is kept in sync by the database ----------------------------------------------------


def test_migration_indexes_existing_rows_and_triggers_follow_changes(
    db_url: str, tmp_path: Path
) -> None:
    from alembic import command

    from browse.search import SearchQuery, search
    from tests.test_digest_support import add_doc

    engine = make_engine(db_url, tmp_path)
    command.upgrade(alembic_config(engine), "0002")  # a store from before the index
    factory = session_factory(engine)
    now = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    with transaction(factory) as session:
        add_doc(session, "old", now, text="粤港澳大湾区建设国际科技创新中心。")
    upgrade(engine)

    def found(q: str) -> set[str]:
        with factory() as session:
            return {hit.id for hit in search(session, SearchQuery(q=q)).hits}

    assert found("大湾区") == {"old"}
    with transaction(factory) as session:
        add_doc(session, "new", now, text="Smart grids for the Guangdong-Hong Kong-Macao bay.")
        session.get(Document, "old").title = "Greater Bay Area innovation"  # type: ignore[union-attr]
    assert found("grids") == {"new"} and found("Greater Bay") == {"old"}
    with transaction(factory) as session:
        session.get(Document, "old").text = "全新的正文。"  # type: ignore[union-attr]
        session.execute(delete(Document).where(Document.id == "new"))
    assert found("大湾区") == set() and found("全新的正文") == {"old"} and found("grids") == set()
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT doc_id FROM documents_fts_ids")).scalars()
            assert list(rows) == ["old"]
            connection.execute(  # raises if the index disagrees with itself
                text("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
            )
    with factory() as session:
        assert session.scalar(select(Document.title).where(Document.id == "old")) == (
            "Greater Bay Area innovation"
        )
    engine.dispose()
