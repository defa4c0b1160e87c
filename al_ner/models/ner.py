"""Prodigy's `EntityRecognizer` (prodigy.models.ner), the model ner.teach puts in the loop, as a
face of al-ner's parts: al_ner.scoring.EntityScorer scores (beam probabilities),
al_ner.training.make_update learns from the answers, al_ner.training.silver merges binary answers.

A face for recipes written for Prodigy: it sits on top of the import graph (nothing in al-ner
imports it), which is why a module under al_ner.models may use scoring and training.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language

from ..models import get_ner
from ..scoring import EntityScorer
from ..stream.validate import validate_task
from ..training import make_update
from ..training.silver import silver_tasks
from ..types import ScoredStream, Task

__all__ = ["EntityRecognizer"]
LOGGER = logging.getLogger("al_ner.recipe")


class EntityRecognizer:
    """Scores candidate entities of `label` (default: all the NER's) with the beam, one
    (probability, task) pair per candidate; `update` trains the pipeline's NER in memory."""

    def __init__(self, nlp: Language, label: Sequence[str] | None = None, beam_width: int = 16,
                 beam_density: float = 0.0001, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.labels = _labels(nlp, label)
        self.scorer = EntityScorer(nlp, self.labels, beam_width=beam_width,
                                   beam_density=beam_density, batch_size=batch_size)
        self._update = None

    def __call__(self, stream: Iterable[Task]) -> ScoredStream:
        return self.scorer(_validated(stream))

    def update(self, examples: Iterable[Task], drop: float = 0.0, batch_size: int = 8) -> float:
        """Learn from answered examples (accepts, rejects, full-span answers); returns the loss."""
        if self._update is None:  # the optimizer starts at the first answers, not at loading
            self._update = make_update(self.nlp, self.labels, drop=drop)
        return float(self._update(list(examples)).get("ner", 0.0))

    def make_best(self, examples: Iterable[Task]) -> Iterator[Task]:
        """Per input of binary `examples`, a task with the best analysis consistent with them."""
        return silver_tasks(self.nlp, examples, labels=self.labels)


def _labels(nlp: Language, label: Sequence[str] | None) -> list[str]:
    """The labels asked; those the NER doesn't know are added to it in memory, as Prodigy does
    (a new label learnt from patterns and answers, say)."""
    ner = get_ner(nlp)
    labels = list(label) if label else sorted(ner.labels)
    for new in [name for name in labels if name not in ner.labels]:
        ner.add_label(new)
        LOGGER.info("EntityRecognizer: the NER learns a new label %s", new)
    return labels


def _validated(stream: Iterable[Task]) -> Iterator[Task]:
    for n, task in enumerate(stream, 1):
        validate_task(task, where=f"task {n}")
        yield task
