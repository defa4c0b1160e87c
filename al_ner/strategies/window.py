"""A window of tasks and what the model says about them, each analysis computed when first asked.

A strategy reads only what it needs: the entity probabilities (entity uncertainty, as ner.teach
scores: exact, from the lattice), a beam over log-probabilities (entropy, MNLP), the sentence
vectors (diversity, density) or none (random). Reading none costs nothing; each analysis is one
pass over the window with the pipeline's current weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..constants import TOKENS
from ..scoring.beam import (BeamNER, EntKey, EntProbs, Parse, check_batch_size, entity_probs,
                             renormalized)
from ..scoring.docs import doc_tokens, task_doc
from ..types import Task


@dataclass
class WindowModel:
    """The model a window is analysed with: a pipeline's NER, its labels and beam settings."""

    nlp: Language
    labels: list[str]
    beam_width: int = 16
    beam_density: float = 0.0001  # spaCy's beam, kept for decoding="spacy-beam"
    decoding: str = "lattice"  # where entity probabilities come from (see scoring.beam)
    # the log-probability beam (entropy, MNLP): prune parses under 1 % of the best one's
    # probability; bench/strategies.py measures it asks 98 % of the same questions, 1.7x faster
    normalized_density: float = 0.01
    batch_size: int = 64  # beam this many sentences at a time (a beam over long batches pads)
    beam: BeamNER = field(init=False)
    normalized: BeamNER = field(init=False)

    def __post_init__(self) -> None:
        self.beam = BeamNER(self.nlp, list(self.labels), self.beam_width, self.beam_density,
                            decoding=self.decoding)
        self.normalized = BeamNER(self.nlp, list(self.labels), self.beam_width, self.normalized_density)
        self.labels = self.beam.labels
        check_batch_size(self.batch_size)

    def parses(self, docs: Sequence[Doc], *, normalized: bool) -> list[list[Parse]]:
        """The beam's parses of `docs` (copies), `batch_size` at a time."""
        beam = self.normalized if normalized else self.beam
        out: list[list[Parse]] = []
        for start in range(0, len(docs), self.batch_size):
            batch = beam.prepare([doc.copy() for doc in docs[start:start + self.batch_size]])
            out += beam.parses(batch, normalized=normalized)
        return out

    def entity_probs(self, docs: Sequence[Doc]) -> list[EntProbs]:
        """Each candidate entity's probability in `docs` (copies), `batch_size` at a time."""
        out: list[EntProbs] = []
        for start in range(0, len(docs), self.batch_size):
            batch = self.beam.prepare([doc.copy() for doc in docs[start:start + self.batch_size]])
            out += self.beam.entity_probs(batch)
        return out

    def __call__(self, tasks: Sequence[Task]) -> Window:
        """The window of `tasks` (tokens added from the Doc where a task had none)."""
        docs = [task_doc(self.nlp, task) for task in tasks]
        tasks = [task if task.get(TOKENS) else {**task, TOKENS: doc_tokens(doc)}
                 for task, doc in zip(tasks, docs)]
        return Window(list(tasks), docs, self)


@dataclass
class Window:
    """Tasks of one window, their Docs, and lazily computed model outputs (index-aligned)."""

    tasks: list[Task]
    docs: list[Doc]
    model: WindowModel

    def __len__(self) -> int:
        return len(self.tasks)

    @cached_property
    def lengths(self) -> np.ndarray:
        """Tokens per sentence."""
        return np.array([len(doc) for doc in self.docs], dtype=int)

    @cached_property
    def parses(self) -> list[list[Parse]]:
        """Per sentence, the parses of a log-probability beam: (P(parse), entities of the wanted labels).

        Probabilities are the NER's own (see `al_ner.scoring.normalized`) and sum to at most 1.
        """
        return self.model.parses(self.docs, normalized=True)

    @cached_property
    def entity_probs(self) -> list[EntProbs]:
        """Per sentence, each candidate entity's probability (as ner.teach scores them)."""
        return self.model.entity_probs(self.docs)

    @cached_property
    def normalized_entity_probs(self) -> list[EntProbs]:
        """Per sentence, each candidate entity's marginal probability under the log-probability beam."""
        return [entity_probs(renormalized(parses)) for parses in self.parses]

    @cached_property
    def vectors(self) -> np.ndarray:
        """One vector per sentence: the mean of the pipeline's static vectors, else of the NER's tok2vec."""
        return sentence_vectors(self.model, self.docs)

    def predicted(self, index: int) -> list[EntKey]:
        """The NER's own (greedy) entities of the wanted labels in sentence `index`."""
        docs = self.model.beam.prepare([self.docs[index].copy()])
        return self.model.beam.predicted(docs)[0]


def sentence_vectors(model: WindowModel, docs: Sequence[Doc]) -> np.ndarray:
    """Mean static word vectors per Doc when the vocab has vectors, else the NER tok2vec's mean."""
    vectors = model.nlp.vocab.vectors
    if vectors.shape[0] > 0:
        return np.array([doc.vector if len(doc) else np.zeros(vectors.shape[1]) for doc in docs],
                        dtype=np.float32)
    nonempty = model.beam.prepare([doc.copy() for doc in docs if len(doc)])
    tok2vec = model.beam.ner.model.get_ref("tok2vec")
    output = tok2vec.predict(nonempty) if nonempty else np.zeros((0, 1))
    rows = np.concatenate(output) if isinstance(output, list) else np.asarray(output)
    out, at = [], 0
    for doc in docs:
        out.append(rows[at:at + len(doc)].mean(axis=0) if len(doc) else np.zeros(rows.shape[1]))
        at += len(doc)
    return np.array(out, dtype=np.float32)

