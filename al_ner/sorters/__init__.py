"""Sorters: a scored stream of (score, task) pairs in, a stream of tasks out.

Importing this package registers the sorters in `al_ner.registry.sorters`.
"""

from __future__ import annotations

from .ema import (configure_prefer_high_scores, configure_prefer_low_scores,
                  configure_prefer_uncertain, prefer_high_scores, prefer_low_scores,
                  prefer_uncertain)
from .shuffle import configure_shuffle, shuffle
from .top import configure_prefer_top, prefer_top

__all__ = [
    "configure_prefer_high_scores", "configure_prefer_low_scores", "configure_prefer_top",
    "configure_prefer_uncertain", "configure_shuffle", "prefer_high_scores", "prefer_low_scores",
    "prefer_top", "prefer_uncertain", "shuffle",
]
