"""Prodigy's `get_stream` and its `Stream` (`stream.apply(step, ...)`), over al-ner's loaders.

    stream = get_stream(source, rehash=True, dedup=True, input_key="text")
    stream.apply(add_tokens, nlp=nlp, stream=stream)     # Prodigy 1.12 style
    stream = add_tokens(nlp, stream)                     # older style: a Stream is an iterator
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..storage import get_db
from ..stream import filter_duplicates, set_hashes
from ..stream import get_stream as load
from ..types import Task

__all__ = ["Stream", "get_stream"]


class Stream:
    """An iterator of tasks whose steps can be applied in place (Prodigy's Stream)."""

    def __init__(self, source: Iterable[Task]) -> None:
        self._tasks: Iterator[Task] = iter(source)

    @classmethod
    def from_iterable(cls, tasks: Iterable[Task]) -> Stream:
        return cls(tasks)

    def __iter__(self) -> Stream:
        return self

    def __next__(self) -> Task:
        return next(self._tasks)

    def apply(self, func: Callable[..., Iterable[Task]], *args: Any, **kwargs: Any) -> Stream:
        """Replace the tasks by `func(*args, **kwargs)`; the stream itself among the arguments
        (or, if it isn't there, a `stream=` keyword) stands for the tasks so far."""
        current = self._tasks
        args = tuple(current if arg is self else arg for arg in args)
        kwargs = {key: current if value is self else value for key, value in kwargs.items()}
        if current not in args and current not in kwargs.values():
            kwargs["stream"] = current
        self._tasks = iter(func(*args, **kwargs))
        return self


def get_stream(source: str | Path | Iterable[Task], api: Any = None, loader: str | None = None,
               rehash: bool = False, dedup: bool = False, input_key: str = "text",
               is_binary: bool = False, **options: Any) -> Stream:
    """Tasks from a file, "-", "dataset:NAME" or an iterable of tasks, with Prodigy's options.

    Every task gets hashes (by `input_key`); rehash: even those that had some. dedup: drop
    repeated inputs (repeated questions with is_binary, where one input carries several
    questions). Other keyword options go to al-ner's loader (text_column=..., scheme=...).
    """
    if api is not None:
        raise ConfigError(f"get_stream(api={api!r}): Prodigy's API loaders are not in al-ner; load "
                          "the data into a file and pass its path")
    tasks: Iterable[Task] = source if _is_tasks(source) else load(  # type: ignore[arg-type]
        str(source), loader=loader, db=get_db(), **options)
    tasks = set_hashes(tasks, input_keys=(input_key,), overwrite=rehash)
    if dedup:
        tasks = filter_duplicates(tasks, by_input=not is_binary)
    return Stream(tasks)


def _is_tasks(source: Any) -> bool:
    return not isinstance(source, (str, Path)) and isinstance(source, Iterable)
