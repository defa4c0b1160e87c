"""Would learning from these answers help on those? The alignment of the NER's loss gradients.

    probe = Probe(nlp, ["ORG"])
    reference = probe.gradient(random_answers)          # the loss on a random sample, its gradient
    value = probe.alignment(arm_answers, reference)     # > 0: a step on arm_answers lowers that loss

The adaptive query strategy's reward (`al_ner.strategies.adaptive`). A small gradient step on
answers A changes the loss on answers B by about -lr x (gradient on A) . (gradient on B), so the
dot product of the two mean gradients says, to first order, how much learning A helps on B: the
gradient-alignment estimate of a training example's value (Pruthi et al. 2020, "Estimating
training data influence by tracing gradient descent", NeurIPS). Unlike the F1 change of a real
update, it is continuous (a few dozen sentences' F1 barely moves after a step) and needs no
step size. The weights never change; the gradients are cleared, so the model in the loop and
its own optimizer never see a probe.
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
from .base_model import Predict, frozen_predictor, ner_pipes
from .convert import DEFAULT_FILL, check_fill
from .update import answers_to_examples

Gradient = dict[tuple[int, str], np.ndarray]  # (node id, parameter name) -> mean gradient, flat


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
    """Loss gradients of `nlp`'s NER on answers (as training converts them), and their alignment.

    fill: what training fills in (data-to-spacy's default; for "model" the base model's entities
    come from a snapshot taken on first use). The global generators are seeded with `seed` for
    each gradient (spaCy's parser cuts long sentences at random points) and given back after.
    """

    nlp: Language
    labels: list[str]
    fill: str = DEFAULT_FILL
    seed: int = 0
    _predict: Predict | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        check_fill(self.fill)

    def gradient(self, answers: Sequence[Task]) -> Gradient:
        """The mean gradient of the NER's loss over `answers` (empty: nothing to learn from them)."""
        examples = answers_to_examples(self.nlp, list(answers), labels=self.labels, fill=self.fill,
                                       predict=self._base())
        if not examples:
            return {}
        pipes = ner_pipes(self.nlp)
        clear_gradients(self.nlp, pipes)
        frozen = [name for name in self.nlp.pipe_names if name not in pipes]
        with own_random_state(self.seed):
            self.nlp.update(examples, sgd=False, drop=0.0, exclude=frozen)  # gradients only
        return {key: grad / len(examples) for key, grad in clear_gradients(self.nlp, pipes).items()}

    def alignment(self, answers: Sequence[Task], reference: Gradient) -> float:
        """Mean gradient on `answers` . `reference`: > 0 when learning them lowers the reference loss."""
        mine = self.gradient(answers)
        return float(sum(np.dot(grad, reference[key]) for key, grad in mine.items() if key in reference))

    def _base(self) -> Predict | None:
        if self.fill == "model" and self._predict is None:
            self._predict = frozen_predictor(self.nlp)
        return self._predict


def clear_gradients(nlp: Language, pipes: Sequence[str]) -> Gradient:
    """Take the gradients the pipes' models hold (flat copies) and set them to zero."""
    taken: Gradient = {}
    for name in pipes:
        for node in nlp.get_pipe(name).model.walk():
            for param in node.param_names:
                if node.has_grad(param):
                    grad = node.get_grad(param)
                    taken[(node.id, param)] = np.asarray(grad, dtype=np.float64).ravel().copy()
                    node.set_grad(param, np.zeros_like(grad))
    return taken
