"""Student-t quantiles, paired intervals and verdicts."""

from __future__ import annotations

import pytest

from al_ner.errors import ConfigError
from al_ner.experiment.stats import (HELPS, HURTS, MIXED, NO_DIFFERENCE, UNKNOWN, mean_interval,
                                     overall_verdict, paired_differences, t_quantile)


@pytest.mark.parametrize("df,expected", [(1, 12.706), (2, 4.303), (4, 2.776), (9, 2.262), (29, 2.045)])
def test_t_quantile_matches_the_table(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-3)
    assert t_quantile(0.025, df) == pytest.approx(-expected, abs=1e-3)


def test_paired_differences_use_only_shared_seeds_in_order() -> None:
    assert paired_differences({0: 0.5, 1: 0.7, 3: 0.1}, {1: 0.6, 0: 0.4, 2: 0.9}) == pytest.approx([0.1, 0.1])


def test_interval_by_hand() -> None:
    interval = mean_interval([0.1, 0.2, 0.15])
    # mean 0.15, sd 0.05, se 0.05/sqrt(3), t(0.975, 2) = 4.3027
    half = 4.302653 * 0.05 / 3 ** 0.5
    assert (interval.mean, interval.n) == (pytest.approx(0.15), 3)
    assert interval.low == pytest.approx(0.15 - half, abs=1e-5)
    assert interval.high == pytest.approx(0.15 + half, abs=1e-5)
    assert interval.verdict == HELPS


def test_verdicts() -> None:
    assert mean_interval([-0.2, -0.25, -0.22]).verdict == HURTS
    assert mean_interval([-0.1, 0.1, 0.02]).verdict == NO_DIFFERENCE
    one = mean_interval([0.3])
    assert (one.low, one.high, one.verdict) == (None, None, UNKNOWN)
    assert overall_verdict([HELPS, NO_DIFFERENCE]) == HELPS
    assert overall_verdict([HELPS, HURTS]) == MIXED
    assert overall_verdict([NO_DIFFERENCE, UNKNOWN]) == NO_DIFFERENCE
    assert overall_verdict([UNKNOWN]) == UNKNOWN


def test_no_pairs_is_an_error() -> None:
    with pytest.raises(ConfigError):
        mean_interval([])
