"""The strategies' maths: pure functions over arrays, checked on values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from al_ner.strategies.maths import (cosine_similarities, density, epsilon_mix, grouped,
                                     kcenter_greedy, mmr, mnlp, parse_entropy, rank_scores,
                                     span_uncertainty, top_n, uncertain_region, weighted_ranks)


def test_top_n_is_best_first_and_keeps_ties_in_input_order() -> None:
    assert top_n(np.array([0.2, 0.9, 0.5, 0.9]), 3) == [1, 3, 2]


def test_span_uncertainty_reduces_over_spans() -> None:
    assert span_uncertainty([0.5, 0.9], "max") == pytest.approx(1.0)
    assert span_uncertainty([0.5, 0.9], "mean") == pytest.approx(0.6)
    assert span_uncertainty([], "max") == 0.0


def test_parse_entropy_is_zero_for_one_analysis_and_log_k_for_k_equal_ones() -> None:
    assert parse_entropy([0.97]) == 0.0
    assert parse_entropy([0.2, 0.2, 0.2]) == pytest.approx(math.log(3))  # renormalized first
    assert parse_entropy([0.5, 0.0]) == 0.0


def test_grouped_sums_parses_with_the_same_entities() -> None:
    parses = [(0.5, ((0, 1, "ORG"),)), (0.3, ((0, 1, "ORG"),)), (0.2, ())]
    assert grouped(parses) == [0.8, 0.2]


def test_mnlp_is_the_log_probability_per_token() -> None:
    assert mnlp(math.exp(-2.0), 4) == pytest.approx(-0.5)
    assert mnlp(1.0, 4) == 0.0 and mnlp(0.3, 0) == 0.0
    # length-normalized: the same per-token doubt scores the same in short and long sentences
    assert mnlp(0.9 ** 5, 5) == pytest.approx(mnlp(0.9 ** 20, 20))


def test_density_is_the_mean_similarity_to_the_others() -> None:
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    sims = cosine_similarities(vectors)
    assert density(sims) == pytest.approx([0.5, 0.5, 0.0])
    assert density(sims, beta=2.0) == pytest.approx([0.25, 0.25, 0.0])


def test_kcenter_starts_central_then_covers_the_far_points() -> None:
    vectors = np.array([[1.0, 0.1], [1.0, 0.0], [1.0, -0.1], [-1.0, 0.0], [0.0, 1.0]])
    order = kcenter_greedy(vectors, 5)
    assert sorted(order) == [0, 1, 2, 3, 4]
    assert order[1] == 3  # the opposite direction comes right after the first pick
    assert set(order[:3]) & {0, 1, 2} and 4 in order[:3]


def test_mmr_with_lambda_one_is_the_ranking_and_lower_lambda_avoids_near_duplicates() -> None:
    relevance = np.array([0.9, 0.85, 0.1])
    vectors = np.array([[1.0, 0.0], [1.0, 0.01], [0.0, 1.0]])
    sims = cosine_similarities(vectors)
    assert mmr(relevance, sims, 3, lam=1.0) == [0, 1, 2]
    assert mmr(relevance, sims, 2, lam=0.5) == [0, 2]


def test_ranks_and_hybrid_weights() -> None:
    assert rank_scores(np.array([10.0, -3.0, 5.0])).tolist() == [1.0, 0.0, 0.5]
    mixed = weighted_ranks([np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])], [3.0, 1.0])
    assert mixed.tolist() == pytest.approx([0.25, 0.5, 0.75])


def test_epsilon_mix_explores_about_epsilon_and_exploits_in_ranking_order() -> None:
    ranked = list(range(1000))
    assert epsilon_mix(ranked, 50, 0.0, np.random.default_rng(0), 1000) == ranked[:50]
    picks = epsilon_mix(ranked, 200, 0.2, np.random.default_rng(0), 1000)
    assert len(set(picks)) == 200
    # exploiting takes ranks below 200; about 0.2 x 200 x 0.7 = 28 random picks land at 300+
    assert 14 < sum(i >= 300 for i in picks) < 45
    assert epsilon_mix([2, 1], 3, 0.0, np.random.default_rng(0), 3)[:2] == [2, 1]  # then random


def test_uncertain_region_spans_the_doubtful_tokens_with_context_and_whole_entities() -> None:
    probs = {(3, 4, "ORG"): 0.5, (8, 10, "ORG"): 0.99}
    assert uncertain_region(12, probs, [], threshold=0.1, context=1) == (2, 5)
    assert uncertain_region(12, probs, [(4, 7, "PERSON")], threshold=0.1, context=1) == (2, 7)
    assert uncertain_region(12, {(8, 10, "ORG"): 0.99}, [], threshold=0.1, context=1) == (0, 12)
