"""Prodigy's sorters (`prodigy.components.sorters`): (score, task) pairs in, tasks out.

al-ner's sorters with Prodigy's arguments: `prefer_uncertain(stream, bias=0.0,
algorithm="ema")`, `prefer_high_scores`, `prefer_low_scores` ("ema" or "probability").
"""

from __future__ import annotations

from ..sorters import prefer_high_scores, prefer_low_scores, prefer_uncertain

__all__ = ["prefer_high_scores", "prefer_low_scores", "prefer_uncertain"]
