"""prefer_top: the highest-scoring share of each window of scored tasks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from itertools import islice

from ..registry import sorters
from ..types import Sorter, Stream, Task
from .util import check_int, check_share, with_score


def prefer_top(scored: Iterable[tuple[float, Task]], *, window: int | None = 64,
               keep: float = 0.25) -> Stream:
    """Yield the top `keep` share of each `window` tasks by score, best first.

    window=None ranks the whole stream at once (it reads the entire source first): a true
    top-k over a pool, e.g. keep=200/len(pool) for a batch of 200 in batch active learning.
    Each window keeps at least one task; ties keep their input order.
    """
    check_prefer_top(window=window, keep=keep)
    return _prefer_top(scored, window, keep)


def _prefer_top(scored: Iterable[tuple[float, Task]], window: int | None,
                keep: float) -> Iterator[Task]:
    for batch in _windows(scored, window):
        batch.sort(key=lambda pair: pair[0], reverse=True)
        for score, task in batch[: max(1, round(len(batch) * keep))]:
            yield with_score(task, score)


def _windows(scored: Iterable[tuple[float, Task]],
             window: int | None) -> Iterator[list[tuple[float, Task]]]:
    items = iter(scored)
    while batch := list(islice(items, window)):
        yield batch


def check_prefer_top(*, window: int | None, keep: float) -> None:
    """Raise a ConfigError unless window >= 1 (or None) and keep is in (0, 1]."""
    check_int("window", window, minimum=1, optional=True)
    check_share("keep", keep)


@sorters("al_ner.prefer_top.v1")
def configure_prefer_top(*, window: int | None = 64, keep: float = 0.25) -> Sorter:
    """prefer_top with these settings (window None: rank the whole stream)."""
    check_prefer_top(window=window, keep=keep)
    return partial(prefer_top, window=window, keep=keep)
