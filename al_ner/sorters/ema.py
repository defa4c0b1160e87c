"""Streaming sorters in Prodigy's style: prefer uncertain, high or low scores.

Each task gets a priority: its uncertainty (prefer_uncertain), its score (prefer_high_scores)
or its negated score (prefer_low_scores). `algorithm` decides which tasks go through:

- "ema" (the default), as Prodigy's maintainers describe theirs: an exponentially weighted
  moving mean and variance of the priorities (one `alpha` for both), and a task goes through
  when its priority >= mean + k * sd of the tasks before it. Insensitive to the scale of the
  scores; with k = 1 it keeps about 16 % of a normal stream and 21 % of a uniform one.
  Warm-up: the first task always goes through and starts the statistics (mean = its priority,
  variance 0), so the threshold starts at the mean and rises to mean + k * sd as the variance
  builds up over the first ~1/alpha tasks. A constant stream has sd 0: every task goes through.
- "mean": al-ner's first "ema" (registered as the .v1 sorters): the moving mean only, and after
  `patience` skips in a row the next task goes through regardless. Keeps about half a stream.
- "probability": each task goes through with chance max(floor, p), p its priority read as a
  probability in [0, 1], drawn from a seeded RNG. The floor keeps a near-certain stream from
  starving (Prodigy: "probabilities are clipped so that ... you'll still see some examples").
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from ..registry import sorters
from ..scoring.maths import clamp01, ema, ew_moments, uncertainty
from ..types import Sorter, Stream, Task
from .util import check_choice, check_int, check_number, check_share, with_score

ALGORITHMS = ("ema", "probability", "mean")
FLOOR = 0.05  # "probability": even an all-0/all-1 stream asks one task in twenty
Priority = Callable[[float], float]
Scored = Iterable[tuple[float, Task]]


def prefer_uncertain(scored: Scored, *, bias: float = 0.0, algorithm: str = "ema",
                     alpha: float = 0.1, k: float = 1.0, floor: float = FLOOR,
                     patience: int = 32, seed: int = 0) -> Stream:
    """Yield the tasks whose probability is nearest 0.5 + bias (uncertainty 1 - 2|p - centre|).

    A positive bias prefers higher scores: bias 0.2 ranks by distance from 0.7.
    """
    check_number("bias", bias, low=-0.5, high=0.5)
    key = partial(uncertainty, bias=bias)
    return _sort(scored, key, key, algorithm=algorithm, alpha=alpha, k=k, floor=floor,
                 patience=patience, seed=seed)


def prefer_high_scores(scored: Scored, *, algorithm: str = "ema", alpha: float = 0.1,
                       k: float = 1.0, floor: float = FLOOR, patience: int = 32,
                       seed: int = 0) -> Stream:
    """Yield the tasks with high scores ("probability" reads the score as a probability)."""
    return _sort(scored, _identity, clamp01, algorithm=algorithm, alpha=alpha, k=k, floor=floor,
                 patience=patience, seed=seed)


def prefer_low_scores(scored: Scored, *, algorithm: str = "ema", alpha: float = 0.1,
                      k: float = 1.0, floor: float = FLOOR, patience: int = 32,
                      seed: int = 0) -> Stream:
    """Yield the tasks with low scores ("probability" keeps each with chance 1 - score)."""
    return _sort(scored, _negate, _complement, algorithm=algorithm, alpha=alpha, k=k,
                 floor=floor, patience=patience, seed=seed)


def _identity(score: float) -> float:
    return score


def _negate(score: float) -> float:
    return -score


def _complement(score: float) -> float:
    return 1.0 - clamp01(score)


def _sort(scored: Scored, key: Priority, chance: Priority, *, algorithm: str, alpha: float,
          k: float, floor: float, patience: int, seed: int) -> Stream:
    # Checked here, not in the generators, so a bad setting fails at the call, not on first read.
    check_settings(algorithm=algorithm, alpha=alpha, k=k, floor=floor, patience=patience,
                   seed=seed)
    if algorithm == "ema":
        return _above_mean_plus_sd(scored, key, alpha=alpha, k=k)
    if algorithm == "mean":
        return _above_mean(scored, key, alpha=alpha, patience=patience)
    return _by_chance(scored, chance, floor=floor, seed=seed)


def _above_mean_plus_sd(scored: Scored, key: Priority, *, alpha: float,
                        k: float) -> Iterator[Task]:
    moments: tuple[float, float] | None = None
    for score, task in scored:
        value = key(score)
        if moments is None or value >= moments[0] + k * moments[1] ** 0.5:
            yield with_score(task, score)
        moments = ew_moments(moments, value, alpha)


def _above_mean(scored: Scored, key: Priority, *, alpha: float, patience: int) -> Iterator[Task]:
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


def _by_chance(scored: Scored, chance: Priority, *, floor: float, seed: int) -> Iterator[Task]:
    rng = random.Random(seed)
    for score, task in scored:
        if rng.random() < max(floor, chance(score)):
            yield with_score(task, score)


def check_settings(*, algorithm: str, alpha: float, k: float, floor: float, patience: int,
                   seed: int) -> None:
    """Raise a ConfigError naming the first setting out of range."""
    check_choice("algorithm", algorithm, ALGORITHMS)
    check_share("alpha", alpha)
    check_number("k", k, low=0.0)
    check_number("floor", floor, low=0.0, high=1.0)
    check_int("patience", patience, minimum=1)
    check_int("seed", seed, minimum=0)


@sorters("al_ner.prefer_uncertain.v2")
def configure_prefer_uncertain_v2(*, algorithm: str = "ema", bias: float = 0.0,
                                  alpha: float = 0.1, k: float = 1.0, floor: float = FLOOR,
                                  patience: int = 32, seed: int = 0) -> Sorter:
    """prefer_uncertain with these settings (algorithm: "ema", "probability" or "mean")."""
    check_number("bias", bias, low=-0.5, high=0.5)
    check_settings(algorithm=algorithm, alpha=alpha, k=k, floor=floor, patience=patience,
                   seed=seed)
    return partial(prefer_uncertain, bias=bias, algorithm=algorithm, alpha=alpha, k=k,
                   floor=floor, patience=patience, seed=seed)


@sorters("al_ner.prefer_high_scores.v2")
def configure_prefer_high_scores_v2(*, algorithm: str = "ema", alpha: float = 0.1,
                                    k: float = 1.0, floor: float = FLOOR, patience: int = 32,
                                    seed: int = 0) -> Sorter:
    """prefer_high_scores with these settings (algorithm: "ema", "probability" or "mean")."""
    check_settings(algorithm=algorithm, alpha=alpha, k=k, floor=floor, patience=patience,
                   seed=seed)
    return partial(prefer_high_scores, algorithm=algorithm, alpha=alpha, k=k, floor=floor,
                   patience=patience, seed=seed)


@sorters("al_ner.prefer_low_scores.v2")
def configure_prefer_low_scores_v2(*, algorithm: str = "ema", alpha: float = 0.1,
                                   k: float = 1.0, floor: float = FLOOR, patience: int = 32,
                                   seed: int = 0) -> Sorter:
    """prefer_low_scores with these settings (algorithm: "ema", "probability" or "mean")."""
    check_settings(algorithm=algorithm, alpha=alpha, k=k, floor=floor, patience=patience,
                   seed=seed)
    return partial(prefer_low_scores, algorithm=algorithm, alpha=alpha, k=k, floor=floor,
                   patience=patience, seed=seed)
