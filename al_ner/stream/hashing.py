"""Prodigy-style task hashes: murmurhash over the input keys and the task keys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import srsly
from murmurhash.mrmr import hash as murmur

from ..constants import INPUT_HASH, INPUT_KEYS, TASK_HASH, TASK_KEYS
from ..types import Stream, Task


def _hash_keys(task: Task, keys: Sequence[str]) -> str:
    values = {key: task[key] for key in keys if key in task}
    return srsly.json_dumps(values, sort_keys=True)


def _span_key(span: dict) -> dict:
    # Only what identifies the question: token/char offsets and label, not scores or text.
    return {k: span[k] for k in ("start", "end", "label") if k in span}


def input_hash(task: Task, input_keys: Sequence[str] = INPUT_KEYS) -> int:
    """Hash of what the annotator is shown (the text)."""
    return murmur(_hash_keys(task, input_keys))


def task_hash(task: Task, input_hash_value: int, task_keys: Sequence[str] = TASK_KEYS) -> int:
    """Hash of the question: the input hash plus the proposed spans/label/options."""
    values = {}
    for key in task_keys:
        if key in task:
            value = task[key]
            values[key] = [_span_key(s) for s in value] if key == "spans" else value
    return murmur(f"{input_hash_value} {srsly.json_dumps(values, sort_keys=True)}")


def set_hash(task: Task, *, input_keys: Sequence[str] = INPUT_KEYS,
             task_keys: Sequence[str] = TASK_KEYS, overwrite: bool = False) -> Task:
    """Return a copy of `task` with `_input_hash` and `_task_hash` set."""
    task = dict(task)
    if overwrite or INPUT_HASH not in task:
        task[INPUT_HASH] = input_hash(task, input_keys)
    if overwrite or TASK_HASH not in task:
        task[TASK_HASH] = task_hash(task, task[INPUT_HASH], task_keys)
    return task


def set_hashes(stream: Iterable[Task], *, input_keys: Sequence[str] = INPUT_KEYS,
               task_keys: Sequence[str] = TASK_KEYS, overwrite: bool = False) -> Stream:
    """Lazily hash every task of `stream` (copies; the input tasks are not changed)."""
    for task in stream:
        yield set_hash(task, input_keys=input_keys, task_keys=task_keys, overwrite=overwrite)
