"""Stream steps that drop tasks: duplicates, and tasks already in a dataset."""

from __future__ import annotations

from collections.abc import Container, Iterable

from ..constants import INPUT_HASH, TASK_HASH
from ..errors import ConfigError
from ..types import Stream, Task
from .hashing import set_hash

_HASH_KEYS = {"task": TASK_HASH, "input": INPUT_HASH}


def filter_duplicates(stream: Iterable[Task], *, by_input: bool = False,
                      by_task: bool = True) -> Stream:
    """Keep the first task of each input (by_input) and/or each question (by_task).

    Tasks without hashes are hashed (as copies); memory grows with the distinct hashes kept.
    """
    if not (by_input or by_task):
        raise ConfigError("filter_duplicates needs by_input=True or by_task=True (or both)")
    return _filter_duplicates(stream, by_input, by_task)


def _filter_duplicates(stream: Iterable[Task], by_input: bool, by_task: bool) -> Stream:
    seen_inputs: set[int] = set()
    seen_tasks: set[int] = set()
    for task in _hashed(stream):
        if (by_input and task[INPUT_HASH] in seen_inputs) or (by_task and task[TASK_HASH] in seen_tasks):
            continue
        if by_input:
            seen_inputs.add(task[INPUT_HASH])
        if by_task:
            seen_tasks.add(task[TASK_HASH])
        yield task


def filter_seen(stream: Iterable[Task], hashes: Container[int], *, by: str = "task") -> Stream:
    """Drop tasks whose task hash (by="task") or input hash (by="input") is in `hashes`."""
    key = _HASH_KEYS.get(by)
    if key is None:
        raise ConfigError(f"unknown 'by' value '{by}' for filter_seen; choose one of: task, input")
    return (task for task in _hashed(stream) if task[key] not in hashes)


def _hashed(stream: Iterable[Task]) -> Stream:
    for task in stream:
        yield task if INPUT_HASH in task and TASK_HASH in task else set_hash(task)
