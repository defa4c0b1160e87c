"""The --order step of ner.manual and ner.correct: source, random (the baseline) or uncertain."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language

from al_ner.predict import add_model_spans
from al_ner.scoring import SentenceScorer
from al_ner.sorters import prefer_top, shuffle
from al_ner.types import Stream, Task

from ._shared import check_order


def order_sentences(nlp: Language, stream: Iterable[Task], *, order: str, seed: int,
                    labels: list[str], window: int, predict: bool) -> Stream:
    """Reorder sentences; with `predict`, pre-highlight the model's spans of `labels`."""
    check_order(order)
    if order == "uncertain":
        scorer = SentenceScorer(nlp, labels, add_predictions=predict)
        return prefer_top(scorer(stream), window=window or None, keep=1.0)
    if order == "random":
        stream = shuffle(stream, seed=seed)
    return add_model_spans(nlp, stream, labels=labels) if predict else iter(stream)
