"""Prodigy's task hashes: one murmurhash function for the input and for the question.

Prodigy hashes a task when it enters the stream, before it is annotated: `_input_hash` over the
input keys (the text), `_task_hash` over the question keys (spans, label, ...) prefixed with the
input hash. Keys like a span's "score" or "source" are left out at every depth, and a task with
none of the keys is hashed whole. `get_hash` is that function, and the only one al-ner uses.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, overload

import srsly
from murmurhash.mrmr import hash as murmur

from ..constants import HASH_IGNORE_KEYS, INPUT_HASH, INPUT_KEYS, TASK_HASH, TASK_KEYS
from ..types import Stream, Task


def get_hash(task: Task, keys: Sequence[str], *, prefix: str | int = "",
             ignore: Collection[str] = HASH_IGNORE_KEYS) -> int:
    """Prodigy's signed 32-bit hash of `task`'s `keys`, or of the whole task if it has none."""
    values = [f"{key}={_dumps(task[key], ignore)}" for key in keys if key in task]
    if not values:
        values = [_dumps(task, ignore)]
    return murmur(str(prefix) + "".join(values))


def strip_ignored(value: Any, ignore: Collection[str] = HASH_IGNORE_KEYS) -> Any:
    """`value` without the `ignore` keys of its dicts, at every depth (the input is not changed)."""
    if isinstance(value, dict):
        return {key: strip_ignored(item, ignore) for key, item in value.items()
                if key not in ignore}
    if isinstance(value, list):
        return [strip_ignored(item, ignore) for item in value]
    return value


def _dumps(value: Any, ignore: Collection[str]) -> str:
    return srsly.json_dumps(strip_ignored(value, ignore), sort_keys=True)


def input_hash(task: Task, input_keys: Sequence[str] = INPUT_KEYS, *,
               ignore: Collection[str] = HASH_IGNORE_KEYS) -> int:
    """Hash of what the annotator is shown (the text)."""
    return get_hash(task, input_keys, ignore=ignore)


def task_hash(task: Task, input_hash_value: int, task_keys: Sequence[str] = TASK_KEYS, *,
              ignore: Collection[str] = HASH_IGNORE_KEYS) -> int:
    """Hash of the question: the input hash as prefix, then the spans/label/options/arcs."""
    # Prodigy sets _input_hash before hashing the question, so a whole-task fallback includes it.
    return get_hash({**task, INPUT_HASH: input_hash_value}, task_keys, prefix=input_hash_value,
                    ignore=ignore)


def set_hash(task: Task, *, input_keys: Sequence[str] = INPUT_KEYS,
             task_keys: Sequence[str] = TASK_KEYS, ignore: Collection[str] = HASH_IGNORE_KEYS,
             overwrite: bool = False) -> Task:
    """Return a copy of `task` with `_input_hash` and `_task_hash` set (Prodigy's `set_hashes`).

    Hashes a task already has are kept (they are opaque IDs) unless `overwrite`; then both are
    computed afresh, as for a task entering a stream, so old hashes never feed the new ones.
    """
    task = dict(task)
    if overwrite:
        task.pop(INPUT_HASH, None)
        task.pop(TASK_HASH, None)
    if INPUT_HASH not in task:
        task[INPUT_HASH] = input_hash(task, input_keys, ignore=ignore)
    if TASK_HASH not in task:
        task[TASK_HASH] = task_hash(task, task[INPUT_HASH], task_keys, ignore=ignore)
    return task


@overload
def set_hashes(stream: Task, *, input_keys: Sequence[str] = ..., task_keys: Sequence[str] = ...,
               ignore: Collection[str] = ..., overwrite: bool = ...) -> Task: ...


@overload
def set_hashes(stream: Iterable[Task], *, input_keys: Sequence[str] = ...,
               task_keys: Sequence[str] = ..., ignore: Collection[str] = ...,
               overwrite: bool = ...) -> Stream: ...


def set_hashes(stream: Task | Iterable[Task], *, input_keys: Sequence[str] = INPUT_KEYS,
               task_keys: Sequence[str] = TASK_KEYS, ignore: Collection[str] = HASH_IGNORE_KEYS,
               overwrite: bool = False) -> Task | Stream:
    """Lazily hash every task of `stream` (copies; the input tasks are not changed).

    Given one task (a dict), the hashed copy of that task: Prodigy's `set_hashes(task)`.
    """
    def hashed(task: Task) -> Task:
        return set_hash(task, input_keys=input_keys, task_keys=task_keys, ignore=ignore,
                        overwrite=overwrite)

    return hashed(stream) if isinstance(stream, dict) else (hashed(task) for task in stream)
