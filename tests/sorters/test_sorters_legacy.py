"""The mean-only sorter (algorithm "mean") and the .v1 registry names, which must keep their
first behaviour exactly: checked against a copy of the v1 code."""

from __future__ import annotations

import inspect
import random
from itertools import count

import pytest

from al_ner import registry
from al_ner.errors import ConfigError
from al_ner.scoring.maths import clamp01, ema, uncertainty
from al_ner.sorters import (configure_prefer_high_scores, configure_prefer_low_scores,
                            configure_prefer_uncertain, prefer_high_scores, prefer_low_scores,
                            prefer_uncertain)

V1 = ("al_ner.prefer_uncertain.v1", "al_ner.prefer_high_scores.v1", "al_ner.prefer_low_scores.v1")


def scored(scores: list[float]) -> list[tuple[float, dict]]:
    return [(score, {"text": f"t{i}", "meta": {"i": i}}) for i, score in enumerate(scores)]


def ids(tasks) -> list[int]:
    return [task["meta"]["i"] for task in tasks]


def v1_reference(items, name: str, algorithm: str, alpha: float, patience: int,
                 seed: int) -> list[int]:
    """The v1 sorters as they were first written (al_ner/sorters/ema.py before v2)."""
    keys = {"al_ner.prefer_uncertain.v1": (uncertainty, uncertainty),
            "al_ner.prefer_high_scores.v1": (lambda s: s, clamp01),
            "al_ner.prefer_low_scores.v1": (lambda s: -s, lambda s: 1.0 - clamp01(s))}
    ema_key, prob_key = keys[name]
    out, average, skipped, rng = [], None, 0, random.Random(seed)
    for score, task in items:
        if algorithm == "probability":
            if rng.random() < prob_key(score):
                out.append(task["meta"]["i"])
            continue
        value = ema_key(score)
        if average is None or value >= average or skipped >= patience:
            skipped = 0
            out.append(task["meta"]["i"])
        else:
            skipped += 1
        average = ema(average, value, alpha)
    return out


@pytest.mark.parametrize("name", V1)
@pytest.mark.parametrize(("algorithm", "alpha", "patience", "seed"), [
    ("ema", 0.1, 32, 0), ("ema", 0.5, 3, 0), ("ema", 0.02, 1, 0),
    ("probability", 0.1, 32, 0), ("probability", 0.1, 32, 7),
])
def test_v1_names_keep_their_first_behaviour(name: str, algorithm: str, alpha: float,
                                            patience: int, seed: int) -> None:
    rng = random.Random(99)
    scores = [rng.random() for _ in range(1500)] + [rng.betavariate(0.5, 20) for _ in range(1500)]
    items = scored(scores + [0.0, 1.0] * 200 + [0.5] * 100)
    sort = registry.get(registry.sorters, name)(algorithm=algorithm, alpha=alpha,
                                                patience=patience, seed=seed)
    assert ids(sort(iter(items))) == v1_reference(items, name, algorithm, alpha, patience, seed)


@pytest.mark.parametrize("factory", [configure_prefer_uncertain, configure_prefer_high_scores,
                                     configure_prefer_low_scores])
def test_v1_factories_keep_their_names_settings_and_messages(factory) -> None:
    assert factory is registry.get(registry.sorters, f"al_ner.{factory.__name__[10:]}.v1")
    params = inspect.signature(factory).parameters
    assert {n: p.default for n, p in params.items()} == {"algorithm": "ema", "alpha": 0.1,
                                                         "patience": 32, "seed": 0}
    with pytest.raises(ConfigError, match="'algorithm' must be one of ema, probability, got 'mean'"):
        factory(algorithm="mean")


def test_mean_yields_tasks_at_or_above_the_moving_average() -> None:
    # uncertainties 1, 0, 0.8, 0, 1; averages (alpha 0.5) 1, 0.5, 0.65, 0.325
    out = prefer_uncertain(iter(scored([0.5, 1.0, 0.4, 0.0, 0.5])), algorithm="mean", alpha=0.5)
    assert ids(out) == [0, 2, 4]


def test_mean_keeps_about_half_of_a_uniform_stream() -> None:
    rng = random.Random(5)
    items = scored([rng.random() for _ in range(20_000)])
    assert 0.45 < len(list(prefer_uncertain(iter(items), algorithm="mean"))) / 20_000 < 0.55


def test_mean_yields_every_task_of_a_constant_stream() -> None:
    assert ids(prefer_uncertain(iter(scored([0.9] * 5)), algorithm="mean")) == [0, 1, 2, 3, 4]


def test_mean_relaxes_after_patience_skips_in_a_row() -> None:
    # one very uncertain task, then certain ones: the average stays high, patience lets some out
    out = prefer_uncertain(iter(scored([0.5] + [1.0] * 10)), algorithm="mean", alpha=0.01,
                           patience=3)
    assert ids(out) == [0, 4, 8]


def test_mean_is_lazy_on_an_endless_stream() -> None:
    endless = ((0.5, {"text": str(i)}) for i in count())
    out = prefer_uncertain(endless, algorithm="mean")
    assert [next(out)["text"] for _ in range(3)] == ["0", "1", "2"]


def test_high_and_low_scores_with_mean() -> None:
    items = scored([0.5, 0.9, 0.1, 0.6, 0.2])
    # high: averages (alpha 0.5) 0.5, 0.7, 0.4, 0.5 -> yields 0, 1, 3
    assert ids(prefer_high_scores(iter(items), algorithm="mean", alpha=0.5)) == [0, 1, 3]
    # low: on negated scores: -0.5, -0.7, -0.4, -0.5 -> yields 0, 2, 4
    assert ids(prefer_low_scores(iter(items), algorithm="mean", alpha=0.5)) == [0, 2, 4]


def test_v1_probability_has_no_floor() -> None:
    items = scored([0.5] * 20 + [0.0, 1.0] * 20 + [0.25] * 400)
    first = ids(configure_prefer_uncertain(algorithm="probability", seed=3)(iter(items)))
    assert set(range(20)) <= set(first)  # uncertainty 1: always
    assert not set(range(20, 60)) & set(first)  # uncertainty 0: never
    assert 150 < len([i for i in first if i >= 60]) < 250  # uncertainty 0.5: about half
    high = configure_prefer_high_scores(algorithm="probability")
    assert ids(high(iter(scored([1.0] * 10 + [0.0] * 10)))) == list(range(10))
