"""The health check's estimate: F1 from per-sentence counts, bootstrap intervals, the warning."""

from __future__ import annotations

import numpy as np
import pytest

from al_ner.health import WORSE, describe, diff_interval, estimate, f1_interval, f1_of, span_counts


def test_span_counts_and_f1() -> None:
    assert span_counts([(0, 1, "ORG"), (3, 4, "ORG")], [(0, 1, "ORG"), (5, 6, "ORG")]) == (1, 1, 1)
    assert f1_of(np.array([[1, 1, 1], [2, 0, 0]])) == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert f1_of(np.zeros((0, 3))) == 0.0


def test_intervals_contain_the_estimate_and_narrow_with_more_sentences() -> None:
    rng = np.random.default_rng(0)
    small = rng.integers(0, 3, (20, 3))
    large = np.tile(small, (10, 1))
    a, b = f1_interval(small), f1_interval(large)
    assert a.low <= a.value <= a.high and b.low <= b.value <= b.high
    assert (b.high - b.low) < (a.high - a.low)
    assert f1_interval(small[:1]).low is None  # one sentence: no interval
    few = np.array([[0, 1, 1]] * 8)  # 8 gold entities, no hit: a bootstrap would say [0, 0]
    assert f1_interval(few).low is None and f1_interval(np.array([[0, 1, 1]] * 10)).low == 0.0


def test_the_paired_difference_and_the_warning() -> None:
    base = np.array([[2, 0, 0]] * 30)
    worse = np.array([[0, 1, 2]] * 15 + [[2, 0, 0]] * 15)
    health = estimate(worse, base)
    assert health.diff.value < 0 and health.diff.high < 0 and health.warning == WORSE
    assert "WARNING" in describe(health.to_dict())
    same = estimate(base, base)
    assert same.diff.value == 0 and same.warning == ""
    assert diff_interval(base, base).covers(0.0)
    assert describe(None) == "health check: no control answers yet"
