"""Prodigy's filters (`prodigy.components.filters`) over al-ner's: duplicates, and tasks whose
input or question was seen before (hashes from `db.get_input_hashes(...)`, say)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..stream import filter_duplicates, filter_seen
from ..types import Stream, Task

__all__ = ["filter_duplicates", "filter_inputs", "filter_seen_before", "filter_tasks"]


def filter_inputs(stream: Iterable[Task], input_hashes: Collection[int]) -> Stream:
    """Drop the tasks whose input hash is in `input_hashes`."""
    return filter_seen(stream, input_hashes, by="input")


def filter_tasks(stream: Iterable[Task], task_hashes: Collection[int]) -> Stream:
    """Drop the tasks whose task hash is in `task_hashes`."""
    return filter_seen(stream, task_hashes, by="task")


def filter_seen_before(stream: Iterable[Task], input_hashes: Collection[int] | None = None,
                       task_hashes: Collection[int] | None = None) -> Stream:
    """Drop the tasks whose input hash or task hash was seen before."""
    if input_hashes:
        stream = filter_inputs(stream, input_hashes)
    if task_hashes:
        stream = filter_tasks(stream, task_hashes)
    return iter(stream)
