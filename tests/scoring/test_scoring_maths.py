"""The score maths on plain numbers."""

from __future__ import annotations

import pytest

from al_ner.errors import ConfigError
from al_ner.scoring.maths import (clamp01, ema, ew_moments, get_reducer, reduce_max, reduce_mean,
                                  reduce_sum, uncertainty)


@pytest.mark.parametrize(("p", "expected"), [
    (0.5, 1.0), (0.0, 0.0), (1.0, 0.0), (0.25, 0.5), (0.75, 0.5), (0.9, 0.2), (1.2, 0.0),
    (-0.1, 0.0),
])
def test_uncertainty_is_linear_around_one_half(p: float, expected: float) -> None:
    assert uncertainty(p) == pytest.approx(expected)


@pytest.mark.parametrize(("p", "bias", "expected"), [
    (0.7, 0.2, 1.0), (0.5, 0.2, 0.6), (1.0, 0.2, 0.4), (0.2, 0.2, 0.0), (0.0, 0.2, 0.0),
    (0.3, -0.2, 1.0), (0.0, -0.2, 0.4), (0.5, 0.0, 1.0),
])
def test_bias_moves_the_centre_of_the_uncertainty(p: float, bias: float, expected: float) -> None:
    assert uncertainty(p, bias) == pytest.approx(expected)


def test_clamp01() -> None:
    assert [clamp01(v) for v in (-1.0, 0.3, 1.0000001)] == [0.0, 0.3, 1.0]


def test_reductions_on_numbers_and_on_nothing() -> None:
    values = [0.2, 0.6, 1.0]
    assert reduce_max(values) == 1.0
    assert reduce_sum(values) == pytest.approx(1.8)
    assert reduce_mean(values) == pytest.approx(0.6)
    assert reduce_max([]) == reduce_sum([]) == reduce_mean([]) == 0.0


def test_reductions_take_generators() -> None:
    assert reduce_mean(v for v in (1.0, 3.0)) == 2.0


def test_get_reducer_names_the_choices() -> None:
    assert get_reducer("sum") is reduce_sum
    with pytest.raises(ConfigError, match="max, sum, mean.*'median'"):
        get_reducer("median")


def test_ema_starts_at_first_value_then_moves_by_alpha() -> None:
    average = ema(None, 1.0, 0.5)
    assert average == 1.0
    average = ema(average, 0.0, 0.5)
    assert average == 0.5
    assert ema(average, 1.0, 0.1) == pytest.approx(0.55)
    assert ema(0.3, 0.3, 0.1) == 0.3


def test_ew_moments_start_at_the_first_value_then_follow_the_standard_update() -> None:
    moments = ew_moments(None, 0.5, 0.5)
    assert moments == (0.5, 0.0)
    moments = ew_moments(moments, 0.9, 0.5)  # diff 0.4: mean 0.7, var 0.5 * (0 + 0.4 * 0.2)
    assert moments == pytest.approx((0.7, 0.04))
    assert ew_moments(moments, 0.1, 0.5) == pytest.approx((0.4, 0.11))
    assert ew_moments((0.3, 0.0), 0.3, 0.1) == (0.3, 0.0)


def test_ew_moments_are_the_weighted_mean_and_variance_of_all_values_so_far() -> None:
    # weights (1 - alpha)^n for the first value and alpha (1 - alpha)^(n - i) for value i: they
    # sum to 1, and the incremental update gives exactly this weighted mean and variance
    values, alpha = [0.2, 0.9, 0.4, 0.4, 0.7, 0.1], 0.3
    moments, average = None, None
    for value in values:
        moments, average = ew_moments(moments, value, alpha), ema(average, value, alpha)
    n = len(values) - 1
    weights = [(1 - alpha) ** n] + [alpha * (1 - alpha) ** (n - i) for i in range(1, n + 1)]
    mean = sum(w * v for w, v in zip(weights, values))
    variance = sum(w * (v - mean) ** 2 for w, v in zip(weights, values))
    assert moments == pytest.approx((mean, variance))
    assert moments is not None and moments[0] == pytest.approx(average)
