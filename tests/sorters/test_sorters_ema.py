"""prefer_uncertain / prefer_high_scores / prefer_low_scores: the moving mean + sd ("ema", the
default), "probability" with a floor, and the bias; the mean-only "mean" is in test_sorters_legacy."""

from __future__ import annotations

import copy
import random
from itertools import count

import pytest

from al_ner.errors import ConfigError
from al_ner.sorters import (configure_prefer_uncertain_v2, prefer_high_scores, prefer_low_scores,
                            prefer_uncertain)


def scored(scores: list[float]) -> list[tuple[float, dict]]:
    return [(score, {"text": f"t{i}", "meta": {"i": i}}) for i, score in enumerate(scores)]


def ids(tasks) -> list[int]:
    return [task["meta"]["i"] for task in tasks]


def rate(tasks, n: int) -> float:
    return len(list(tasks)) / n


# data seeds differ from the sorters' default seed 0: "probability" drawing the very numbers that
# made the scores would keep a biased sample
def normal(n: int, mean: float = 0.5, sd: float = 0.1, seed: int = 10) -> list[float]:
    rng = random.Random(seed)
    return [rng.gauss(mean, sd) for _ in range(n)]


def uniform(n: int, seed: int = 20) -> list[float]:
    rng = random.Random(seed)
    return [rng.random() for _ in range(n)]


def test_ema_yields_tasks_at_or_above_mean_plus_one_sd() -> None:
    # alpha 0.5: (mean, var) 0.5/0 -> 0.7/0.04 -> 0.4/0.11 -> 0.5/0.065 -> 0.35/0.055
    # thresholds 0.5, 0.5, 0.9, 0.73, 0.76, 0.58: task 3 (0.6) is above the mean, not mean + sd
    out = prefer_high_scores(iter(scored([0.5, 0.9, 0.1, 0.6, 0.2, 1.0])), alpha=0.5)
    assert ids(out) == [0, 1, 5]


def test_ema_with_k_zero_is_the_mean_without_patience() -> None:
    items = scored([0.5, 0.9, 0.1, 0.6, 0.2, 1.0])
    assert ids(prefer_high_scores(iter(items), alpha=0.5, k=0.0)) == [0, 1, 3, 5]


def test_ema_keeps_about_one_in_six_of_a_normal_stream() -> None:
    # P(X >= mean + sd) = 15.9 % for a normal; the moving estimates' noise adds about 2 points
    assert 0.14 < rate(prefer_high_scores(iter(scored(normal(20_000)))), 20_000) < 0.20


def test_ema_keeps_about_a_fifth_of_a_uniform_stream() -> None:
    # uniform scores give uniform uncertainties: P(U >= 0.5 + 0.289) = 21.1 %
    n = 20_000
    assert 0.18 < rate(prefer_uncertain(iter(scored(uniform(n)))), n) < 0.25
    assert 0.18 < rate(prefer_high_scores(iter(scored(uniform(n)))), n) < 0.25


def test_ema_is_insensitive_to_the_scale_of_the_scores() -> None:
    scores = normal(5_000)
    small = [score / 16 for score in scores]  # a power of two: exact in floating point
    assert ids(prefer_high_scores(iter(scored(small)))) == ids(prefer_high_scores(iter(scored(scores))))


def test_ema_adapts_when_the_scores_shift_and_shrink() -> None:
    n = 5_000
    scores = normal(n, 0.5, 0.1) + normal(n, 0.05, 0.01, seed=11)  # the model grows confident
    kept = [i for i in ids(prefer_high_scores(iter(scored(scores)))) if i >= n + 100]
    assert 0.13 < len(kept) / (n - 100) < 0.21


def test_ema_yields_every_task_of_a_constant_stream() -> None:
    # sd 0 and every priority equals the mean: nothing to prefer, so nothing is dropped
    assert ids(prefer_uncertain(iter(scored([0.9] * 50)))) == list(range(50))


def test_ema_is_lazy_on_an_endless_stream() -> None:
    rng, reads = random.Random(0), []
    endless = ((rng.random(), {"text": str(reads.append(i) or i)}) for i in count())
    out = prefer_uncertain(endless)
    assert len([next(out) for _ in range(5)]) == 5 and len(reads) < 100


