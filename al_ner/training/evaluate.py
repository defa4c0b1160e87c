"""Per-label P/R/F of a pipeline's NER against gold spans, with a map from model labels to gold labels.

An `EvalSet` holds plain words, spaces and gold spans, so one evaluation set is tokenized once
and scored against any number of pipelines (each builds its Docs in its own vocab).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..constants import ACCEPT, ANSWER, END, LABEL, SPANS, START, TOKENS
from ..errors import InvalidTaskError
from ..types import Task
from .base_model import predict_entities
from .convert import TokenSpan, input_doc, span_tokens

# OntoNotes (en_core_web_*) -> CoNLL-2003. Unmapped predictions (NORP, DATE, ...) are dropped.
ONTONOTES_TO_CONLL: dict[str, str] = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}
LABEL_MAPS: dict[str, dict[str, str] | None] = {"ontonotes-conll": ONTONOTES_TO_CONLL, "none": None}


@dataclass(frozen=True)
class EvalSet:
    """Tokenized gold data: per document its words, trailing spaces and gold entities.

    missing: per document the tokens without gold annotation (a prediction touching one is
    neither right nor wrong, as in spaCy's scorer); empty when every token is annotated.
    """

    words: tuple[tuple[str, ...], ...]
    spaces: tuple[tuple[bool, ...], ...]
    spans: tuple[tuple[TokenSpan, ...], ...]
    missing: tuple[frozenset[int], ...] = ()

    def __len__(self) -> int:
        return len(self.words)

    def labels(self) -> list[str]:
        return sorted({label for doc in self.spans for _, _, label in doc})

    def docs(self, nlp: Language) -> list[Doc]:
        """Fresh unannotated Docs in `nlp`'s vocab."""
        return [Doc(nlp.vocab, words=list(w), spaces=list(s)) for w, s in zip(self.words, self.spaces)]


def eval_set_from_docs(docs: Iterable[Doc]) -> EvalSet:
    """An EvalSet from gold Docs (e.g. a dev.spacy DocBin): their tokens, `doc.ents`, missing tokens."""
    docs = list(docs)
    return EvalSet(words=tuple(tuple(t.text for t in d) for d in docs),
                   spaces=tuple(tuple(bool(t.whitespace_) for t in d) for d in docs),
                   spans=tuple(tuple((e.start, e.end, e.label_) for e in d.ents) for d in docs),
                   missing=tuple(frozenset(t.i for t in d if t.ent_iob == 0) for d in docs))


def eval_set_from_tasks(nlp: Language, tasks: Iterable[Task]) -> EvalSet:
    """An EvalSet from complete annotations (accepted ner_manual tasks); tokenized once here.

    Tasks answered other than "accept" are left out.
    """
    words, spaces, spans = [], [], []
    for task in tasks:
        if task.get(ANSWER, ACCEPT) != ACCEPT:
            continue
        doc = input_doc(nlp, [task])
        words.append(tuple(t.text for t in doc))
        spaces.append(tuple(bool(t.whitespace_) for t in doc))
        spans.append(tuple(_gold_span(doc, task, span) for span in task.get(SPANS) or []))
    return EvalSet(words=tuple(words), spaces=tuple(spaces), spans=tuple(spans))


def _gold_span(doc: Doc, task: Task, span: dict) -> TokenSpan:
    located = span_tokens(doc, span, own_tokens=bool(task.get(TOKENS)))
    if isinstance(located, str):
        raise InvalidTaskError(f"gold span {span.get(START)}-{span.get(END)} in "
                               f"{doc.text[:40]!r}: {located}; fix the span offsets")
    return (*located, str(span[LABEL]))


def evaluate(nlp: Language, gold: EvalSet | Iterable[Doc], *,
             label_map: Mapping[str, str] | None = None, batch_size: int = 256) -> dict[str, Any]:
    """Score the NER of `nlp` on `gold`: per-label and micro P/R/F over exact spans.

    label_map: model label -> gold label; predicted labels not in it are dropped. None: as is.
    Gold labels that no mapped label reaches (e.g. MISC) are listed under "not_scored".
    """
    eval_set = gold if isinstance(gold, EvalSet) else eval_set_from_docs(gold)
    predicted = predict_entities(nlp, eval_set.docs(nlp), batch_size=batch_size)
    return score_spans(eval_set.spans, predicted, label_map=label_map, missing=eval_set.missing)


def score_spans(gold: Sequence[Sequence[TokenSpan]], predicted: Sequence[Sequence[TokenSpan]], *,
                label_map: Mapping[str, str] | None = None,
                missing: Sequence[frozenset[int]] = ()) -> dict[str, Any]:
    """P/R/F per scored label and micro-averaged; pure function of span lists.

    missing: per document, tokens without gold annotation; predictions touching them are ignored.
    """
    per_doc = doc_counts(gold, predicted, label_map=label_map, missing=missing)
    counts = {label: Counter(tp=sum(c[0] for c in docs), fp=sum(c[1] for c in docs),
                             fn=sum(c[2] for c in docs)) for label, docs in per_doc.items()}
    per_label = {label: _prf(c) for label, c in counts.items()}
    gold_labels = {label for doc in gold for _, _, label in doc}
    return {"labels": per_label, "micro": _prf(sum(counts.values(), Counter())),
            "not_scored": sorted(gold_labels - set(per_doc)), "n_docs": len(gold)}


DocCounts = dict[str, list[tuple[int, int, int]]]  # label -> per document (tp, fp, fn)


def doc_counts(gold: Sequence[Sequence[TokenSpan]], predicted: Sequence[Sequence[TokenSpan]], *,
               label_map: Mapping[str, str] | None = None,
               missing: Sequence[frozenset[int]] = ()) -> DocCounts:
    """Per scored label, each document's (tp, fp, fn): what resampling documents needs.

    The scored labels are the label map's gold labels (or, without a map, every label seen).
    """
    gold_labels = {label for doc in gold for _, _, label in doc}
    scored = set(label_map.values()) if label_map is not None else gold_labels | {
        label for doc in predicted for _, _, label in doc}
    out: DocCounts = {label: [] for label in sorted(scored)}
    for i, (gold_doc, pred_doc) in enumerate(zip(gold, predicted, strict=True)):
        unknown = missing[i] if missing else frozenset()
        gold_set = {span for span in gold_doc if span[2] in scored}
        pred_set = {(s, e, _map(label, label_map)) for s, e, label in pred_doc
                    if not unknown.intersection(range(s, e))}
        pred_set = {span for span in pred_set if span[2] in scored}
        for label in out:
            tp = sum(1 for span in pred_set if span[2] == label and span in gold_set)
            fp = sum(1 for span in pred_set if span[2] == label) - tp
            fn = sum(1 for span in gold_set if span[2] == label and span not in pred_set)
            out[label].append((tp, fp, fn))
    return out


def _map(label: str, label_map: Mapping[str, str] | None) -> str:
    if label_map is None:
        return label
    return label_map.get(label, "")


def _prf(c: Counter[str]) -> dict[str, float | int]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}
