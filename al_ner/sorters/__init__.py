"""Sorters: a scored stream of (score, task) pairs in, a stream of tasks out.

Importing this package registers the sorters in `al_ner.registry.sorters`: the .v2
prefer_uncertain / prefer_high_scores / prefer_low_scores default to the moving mean + sd
("ema"); the .v1 ones (configure_prefer_uncertain, ...) keep their first, mean-only behaviour.
"""

from __future__ import annotations

from .ema import (ALGORITHMS, configure_prefer_high_scores_v2, configure_prefer_low_scores_v2,
                  configure_prefer_uncertain_v2, prefer_high_scores, prefer_low_scores,
                  prefer_uncertain)
from .legacy import (configure_prefer_high_scores, configure_prefer_low_scores,
                     configure_prefer_uncertain)
from .shuffle import configure_shuffle, shuffle
from .top import configure_prefer_top, prefer_top

__all__ = [
    "ALGORITHMS", "configure_prefer_high_scores", "configure_prefer_high_scores_v2",
    "configure_prefer_low_scores", "configure_prefer_low_scores_v2", "configure_prefer_top",
    "configure_prefer_uncertain", "configure_prefer_uncertain_v2", "configure_shuffle",
    "prefer_high_scores", "prefer_low_scores", "prefer_top", "prefer_uncertain", "shuffle",
]
