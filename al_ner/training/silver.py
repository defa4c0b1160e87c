"""Binary answers -> the best analysis consistent with them, for ner.silver-to-gold to correct.

Per input: the accepted spans are entities; the model's own entities of the labels fill in
where no accepted span is, except those exactly rejected and those overlapping an accepted one.
(Prodigy searches the model's beam under the answers as constraints; a greedy pass over the
model's best parse gives the same result whenever that parse breaks no constraint, and never
breaks one itself.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from ..constants import META, SPANS, TEXT, TOKENS
from ..stream.docs import doc_tokens
from ..types import Task
from .base_model import TokenSpan, base_predictor
from .convert import Answers, collect_answers, input_doc
from .merge import ConversionStats, merge_answers


def consistent_spans(answers: Answers, predicted: Sequence[TokenSpan],
                     labels: Sequence[str]) -> list[TokenSpan]:
    """Accepted spans, plus predicted entities of `labels` that no answer contradicts."""
    chosen = answers.entities()
    taken = {i for start, end, _ in chosen for i in range(start, end)}
    for start, end, label in predicted:
        span = (start, end, label)
        if label in labels and span not in answers.rejected and not taken & set(range(start, end)):
            chosen.append(span)
            taken.update(range(start, end))
    return sorted(chosen)


def silver_tasks(nlp: Language, answers: Iterable[Task], *, labels: Sequence[str],
                 stats: ConversionStats | None = None, batch_size: int = 64) -> Iterator[Task]:
    """One ner_manual question per input of the binary `answers`, pre-filled with the best
    consistent analysis; meta counts the answers it rests on."""
    stats = stats if stats is not None else ConversionStats()
    groups = merge_answers(answers, stats=stats)
    predict = base_predictor(nlp)
    for start in range(0, len(groups), batch_size):
        batch = groups[start:start + batch_size]
        docs = [input_doc(nlp, group) for group in batch]
        for group, doc, predicted in zip(batch, docs, predict(docs)):
            found = collect_answers(doc, group, list(labels), stats)
            yield _task(doc, consistent_spans(found, predicted, labels), found)


def _task(doc: Doc, spans: list[TokenSpan], answers: Answers) -> Task:
    entities = [{"start": doc[s].idx, "end": doc[e - 1].idx + len(doc[e - 1]), "token_start": s,
                 "token_end": e - 1, "label": label, "text": doc[s:e].text} for s, e, label in spans]
    meta = {"accepted": len(answers.accepted), "rejected": len(answers.rejected)}
    return {TEXT: doc.text, TOKENS: doc_tokens(doc), SPANS: entities, META: meta}
