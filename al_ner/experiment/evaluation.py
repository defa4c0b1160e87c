"""Scores for the experiment: fixed gold sets (tokenized once) and a run's own answers.

The held-out test and the unbiased dev set are complete gold annotations, scored with
`al_ner.training.evaluate`. The annotation dev split is a share of the run's answers: a manual
answer is complete for the annotated labels (every other prediction of them is wrong), a binary
one only says that its span is or isn't an entity, so a prediction is counted wrong only when it
was rejected, and right only when it was accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from spacy.language import Language
from spacy.tokens import Doc

from ..training import EvalSet
from ..training.evaluate import doc_counts
from ..training.base_model import predict_entities
from ..training.convert import collect_answers, input_doc
from ..training.merge import ConversionStats, merge_answers
from ..types import Task
from .corpus import Sentence, iob_spans


@dataclass(frozen=True, eq=False)
class Score:
    """P/R/F of one label, the number of gold entities, and each document's (tp, fp, fn).

    `counts` (shape: documents x 3) is what the report resamples documents from.
    """

    p: float
    r: float
    f: float
    n_gold: int
    counts: np.ndarray | None = None

    @classmethod
    def of(cls, counts: Sequence[tuple[int, int, int]]) -> Score:
        """Scores summed from per-document (tp, fp, fn) counts."""
        array = np.asarray(counts, dtype=np.int32).reshape(-1, 3)
        tp, fp, fn = (int(x) for x in array.sum(axis=0))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return cls(p, r, 2 * p * r / (p + r) if p + r else 0.0, tp + fn, array)

    @property
    def n_docs(self) -> int:
        return 0 if self.counts is None else len(self.counts)


def eval_set(sentences: Sequence[Sentence]) -> EvalSet:
    """Gold sentences as an EvalSet: words as in the file, one space between them."""
    return EvalSet(words=tuple(s.tokens for s in sentences),
                   spaces=tuple(tuple(i < len(s.tokens) - 1 for i in range(len(s.tokens)))
                                for s in sentences),
                   spans=tuple(tuple(iob_spans(s.tags)) for s in sentences))


def score_gold(nlp: Language, gold: EvalSet, *, label_map: Mapping[str, str]) -> dict[str, Score]:
    """Per gold label, the scores of `nlp` on a complete gold set (labels the map reaches)."""
    predicted = predict_entities(nlp, gold.docs(nlp))
    per_doc = doc_counts(gold.spans, predicted, label_map=label_map, missing=gold.missing)
    return {label: Score.of(counts) for label, counts in per_doc.items()}


@dataclass(frozen=True)
class AnswerSet:
    """A run's dev answers, merged per input and tokenized once."""

    groups: tuple[tuple[Task, ...], ...]
    docs: tuple[Doc, ...]

    @classmethod
    def of(cls, nlp: Language, answers: Sequence[Task]) -> AnswerSet:
        groups = merge_answers(answers)
        return cls(tuple(tuple(g) for g in groups), tuple(input_doc(nlp, g) for g in groups))


def score_answers(nlp: Language, answers: AnswerSet, *, labels: Sequence[str],
                  label_map: Mapping[str, str]) -> dict[str, Score]:
    """Per annotated label (gold name), the scores of `nlp` against a run's own dev answers."""
    per_doc: dict[str, list[tuple[int, int, int]]] = {label: [] for label in labels}
    predicted = predict_entities(nlp, list(answers.docs)) if answers.docs else []
    for group, doc, pred in zip(answers.groups, answers.docs, predicted):
        said = collect_answers(doc, group, list(labels), ConversionStats())
        accepted = {(s, e, label) for (s, e), label in said.accepted.items()}
        guessed = {span for span in pred if span[2] in per_doc}
        wrong = guessed - accepted if said.complete else guessed & said.rejected
        for label, docs in per_doc.items():
            docs.append((sum(1 for x in guessed & accepted if x[2] == label),
                         sum(1 for x in wrong if x[2] == label),
                         sum(1 for x in accepted - guessed if x[2] == label)))
    return {label_map.get(label, label): Score.of(docs) for label, docs in per_doc.items()}
