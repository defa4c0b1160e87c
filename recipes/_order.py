"""The --order step of ner.manual and ner.correct: source, random (the baseline) or uncertain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language

from al_ner.errors import ConfigError
from al_ner.predict import add_model_spans
from al_ner.scoring import stored_scores
from al_ner.sorters import prefer_top
from al_ner.strategies import (DEFAULT_STRATEGY, WindowModel, make_strategy, select,
                               sentence_question, subsequence_question)
from al_ner.stream import set_hashes
from al_ner.types import Stream, Task

from ._shared import check_order


def order_sentences(nlp: Language, stream: Iterable[Task], *, order: str, seed: int,
                    labels: list[str], window: int, predict: bool, strategy: str = "",
                    settings: dict[str, Any] | None = None, subsequence: bool = False,
                    pre_scored: bool = False) -> Stream:
    """Reorder sentences; with `predict`, pre-highlight the model's spans of `labels`.

    order "uncertain" asks what the query strategy (`strategy`, default beam entity
    uncertainty) chooses from each `window` sentences (0: the whole source), all of them ranked;
    `subsequence` asks only each sentence's uncertain part. pre_scored: the tasks carry
    meta.score from `al-ner score`; rank by it instead of scoring.
    """
    check_order(order, pre_scored=pre_scored)
    if order != "uncertain" and (strategy or settings or subsequence):
        raise ConfigError(f"--strategy, --strategy-settings and --subsequence choose among sentences "
                          f"by the model; use them with --order uncertain (got --order {order})")
    if pre_scored and (strategy or settings or subsequence):
        raise ConfigError("--pre-scored ranks by the scores `al-ner score` stored, while --strategy, "
                          "--strategy-settings and --subsequence score here: use one or the other")
    if order == "uncertain" and pre_scored:
        ranked = prefer_top(stored_scores(stream), window=window or None, keep=1.0)
        return set_hashes(add_model_spans(nlp, ranked, labels=labels), overwrite=True) if predict else ranked
    if order == "uncertain":
        if subsequence and not predict:
            raise ConfigError("--subsequence keeps the model's entities outside the asked part, "
                              "so it needs them pre-highlighted: use ner.correct")
        chosen = make_strategy(strategy or DEFAULT_STRATEGY, settings, seed=seed)
        ask = subsequence_question() if subsequence else sentence_question(predict=predict)
        return select(stream, chosen, WindowModel(nlp, labels), window=window or None, keep=1.0,
                      ask=ask)
    # order "random": load_sentences(shuffle_seed=seed) shuffled the records before splitting them
    return add_model_spans(nlp, stream, labels=labels) if predict else iter(stream)
