"""prefer_uncertain / prefer_high_scores / prefer_low_scores on plain scored tasks."""

from __future__ import annotations

import copy
from itertools import count

import pytest

from al_ner.errors import ConfigError
from al_ner.sorters import (configure_prefer_uncertain, prefer_high_scores, prefer_low_scores,
                            prefer_uncertain)


def scored(scores: list[float]) -> list[tuple[float, dict]]:
    return [(score, {"text": f"t{i}", "meta": {"i": i}}) for i, score in enumerate(scores)]


def ids(tasks) -> list[int]:
    return [task["meta"]["i"] for task in tasks]


def test_ema_yields_tasks_at_or_above_the_moving_average() -> None:
    # uncertainties 1, 0, 0.8, 0, 1; averages (alpha 0.5) 1, 0.5, 0.65, 0.325
    out = prefer_uncertain(iter(scored([0.5, 1.0, 0.4, 0.0, 0.5])), alpha=0.5)
    assert ids(out) == [0, 2, 4]


def test_ema_yields_every_task_of_a_constant_stream() -> None:
    assert ids(prefer_uncertain(iter(scored([0.9] * 5)))) == [0, 1, 2, 3, 4]


def test_ema_relaxes_after_patience_skips_in_a_row() -> None:
    # one very uncertain task, then certain ones: the average stays high, patience lets some out
    out = prefer_uncertain(iter(scored([0.5] + [1.0] * 10)), alpha=0.01, patience=3)
    assert ids(out) == [0, 4, 8]


def test_ema_is_lazy_on_an_endless_stream() -> None:
    endless = ((0.5, {"text": str(i)}) for i in count())
    out = prefer_uncertain(endless)
    assert [next(out)["text"] for _ in range(3)] == ["0", "1", "2"]


def test_probability_algorithm_is_seeded_and_follows_the_uncertainty() -> None:
    items = scored([0.5] * 20 + [0.0, 1.0] * 20 + [0.25] * 400)
    first = ids(prefer_uncertain(iter(items), algorithm="probability", seed=3))
    again = ids(prefer_uncertain(iter(items), algorithm="probability", seed=3))
    other = ids(prefer_uncertain(iter(items), algorithm="probability", seed=4))
    assert first == again != other
    assert set(range(20)) <= set(first)  # uncertainty 1: always
    assert not set(range(20, 60)) & set(first)  # uncertainty 0: never
    assert 150 < len([i for i in first if i >= 60]) < 250  # uncertainty 0.5: about half


def test_high_and_low_scores_with_ema() -> None:
    items = scored([0.5, 0.9, 0.1, 0.6, 0.2])
    # high: averages (alpha 0.5) 0.5, 0.7, 0.4, 0.5 -> yields 0, 1, 3
    assert ids(prefer_high_scores(iter(items), alpha=0.5)) == [0, 1, 3]
    # low: on negated scores: -0.5, -0.7, -0.4, -0.5 -> yields 0, 2, 4
    assert ids(prefer_low_scores(iter(items), alpha=0.5)) == [0, 2, 4]


def test_high_and_low_scores_with_probability() -> None:
    items = scored([1.0] * 10 + [0.0] * 10)
    assert ids(prefer_high_scores(iter(items), algorithm="probability")) == list(range(10))
    assert ids(prefer_low_scores(iter(items), algorithm="probability")) == list(range(10, 20))


def test_score_goes_to_meta_of_a_copy() -> None:
    items = scored([0.3, 0.5])
    before = copy.deepcopy(items)
    out = list(prefer_uncertain(iter(items), alpha=1.0, patience=1))
    assert [task["meta"]["score"] for task in out] == [0.3, 0.5]
    assert items == before


@pytest.mark.parametrize(("settings", "message"), [
    ({"algorithm": "greedy"}, "'algorithm' must be one of ema, probability, got 'greedy'"),
    ({"alpha": 0.0}, r"'alpha' must be in \(0, 1\], got 0.0"),
    ({"alpha": 1.5}, r"'alpha' must be in \(0, 1\], got 1.5"),
    ({"patience": 0}, "'patience' must be an integer >= 1, got 0"),
    ({"seed": -1}, "'seed' must be an integer >= 0, got -1"),
])
def test_bad_settings_fail_at_configure_and_at_call(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        configure_prefer_uncertain(**settings)
    with pytest.raises(ConfigError, match=message):
        prefer_uncertain(iter([]), **settings)
