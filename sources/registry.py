"""Import every source kind module so that SOURCE_KINDS names them all."""

from __future__ import annotations

import importlib

from sources.base import SOURCE_KINDS, SourceKind

KIND_MODULES = (
    "sources.feed",
    "sources.html",
    "sources.sitemap",
    "sources.crossref",
    "sources.openalex",
    "sources.folder",
)


def load_kinds() -> dict[str, type[SourceKind]]:
    """Every registered kind by name (importing a module registers its kind)."""
    for module in KIND_MODULES:
        importlib.import_module(module)
    return dict(SOURCE_KINDS)
