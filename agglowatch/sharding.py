"""Which sources a run takes: by name, by tag, or a stable shard `i/n` of the enabled ones."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from agglowatch.config import Config
from agglowatch.errors import ConfigError

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def select_sources(
    config: Config,
    names: list[str] | None = None,
    shard: str | None = None,
    tags: list[str] | None = None,
) -> list[Any]:
    chosen = config.select(names)
    if tags:
        chosen = [s for s in chosen if set(s.tags) & set(tags)]
    if shard:
        index, count = parse_shard(shard)
        chosen = [s for s in chosen if shard_of(s.name, count) == index]
    return chosen


def parse_shard(shard: str) -> tuple[int, int]:
    """'1/3' → (1, 3); shards are numbered from 1."""
    match = _SHARD.match(shard)
    if not match:
        raise ConfigError(f"shard {shard!r} must look like 'i/n', e.g. '1/3'")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise ConfigError(f"shard {shard!r}: i must be between 1 and n")
    return index, count


def shard_of(name: str, count: int) -> int:
    """A source's shard: stable across machines and runs (a hash of its name, not its position)."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1
