"""Strategies over sentence vectors: k-center greedy, MMR and information density."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..registry import strategies
from ..sorters.util import check_number
from .base import DEFAULT_STRATEGY, ScoreFn, ScoreStrategy, score_function, strategy_name
from .maths import cosine_similarities, density, kcenter_greedy, mmr
from .window import Window


@dataclass(frozen=True)
class KCenter:
    """Ask the sentences that cover the window's vector space (no model scores needed)."""

    def query(self, window: Window, n: int) -> list[int]:
        return kcenter_greedy(window.vectors, n)


@dataclass(frozen=True)
class MMR:
    """Ask relevant sentences unlike those already picked in this window."""

    relevance: ScoreFn
    lam: float

    def query(self, window: Window, n: int) -> list[int]:
        return mmr(self.relevance(window), cosine_similarities(window.vectors), n, self.lam)


def density_scores(window: Window, *, base: ScoreFn, beta: float) -> np.ndarray:
    """base score x (mean cosine similarity to the window)^beta."""
    return base(window) * density(cosine_similarities(window.vectors), beta)


def log_prob_default(name: str, settings: dict | None) -> dict | None:
    """Default settings of a part: entity uncertainty reads the log-probability beam in a mix.

    That beam's pruning makes it faster (bench/strategies.py), which a strategy that also reads
    vectors needs to stay within the stream's budget; given settings are used as they are.
    """
    if settings is None and strategy_name(name) == DEFAULT_STRATEGY:
        return {"normalized": True}
    return settings


@strategies("al_ner.kcenter.v1")
def configure_kcenter() -> KCenter:
    """Diversity by k-center greedy: each question is the sentence farthest from those before it.

    Over the window's sentence vectors (the mean of the pipeline's static word vectors, or of
    the NER's own tok2vec when the pipeline has none), start at the most central sentence, then
    repeatedly take the one whose nearest chosen sentence is farthest away (cosine geometry).
    Needs no beam, so it is as fast as reading the window; it ignores what the model is unsure
    of. Sener & Savarese 2018, "Active learning for convolutional neural networks: a core-set
    approach" (ICLR).
    """
    return KCenter()


@strategies("al_ner.mmr.v1")
def configure_mmr(*, relevance: str = DEFAULT_STRATEGY, relevance_settings: dict | None = None,
                  lam: float = 0.7, seed: int = 0) -> MMR:
    """Diversity by maximal marginal relevance: uncertain, but unlike what was just picked.

    Each pick maximizes lam * rank(relevance) - (1 - lam) * (highest cosine similarity to the
    sentences already picked in this window); relevance is a scoring strategy (entity
    uncertainty on the log-probability beam by default) scaled to [0, 1] by rank. lam = 1 is the relevance ranking, 0 pure
    diversity. Carbonell & Goldstein 1998, "The use of MMR, diversity-based reranking for
    reordering documents and producing summaries" (SIGIR); used for batch active learning in
    NER by Shen et al. 2004, "Multi-criteria-based active learning for NER" (ACL).
    """
    check_number("lam", lam, low=0.0, high=1.0)
    return MMR(score_function(relevance, log_prob_default(relevance, relevance_settings), seed=seed),
               float(lam))


@strategies("al_ner.density.v1")
def configure_density(*, base: str = DEFAULT_STRATEGY, base_settings: dict | None = None,
                      beta: float = 1.0, seed: int = 0) -> ScoreStrategy:
    """Information density: uncertainty weighted by how typical a sentence is of the pool.

    score = base(x) x (mean cosine similarity of x to the other sentences of the window)^beta,
    base being entity uncertainty on the log-probability beam unless set, so an uncertain outlier (a table row, a garbled line) loses to an uncertain sentence like
    many others; beta weighs the two. The window stands in for the pool (window 0: the whole
    source). Settles & Craven 2008, "An analysis of active learning strategies for sequence
    labeling tasks" (EMNLP), where it is defined and measured for sequence labelling.
    """
    check_number("beta", beta, low=0.0)
    fn = score_function(base, log_prob_default(base, base_settings), seed=seed)
    return ScoreStrategy(partial(density_scores, base=fn, beta=float(beta)))
