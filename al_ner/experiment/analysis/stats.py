"""Uncertainty for the report: a paired hierarchical bootstrap over seeds and evaluation sentences.

Two things make a measured difference uncertain: the seed (which sample of the pool a run saw,
its random order, the training randomness) and the evaluation set, itself a sample of
sentences. Every replicate resamples both: the seeds with replacement, then the sentences with
replacement. One draw of sentences serves every seed and every model in a replicate, because
every model was scored on the same sentences: that keeps comparisons paired, and keeps the
test set's own sampling error in the interval instead of averaging it away over seeds.

Resampling n seeds from n understates their spread by a factor (n - 1) / n; seed deviations are
scaled by sqrt(n / (n - 1)) to undo that. Intervals are percentile intervals; p-values are
two-sided, from the same replicates; Holm's step-down method corrects a family of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from ...errors import ConfigError

ALPHA = 0.05
POWER = 0.8
MIN_DOCS = 20  # fewer evaluation sentences than this: "too few sentences", no verdict

HELPS = "helps"
HURTS = "hurts"
CANT_TELL = "can't tell"
TOO_FEW = "too few sentences"
IDENTICAL = "no difference on any sentence"
BETTER = "better"
WORSE = "worse"

METHOD = ("paired hierarchical bootstrap over seeds and evaluation sentences "
          "(one sentence draw shared by all seeds and models per replicate)")


def f1_of(counts: np.ndarray) -> np.ndarray:
    """F1 = 2tp / (2tp + fp + fn) over the last axis (tp, fp, fn); 0 where nothing was found or due."""
    counts = np.asarray(counts, dtype=np.float64)
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(denominator), where=denominator > 0)


@dataclass(frozen=True, eq=False)
class Replicates:
    """A statistic on the data as observed (`point`) and on every bootstrap replicate (`boot`)."""

    point: float
    boot: np.ndarray

    def __sub__(self, other: Replicates) -> Replicates:
        return Replicates(self.point - other.point, self.boot - other.boot)

    def __add__(self, other: Replicates) -> Replicates:
        return Replicates(self.point + other.point, self.boot + other.boot)

    def scale(self, factor: float) -> Replicates:
        return Replicates(self.point * factor, self.boot * factor)


class DocResampler:
    """Bootstrap weights over the sentences of one evaluation set, shared by every model scored on it.

    groups: each sentence's document, when known: then whole documents are drawn (a cluster
    bootstrap), since sentences of one article are not independent evidence; every sentence
    weighs as often as its document was drawn.
    """

    def __init__(self, n_docs: int, n_boot: int, rng: np.random.Generator,
                 groups: Sequence[str] | None = None) -> None:
        if n_docs < 1 or n_boot < 1:
            raise ConfigError(f"the bootstrap needs sentences and replicates, got {n_docs} and {n_boot}")
        if groups is not None and len(groups) != n_docs:
            raise ConfigError(f"{len(groups)} document ids for {n_docs} sentences; prepare the corpus again")
        self.n_docs = n_docs
        self.n_groups = n_docs if groups is None else len(set(groups))
        if groups is None:
            self.weights = rng.multinomial(n_docs, np.full(n_docs, 1.0 / n_docs), size=n_boot).astype(np.float32)
        else:
            index = {g: i for i, g in enumerate(dict.fromkeys(groups))}
            member = np.array([index[g] for g in groups])
            drawn = rng.multinomial(len(index), np.full(len(index), 1.0 / len(index)), size=n_boot)
            self.weights = drawn[:, member].astype(np.float32)

    def f1(self, counts: np.ndarray) -> Replicates:
        """F1 of one model from its per-sentence (tp, fp, fn), observed and per replicate."""
        counts = np.asarray(counts, dtype=np.float32).reshape(-1, 3)
        if len(counts) != self.n_docs:
            raise ConfigError(f"counts cover {len(counts)} sentences, the evaluation set has {self.n_docs}")
        return Replicates(float(f1_of(counts.sum(axis=0))), f1_of(self.weights @ counts))


class SeedResampler:
    """Which seeds each replicate draws (with replacement), the same draws for every comparison of n seeds."""

    def __init__(self, n_boot: int, seed: int = 0) -> None:
        self.n_boot = n_boot
        self.seed = seed
        self._draws: dict[int, np.ndarray] = {}

    def draws(self, n: int) -> np.ndarray:
        if n not in self._draws:
            rng = np.random.default_rng([self.seed, n])
            self._draws[n] = rng.integers(0, n, size=(self.n_boot, n))
        return self._draws[n]

    def mean(self, per_seed: Sequence[Replicates]) -> Replicates:
        """The mean over seeds, each replicate drawing its seeds again (deviations rescaled)."""
        n = len(per_seed)
        if n == 0:
            raise ConfigError("no seeds to average; run the strategies on the same seeds")
        boots = np.stack([r.boot for r in per_seed])  # seeds x replicates
        centre = boots.mean(axis=0)
        point = float(np.mean([r.point for r in per_seed]))
        if n == 1:
            return Replicates(point, centre)
        drawn = boots[self.draws(n), np.arange(self.n_boot)[:, None]].mean(axis=1)
        return Replicates(point, centre + math.sqrt(n / (n - 1)) * (drawn - centre))


@dataclass(frozen=True)
class Estimate:
    """A difference (or a mean) with its interval, p-value and what it was measured on.

    level: the interval's confidence level (lower than 95 % when Holm's method asks for it);
    p_adjusted: the Holm-adjusted p-value when the estimate belongs to a family, else None;
    mde: the smallest true difference this measurement would detect with 80 % power.
    """

    mean: float
    low: float
    high: float
    p: float
    se: float
    n_seeds: int
    n_docs: int
    level: float = 1 - ALPHA
    p_adjusted: float | None = None
    mde: float = 0.0
    degenerate: bool = False

    @property
    def verdict(self) -> str:
        """helps / hurts only with an interval that excludes 0 at the (corrected) level; else can't tell."""
        if self.degenerate:
            return TOO_FEW
        if self.se == 0.0:
            return IDENTICAL
        p = self.p if self.p_adjusted is None else self.p_adjusted
        if self.n_seeds < 2 or p > ALPHA or self.low <= 0 <= self.high:
            return CANT_TELL
        return HELPS if self.mean > 0 else HURTS

    @property
    def direction(self) -> str:
        """better / worse / can't tell (for a change from the base model)."""
        return {HELPS: BETTER, HURTS: WORSE}.get(self.verdict, self.verdict)

    def to_dict(self) -> dict[str, float | int | bool | None]:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in vars(self).items()}


