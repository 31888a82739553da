"""The `folder` kind: HTML, PDF, TXT and DOCX files dropped into a folder (and its subfolders).

Each file's URL is its file:// URI. A file is parsed again when its bytes' sha256 differs from the
`content_hash` stored with its validators; unchanged files are only listed. The listing is the whole
folder (`complete_listing=True`), so a deleted file is simply not listed and the store marks it
removed. A relative `path` is resolved against the current directory: give the flow an absolute
path (Config.path() resolves it against the config file's folder).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fnmatch
import hashlib
import logging
from pathlib import Path

from agglowatch.config import FolderSource
from agglowatch.errors import AgglowatchError, FetchError, ParseError
from agglowatch.records import DocumentRecord, FetchStats, Harvest
from parsers.article import extract_article
from parsers.docx import parse_docx
from parsers.encoding import decode_body
from parsers.pdf import parse_pdf
from parsers.plaintext import parse_text
from sources.articles import note_validators
from sources.base import SourceContext, SourceKind, register

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 200_000_000
_SKIP_PREFIXES = (".", "~$", "~")  # hidden files, Office lock files, editor backups


@register
class FolderKind(SourceKind):
    """Folder of HTML, PDF, TXT and DOCX files (path, patterns); changed files re-read."""

    kind = "folder"

    async def harvest(self, ctx: SourceContext) -> Harvest:
        config: FolderSource = ctx.config
        files = list_files(Path(config.path).expanduser(), config.patterns)
        documents: list[DocumentRecord] = []
        for path in files:
            record = await read_if_changed(path, ctx, config.name)
            if record is not None:
                documents.append(record)
        warnings = [] if files else [f"{config.path}: no file matches {config.patterns}"]
        return Harvest(
            source=config.name,
            documents=documents,
            listed_urls=[path.as_uri() for path in files],
            stats=ctx.fetcher.stats,
            complete_listing=True,
            warnings=warnings,
            dates_unparsed=sum(1 for d in documents if d.published is None),
        )


def list_files(folder: Path, patterns: list[str]) -> list[Path]:
    """Matching files under `folder`, sorted; patterns match names case-insensitively."""
    if not folder.is_dir():
        raise FetchError(f"{folder}: no such folder (check the source's path)", url=str(folder))
    lowered = [p.lower() for p in patterns]
    found = []
    for path in folder.resolve().rglob("*"):
        relative = path.relative_to(folder.resolve()).parts
        if any(part.startswith(_SKIP_PREFIXES) for part in relative) or not path.is_file():
            continue
        if any(fnmatch.fnmatch(path.name.lower(), pattern) for pattern in lowered):
            found.append(path)
    return sorted(found)


async def read_if_changed(path: Path, ctx: SourceContext, source: str) -> DocumentRecord | None:
    """The file's record when its bytes changed since last run; failures go to stats.errors."""
    url = path.as_uri()
    try:
        content = _read(path, ctx.fetcher.stats)
        digest = hashlib.sha256(content).hexdigest()
        known = ctx.fetcher.validators.get(url)
        if known is not None and known.content_hash == digest:
            return None
        record = await asyncio.to_thread(parse_file, content, path, source, ctx.now)
    except (OSError, AgglowatchError) as exc:
        ctx.fetcher.stats.errors.append(f"{url}: {exc}")
        return None
    except Exception as exc:  # a parser bug on one odd file must not lose the whole folder
        log.exception("unexpected error on %s", url)
        ctx.fetcher.stats.errors.append(f"{url}: unexpected {type(exc).__name__}: {exc}")
        return None
    note_validators(ctx.fetcher.validators, url, content_hash=digest)
    return record


def _read(path: Path, stats: FetchStats) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"{path.name}: {size} bytes, over the {MAX_FILE_BYTES} limit")
    content = path.read_bytes()
    stats.bytes += len(content)
    return content


def parse_file(
    content: bytes, path: Path, source: str, now: dt.datetime | None = None
) -> DocumentRecord:
    """Parse by extension; the record's url is the file URI and listing_url the same."""
    url, suffix = path.as_uri(), path.suffix.lower()
    if suffix == ".pdf":
        record = parse_pdf(content, url, source=source)
    elif suffix == ".docx":
        record = parse_docx(content, url, source=source)
    elif suffix in (".html", ".htm", ".xhtml"):
        record = extract_article(decode_body(content)[0], url, source=source, now=now)
    else:
        record = parse_text(content, url, source=source)
    record.listing_url = url
    return record
