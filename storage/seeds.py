"""The seed corpus: text files in seeds/ loaded into seed_documents and the dedupe index.

A seed is a .txt or .md file, optionally opening with a YAML front-matter block between "---"
lines (title, authors, source, url, published, language, doi; other keys are kept in `meta`). Its
id is its file name. Sync runs at the start of every run and is idempotent: unchanged files (same
file_hash) are not re-read; changed files are re-read and re-indexed; seeds whose file is gone are
dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from agglowatch.config import DedupeSettings
from agglowatch.errors import ConfigError
from agglowatch.records import DocumentRecord
from agglowatch.textnorm import fold
from dedupe.index import Deduper, SignatureIndex
from dedupe.normalise import is_chrome, normalise
from storage.models import SeedDocument

SEED_SUFFIXES = (".txt", ".md")
SEED_SOURCE = "seeds"
_FENCE = "---"


@dataclass(frozen=True, slots=True)
class SeedSyncResult:
    loaded: int  # new seed files
    updated: int  # changed files, re-read
    unchanged: int
    removed: int  # files gone: row and signature dropped


@dataclass(frozen=True, slots=True)
class SeedFile:
    """One parsed seed file."""

    id: str
    file_hash: str
    url: str | None  # as the front matter gives it
    record: DocumentRecord  # url: the front matter's, else "seed:<file name>"
    meta: dict[str, Any]


def seed_key(seed_id: str) -> str:
    return f"seed:{seed_id}"


def seed_files(folder: Path) -> list[Path]:
    """Seed files in `folder` (not README*, not hidden), sorted by name."""
    if not folder.is_dir():
        raise ConfigError(f"seeds: {folder} is not a folder (set 'seeds' in agglowatch.yaml)")
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() in SEED_SUFFIXES
        and not path.name.startswith(".")
        and not path.name.lower().startswith("readme")
    )


def sync_seeds(
    session: Session, folder: Path, index: SignatureIndex, settings: DedupeSettings
) -> SeedSyncResult:
    """Bring seed_documents and the index in line with the files in `folder` (no commit)."""
    deduper = Deduper(index, settings)
    stored = {row.id: row for row in session.scalars(select(SeedDocument))}
    loaded = updated = unchanged = 0
    present: set[str] = set()
    for path in seed_files(folder):
        present.add(path.name)
        raw = path.read_bytes()
        row = stored.get(path.name)
        if row is not None and row.file_hash == _sha256(raw):
            unchanged += 1
            _reindex_if_missing(deduper, row)
            continue
        seed = parse_seed(path, raw)
        _upsert(session, row, seed)
        deduper.add(seed_key(seed.id), normalise(seed.record))
        if row is None:
            loaded += 1
        else:
            updated += 1
    gone = [seed_id for seed_id in stored if seed_id not in present]
    for seed_id in gone:
        session.delete(stored[seed_id])
        index.remove(seed_key(seed_id))
    session.flush()
    return SeedSyncResult(loaded, updated, unchanged, len(gone))


def _reindex_if_missing(deduper: Deduper, row: SeedDocument) -> None:
    """An unchanged seed whose signature is absent or of another num_perm is indexed again
    from its stored text (the file is not re-read)."""
    stored = deduper.index.signature(seed_key(row.id))
    if stored is not None and len(stored.minhash) == deduper.settings.num_perm:
        return
    deduper.add(seed_key(row.id), normalise(_record_from_row(row)))


def _upsert(session: Session, row: SeedDocument | None, seed: SeedFile) -> None:
    doc = normalise(seed.record)
    if row is None:
        row = SeedDocument(id=seed.id)
        session.add(row)
    row.url = seed.url
    row.title = seed.record.title
    row.file_hash = seed.file_hash
    row.text_hash = doc.text_hash
    row.meta = seed.meta
    row.text = seed.record.text
    row.loaded_at = dt.datetime.now(dt.UTC)


def _record_from_row(row: SeedDocument) -> DocumentRecord:
    return DocumentRecord(
        source=SEED_SOURCE, url=row.url or f"seed:{row.id}", title=row.title, text=row.text
    )


def parse_seed(path: Path, raw: bytes | None = None) -> SeedFile:
    """Read one seed file; a broken front matter or undecodable file is a ConfigError naming it."""
    raw = path.read_bytes() if raw is None else raw
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"seed {path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    meta, text = split_front_matter(content, path)
    record = _record(path, meta, text)
    stored_meta = {k: v for k, v in meta.items() if k not in ("title", "url")}
    stored_meta["authors"] = record.authors
    stored_meta["published"] = record.published.isoformat() if record.published else None
    url = _text_field(path, meta, "url")
    return SeedFile(path.name, _sha256(raw), url, record, _jsonable(stored_meta))


def split_front_matter(content: str, path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, text). No opening "---" line means no front matter."""
    lines = content.split("\n")
    if not lines or lines[0].strip() != _FENCE:
        return {}, content
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == _FENCE)
    except StopIteration:
        raise ConfigError(
            f"seed {path}: front matter opened with '---' on line 1 is never closed"
        ) from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise ConfigError(f"seed {path}: front matter is not valid YAML: {exc}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ConfigError(f"seed {path}: front matter must be a mapping of fields (title: ...)")
    return {str(k): v for k, v in meta.items()}, "\n".join(lines[end + 1 :])


def _record(path: Path, meta: dict[str, Any], text: str) -> DocumentRecord:
    title = _text_field(path, meta, "title") or _first_line(text) or path.stem
    url = _text_field(path, meta, "url") or f"seed:{path.name}"
    return DocumentRecord(
        source=SEED_SOURCE,
        url=url,
        title=title,
        text=text,
        authors=_authors(path, meta.get("authors")),
        published=_date(path, meta.get("published")),
        language=_text_field(path, meta, "language"),
        doi=_text_field(path, meta, "doi"),
        container=_text_field(path, meta, "source"),
    )


def _text_field(path: Path, meta: dict[str, Any], name: str) -> str | None:
    value = meta.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise ConfigError(f"seed {path}: field {name!r} must be text, not {type(value).__name__}")
    return str(value).strip() or None


def _authors(path: Path, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [a.strip() for a in value.split(";") if a.strip()]
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return [a.strip() for a in value if a.strip()]
    raise ConfigError(f"seed {path}: 'authors' must be a list of names or one text with ';'")


def _date(path: Path, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(
            f"seed {path}: 'published' must be a date like 2023-01-16, not {value!r}"
        ) from None


def _first_line(text: str) -> str | None:
    """The first line that is not site chrome ("Welcome to ...", "Return list"), as a title."""
    lines = (line.strip() for line in text.split("\n"))
    return next((line[:300] for line in lines if line and not is_chrome(fold(line))), None)


def _jsonable(value: Any) -> Any:
    """Front-matter values as JSON can store them (YAML dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
