"""Browse: what the full-text index costs when storing, and search latency on a synthetic archive.

    uv run python -m bench.bench_browse [--docs 5000] [--db URL]

Documents of about 4,000 characters mixing Chinese and English taxonomy vocabulary (one unique
word each). Storing: the same documents written to a database migrated to 0002 (the revision
before the index) and to head (index and triggers), in one process, so the ratio is what to
read. Searching: best of three of a whole search request (count, page of 20, facets) for a rare
term, terms matching every document (trigram index, the LIKE fallback of a two-character word,
two terms), no term, and date order. PostgreSQL with --db (an empty database; tables are
created there). Printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from alembic import command

from browse.search import SearchQuery, Sort, search
from storage.db import alembic_config, make_engine, session_factory, transaction, upgrade
from tests.test_digest_support import add_doc

WORDS = [
    "城市群",
    "高质量发展",
    "新型基础设施",
    "urban",
    "agglomeration",
    "new",
    "infrastructure",
    "innovation",
    "Chengdu",
    "Chongqing",
    "京津冀",
    "长三角",
    "data",
    "centre",
    "intercity",
    "rail",
    "数据中心",
    "协同创新",
    "粤港澳",
    "大湾区",
    "carbon",
    "neutrality",
]
NOW = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
QUERIES: list[tuple[str, Sort]] = [
    ("unique4242", "relevance"),
    ("粤港澳", "relevance"),
    ("京津", "relevance"),
    ("大湾区 carbon", "relevance"),
    ("", "relevance"),
    ("城市群", "date"),
]


def texts(count: int) -> list[str]:
    rng = random.Random(1)
    return [" ".join(rng.choice(WORDS) for _ in range(500)) + f" unique{i}" for i in range(count)]


def store(url: str, revision: str, bodies: list[str]) -> float:
    engine = make_engine(url)
    if revision == "head":
        upgrade(engine)
    else:
        command.upgrade(alembic_config(engine), revision)
    factory = session_factory(engine)
    started = time.perf_counter()
    for start in range(0, len(bodies), 500):
        with transaction(factory) as session:
            for i in range(start, min(len(bodies), start + 500)):
                add_doc(
                    session,
                    f"d{i}",
                    NOW - dt.timedelta(minutes=i),
                    text=bodies[i],
                    themes=[("urban-agglomeration", 0.5)],
                    regions=["yangtze-river-delta"],
                )
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def searches(url: str) -> None:
    engine = make_engine(url)
    factory = session_factory(engine)
    with factory() as session:
        for q, sort in QUERIES:
            times = []
            for _ in range(3):
                started = time.perf_counter()
                result = search(session, SearchQuery(q=q, sort=sort))
                times.append(time.perf_counter() - started)
                session.rollback()
            shown = f"{q!r} by {sort}"
            print(f"  {shown:28} {result.total:6} hits  {min(times) * 1000:7.0f} ms")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: SQLite files)")
    args = parser.parse_args()
    bodies = texts(args.docs)
    folder = Path(tempfile.mkdtemp(prefix="bench-browse-"))
    if args.db:
        url = args.db
        print(f"{args.docs} documents on {make_engine(url).dialect.name}")
        print(f"store with index: {store(url, 'head', bodies):.1f} s")
    else:
        plain = store(f"sqlite:///{folder / 'plain.db'}", "0002", bodies)
        url = f"sqlite:///{folder / 'indexed.db'}"
        indexed = store(url, "head", bodies)
        sizes = [(folder / n).stat().st_size for n in ("plain.db", "indexed.db")]
        print(f"{args.docs} documents on sqlite")
        print(f"store without index {plain:.1f} s, with index {indexed:.1f} s ", end="")
        print(f"(x{indexed / plain:.2f}); file {sizes[0] / 1e6:.0f} MB -> {sizes[1] / 1e6:.0f} MB")
    print("search (count + page + facets), best of 3:")
    searches(url)


if __name__ == "__main__":
    main()
