"""Were the binary questions spans the model believes? The shape of what a ner.teach session asked.

A binary question is a span the scorer proposed. With spaCy's beam as the source of the
probabilities (al-ner before 0.2; docs/teach.md), many were long spans the model never
predicts on its own and no annotator could accept: every such "no" is an answer about a span
nobody would have asked about. This measures it on any dataset, Prodigy's exports included:
the binary questions longer than every entity (of any label) the base model predicts on the
answered sentences and than every span the annotators accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from ...constants import ACCEPT, ANSWER, LABEL, SPANS, TEXT, TOKEN_END, TOKEN_START, VIEW_ID, VIEW_NER
from ...stream.validate import is_int
from ...training.base_model import predict_entities
from ...training.convert import input_doc
from ...types import Task

EXAMPLES = 3  # the longest questions quoted in the report
MIN_LONG = 5  # fewer long questions than this are anecdotes, not a cause
MIN_SHARE = 0.05  # nor is a share below this


@dataclass(frozen=True)
class QuestionShapes:
    """How many binary questions were longer than the model and the annotators ever make a span."""

    binary: int  # binary questions with one span of the labels and token offsets
    longer: int  # of them, longer than both limits below
    accepted_longer: int  # of the long ones, how many the annotators accepted anyway
    model_longest: int  # the longest entity (any label) the base model predicts on these sentences
    accepted_longest: int  # the longest span of the labels an annotator accepted (0: none)
    examples: tuple[str, ...]  # the longest questions' spans

    @property
    def share(self) -> float:
        return self.longer / self.binary if self.binary else 0.0

    @property
    def significant(self) -> bool:
        return self.longer >= MIN_LONG and self.share >= MIN_SHARE


def question_shapes(base: Language, answers: Sequence[Task], *, labels: Sequence[str]) -> QuestionShapes | None:
    """The shape of the binary questions among `answers`, or None when there are none."""
    wanted = set(labels)
    binary = [(task, span) for task in answers if (span := _binary_span(task, wanted)) is not None]
    if not binary:
        return None
    texts = list(dict.fromkeys(task[TEXT] for task, _span in binary))
    firsts = {task[TEXT]: task for task, _span in reversed(binary)}
    predicted = predict_entities(base, [input_doc(base, [firsts[text]]) for text in texts])
    model_longest = max((e - s for ents in predicted for s, e, _label in ents), default=0)
    accepted_longest = max((_length(span) for task, span in binary if task.get(ANSWER) == ACCEPT), default=0)
    limit = max(model_longest, accepted_longest)
    long = sorted(((task, span) for task, span in binary if _length(span) > limit),
                  key=lambda pair: -_length(pair[1]))
    return QuestionShapes(len(binary), len(long), sum(task.get(ANSWER) == ACCEPT for task, _ in long),
                          model_longest, accepted_longest,
                          tuple(dict.fromkeys(_span_text(task, span) for task, span in long))[:EXAMPLES])


def _binary_span(task: Task, wanted: set[str]) -> dict | None:
    """The one span of a binary (ner view) question of the labels, when it has token offsets."""
    spans = task.get(SPANS) or []
    if task.get(VIEW_ID, VIEW_NER) != VIEW_NER or len(spans) != 1 or spans[0].get(LABEL) not in wanted:
        return None
    span = spans[0]
    return span if is_int(span.get(TOKEN_START)) and is_int(span.get(TOKEN_END)) else None


def _length(span: dict) -> int:
    return int(span[TOKEN_END]) - int(span[TOKEN_START]) + 1


def _span_text(task: Task, span: dict) -> str:
    text = span.get(TEXT)
    if isinstance(text, str):
        return text
    start, end = span.get("start"), span.get("end")
    return task[TEXT][start:end] if is_int(start) and is_int(end) else task[TEXT]
