"""The seed corpus: parsing seed files, idempotent sync into seed_documents and the dedupe index,
and a republication of a seed matched back to it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import storage.seeds as seeds_module
from agglowatch.config import DedupeSettings
from agglowatch.errors import ConfigError
from agglowatch.records import DocumentRecord, NormalisedDocument
from dedupe.index import Deduper
from dedupe.normalise import match_text, normalise, text_hash
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.models import SeedDocument, Signature
from storage.seeds import SeedSyncResult, parse_seed, seed_files, sync_seeds
from storage.signature_index import SqlSignatureIndex

PROJECT_SEEDS = Path(__file__).parent.parent / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "dedupe"
CDRF = "000_427ca8a6bf4e2fd1.txt"
FANG = "004_655615d8d0a4c062.txt"
SETTINGS = DedupeSettings()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'seeds.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(PROJECT_SEEDS, target)
    return target


def sync(engine: Engine, folder: Path, settings: DedupeSettings = SETTINGS) -> SeedSyncResult:
    with transaction(session_factory(engine)) as session:
        return sync_seeds(session, folder, SqlSignatureIndex(session), settings)


def rows(engine: Engine) -> dict[str, SeedDocument]:
    with Session(engine) as session:
        return {row.id: row for row in session.scalars(select(SeedDocument))}


def signature_keys(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(Signature.key)))


def test_project_seeds_carry_their_metadata() -> None:
    assert [p.name for p in seed_files(PROJECT_SEEDS)] == [CDRF, FANG]  # README.md is not a seed
    cdrf = parse_seed(PROJECT_SEEDS / CDRF)
    assert cdrf.record.title.startswith("Report on New Infrastructure and High-Quality")
    assert cdrf.url == "https://cdrf-en.cdrf.org.cn/publicqt/7568.htm"
    assert cdrf.meta["published"] == "2023-01-16" and cdrf.meta["language"] == "en"
    assert cdrf.meta["source"] == "China Development Research Foundation"
    assert cdrf.record.text.startswith("Welcome to the China Development Research Foundation")
    given = Path("/work/shared/seeds") / CDRF
    if given.exists():  # the text is kept exactly as it was given
        assert cdrf.record.text == given.read_text(encoding="utf-8")
    fang = parse_seed(PROJECT_SEEDS / FANG)
    assert fang.record.authors == ["FANG Chuanglin", "ZHANG Guoyou", "XUE Desheng"]
    assert fang.url is None and fang.meta["published"] is None


def test_sync_is_idempotent(engine: Engine, folder: Path) -> None:
    assert sync(engine, folder) == SeedSyncResult(loaded=2, updated=0, unchanged=0, removed=0)
    first = rows(engine)
    assert sync(engine, folder) == SeedSyncResult(loaded=0, updated=0, unchanged=2, removed=0)
    (folder / CDRF).touch()  # a new mtime is not a change
    assert sync(engine, folder) == SeedSyncResult(loaded=0, updated=0, unchanged=2, removed=0)
    again = rows(engine)
    assert set(again) == {CDRF, FANG}
    assert all(again[k].loaded_at == first[k].loaded_at for k in again)
    assert signature_keys(engine) == {f"seed:{CDRF}", f"seed:{FANG}"}
    assert again[CDRF].text_hash == text_hash(match_text(again[CDRF].text))


def test_a_changed_seed_is_re_read_and_re_indexed(engine: Engine, folder: Path) -> None:
    sync(engine, folder)
    new_text = (FIXTURES / "en_03_brief.txt").read_text(encoding="utf-8")
    (folder / FANG).write_text("---\ntitle: Replaced\n---\n" + new_text, encoding="utf-8")
    assert sync(engine, folder) == SeedSyncResult(loaded=0, updated=1, unchanged=1, removed=0)
    assert rows(engine)[FANG].title == "Replaced"
    with transaction(session_factory(engine)) as session:
        dedupe = Deduper(SqlSignatureIndex(session), SETTINGS)
        match = dedupe.check(_doc(new_text))
        assert match is not None and match.key == f"seed:{FANG}"
        old = parse_seed(PROJECT_SEEDS / FANG).record.text
        assert dedupe.check(_doc(old)) is None


def test_a_removed_seed_leaves_table_and_index(engine: Engine, folder: Path) -> None:
    sync(engine, folder)
    (folder / FANG).unlink()
    assert sync(engine, folder) == SeedSyncResult(loaded=0, updated=0, unchanged=1, removed=1)
    assert set(rows(engine)) == {CDRF}
    assert signature_keys(engine) == {f"seed:{CDRF}"}


def test_a_lost_signature_is_rebuilt_from_the_stored_text(
    engine: Engine, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(engine, folder)
    with transaction(session_factory(engine)) as session:
        SqlSignatureIndex(session).remove(f"seed:{CDRF}")

    def no_parsing(*args: object) -> None:
        raise AssertionError("an unchanged seed file was parsed again")

    monkeypatch.setattr(seeds_module, "parse_seed", no_parsing)
    assert sync(engine, folder).unchanged == 2
    assert f"seed:{CDRF}" in signature_keys(engine)


def test_signatures_of_another_num_perm_are_rebuilt(engine: Engine, folder: Path) -> None:
    sync(engine, folder)
    wider = DedupeSettings(num_perm=256)
    assert sync(engine, folder, wider).unchanged == 2
    with transaction(session_factory(engine)) as session:
        stored = SqlSignatureIndex(session).signature(f"seed:{CDRF}")
        assert stored is not None and len(stored.minhash) == 256


def test_a_seed_without_front_matter(engine: Engine, folder: Path) -> None:
    (folder / "010_note.md").write_text(
        "Return list\n\nCity clusters and common prosperity\n\n"
        + (FIXTURES / "en_02_seminar.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (folder / "notes.csv").write_text("not a seed", encoding="utf-8")
    assert sync(engine, folder).loaded == 3
    row = rows(engine)["010_note.md"]
    assert row.title == "City clusters and common prosperity" and row.url is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("---\ntitle: x\nno closing fence\n", "never closed"),
        ("---\ntitle: [unclosed\n---\ntext\n", "not valid YAML"),
        ("---\n- a list\n---\ntext\n", "must be a mapping"),
        ("---\npublished: last spring\n---\ntext\n", "'published' must be a date"),
        ("---\nauthors: {a: 1}\n---\ntext\n", "'authors' must be a list"),
        ("---\ntitle: {a: 1}\n---\ntext\n", "'title' must be text"),
    ],
)
def test_broken_front_matter_names_the_file(
    engine: Engine, folder: Path, content: str, message: str
) -> None:
    (folder / "020_broken.txt").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        sync(engine, folder)
    assert "020_broken.txt" in str(caught.value)
    assert rows(engine) == {}  # nothing was committed


def test_undecodable_seed_and_missing_folder_are_config_errors(
    engine: Engine, folder: Path
) -> None:
    (folder / "030_gbk.txt").write_bytes("城市群".encode("gbk"))
    with pytest.raises(ConfigError, match=r"030_gbk\.txt.*not UTF-8"):
        sync(engine, folder)
    with pytest.raises(ConfigError, match="is not a folder"):
        sync(engine, folder / "missing")


def _doc(text: str, url: str = "https://mirror.example/news/1.html") -> NormalisedDocument:
    return normalise(DocumentRecord(source="mirror", url=url, title="", text=text))


def _republished_cdrf() -> str:
    """The CDRF release as a news portal runs it: its own chrome, another headline."""
    body = parse_seed(PROJECT_SEEDS / CDRF).record.text.split("\n")
    start = next(i for i, line in enumerate(body) if line.startswith("On January 16, 2023"))
    return "\n".join(
        [
            "China Urban Review",
            "Home > News > Policy",
            "Updated: 2023-01-18 09:12",
            "Think tank releases report on new infrastructure and city clusters",
            "",
            *body[start:],
            "",
            "Related Stories",
            "Editor: J. Smith",
            "Print | Email | Share",
        ]
    )


def test_republication_of_the_cdrf_seed_matches_it(engine: Engine, folder: Path) -> None:
    sync(engine, folder)
    with transaction(session_factory(engine)) as session:

        def text_of(key: str) -> str | None:
            row = session.get(SeedDocument, key.removeprefix("seed:"))
            return row.text if row else None

        for confirm in (text_of, None):
            dedupe = Deduper(SqlSignatureIndex(session), SETTINGS, confirm)
            match = dedupe.check(_doc(_republished_cdrf()))
            assert match is not None
            assert match.key == f"seed:{CDRF}" and match.similarity >= 0.9


def test_sync_does_not_commit(engine: Engine, folder: Path) -> None:
    with Session(engine) as session:
        sync_seeds(session, folder, SqlSignatureIndex(session), SETTINGS)
        session.rollback()
    assert rows(engine) == {} and signature_keys(engine) == set()
