"""Prodigy's `prodigy.util` helpers that recipes import, as al-ner's: `split_string`, `get_labels`,
`set_hashes` (one task), `log`, `msg`, `combine_models` and the names of the hash keys.

A face for recipes written for Prodigy (docs/prodigy.md): nothing in al-ner imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from wasabi import msg

from .constants import HASH_IGNORE_KEYS, INPUT_HASH, INPUT_KEYS, SESSION_ID, TASK_HASH, TASK_KEYS, VIEW_ID
from .errors import ConfigError
from .stream.hashing import set_hash
from .stream.patterns import combine
from .types import ScoredStream, Task

__all__ = ["INPUT_HASH_ATTR", "SESSION_ID_ATTR", "TASK_HASH_ATTR", "VIEW_ID_ATTR", "combine_models",
           "get_labels", "log", "msg", "set_hashes", "split_string"]

INPUT_HASH_ATTR = INPUT_HASH
TASK_HASH_ATTR = TASK_HASH
VIEW_ID_ATTR = VIEW_ID
SESSION_ID_ATTR = SESSION_ID
LOGGER = logging.getLogger("al_ner.recipe")


def split_string(text: str | None) -> list[str]:
    """'ORG, PERSON' -> ['ORG', 'PERSON'] (a recipe argument's converter); blanks dropped."""
    if not text:
        return []
    return [part.strip() for part in str(text).split(",") if part.strip()]


def get_labels(labels_data: str | None) -> list[str] | None:
    """Labels from a comma-separated string, or from a text file with one label a line."""
    if labels_data is None:
        return None
    path = Path(labels_data)
    if path.is_file():
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return split_string(labels_data)


def set_hashes(task: Task, input_keys: Sequence[str] = INPUT_KEYS, task_keys: Sequence[str] = TASK_KEYS,
               ignore: Collection[str] = HASH_IGNORE_KEYS, overwrite: bool = False) -> Task:
    """A copy of `task` with `_input_hash` and `_task_hash` (Prodigy's per-task set_hashes)."""
    if not isinstance(task, dict):
        raise ConfigError(f"set_hashes takes one task (a dict), got {type(task).__name__}; hash "
                          "a stream with al_ner.stream.set_hashes")
    return set_hash(task, input_keys=input_keys, task_keys=task_keys, ignore=ignore,
                    overwrite=overwrite)


def log(message: str, details: Any = None) -> None:
    """Log a recipe's message (shown with PRODIGY_LOGGING=basic or verbose, as in Prodigy)."""
    LOGGER.info(message)
    if details is not None:
        LOGGER.debug("%s", details)


Model = Any  # a callable on a stream yielding (score, task) pairs, with update(answers)


def combine_models(one: Model, two: Model, batch_size: int | None = None) -> tuple[
        Callable[[Iterable[Task]], ScoredStream], Callable[[list[Task]], float]]:
    """Two models as one: `predict` interleaves their (score, task) pairs (the second's for each
    task just before the first's next pair), `update` updates both and sums their losses."""

    def predict(stream: Iterable[Task]) -> ScoredStream:
        return combine(one, lambda task: list(two([task])), stream)

    def update(answers: list[Task]) -> float:
        answers = list(answers)
        losses = [one.update(answers), two.update(answers)]
        return float(sum(loss for loss in losses if isinstance(loss, (int, float))))

    return predict, update
