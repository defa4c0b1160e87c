"""The bootstrap over seeds and sentences, Holm's correction, and the verdict rules."""

from __future__ import annotations

import numpy as np
import pytest

from al_ner.errors import ConfigError
from al_ner.experiment.analysis.stats import (CANT_TELL, HELPS, HURTS, IDENTICAL, TOO_FEW, DocResampler, Replicates,
                                              SeedResampler, estimate, f1_of, holm, p_value)


def test_f1_of_counts_and_zero_when_nothing_was_due() -> None:
    assert f1_of(np.array([3, 1, 2])) == pytest.approx(6 / 9)
    assert f1_of(np.array([[0, 0, 0], [1, 0, 0]])).tolist() == [0.0, 1.0]


def test_doc_resampler_is_paired_and_sums_to_the_observed_f1() -> None:
    rng = np.random.default_rng(0)
    docs = DocResampler(50, 400, rng)
    counts = np.array([[1, 0, 0]] * 25 + [[0, 1, 1]] * 25)
    rep = docs.f1(counts)
    assert rep.point == pytest.approx(50 / 100)
    assert rep.boot.shape == (400,) and 0.3 < rep.boot.mean() < 0.7
    same = docs.f1(counts) - rep  # the same sentence draws for every model: a model minus itself is 0
    assert np.all(same.boot == 0)
    with pytest.raises(ConfigError):
        docs.f1(counts[:10])


def test_seed_resampling_spreads_by_the_seeds_and_one_seed_keeps_only_the_sentences() -> None:
    seeds = SeedResampler(4000, seed=1)
    flat = [Replicates(v, np.full(4000, v)) for v in (0.1, 0.2, 0.3)]
    mean = seeds.mean(flat)
    assert mean.point == pytest.approx(0.2)
    # sd of the mean of 3 values with sd 0.1 is 0.1 / sqrt(3); the rescaling keeps it unbiased
    assert np.std(mean.boot) == pytest.approx(0.1 / 3 ** 0.5, rel=0.08)
    one = seeds.mean(flat[:1])
    assert np.all(one.boot == 0.1)


def test_p_value_and_interval_agree() -> None:
    boot = np.random.default_rng(2).normal(0.05, 0.02, 2000)
    e = estimate(Replicates(0.05, boot), n_seeds=5, n_docs=1000)
    assert e.low > 0 and e.p < 0.05 and e.verdict == HELPS
    assert p_value(np.full(100, 1.0)) == pytest.approx(0.01)  # the floor is one replicate in B
    assert estimate(Replicates(-0.05, -boot), n_seeds=5, n_docs=1000).verdict == HURTS


def test_no_verdict_with_one_seed_or_too_few_sentences_or_no_spread() -> None:
    boot = np.random.default_rng(3).normal(0.1, 0.01, 1000)
    assert estimate(Replicates(0.1, boot), n_seeds=1, n_docs=1000).verdict == CANT_TELL
    assert estimate(Replicates(0.1, boot), n_seeds=3, n_docs=5).verdict == TOO_FEW
    # Before: two 5-sentence splits where both models score 0 gave "+0.000 [+0.000, +0.000]"
    assert estimate(Replicates(0.0, np.zeros(1000)), n_seeds=3, n_docs=5).verdict == TOO_FEW
    # enough sentences, but the two models predicted the same on every one: not "too few"
    assert estimate(Replicates(0.0, np.zeros(1000)), n_seeds=3, n_docs=500).verdict == IDENTICAL


def test_holm_by_hand() -> None:
    adjusted, levels = holm([0.01, 0.04, 0.03, 0.005])
    # sorted: 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1, but running max 0.06)
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert levels == pytest.approx([1 - 0.05 / 3, 1 - 0.05, 1 - 0.05 / 2, 1 - 0.05 / 4])


def test_an_adjusted_p_above_alpha_gives_no_verdict_even_if_the_raw_one_is_small() -> None:
    boot = np.random.default_rng(4).normal(0.05, 0.022, 2000)
    e = estimate(Replicates(0.05, boot), n_seeds=5, n_docs=1000, p_adjusted=0.2)
    assert e.p < 0.05 and e.verdict == CANT_TELL


def test_false_positives_stay_near_alpha_when_there_is_no_difference() -> None:
    """Simulated arms with equal true F1, seed noise and sentence noise: few "helps"/"hurts"."""
    rng = np.random.default_rng(5)
    verdicts = []
    for trial in range(120):
        n_docs, n_seeds = 150, 5
        docs = DocResampler(n_docs, 500, np.random.default_rng(trial))
        seeds = SeedResampler(500, seed=trial)
        diffs = []
        for _ in range(n_seeds):
            arms = []
            for _ in range(2):
                p_hit = np.clip(0.6 + rng.normal(0, 0.03), 0, 1)  # training noise per seed
                tp = rng.binomial(1, p_hit, n_docs)
                arms.append(np.stack([tp, rng.binomial(1, 0.2, n_docs), 1 - tp], axis=1))
            diffs.append(docs.f1(arms[0]) - docs.f1(arms[1]))
        verdicts.append(estimate(seeds.mean(diffs), n_seeds=n_seeds, n_docs=n_docs).verdict)
    wrong = sum(v in (HELPS, HURTS) for v in verdicts) / len(verdicts)
    assert wrong <= 0.12


def test_holm_agrees_with_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    for m in (1, 2, 5, 13):
        p = rng.uniform(0, 0.2, m).tolist()
        adjusted, _levels = holm(p)
        reject, expected, *_ = multipletests(p, alpha=0.05, method="holm")
        assert np.allclose(adjusted, expected)
        assert [a <= 0.05 for a in adjusted] == list(reject)
