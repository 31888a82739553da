"""A pure-Python stand-in for pyahocorasick's Automaton, for bench.experiment_learned_tags only.

Commits before the pure-Python term index import `ahocorasick`, no longer a dependency; the
experiment runs those commits' rules on batches they had not seen, with this directory on the
path. Matches come as pyahocorasick gives them: (offset of the last character, value).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class Automaton:
    def __init__(self) -> None:
        self._words: dict[str, Any] = {}

    def add_word(self, key: str, value: Any) -> bool:
        self._words[key] = value
        return True

    def make_automaton(self) -> None:
        """Nothing to build: `iter` searches each word."""

    def iter(self, text: str) -> Iterator[tuple[int, Any]]:
        found: list[tuple[int, int, Any]] = []
        for key, value in self._words.items():
            start = text.find(key)
            while start != -1:
                found.append((start + len(key) - 1, -len(key), value))
                start = text.find(key, start + 1)
        found.sort(key=lambda item: (item[0], item[1]))
        return iter([(end, value) for end, _, value in found])
