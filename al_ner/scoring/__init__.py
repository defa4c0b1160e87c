"""Entity scorers: beam probabilities from the NER, emitted as (score, task) pairs.

Importing this package registers the scorers in `al_ner.registry.scorers`.
"""

from __future__ import annotations

from .entity import EntityScorer, configure_entity_scorer
from .maths import ema, ew_moments, uncertainty
from .pool import score_pool, stored_scores, write_scored
from .sentence import SentenceScorer, configure_sentence_scorer

__all__ = ["EntityScorer", "SentenceScorer", "configure_entity_scorer",
           "configure_sentence_scorer", "ema", "ew_moments", "score_pool", "stored_scores",
           "uncertainty", "write_scored"]
