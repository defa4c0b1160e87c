"""The --order step of ner.manual and ner.correct: source, random (the baseline) or uncertain.

    ordering = Ordering.create(order=order, strategy=strategy, settings=settings, seed=seed)
    stream = ordering.apply(nlp, stream, labels=labels, window=window, predict=True)
    # ordering.learner: the adaptive strategy, which learns from the answers (None otherwise)

`--order uncertain` without `--strategy` asks what the adaptive strategy (a bandit over
strategies with random always among its arms) chooses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from al_ner.errors import ConfigError
from al_ner.predict import add_model_spans
from al_ner.scoring import stored_scores
from al_ner.sorters import prefer_top
from al_ner.strategies import (ADAPTIVE, QueryStrategy, WindowModel, learns, make_strategy, select,
                               sentence_question, subsequence_question)
from al_ner.stream import set_hashes
from al_ner.types import Stream, Task

from ._shared import check_order


@dataclass
class Ordering:
    """The order questions are asked in: checked and built before any model loads."""

    order: str
    seed: int
    strategy: QueryStrategy | None = None  # with order "uncertain" (unless pre-scored)
    subsequence: bool = False
    pre_scored: bool = False

    @classmethod
    def create(cls, *, order: str, seed: int, strategy: str = "", settings: dict[str, Any] | None = None,
               subsequence: bool = False, pre_scored: bool = False) -> Ordering:
        """Check the options together; build the query strategy (default: adaptive)."""
        check_order(order, pre_scored=pre_scored)
        if order != "uncertain" and (strategy or settings or subsequence):
            raise ConfigError(f"--strategy, --strategy-settings and --subsequence choose among sentences "
                              f"by the model; use them with --order uncertain (got --order {order})")
        if pre_scored and (strategy or settings or subsequence):
            raise ConfigError("--pre-scored ranks by the scores `al-ner score` stored, while --strategy, "
                              "--strategy-settings and --subsequence score here: use one or the other")
        chosen = None
        if order == "uncertain" and not pre_scored:
            chosen = make_strategy(strategy or ADAPTIVE, settings, seed=seed)
        return cls(order, seed, chosen, subsequence, pre_scored)

    @property
    def learner(self) -> Any:
        """The strategy when it learns from the answers (its `update` and `state`), else None."""
        return self.strategy if self.strategy is not None and learns(self.strategy) else None

    def apply(self, nlp: Language, stream: Iterable[Task], *, labels: list[str], window: int,
              predict: bool) -> Stream:
        """Reorder sentences; with `predict`, pre-highlight the model's spans of `labels`.

        order "uncertain" asks what the strategy chooses from each `window` sentences (0: the
        whole source), all of them ranked; `subsequence` asks only each sentence's uncertain
        part. pre_scored: the tasks carry meta.score from `al-ner score`; rank by it instead.
        """
        if self.order == "uncertain" and self.pre_scored:
            ranked = prefer_top(stored_scores(stream), window=window or None, keep=1.0)
            return set_hashes(add_model_spans(nlp, ranked, labels=labels), overwrite=True) if predict else ranked
        if self.strategy is not None:
            if self.subsequence and not predict:
                raise ConfigError("--subsequence keeps the model's entities outside the asked part, "
                                  "so it needs them pre-highlighted: use ner.correct")
            ask = subsequence_question() if self.subsequence else sentence_question(predict=predict)
            return select(stream, self.strategy, WindowModel(nlp, labels), window=window or None,
                          keep=1.0, ask=ask)
        # order "random": load_sentences(shuffle_seed=seed) shuffled the records before splitting them
        return add_model_spans(nlp, stream, labels=labels) if predict else iter(stream)