def estimate(rep: Replicates, *, n_seeds: int, n_docs: int, level: float = 1 - ALPHA,
             p_adjusted: float | None = None) -> Estimate:
    """An Estimate from bootstrap replicates: percentile interval at `level`, two-sided p."""
    boot = rep.boot
    tail = (1 - level) / 2
    low, high = (float(x) for x in np.quantile(boot, [tail, 1 - tail]))
    se = float(np.std(boot, ddof=1)) if len(boot) > 1 else 0.0
    degenerate = n_docs < MIN_DOCS
    mde = (scipy_stats.norm.ppf(1 - (1 - level) / 2) + scipy_stats.norm.ppf(POWER)) * se
    return Estimate(rep.point, low, high, p_value(boot), se, n_seeds, n_docs, level, p_adjusted,
                    float(mde), degenerate)


def p_value(boot: np.ndarray) -> float:
    """Two-sided bootstrap p-value of "no difference": twice the smaller tail beyond 0 (at least 1/B)."""
    n = len(boot)
    tail = min(int(np.sum(boot <= 0)), int(np.sum(boot >= 0)))
    return min(1.0, max(2 * tail, 1) / n)


def holm(p_values: Sequence[float], *, alpha: float = ALPHA) -> tuple[list[float], list[float]]:
    """Holm's step-down correction: adjusted p-values and each test's confidence level.

    The test with the k-th smallest p (k = 0, 1, ...) of m is judged at alpha / (m - k); its
    interval is drawn at 1 - alpha / (m - k), so it excludes 0 where the test rejects.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, levels = [1.0] * m, [1 - alpha] * m
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p_values[i]))
        adjusted[i] = running
        levels[i] = 1 - alpha / (m - k)
    return adjusted, levels
