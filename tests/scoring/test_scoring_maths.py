"""The score maths on plain numbers."""

from __future__ import annotations

import pytest

from al_ner.errors import ConfigError
from al_ner.scoring.maths import (clamp01, ema, get_reducer, reduce_max, reduce_mean, reduce_sum,
                                  uncertainty)


@pytest.mark.parametrize(("p", "expected"), [
    (0.5, 1.0), (0.0, 0.0), (1.0, 0.0), (0.25, 0.5), (0.75, 0.5), (0.9, 0.2), (1.2, 0.0),
    (-0.1, 0.0),
])
def test_uncertainty_is_linear_around_one_half(p: float, expected: float) -> None:
    assert uncertainty(p) == pytest.approx(expected)


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
