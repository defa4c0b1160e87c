"""Scores for the experiment: fixed gold sets (tokenized once) and a run's own answers.

The held-out test and the unbiased dev set are complete gold annotations, scored with
`al_ner.training.evaluate`. The annotation dev split is a share of the run's answers, turned
into evaluation gold by the same conversion as data-to-spacy's dev.spacy
(`al_ner.training.convert.eval_doc`: only what the answers say) and scored by the same rules, for
the annotated labels only: after a manual answer every other prediction of them is wrong; a
binary answer's accepted span is right, its rejected span wrong, predictions elsewhere in the
sentence (on tokens nobody labelled) neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from spacy.language import Language
from spacy.tokens import Doc

from ...training import EvalSet, eval_set_from_docs
from ...training.convert import eval_doc, input_doc
from ...training.evaluate import doc_scores
from ...training.merge import merge_answers
from ...types import Task
from ..data.corpus import Sentence


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
                   # an EvalSet's spans end exclusive, as spaCy's do; a task's token_end is inclusive
                   spans=tuple(tuple((start, end + 1, label) for start, end, label in s.spans)
                               for s in sentences))


def score_gold(nlp: Language, gold: EvalSet, *, label_map: Mapping[str, str]) -> dict[str, Score]:
    """Per gold label, the scores of `nlp` on a complete gold set (labels the map reaches)."""
    return {label: Score.of(counts) for label, counts in doc_scores(nlp, gold, label_map=label_map).items()}


@dataclass(frozen=True)
class AnswerSet:
    """A run's dev answers, merged per input and tokenized once."""

    groups: tuple[tuple[Task, ...], ...]
    docs: tuple[Doc, ...]

    @classmethod
    def of(cls, nlp: Language, answers: Sequence[Task]) -> AnswerSet:
        groups = merge_answers(answers)
        return cls(tuple(tuple(g) for g in groups), tuple(input_doc(nlp, g) for g in groups))

    def gold(self, labels: Sequence[str]) -> EvalSet:
        """What the answers say about `labels`, as evaluation gold for those labels only."""
        docs = [eval_doc(doc.copy(), group, labels=labels) for group, doc in zip(self.groups, self.docs)]
        return eval_set_from_docs(docs, annotated=labels)


def score_answers(nlp: Language, answers: AnswerSet, *, labels: Sequence[str],
                  label_map: Mapping[str, str]) -> dict[str, Score]:
    """Per annotated label (gold name), the scores of `nlp` against a run's own dev answers."""
    per_doc = doc_scores(nlp, answers.gold(labels))
    return {label_map.get(label, label): Score.of(docs) for label, docs in per_doc.items()}
