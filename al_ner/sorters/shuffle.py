"""shuffle: random order, over the whole stream or through a bounded buffer."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from ..registry import sorters
from ..types import Sorter, Stream, Task
from .util import check_int, with_score


def shuffle(stream: Iterable[Any], *, seed: int = 0, buffer: int | None = None) -> Stream:
    """Yield the tasks of `stream` in a random order drawn from `seed`.

    buffer=None reads the WHOLE stream into memory and shuffles it: a truly uniform order, but
    not lazy. An integer keeps a buffer of that many tasks and yields a random one as each new
    task arrives: lazy, local mixing only. Items may be tasks or (score, task) pairs; a pair's
    score goes to `meta["score"]` like the other sorters. Tasks come out as copies.
    """
    check_int("seed", seed, minimum=0)
    check_int("buffer", buffer, minimum=1, optional=True)
    rng = random.Random(seed)
    tasks = (_task_of(item) for item in stream)
    return _shuffle_all(tasks, rng) if buffer is None else _shuffle_buffered(tasks, rng, buffer)


def _task_of(item: Any) -> Task:
    if isinstance(item, tuple):
        score, task = item
        return with_score(task, score)
    return dict(item)


def _shuffle_all(tasks: Iterable[Task], rng: random.Random) -> Iterator[Task]:
    items = list(tasks)
    rng.shuffle(items)
    yield from items


def _shuffle_buffered(tasks: Iterable[Task], rng: random.Random, size: int) -> Iterator[Task]:
    pool: list[Task] = []
    for task in tasks:
        if len(pool) < size:
            pool.append(task)
            continue
        i = rng.randrange(size)
        yield pool[i]
        pool[i] = task
    rng.shuffle(pool)
    yield from pool


@sorters("al_ner.shuffle.v1")
def configure_shuffle(*, seed: int = 0, buffer: int | None = None) -> Sorter:
    """shuffle with this seed (buffer None: read and shuffle the whole stream)."""
    check_int("seed", seed, minimum=0)
    check_int("buffer", buffer, minimum=1, optional=True)
    return partial(shuffle, seed=seed, buffer=buffer)
