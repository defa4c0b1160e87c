"""Score maths as tiny pure functions: uncertainty, reductions, moving averages and variances."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..errors import ConfigError

REDUCTIONS = ("max", "sum", "mean")


def clamp01(value: float) -> float:
    """`value` limited to [0, 1] (beam sums can overshoot 1.0 by rounding)."""
    return min(1.0, max(0.0, value))


def uncertainty(p: float, bias: float = 0.0) -> float:
    """1.0 at p = 0.5 + bias, falling linearly by 2 per unit of distance, limited to [0, 1].

    With bias 0 this is 1 - 2|p - 0.5|: 0.0 at p = 0 or 1. A bias moves the centre (Prodigy's
    "distance from 0.6 or 0.7" instead of from 0.5); probabilities further than 0.5 from the
    centre all get 0.0.
    """
    return clamp01(1.0 - 2.0 * abs(clamp01(p) - (0.5 + bias)))


def reduce_max(values: Iterable[float]) -> float:
    """The largest value, 0.0 for none."""
    return max(values, default=0.0)


def reduce_sum(values: Iterable[float]) -> float:
    """The sum, 0.0 for none."""
    return float(sum(values))


def reduce_mean(values: Iterable[float]) -> float:
    """The arithmetic mean, 0.0 for none."""
    items = list(values)
    return sum(items) / len(items) if items else 0.0


_REDUCERS: dict[str, Callable[[Iterable[float]], float]] = {
    "max": reduce_max, "sum": reduce_sum, "mean": reduce_mean,
}


def get_reducer(name: str) -> Callable[[Iterable[float]], float]:
    """The reduction called `name`, or a ConfigError listing the valid names."""
    if name not in _REDUCERS:
        raise ConfigError(f"'reduce' must be one of {', '.join(REDUCTIONS)}, got '{name}'")
    return _REDUCERS[name]


def ema(average: float | None, value: float, alpha: float) -> float:
    """Exponential moving average after seeing `value`; the first value starts it."""
    if average is None:
        return value
    return average + alpha * (value - average)


def ew_moments(moments: tuple[float, float] | None, value: float,
               alpha: float) -> tuple[float, float]:
    """Exponentially weighted (mean, variance) after seeing `value`.

    The first value starts them at (value, 0.0). Then the standard incremental update with one
    alpha for both: diff = value - mean; mean += alpha * diff;
    variance = (1 - alpha) * (variance + alpha * diff**2) (Finch 2009, "Incremental calculation
    of weighted mean and variance"); the mean is the same as `ema`.
    """
    if moments is None:
        return value, 0.0
    mean, variance = moments
    diff = value - mean
    increment = alpha * diff
    return mean + increment, (1.0 - alpha) * (variance + diff * increment)
