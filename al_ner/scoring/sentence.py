"""Sentence scorer: one (uncertainty, task) pair per task from the NER's beam."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from ..constants import TOKENS
from ..registry import scorers
from ..types import ScoredStream, Task
from .beam import BeamNER, EntKey, EntProbs, check_batch_size
from .docs import doc_tokens, scored_copy, span_dict, task_doc, task_text, token_offsets
from .maths import get_reducer, uncertainty


class SentenceScorer:
    """Score each task by how unsure the NER is about it (for batch active learning).

    A span's uncertainty is 1 - 2|p - 0.5|; the task's score reduces ("max", "sum", "mean")
    over the candidate spans of the wanted labels, 0.0 when there are none. With
    add_predictions the copy also carries the NER's own (greedy) entities of those labels
    as `spans`, so ner.correct gets its pre-highlighting from the same pass.
    """

    def __init__(self, nlp: Language, labels: Sequence[str] | None = None, *, beam_width: int = 16,
                 beam_density: float = 0.0001, reduce: str = "max", add_predictions: bool = False,
                 batch_size: int = 64) -> None:
        self.beam = BeamNER(nlp, list(labels or ()), beam_width, beam_density)
        self.reduce = get_reducer(reduce)
        self.add_predictions = add_predictions
        self.batch_size = check_batch_size(batch_size)

    @property
    def labels(self) -> list[str]:
        return self.beam.labels

    def __call__(self, stream: Iterable[Task]) -> ScoredStream:
        for batch in minibatch(stream, size=self.batch_size):
            docs = self.beam.prepare([task_doc(self.beam.nlp, task) for task in batch])
            probs = self.beam.entity_probs(docs)
            preds = self.beam.predicted(docs) if self.add_predictions else [None] * len(docs)
            for task, doc, doc_probs, doc_preds in zip(batch, docs, probs, preds):
                yield self._scored(task, doc, doc_probs, doc_preds)

    def _scored(self, task: Task, doc: Doc, probs: EntProbs,
                preds: list[EntKey] | None) -> tuple[float, Task]:
        score = self.reduce(uncertainty(p) for p in probs.values())
        tokens = None if task.get(TOKENS) else doc_tokens(doc)
        spans = None
        if preds is not None:
            text, offsets = task_text(task), token_offsets(task, doc)
            spans = [span_dict(text, offsets, start, end, label) for start, end, label in preds]
        return score, scored_copy(task, score, spans=spans, tokens=tokens)


@scorers("al_ner.sentence_scorer.v1")
def configure_sentence_scorer(*, nlp: Language, labels: Sequence[str] | None = None,
                              beam_width: int = 16, beam_density: float = 0.0001,
                              reduce: str = "max", add_predictions: bool = False,
                              batch_size: int = 64) -> SentenceScorer:
    """A SentenceScorer over `nlp`'s NER (labels None: every label the NER knows)."""
    return SentenceScorer(nlp, labels, beam_width=beam_width, beam_density=beam_density,
                          reduce=reduce, add_predictions=add_predictions, batch_size=batch_size)
