"""Pre-highlight the model's own entities (what ``nlp(text).ents`` gives) as task spans."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.util import minibatch

from .constants import LABEL, SPANS, TEXT, VIEW_ID, VIEW_NER_MANUAL
from .stream.docs import task_doc
from .stream.hashing import set_hash
from .types import Stream, Task


def add_model_spans(nlp: Language, stream: Iterable[Task], *, labels: Iterable[str],
                    batch_size: int = 64) -> Stream:
    """Copy each task with `spans` set to the model's entities of `labels` (others dropped)."""
    wanted = set(labels)
    for batch in minibatch(stream, size=batch_size):
        docs = nlp.pipe((task_doc(nlp, task) for task in batch), batch_size=batch_size)
        for task, doc in zip(batch, docs):
            spans = [{"start": e.start_char, "end": e.end_char, "token_start": e.start,
                      "token_end": e.end - 1, LABEL: e.label_, TEXT: e.text}
                     for e in doc.ents if not wanted or e.label_ in wanted]
            yield {**task, SPANS: spans}


def full_span_question(nlp: Language, task: Task, *, labels: Iterable[str]) -> Task:
    """A full-span (ner_manual) question on `task`'s whole sentence, pre-highlighted with the model's entities."""
    [with_spans] = add_model_spans(nlp, [{**task, SPANS: []}], labels=labels, batch_size=1)
    return set_hash({**with_spans, VIEW_ID: VIEW_NER_MANUAL}, overwrite=True)
