"""An in-memory stand-in for al_ner.storage.Database, for controller unit tests."""

from __future__ import annotations


class MemoryDB:
    def __init__(self, data: dict | None = None) -> None:
        self.data: dict[str, list[dict]] = data or {}
        self.writes = 0

    def exists(self, name: str) -> bool:
        return name in self.data

    def add_examples(self, name: str, examples: list[dict]) -> None:
        self.writes += 1
        self.data.setdefault(name, []).extend(dict(e) for e in examples)

    def get_examples(self, name: str):
        return iter(self.data[name])

    def get_hashes(self, name: str, *, by: str = "task") -> set[int]:
        key = "_task_hash" if by == "task" else "_input_hash"
        return {e[key] for e in self.data.get(name, [])}


import pytest  # noqa: E402


@pytest.fixture
def MemDB():
    """The in-memory Database class (call it, optionally with {name: [examples]})."""
    return MemoryDB
