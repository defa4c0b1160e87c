"""Streaming sorters in Prodigy's style: prefer uncertain, high or low scores.

Two algorithms, chosen with `algorithm`:

- "ema" keeps an exponential moving average of each task's priority (its uncertainty, its
  score, or its negated score) and yields the tasks at or above it, so it adapts to the score
  scale and to a model that grows more confident. After `patience` skips in a row it yields
  the next task regardless, so a stream never starves.
- "probability" yields each task with probability equal to its priority in [0, 1], drawn from
  a seeded RNG.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from ..registry import sorters
from ..scoring.maths import clamp01, ema, uncertainty
from ..types import Sorter, Stream, Task
from ._util import check_choice, check_int, check_share, with_score

ALGORITHMS = ("ema", "probability")
Priority = Callable[[float], float]


def prefer_uncertain(scored: Iterable[tuple[float, Task]], *, algorithm: str = "ema",
                     alpha: float = 0.1, patience: int = 32, seed: int = 0) -> Stream:
    """Yield the tasks whose probability is nearest 0.5 (uncertainty 1 - 2|p - 0.5|)."""
    return _sort(scored, uncertainty, uncertainty, algorithm, alpha, patience, seed)


def prefer_high_scores(scored: Iterable[tuple[float, Task]], *, algorithm: str = "ema",
                       alpha: float = 0.1, patience: int = 32, seed: int = 0) -> Stream:
    """Yield the tasks with high scores ("probability" reads the score as a probability)."""
    return _sort(scored, _identity, clamp01, algorithm, alpha, patience, seed)


def prefer_low_scores(scored: Iterable[tuple[float, Task]], *, algorithm: str = "ema",
                      alpha: float = 0.1, patience: int = 32, seed: int = 0) -> Stream:
    """Yield the tasks with low scores ("probability" keeps each with chance 1 - score)."""
    return _sort(scored, _negate, _complement, algorithm, alpha, patience, seed)


def _identity(score: float) -> float:
    return score


def _negate(score: float) -> float:
    return -score


def _complement(score: float) -> float:
    return 1.0 - clamp01(score)


def _sort(scored: Iterable[tuple[float, Task]], ema_key: Priority, prob_key: Priority,
          algorithm: str, alpha: float, patience: int, seed: int) -> Stream:
    # Checked here, not in the generators, so a bad setting fails at the call, not on first read.
    check_settings(algorithm=algorithm, alpha=alpha, patience=patience, seed=seed)
    if algorithm == "ema":
        return _by_ema(scored, ema_key, alpha=alpha, patience=patience)
    return _by_probability(scored, prob_key, seed=seed)


def _by_ema(scored: Iterable[tuple[float, Task]], key: Priority, *, alpha: float,
            patience: int) -> Iterator[Task]:
    average: float | None = None
    skipped = 0
    for score, task in scored:
        value = key(score)
        if average is None or value >= average or skipped >= patience:
            skipped = 0
            yield with_score(task, score)
        else:
            skipped += 1
        average = ema(average, value, alpha)


def _by_probability(scored: Iterable[tuple[float, Task]], key: Priority, *,
                    seed: int) -> Iterator[Task]:
    rng = random.Random(seed)
    for score, task in scored:
        if rng.random() < key(score):
            yield with_score(task, score)


def check_settings(*, algorithm: str, alpha: float, patience: int, seed: int) -> None:
    """Raise a ConfigError naming the first setting out of range."""
    check_choice("algorithm", algorithm, ALGORITHMS)
    check_share("alpha", alpha)
    check_int("patience", patience, minimum=1)
    check_int("seed", seed, minimum=0)


def _configure(sort: Callable[..., Stream], *, algorithm: str, alpha: float, patience: int,
               seed: int) -> Sorter:
    check_settings(algorithm=algorithm, alpha=alpha, patience=patience, seed=seed)
    return partial(sort, algorithm=algorithm, alpha=alpha, patience=patience, seed=seed)


@sorters("al_ner.prefer_uncertain.v1")
def configure_prefer_uncertain(*, algorithm: str = "ema", alpha: float = 0.1, patience: int = 32,
                               seed: int = 0) -> Sorter:
    """prefer_uncertain with these settings (algorithm: "ema" or "probability")."""
    return _configure(prefer_uncertain, algorithm=algorithm, alpha=alpha, patience=patience,
                      seed=seed)


@sorters("al_ner.prefer_high_scores.v1")
def configure_prefer_high_scores(*, algorithm: str = "ema", alpha: float = 0.1, patience: int = 32,
                                 seed: int = 0) -> Sorter:
    """prefer_high_scores with these settings (algorithm: "ema" or "probability")."""
    return _configure(prefer_high_scores, algorithm=algorithm, alpha=alpha, patience=patience,
                      seed=seed)


@sorters("al_ner.prefer_low_scores.v1")
def configure_prefer_low_scores(*, algorithm: str = "ema", alpha: float = 0.1, patience: int = 32,
                                seed: int = 0) -> Sorter:
    """prefer_low_scores with these settings (algorithm: "ema" or "probability")."""
    return _configure(prefer_low_scores, algorithm=algorithm, alpha=alpha, patience=patience,
                      seed=seed)
