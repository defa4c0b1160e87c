"""Entity scorer: one (probability, task) pair per candidate entity of the NER."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from ..constants import TOKENS
from ..registry import scorers
from ..types import ScoredStream, Task
from ._lattice import DEFAULT_MAX_LEN
from .beam import LATTICE, MIN_PROB, BeamNER, EntProbs, check_batch_size
from .docs import doc_tokens, scored_copy, span_dict, task_doc, task_text, token_offsets
from .maths import clamp01


class EntityScorer:
    """Score each candidate entity of the wanted labels with its probability under the NER.

    decoding "lattice" (the default): the entity's exact probability under the NER's own model
    (`_lattice`), for every entity of up to `max_len` tokens with at least `min_prob`;
    "spacy-beam": its share of spaCy's beam of `beam_width` (what al-ner did before 0.2 and
    what Prodigy describes; see docs/teach.md for why it asks malformed spans).
    Lazy: reads `batch_size` tasks, scores them with the pipeline's current weights,
    yields one `(p, task)` per candidate span (each task a rehashed copy with exactly that
    span and `meta["score"] = p`), then reads the next batch. Copies are shallow: the
    candidates of one task share its `tokens` list (built from the Doc when it had none).
    """

    def __init__(self, nlp: Language, labels: Sequence[str] | None = None, *, beam_width: int = 16,
                 beam_density: float = 0.0001, batch_size: int = 64, decoding: str = LATTICE,
                 max_len: int = DEFAULT_MAX_LEN, min_prob: float = MIN_PROB) -> None:
        self.beam = BeamNER(nlp, list(labels or ()), beam_width, beam_density, decoding=decoding,
                            max_len=max_len, min_prob=min_prob)
        self.batch_size = check_batch_size(batch_size)

    @property
    def labels(self) -> list[str]:
        return self.beam.labels

    def __call__(self, stream: Iterable[Task]) -> ScoredStream:
        for batch in minibatch(stream, size=self.batch_size):
            docs = self.beam.prepare([task_doc(self.beam.nlp, task) for task in batch])
            for task, doc, probs in zip(batch, docs, self.beam.entity_probs(docs)):
                yield from _candidates(task, doc, probs)


def _candidates(task: Task, doc: Doc, probs: EntProbs) -> ScoredStream:
    """One scored copy of `task` per candidate entity, in document order."""
    if not probs:
        return
    text = task_text(task)
    offsets = token_offsets(task, doc)
    tokens = None if task.get(TOKENS) else doc_tokens(doc)
    for (start, end, label), p in sorted(probs.items()):
        p = clamp01(p)
        span = span_dict(text, offsets, start, end, label)
        yield p, scored_copy(task, p, spans=[span], tokens=tokens)


@scorers("al_ner.entity_scorer.v1")
def configure_entity_scorer(*, nlp: Language, labels: Sequence[str] | None = None,
                            beam_width: int = 16, beam_density: float = 0.0001,
                            batch_size: int = 64) -> EntityScorer:
    """An EntityScorer over `nlp`'s NER with spaCy's beam (as in al-ner 0.1 and Prodigy)."""
    return EntityScorer(nlp, labels, beam_width=beam_width, beam_density=beam_density,
                        batch_size=batch_size, decoding="spacy-beam")


@scorers("al_ner.entity_scorer.v2")
def configure_entity_scorer_v2(*, nlp: Language, labels: Sequence[str] | None = None,
                               max_len: int = DEFAULT_MAX_LEN, min_prob: float = MIN_PROB,
                               batch_size: int = 64) -> EntityScorer:
    """An EntityScorer over `nlp`'s NER with exact entity probabilities (the lattice)."""
    return EntityScorer(nlp, labels, max_len=max_len, min_prob=min_prob, batch_size=batch_size)
