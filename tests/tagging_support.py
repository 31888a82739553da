"""What the tagging tests read off a TagResult (the `tagger` fixture is in conftest.py)."""

from __future__ import annotations

from agglowatch.records import TagResult


def themes(result: TagResult) -> set[str]:
    return {match.id for match in result.themes}


def regions(result: TagResult) -> set[str]:
    return {match.id for match in result.regions}
