"""Scores for the experiment: fixed gold sets (tokenized once) and a run's own answers.

The held-out test and the unbiased dev set are complete gold annotations, scored with
`al_ner.training.evaluate`. The annotation dev split is a share of the run's answers: a manual
answer is complete for the annotated labels (every other prediction of them is wrong), a binary
one only says that its span is or isn't an entity, so a prediction is counted wrong only when it
was rejected, and right only when it was accepted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ..training import EvalSet, evaluate
from ..training.base_model import predict_entities
from ..training.convert import collect_answers, input_doc
from ..training.merge import ConversionStats, merge_answers
from ..types import Task
from .corpus import Sentence, iob_spans


@dataclass(frozen=True)
class Score:
    """P/R/F of one label, with the number of gold entities it was measured on."""

    p: float
    r: float
    f: float
    n_gold: int


def eval_set(sentences: Sequence[Sentence]) -> EvalSet:
    """Gold sentences as an EvalSet: words as in the file, one space between them."""
    return EvalSet(words=tuple(s.tokens for s in sentences),
                   spaces=tuple(tuple(i < len(s.tokens) - 1 for i in range(len(s.tokens)))
                                for s in sentences),
                   spans=tuple(tuple(iob_spans(s.tags)) for s in sentences))


def score_gold(nlp: Language, gold: EvalSet, *, label_map: Mapping[str, str]) -> dict[str, Score]:
    """Per gold label, the scores of `nlp` on a complete gold set (labels the map reaches)."""
    result = evaluate(nlp, gold, label_map=label_map)
    return {label: Score(s["p"], s["r"], s["f"], int(s["support"]))
            for label, s in result["labels"].items()}


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
    counts: dict[str, Counter[str]] = {label: Counter() for label in labels}
    predicted = predict_entities(nlp, list(answers.docs)) if answers.docs else []
    for group, doc, pred in zip(answers.groups, answers.docs, predicted):
        said = collect_answers(doc, group, list(labels), ConversionStats())
        accepted = {(s, e, label) for (s, e), label in said.accepted.items()}
        guessed = {span for span in pred if span[2] in counts}
        wrong = guessed - accepted if said.complete else guessed & said.rejected
        for s, e, label in guessed & accepted:
            counts[label]["tp"] += 1
        for s, e, label in wrong:
            counts[label]["fp"] += 1
        for s, e, label in accepted - guessed:
            counts[label]["fn"] += 1
    return {label_map.get(label, label): _score(c) for label, c in counts.items()}


def _score(c: Counter[str]) -> Score:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0, tp + fn)
