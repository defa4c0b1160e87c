"""Paired differences and Student-t confidence intervals (no SciPy needed)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import ConfigError

METHOD = "paired t-interval over seeds"

HELPS = "helps"
HURTS = "hurts"
NO_DIFFERENCE = "no detectable difference"
MIXED = "mixed"
UNKNOWN = "too few seeds to tell"


@dataclass(frozen=True)
class Interval:
    """Mean of paired differences with a two-sided confidence interval (None when n < 2)."""

    mean: float
    low: float | None
    high: float | None
    n: int
    level: float = 0.95

    @property
    def verdict(self) -> str:
        """helps / hurts / no detectable difference, by whether the interval excludes 0."""
        if self.low is None or self.high is None:
            return UNKNOWN
        if self.low > 0:
            return HELPS
        if self.high < 0:
            return HURTS
        return NO_DIFFERENCE


def paired_differences(values: Mapping[int, float], baseline: Mapping[int, float]) -> list[float]:
    """value - baseline for each seed both have, in seed order."""
    return [values[seed] - baseline[seed] for seed in sorted(set(values) & set(baseline))]


def mean_interval(diffs: Sequence[float], *, level: float = 0.95) -> Interval:
    """The t-interval of the mean of `diffs` (df = n - 1); no bounds for fewer than 2 values."""
    n = len(diffs)
    if n == 0:
        raise ConfigError("no paired values to compare; run the strategy and the baseline on the same seeds")
    mean = sum(diffs) / n
    if n < 2:
        return Interval(mean, None, None, n, level)
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    half = t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, level)


def overall_verdict(verdicts: Sequence[str]) -> str:
    """One word for a strategy across budgets: helps, hurts, mixed or no detectable difference."""
    helps, hurts = HELPS in verdicts, HURTS in verdicts
    if helps and hurts:
        return MIXED
    if helps:
        return HELPS
    if hurts:
        return HURTS
    if verdicts and all(v == UNKNOWN for v in verdicts):
        return UNKNOWN
    return NO_DIFFERENCE


def t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom (bisection on the CDF)."""
    if not 0.0 < p < 1.0 or df < 1:
        raise ConfigError(f"t_quantile needs 0 < p < 1 and df >= 1, got p={p}, df={df}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(100):
        mid = (low + high) / 2.0
        low, high = (mid, high) if t_cdf(mid, df) < p else (low, mid)
    return (low + high) / 2.0


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def _betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return result