@pytest.mark.parametrize("bias", [-0.2, 0.0, 0.2])
def test_bias_moves_the_centre_of_what_ema_keeps(bias: float) -> None:
    out = list(prefer_uncertain(iter(scored(uniform(20_000))), bias=bias))
    assert 0.18 < len(out) / 20_000 < 0.25
    near = [task for task in out if abs(task["meta"]["score"] - (0.5 + bias)) < 0.2]
    assert len(near) > 0.99 * len(out)  # the rest: warm-up and the odd jump in the moving sd
    mean = sum(task["meta"]["score"] for task in out) / len(out)
    assert mean == pytest.approx(0.5 + bias, abs=0.01)


def test_bias_moves_the_centre_of_the_probability() -> None:
    def kept(p: float) -> float:
        return rate(prefer_uncertain(iter(scored([p] * 4000)), bias=0.2, algorithm="probability"),
                    4000)

    assert kept(0.7) == 1.0
    assert 0.55 < kept(0.5) < 0.65 and 0.55 < kept(0.9) < 0.65  # 1 - 2 * 0.2
    assert 0.03 < kept(0.2) < 0.07  # distance 0.5 from the centre: the floor


def test_probability_is_seeded_and_follows_the_uncertainty() -> None:
    items = scored([0.5] * 20 + [0.25] * 2000)
    first = ids(prefer_uncertain(iter(items), algorithm="probability", seed=3))
    assert first == ids(prefer_uncertain(iter(items), algorithm="probability", seed=3))
    assert first != ids(prefer_uncertain(iter(items), algorithm="probability", seed=4))
    assert set(range(20)) <= set(first)  # uncertainty 1: always
    assert 900 < len([i for i in first if i >= 20]) < 1100  # uncertainty 0.5: about half


@pytest.mark.parametrize("scores", [[0.0] * 10_000, [1.0] * 10_000, [0.0, 1.0] * 5_000])
def test_probability_never_starves_on_certain_scores(scores: list[float]) -> None:
    assert 0.04 < rate(prefer_uncertain(iter(scored(scores)), algorithm="probability"), 10_000) < 0.06
    assert 0.18 < rate(prefer_uncertain(iter(scored(scores)), algorithm="probability",
                                        floor=0.2), 10_000) < 0.22


def test_high_and_low_scores_with_probability_keep_the_floor_of_the_others() -> None:
    items = scored([1.0] * 2000 + [0.0] * 2000)
    high = ids(prefer_high_scores(iter(items), algorithm="probability"))
    low = ids(prefer_low_scores(iter(items), algorithm="probability"))
    assert set(range(2000)) <= set(high) and 50 < len(high) - 2000 < 150
    assert set(range(2000, 4000)) <= set(low) and 50 < len(low) - 2000 < 150


def test_low_scores_is_high_scores_on_negated_scores() -> None:
    scores = uniform(2_000)
    low = ids(prefer_low_scores(iter(scored(scores))))
    assert low == ids(prefer_high_scores(iter(scored([-score for score in scores]))))


def test_score_goes_to_meta_of_a_copy() -> None:
    items = scored([0.3, 0.5])
    before = copy.deepcopy(items)
    out = list(prefer_uncertain(iter(items)))
    assert [task["meta"]["score"] for task in out] == [0.3, 0.5]
    assert items == before


@pytest.mark.parametrize(("settings", "message"), [
    ({"algorithm": "greedy"}, "'algorithm' must be one of ema, probability, mean, got 'greedy'"),
    ({"alpha": 0.0}, r"'alpha' must be in \(0, 1\], got 0.0"),
    ({"alpha": 1.5}, r"'alpha' must be in \(0, 1\], got 1.5"),
    ({"k": -1}, "'k' must be a number >= 0, got -1"),
    ({"k": float("nan")}, "'k' must be a number >= 0, got nan"),
    ({"floor": 1.5}, r"'floor' must be in \[0, 1\], got 1.5"),
    ({"bias": 0.7}, r"'bias' must be in \[-0.5, 0.5\], got 0.7"),
    ({"bias": "0.1"}, r"'bias' must be in \[-0.5, 0.5\], got '0.1'"),
    ({"patience": 0}, "'patience' must be an integer >= 1, got 0"),
    ({"seed": -1}, "'seed' must be an integer >= 0, got -1"),
])
def test_bad_settings_fail_at_configure_and_at_call(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        configure_prefer_uncertain_v2(**settings)
    with pytest.raises(ConfigError, match=message):
        prefer_uncertain(iter([]), **settings)
