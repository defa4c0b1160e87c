"""The health check's maths as pure functions over per-sentence (tp, fp, fn) counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.stats import bootstrap

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap interval (None bounds: too few sentences to tell)."""

    value: float
    low: float | None
    high: float | None

    def covers(self, x: float) -> bool:
        return self.low is not None and self.high is not None and self.low <= x <= self.high


def span_counts(predicted: Iterable[Span], gold: Iterable[Span]) -> tuple[int, int, int]:
    """(tp, fp, fn) of exact-match spans."""
    p, g = set(predicted), set(gold)
    return len(p & g), len(p - g), len(g - p)


def f1_of(counts: np.ndarray) -> float:
    """Micro F1 of summed (tp, fp, fn) rows; 0.0 when there is nothing to score."""
    tp, fp, fn = np.asarray(counts, dtype=float).reshape(-1, 3).sum(axis=0)
    return float(2 * tp / (2 * tp + fp + fn)) if tp + fp + fn else 0.0


def _f1_stat(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, axis: int = -1) -> np.ndarray:
    tp, fp, fn = tp.sum(axis=axis), fp.sum(axis=axis), fn.sum(axis=axis)
    denom = 2 * tp + fp + fn
    return np.divide(2 * tp, denom, out=np.zeros_like(denom, dtype=float), where=denom > 0)


def _diff_stat(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, base_tp: np.ndarray,
               base_fp: np.ndarray, base_fn: np.ndarray, axis: int = -1) -> np.ndarray:
    return _f1_stat(tp, fp, fn, axis=axis) - _f1_stat(base_tp, base_fp, base_fn, axis=axis)


# A percentile bootstrap over a handful of sentences is no interval: 8 control sentences with 3
# gold entities and no hit give [0, 0]. Below this many gold entities the answer is "too few".
MIN_GOLD = 10


def gold_entities(counts: np.ndarray) -> int:
    """Gold entities in (tp, fp, fn) rows: tp + fn."""
    rows = np.asarray(counts, dtype=float).reshape(-1, 3)
    return int(rows[:, 0].sum() + rows[:, 2].sum())


def f1_interval(counts: np.ndarray, *, level: float = 0.95, n_boot: int = 1000,
                seed: int = 0) -> Interval:
    """F1 over the sentences with a percentile bootstrap interval (sentences resampled).

    No interval (low, high None) under MIN_GOLD gold entities.
    """
    rows = np.asarray(counts, dtype=float).reshape(-1, 3)
    if len(rows) < 2 or gold_entities(rows) < MIN_GOLD:
        return Interval(f1_of(rows), None, None)
    return _interval(f1_of(rows), tuple(rows.T), _f1_stat, level, n_boot, seed)


def diff_interval(model: np.ndarray, base: np.ndarray, *, level: float = 0.95,
                  n_boot: int = 1000, seed: int = 0) -> Interval:
    """F1(model) - F1(base) on the same sentences, resampled in pairs (MIN_GOLD as above)."""
    a, b = (np.asarray(x, dtype=float).reshape(-1, 3) for x in (model, base))
    value = f1_of(a) - f1_of(b)
    if len(a) < 2 or gold_entities(a) < MIN_GOLD:
        return Interval(value, None, None)
    return _interval(value, (*a.T, *b.T), _diff_stat, level, n_boot, seed)


def _interval(value: float, data: tuple, stat: object, level: float, n_boot: int,
              seed: int) -> Interval:
    result = bootstrap(data, stat, paired=True, vectorized=True, confidence_level=level,
                       n_resamples=n_boot, method="percentile", random_state=np.random.default_rng(seed))
    low, high = result.confidence_interval
    return Interval(value, float(low), float(high))
