"""`agglowatch check`: the config as understood, without importing the pipeline.

Plain `check` must start at once, so it lists kinds from the config's own models (the set the
loader accepts); `agglowatch.check_live` holds `--live`, which needs the fetcher and the kinds.
"""

from __future__ import annotations

from typing import Any, get_args

from rich.console import Console
from rich.table import Table

from agglowatch.config import Config, SourceConfig


def configured_kinds() -> dict[str, str]:
    """Kind name → one-line help, from the source models' `kind` literal and docstring."""
    union, *_ = get_args(SourceConfig)
    kinds = {}
    for model in get_args(union):
        (name,) = get_args(model.model_fields["kind"].annotation)
        kinds[name] = (model.__doc__ or "").strip()
    return kinds


def print_config(console: Console, config: Config, sources: list[Any]) -> None:
    console.print(f"configuration OK: {len(config.sources)} sources, database {config.database}")
    table = Table("source", "kind", "enabled", "where")
    for source in sources:
        where = getattr(source, "url", None) or getattr(source, "path", None) or source.base_url
        table.add_row(source.name, source.kind, "yes" if source.enabled else "no", str(where))
    console.print(table)
    kinds = ", ".join(f"{name} ({help_})" for name, help_ in configured_kinds().items())
    console.print(f"source kinds: {kinds}", highlight=False)
