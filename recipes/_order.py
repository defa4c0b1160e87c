"""The --order step of ner.manual and ner.correct: source, random (the baseline) or uncertain."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language

from al_ner.predict import add_model_spans
from al_ner.scoring import SentenceScorer, stored_scores
from al_ner.sorters import prefer_top, shuffle
from al_ner.stream import set_hashes
from al_ner.types import Stream, Task

from ._shared import check_order


def order_sentences(nlp: Language, stream: Iterable[Task], *, order: str, seed: int,
                    labels: list[str], window: int, predict: bool, pre_scored: bool = False) -> Stream:
    """Reorder sentences; with `predict`, pre-highlight the model's spans of `labels`.

    pre_scored: the tasks carry meta.score from `al-ner score`; rank by it instead of scoring.
    """
    check_order(order, pre_scored=pre_scored)
    if order == "uncertain" and pre_scored:
        ranked = prefer_top(stored_scores(stream), window=window or None, keep=1.0)
        return set_hashes(add_model_spans(nlp, ranked, labels=labels), overwrite=True) if predict else ranked
    if order == "uncertain":
        scorer = SentenceScorer(nlp, labels, add_predictions=predict)
        return prefer_top(scorer(stream), window=window or None, keep=1.0)
    if order == "random":
        stream = shuffle(stream, seed=seed)
    return add_model_spans(nlp, stream, labels=labels) if predict else iter(stream)
