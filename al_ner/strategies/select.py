"""The stream step that asks what a query strategy chooses, one window at a time.

    stream = select(stream, strategy, WindowModel(nlp, labels), window=256, keep=0.25,
                    ask=sentence_question(predict=True))

reads `window` tasks, lets the strategy choose `keep` of them with the pipeline's current
weights, and yields one question per choice, built by `ask`: the whole sentence (optionally
pre-highlighted with the model's entities) or only its uncertain part (`subsequence_question`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from typing import Any

from ..constants import ASKED, META, SCORE, SPANS
from ..scoring.docs import span_dict, task_text, token_offsets
from ..sorters.util import check_int, check_number, check_share
from ..stream.hashing import set_hash
from ..types import Stream, Task
from .base import QueryStrategy, lazy_query, learns, query
from .maths import span_uncertainty, uncertain_region
from .window import Window, WindowModel

Question = Callable[[Window, int, int], Task]
RANK = "rank"


def select(stream: Iterable[Task], strategy: QueryStrategy, model: WindowModel, *,
           window: int | None, keep: float, ask: Question | None = None) -> Stream:
    """Yield the questions `strategy` chooses from each `window` tasks (None: the whole stream).

    Each window asks max(1, round(keep * size)) questions, in the strategy's order.
    """
    check_int("window", window, minimum=1, optional=True)
    check_share("keep", keep)
    return _select(stream, strategy, model, window, keep, ask or sentence_question())


def _select(stream: Iterable[Task], strategy: QueryStrategy, model: WindowModel,
            window: int | None, keep: float, ask: Question) -> Iterator[Task]:
    items = iter(stream)
    while batch := list(islice(items, window)):
        view = model(batch)
        n = max(1, round(len(view) * keep))
        if learns(strategy):  # each pick drawn when it is due, with what the answers taught
            for rank, (index, meta) in enumerate(islice(lazy_query(strategy, view), n)):
                task = ask(view, index, rank)
                yield {**task, META: {**task.get(META, {}), **meta}}
        else:
            for rank, index in enumerate(query(strategy, view, n)):
                yield ask(view, index, rank)


def sentence_question(*, predict: bool = False) -> Question:
    """Ask the whole sentence; with `predict`, pre-highlight the model's entities (ner.correct)."""
    return partial(_sentence, predict=predict)


def subsequence_question(*, threshold: float = 0.1, context: int = 1) -> Question:
    """Ask only the sentence's uncertain region; the rest keeps the model's entities.

    A token is uncertain when a candidate entity over it has uncertainty >= threshold; the
    question asks the tokens from the first to the last uncertain one, `context` more on each
    side, widened so that no predicted or candidate entity is cut (see `uncertain_region`).
    """
    check_number("threshold", threshold, low=0.0, high=1.0)
    check_int("context", context, minimum=0)
    return partial(_subsequence, threshold=threshold, context=context)


def _sentence(view: Window, index: int, rank: int, *, predict: bool) -> Task:
    spans = _spans(view, index, view.predicted(index)) if predict else None
    return _question(view, index, rank, spans=spans)


def _subsequence(view: Window, index: int, rank: int, *, threshold: float, context: int) -> Task:
    predicted = view.predicted(index)
    probs = view.entity_probs[index]
    region = uncertain_region(int(view.lengths[index]), probs, predicted, threshold=threshold,
                              context=context)
    text, offsets = task_text(view.tasks[index]), token_offsets(view.tasks[index], view.docs[index])
    asked = {ASKED: list(region), "asked_text": text[offsets[region[0]][0]:offsets[region[1] - 1][1]]}
    return _question(view, index, rank, spans=_spans(view, index, predicted), meta=asked)


def _spans(view: Window, index: int, ents: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    task = view.tasks[index]
    text, offsets = task_text(task), token_offsets(task, view.docs[index])
    return [span_dict(text, offsets, start, end, label) for start, end, label in ents]


def _question(view: Window, index: int, rank: int, *, spans: list[dict[str, Any]] | None,
              meta: dict[str, Any] | None = None) -> Task:
    """A rehashed copy of the chosen task: its rank, the model's uncertainty when known, spans."""
    task = view.tasks[index]
    extra: dict[str, Any] = {RANK: rank, **(meta or {})}
    probs = _computed_entity_probs(view)
    if probs is not None:
        extra[SCORE] = span_uncertainty(probs[index].values())
    changes: dict[str, Any] = {META: {**task.get(META, {}), **extra}}
    if spans is not None:
        changes[SPANS] = spans
    return set_hash({**task, **changes}, overwrite=True)


def _computed_entity_probs(view: Window) -> list | None:
    """Entity probabilities the strategy already had computed for this window (free to report)."""
    computed = vars(view)  # cached_property values live in the instance dict
    if "entity_probs" in computed:
        return view.entity_probs
    if "parses" in computed:
        return view.normalized_entity_probs
    return None
