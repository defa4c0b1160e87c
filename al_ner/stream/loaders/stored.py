"""Stored datasets as a source: "dataset:NAME" or "dataset:NAME:ANSWER"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ...constants import ANSWERS, ANSWER
from ...errors import ConfigError, InputError
from ...types import Stream, Task
from .reading import OnInvalid, catch, check_task, tasks_or_errors

DATASET_PREFIX = "dataset:"


def read_stored(name: str, *, db: Any, on_invalid: OnInvalid | None = None) -> Stream:
    """Copies of the examples of a stored dataset, "NAME" or "NAME:ANSWER" (e.g. "news:accept")."""
    if db is None:
        raise ConfigError(f"source 'dataset:{name}' needs a database; pass db (an object with "
                          "get_examples)")
    name, _, answer = name.partition(":")
    if not name or (answer and answer not in ANSWERS):
        raise ConfigError(f"invalid source 'dataset:{name}:{answer}'; write dataset:NAME or "
                          f"dataset:NAME:ANSWER with ANSWER one of {', '.join(ANSWERS)}")
    examples = db.get_examples(name)
    return tasks_or_errors(_parse_stored(examples, f"dataset:{name}", answer), on_invalid)


def _parse_stored(examples: Iterable[Any], where: str, answer: str) -> Iterator[Task | InputError]:
    for i, example in enumerate(examples):
        if not answer or (isinstance(example, dict) and example.get(ANSWER) == answer):
            task = dict(example) if isinstance(example, dict) else example
            yield catch(check_task, task, where, None, f"example {i}: ")
