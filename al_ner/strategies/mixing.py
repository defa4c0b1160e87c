"""Strategies that combine others: random, hybrid scores, epsilon-random mixing, cold start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from ..errors import ConfigError
from ..registry import strategies
from ..sorters.util import check_int, check_number
from .base import DEFAULT_STRATEGY, QueryStrategy, ScoreFn, ScoreStrategy, make_strategy, score_function
from .maths import epsilon_mix, weighted_ranks
from .window import Window


@dataclass
class RandomStrategy:
    """Ask a uniformly random choice of the window (seeded; draws continue across windows)."""

    seed: int
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def query(self, window: Window, n: int) -> list[int]:
        return [int(i) for i in self.rng.permutation(len(window))[:n]]


@dataclass
class EpsilonRandom:
    """Mostly the base strategy's picks; each pick random with chance epsilon."""

    base: QueryStrategy
    epsilon: float
    seed: int
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def query(self, window: Window, n: int) -> list[int]:
        ranked = self.base.query(window, min(len(window), 2 * n))
        return epsilon_mix(ranked, n, self.epsilon, self.rng, len(window))


@dataclass
class ColdStart:
    """The first `size` picks of a session by `start`, every later one by `base`."""

    start: QueryStrategy
    base: QueryStrategy
    size: int
    used: int = 0

    def query(self, window: Window, n: int) -> list[int]:
        k = max(0, min(n, self.size - self.used))
        self.used += k
        first = self.start.query(window, k) if k else []
        if k == n:
            return first
        taken = set(first)
        ranked = self.base.query(window, len(window) if k else n)
        return first + [i for i in ranked if i not in taken][: n - k]


def hybrid_scores(window: Window, *, parts: list[ScoreFn], weights: list[float]) -> np.ndarray:
    """The weighted mean of the parts' scores, each scaled to [0, 1] by rank within the window."""
    return weighted_ranks([part(window) for part in parts], weights)


@strategies("al_ner.random.v1")
def configure_random(*, seed: int = 0) -> RandomStrategy:
    """Random: a seeded uniform choice of the window (the baseline, and a part of the mixes).

    Within one window this is the same as `--order random`; it exists so that mixes
    (epsilon-random, cold start) can name it. It is the baseline every active-learning
    comparison needs, since Lewis & Gale 1994 ("A sequential algorithm for training text
    classifiers", SIGIR) measured uncertainty sampling against it.
    """
    check_int("seed", seed, minimum=0)
    return RandomStrategy(seed)


@strategies("al_ner.hybrid.v1")
def configure_hybrid(*, parts: Mapping[str, float] | None = None, seed: int = 0) -> ScoreStrategy:
    """Hybrid: a weighted mean of several scoring strategies' ranks within the window.

    `parts` maps scoring strategies to weights (default: MNLP and information density, equal
    weights; both read the log-probability beam, so it runs once). Each part's scores become ranks scaled to [0, 1] first, so scores of different
    scales (entropies, log-probabilities, similarities) combine fairly. Rank aggregation of
    uncertainty with representativeness follows Shen et al. 2004, "Multi-criteria-based active
    learning for named entity recognition" (ACL) and Settles & Craven 2008.
    """
    chosen = dict(parts or {"al_ner.mnlp.v1": 1.0, "al_ner.density.v1": 1.0})
    if not chosen:
        raise ConfigError("'parts' of a hybrid strategy is empty; name at least one scoring strategy")
    weights = [check_number(f"weight of {name}", w, low=0.0) for name, w in chosen.items()]
    if sum(weights) <= 0:
        raise ConfigError(f"the weights of a hybrid strategy must not all be 0, got {chosen}")
    fns = [score_function(name, seed=seed) for name in chosen]
    return ScoreStrategy(partial(hybrid_scores, parts=fns, weights=weights))


@strategies("al_ner.epsilon_random.v1")
def configure_epsilon_random(*, base: str = DEFAULT_STRATEGY, base_settings: dict | None = None,
                             epsilon: float = 0.1, seed: int = 0) -> EpsilonRandom:
    """Epsilon-random: the base strategy's picks, with an `epsilon` share of random ones mixed in.

    Each question is, with chance epsilon, a uniformly random sentence of the window not asked
    yet, else the base strategy's next. The random share keeps the answers from drifting
    entirely into the model's blind spots (sampling bias) at a small cost in information: the
    exploration step of epsilon-greedy, as in Osugi, Kim & Scott 2005, "Balancing exploration
    and exploitation: a new algorithm for active machine learning" (ICDM).
    """
    check_number("epsilon", epsilon, low=0.0, high=1.0)
    return EpsilonRandom(make_strategy(base, base_settings, seed=seed), float(epsilon), seed)


@strategies("al_ner.cold_start.v1")
def configure_cold_start(*, base: str = DEFAULT_STRATEGY, base_settings: dict | None = None,
                         start: str = "al_ner.random.v1", start_settings: dict | None = None,
                         size: int = 100, seed: int = 0) -> ColdStart:
    """Cold start: the first `size` questions of a session by `start`, then by `base`.

    Before the model has seen any of the user's data its uncertainty says little about what it
    will need, so the first questions come from another strategy: random (default), or chosen
    by representativeness (`start = "al_ner.density.v1"` or `"al_ner.kcenter.v1"`, with
    `start_settings`). Counted per session; the experiment's "first round random" is the
    strategy's `first_round` arguments instead (see configs/experiment/conll_strategies.cfg).
    Zhu et al. 2008, "Active learning with sampling by uncertainty and density for word sense
    disambiguation and text classification" (COLING) on the cold-start problem; Yuan, Lin &
    Boyd-Graber 2020, "Cold-start active learning through self-supervised language modeling".
    """
    check_int("size", size, minimum=0)
    return ColdStart(make_strategy(start, start_settings, seed=seed),
                     make_strategy(base, base_settings, seed=seed), size)
