"""Query strategies: registered parts with one method, `query(window, n) -> indices`.

Scoring is kept apart from choosing: a `Window` computes what the model says about a window of
tasks (beam parses, sentence vectors) when a strategy first asks for it; the maths are pure
functions over arrays (`maths`); `select` is the stream step that asks what a strategy chose.
Importing this package registers the built-in strategies in `al_ner.registry.strategies`.
"""

from __future__ import annotations

from . import uncertainty, diversity, mixing, adaptive  # noqa: I001  (registered, and listed, in this order)
from .adaptive import Adaptive
from .base import (ADAPTIVE, DEFAULT_STRATEGY, QueryStrategy, ScoreStrategy, lazy_query, learns, make_strategy,
                   query, register_strategy, strategy_aliases, strategy_name)
from .select import ASKED, select, sentence_question, subsequence_question
from .window import Window, WindowModel

ALIASES = strategy_aliases()  # the built-in strategies' short names -> registered names

__all__ = ["ADAPTIVE", "ALIASES", "ASKED", "Adaptive", "DEFAULT_STRATEGY", "QueryStrategy", "ScoreStrategy",
           "Window", "WindowModel", "adaptive", "diversity", "lazy_query", "learns", "make_strategy", "mixing",
           "query", "register_strategy", "select", "sentence_question", "strategy_aliases", "strategy_name",
           "subsequence_question", "uncertainty"]
