"""Uncertainty strategies over the NER's beam: entity uncertainty, parse entropy, MNLP."""

from __future__ import annotations

from functools import partial

import numpy as np

from ..registry import strategies
from ..scoring.maths import get_reducer
from .base import ScoreStrategy
from .maths import grouped, mnlp, parse_entropy, span_uncertainty
from .window import Window


def entity_scores(window: Window, *, reduce: str = "max", normalized: bool = False) -> np.ndarray:
    """Per sentence, its candidate spans' uncertainties 1 - 2|p - 0.5|, reduced."""
    probs = window.normalized_entity_probs if normalized else window.entity_probs
    return np.array([span_uncertainty(p.values(), reduce) for p in probs])


def entropy_scores(window: Window) -> np.ndarray:
    """Per sentence, the entropy of the beam's distribution over analyses of the wanted labels."""
    return np.array([parse_entropy(grouped(parses)) for parses in window.parses])


def mnlp_scores(window: Window) -> np.ndarray:
    """Per sentence, minus its MNLP: the less likely its best analysis per token, the higher."""
    return np.array([-mnlp(max(grouped(parses), default=1.0), int(length))
                     for parses, length in zip(window.parses, window.lengths)])


@strategies("al_ner.entity_uncertainty.v1")
def configure_entity_uncertainty(*, reduce: str = "max", normalized: bool = False) -> ScoreStrategy:
    """Beam entity uncertainty: ask the sentences whose candidate entities are nearest p = 0.5.

    Each candidate span of the wanted labels gets its beam probability p (the summed
    probability of the beam's parses that contain it, as Prodigy's ner.teach scores spans) and
    the uncertainty 1 - 2|p - 0.5|; a sentence's score is their max (or sum, mean). What
    `--order uncertain` always did; `normalized = true` takes p from the log-probability beam
    instead (`al_ner.scoring.normalized`). Uncertainty sampling: Lewis & Gale 1994, "A
    sequential algorithm for training text classifiers" (SIGIR); for sequence models Settles &
    Craven 2008.
    """
    get_reducer(reduce)
    return ScoreStrategy(partial(entity_scores, reduce=reduce, normalized=bool(normalized)))


@strategies("al_ner.beam_entropy.v1")
def configure_beam_entropy() -> ScoreStrategy:
    """Beam entropy: ask the sentences whose beam spreads its probability over many analyses.

    The finished parses of a log-probability beam (`al_ner.scoring.normalized`) are grouped
    by their entities of the wanted labels (parses that differ only in other labels are one
    analysis) and the score is the entropy of that distribution, renormalized over the beam: 0 when every parse agrees, log k for k equally likely analyses. Unlike entity
    uncertainty it counts every disagreement, not only the most doubtful span. Sequence
    entropy over the N best parses is Settles & Craven 2008, "An analysis of active learning
    strategies for sequence labeling tasks" (EMNLP), their "N-best sequence entropy".
    """
    return ScoreStrategy(entropy_scores)


@strategies("al_ner.mnlp.v1")
def configure_mnlp() -> ScoreStrategy:
    """MNLP: ask the sentences whose best analysis is least probable per token.

    Maximum normalized log-probability (Shen et al. 2018, "Deep active learning for named
    entity recognition", ICLR): log P(best analysis) / length, lowest first, so long sentences
    aren't preferred just for being long (plain least-confidence prefers them). P is the
    probability of the best analysis of the wanted labels (its parses summed) in a beam whose
    scores are the NER's log-probabilities (`al_ner.scoring.normalized`): the product of the
    transition-based NER's local move probabilities, found by beam search rather than exactly.
    """
    return ScoreStrategy(mnlp_scores)
