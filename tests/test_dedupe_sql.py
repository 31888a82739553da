"""SqlSignatureIndex on SQLite (a temporary file) and on PostgreSQL when
AGGLOWATCH_TEST_DATABASE_URL is set (in a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from agglowatch.config import DedupeSettings
from agglowatch.records import DocumentRecord, NormalisedDocument
from dedupe.index import Deduper, MemoryIndex, band_keys, lsh_params, minhash_of
from dedupe.normalise import normalise
from dedupe.shingles import shingles
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.models import LshBand, Signature
from storage.signature_index import BATCH, SqlSignatureIndex

FIXTURES = Path(__file__).parent / "fixtures" / "dedupe"
SETTINGS = DedupeSettings()


def _postgres_engine() -> Iterator[Engine]:
    url = os.environ.get("AGGLOWATCH_TEST_DATABASE_URL")
    if not url:
        pytest.skip("AGGLOWATCH_TEST_DATABASE_URL is not set")
    schema = f"aw_dedupe_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(scoped.render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield from _postgres_engine()
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'dedupe.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def doc(name: str, url: str | None = None) -> NormalisedDocument:
    body = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    return normalise(
        DocumentRecord(source="t", url=url or f"https://e.org/{name}", title="", text=body)
    )


def entry(key: str, seed: int) -> tuple[str, list[int], bytes, int]:
    """A synthetic signature: random shingles, real MinHash and band keys."""
    rng = random.Random(seed)
    hashes = shingles(" ".join(f"w{rng.randrange(10**6)}" for _ in range(300)))
    signature = minhash_of(hashes, SETTINGS.num_perm)
    keys = band_keys(signature, SETTINGS.num_perm)
    return key, keys, signature.astype("<u8").tobytes(), int(hashes.size)


def test_add_read_and_remove(engine: Engine) -> None:
    factory = session_factory(engine)
    key, keys, blob, count = entry("doc:a", 1)
    with transaction(factory) as session:
        SqlSignatureIndex(session).add(key, keys, blob, count)
    with transaction(factory) as session:
        index = SqlSignatureIndex(session)
        assert index.candidates(keys[:1]) == {"doc:a"}
        stored = index.signature("doc:a")
        assert stored is not None and stored.shingles == count
        assert stored.minhash.astype("<u8").tobytes() == blob
        assert index.signature("doc:missing") is None
        index.remove("doc:a")
    with transaction(factory) as session:
        assert SqlSignatureIndex(session).candidates(keys) == set()
        assert session.scalar(select(func.count()).select_from(LshBand)) == 0


def test_add_replaces_bands_instead_of_piling_them_up(engine: Engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        index = SqlSignatureIndex(session)
        index.add(*entry("doc:a", 1))
        index.add(*entry("doc:a", 2))
    with transaction(factory) as session:
        count = session.scalar(
            select(func.count()).select_from(LshBand).where(LshBand.key == "doc:a")
        )
        assert count == lsh_params(SETTINGS.num_perm)[0]
        assert SqlSignatureIndex(session).candidates(entry("doc:a", 1)[1]) == set()


def test_bulk_add_and_batched_in_lists(engine: Engine) -> None:
    factory = session_factory(engine)
    entries = [entry(f"doc:{n:04}", n) for n in range(BATCH + 300)]
    with transaction(factory) as session:
        SqlSignatureIndex(session).add_many(entries)
    with transaction(factory) as session:
        index = SqlSignatureIndex(session)
        assert session.scalar(select(func.count()).select_from(Signature)) == len(entries)
        every_key = [k for e in entries[:40] for k in e[1]]  # > BATCH band keys in one call
        assert len(every_key) > BATCH
        assert index.candidates(every_key) == {e[0] for e in entries[:40]}
        assert set(index.signatures([e[0] for e in entries])) == {e[0] for e in entries}
        assert index.keys("doc:00") == {e[0] for e in entries[:100]}


def test_deduper_on_sql_survives_a_restart_and_agrees_with_memory(engine: Engine) -> None:
    names = ["zh_01_chengyu", "zh_04_new_infra", "zh_13_plan_long", "en_01_report"]
    with transaction(session_factory(engine)) as session:
        dedupe = Deduper(SqlSignatureIndex(session), SETTINGS)
        for name in names:
            dedupe.add(f"doc:{name}", doc(name))
    engine.dispose()  # a new process would start from here: nothing but the tables
    memory = Deduper(MemoryIndex(), SETTINGS)
    for name in names:
        memory.add(f"doc:{name}", doc(name))
    with transaction(session_factory(engine)) as session:
        dedupe = Deduper(SqlSignatureIndex(session), SETTINGS)
        for name in [*names, "zh_09_chengyu_b", "zh_12_new_infra_b", "en_04_seminar_b"]:
            copy = doc(name, f"https://mirror.example/{name}")
            assert dedupe.check(copy) == memory.check(copy), name
        match = dedupe.check(doc("zh_13_plan_long", "https://mirror.example/x"))
        assert match is not None and match.key == "doc:zh_13_plan_long"


def test_ties_go_to_the_earliest_added_across_transactions(engine: Engine) -> None:
    factory = session_factory(engine)
    for key in ("doc:z-first", "doc:a-second"):
        with transaction(factory) as session:
            Deduper(SqlSignatureIndex(session), SETTINGS).add(key, doc("en_02_seminar"))
    with transaction(factory) as session:
        match = Deduper(SqlSignatureIndex(session), SETTINGS).check(
            doc("en_02_seminar", "https://x.org/c")
        )
        assert match is not None and match.key == "doc:z-first"


def test_a_check_is_one_candidate_query_and_one_signature_query(engine: Engine) -> None:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    with transaction(session_factory(engine)) as session:
        dedupe = Deduper(SqlSignatureIndex(session), SETTINGS)
        dedupe.add("doc:a", doc("zh_02_jingjinji"))
        session.flush()
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert dedupe.check(doc("zh_02_jingjinji", "https://x.cn/1")) is not None
            assert dedupe.check(doc("en_03_brief", "https://x.cn/2")) is None
        finally:
            event.remove(engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3  # candidates + signatures, then candidates only (nothing found)
    assert "lsh_bands" in selects[0] and "signatures" in selects[1]


def test_the_candidate_query_uses_the_band_key_index(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    with Session(engine) as session:
        query = select(LshBand.key).where(LshBand.band_key.in_([1, 2, 3])).distinct()
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_lsh_bands_band_key" in plan
    engine.dispose()
