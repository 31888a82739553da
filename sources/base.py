"""What every source kind is: a small class registered by its `kind` name.

A kind turns its config and a PageFetcher into a Harvest of DocumentRecords. It does network I/O
only through the fetcher (so politeness, retries and conditional GET are shared) and delegates
byte → record work to `parsers/`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from agglowatch.errors import ConfigError
from agglowatch.records import FetchedPage, FetchStats, Harvest, Validators


class PageFetcher(Protocol):
    """One source's view of the run's shared HTTP client."""

    stats: FetchStats
    validators: dict[str, Validators]  # url -> validators from earlier runs; updated in place

    async def get(
        self,
        url: str,
        *,
        conditional: bool = True,
        accept: str | None = None,
        params: dict[str, str] | None = None,
    ) -> FetchedPage:
        """GET politely; raises FetchError subclasses; returns status 304 pages when unchanged."""
        ...


@dataclass(slots=True)
class SourceContext:
    """What a kind may use during one run."""

    config: Any  # the source's model from agglowatch.config
    fetcher: PageFetcher
    state: dict[str, Any] = field(default_factory=dict)  # what this kind saved last run
    last_success: dt.datetime | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


class SourceKind(ABC):
    """Base of source kinds; the class docstring is the help `agglowatch check` shows."""

    kind: ClassVar[str]

    @abstractmethod
    async def harvest(self, ctx: SourceContext) -> Harvest:
        """Fetch and parse what the source currently lists."""


SOURCE_KINDS: dict[str, type[SourceKind]] = {}


def register(cls: type[SourceKind]) -> type[SourceKind]:
    SOURCE_KINDS[cls.kind] = cls
    return cls


def kind_for(name: str) -> SourceKind:
    try:
        return SOURCE_KINDS[name]()
    except KeyError:
        known = ", ".join(sorted(SOURCE_KINDS))
        raise ConfigError(f"unknown source kind {name!r}; known: {known}") from None
