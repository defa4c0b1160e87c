"""The .v1 registrations of prefer_uncertain, prefer_high_scores and prefer_low_scores.

Configs that name a .v1 sorter keep its first behaviour exactly, so that experiments can compare
it with the .v2 one: in v1, algorithm "ema" was the moving mean only, with `patience` (now
algorithm "mean"), and "probability" had no floor (a task of priority 0 never went through).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..registry import sorters
from ..types import Sorter, Stream
from .util import check_choice
from .ema import check_settings, prefer_high_scores, prefer_low_scores, prefer_uncertain

V1_ALGORITHMS = {"ema": "mean", "probability": "probability"}  # v1 name -> today's algorithm


def _configure_v1(sort: Callable[..., Stream], *, algorithm: str, alpha: float, patience: int,
                  seed: int) -> Sorter:
    check_choice("algorithm", algorithm, tuple(V1_ALGORITHMS))
    today = V1_ALGORITHMS[algorithm]
    check_settings(algorithm=today, alpha=alpha, k=1.0, floor=0.0, patience=patience, seed=seed)
    return partial(sort, algorithm=today, alpha=alpha, floor=0.0, patience=patience, seed=seed)


@sorters("al_ner.prefer_uncertain.v1")
def configure_prefer_uncertain(*, algorithm: str = "ema", alpha: float = 0.1, patience: int = 32,
                               seed: int = 0) -> Sorter:
    """v1 prefer_uncertain (algorithm: "ema", meaning the moving mean only, or "probability")."""
    return _configure_v1(prefer_uncertain, algorithm=algorithm, alpha=alpha, patience=patience,
                         seed=seed)


@sorters("al_ner.prefer_high_scores.v1")
def configure_prefer_high_scores(*, algorithm: str = "ema", alpha: float = 0.1, patience: int = 32,
                                 seed: int = 0) -> Sorter:
    """v1 prefer_high_scores (algorithm: "ema", meaning the moving mean only, or "probability")."""
    return _configure_v1(prefer_high_scores, algorithm=algorithm, alpha=alpha, patience=patience,
                         seed=seed)


@sorters("al_ner.prefer_low_scores.v1")
def configure_prefer_low_scores(*, algorithm: str = "ema", alpha: float = 0.1, patience: int = 32,
                                seed: int = 0) -> Sorter:
    """v1 prefer_low_scores (algorithm: "ema", meaning the moving mean only, or "probability")."""
    return _configure_v1(prefer_low_scores, algorithm=algorithm, alpha=alpha, patience=patience,
                         seed=seed)
