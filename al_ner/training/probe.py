"""What a few update steps on some answers do to the NER's F1 on other answers, undone afterwards.

    probe = Probe(nlp, ["ORG"])
    gain = probe.gain(arm_answers, probe.gold(random_answers))   # F1 after - F1 before

The adaptive query strategy's reward (`al_ner.strategies.adaptive`): how much learning from one
strategy's questions helps on a random sample of the source. The pipeline's weights are put
back as they were, so the model in the loop (and its own update's optimizer) never sees a probe.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from spacy.language import Language
from spacy.util import fix_random_seed

from ..types import Task
from .base_model import Predict, frozen_predictor, ner_pipes, predict_entities
from .convert import DEFAULT_FILL, check_fill
from .evaluate import EvalSet, eval_set_from_tasks, score_spans
from .update import answers_to_examples


@contextmanager
def weights_restored(nlp: Language) -> Iterator[None]:
    """Put the weights of the NER (and of what it listens to) back as they were when the block ends."""
    pipes = [nlp.get_pipe(name) for name in ner_pipes(nlp)]
    saved = [pipe.model.to_bytes() for pipe in pipes]
    try:
        yield
    finally:
        for pipe, data in zip(pipes, saved):
            pipe.model.from_bytes(data)


@contextmanager
def own_random_state(seed: int) -> Iterator[None]:
    """Seed the global generators spaCy's update draws from, and give the session its own back."""
    saved = random.getstate(), np.random.get_state()
    fix_random_seed(seed)
    try:
        yield
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])


@dataclass
class Probe:
    """Measures F1 gains of short, undone updates of `nlp`'s NER, for the annotated `labels`.

    steps: passes over the answers (no dropout, a fresh optimizer and the global generators
    seeded with `seed` each time, so a probe is repeatable, independent of every other, and
    leaves the session's random state as it found it). fill: what training fills in (data-to-spacy's
    default; for "model" the base model's entities come from a snapshot taken on first use).
    """

    nlp: Language
    labels: list[str]
    steps: int = 2
    fill: str = DEFAULT_FILL
    seed: int = 0
    _predict: Predict | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        check_fill(self.fill)

    def gold(self, answers: Sequence[Task]) -> EvalSet:
        """Accepted full-span answers as the probe's gold (tokenized once)."""
        return eval_set_from_tasks(self.nlp, answers)

    def f1(self, gold: EvalSet) -> float:
        """Micro F1 of the NER as it is now on `gold`, over the annotated labels."""
        if not len(gold):
            return 0.0
        predicted = predict_entities(self.nlp, gold.docs(self.nlp))
        scores = score_spans(gold.spans, predicted, annotated=tuple(self.labels))
        return float(scores["micro"]["f"])

    def gain(self, answers: Sequence[Task], gold: EvalSet, *, before: float | None = None) -> float:
        """F1 on `gold` after `steps` updates on `answers`, minus before (weights restored)."""
        examples = answers_to_examples(self.nlp, list(answers), labels=self.labels, fill=self.fill,
                                       predict=self._base())
        start = self.f1(gold) if before is None else before
        if not examples:
            return 0.0
        frozen = [name for name in self.nlp.pipe_names if name not in ner_pipes(self.nlp)]
        with weights_restored(self.nlp), own_random_state(self.seed):
            optimizer = self.nlp.create_optimizer()
            for _ in range(self.steps):
                self.nlp.update(examples, sgd=optimizer, drop=0.0, exclude=frozen)
            return self.f1(gold) - start

    def _base(self) -> Predict | None:
        if self.fill == "model" and self._predict is None:
            self._predict = frozen_predictor(self.nlp)
        return self._predict
