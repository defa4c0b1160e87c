"""Per-label P/R/F of a pipeline's NER against gold spans, with a map from model labels to gold labels.

An `EvalSet` holds plain words, spaces and gold spans, so one evaluation set is tokenized once
and scored against any number of pipelines (each builds its Docs in its own vocab).

Gold built from answers (`convert.eval_docs`) annotates some labels only: a complete answer's
``O`` means "none of the annotated labels", so only those labels are scored (`annotated`). The
same rules (`score_spans`) score `al-ner evaluate`, the experiment's annotation dev split and,
through `annotated_ner_scorer`, the dev scores of spaCy's training loop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.vocab import Vocab

from ..constants import ACCEPT, ANSWER, END, INCORRECT_SPANS_KEY, LABEL, SPANS, START, TOKENS
from ..errors import ConfigError, InvalidTaskError
from ..types import Task
from .base_model import predict_entities
from .convert import TokenSpan, answered_labels, eval_docs, input_doc, span_tokens
from .corpus import read_gold_labels
from .merge import merge_answers

# OntoNotes (en_core_web_*) -> CoNLL-2003. Unmapped predictions (NORP, DATE, ...) are dropped.
ONTONOTES_TO_CONLL: dict[str, str] = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}
LABEL_MAPS: dict[str, dict[str, str] | None] = {"ontonotes-conll": ONTONOTES_TO_CONLL, "none": None}

# Why a label is left out of the scores: the values of the "not_scored" mapping.
NOT_SCORED_REASONS: dict[str, str] = {
    "unmapped": "no model label maps to them",
    "not_annotated": "not annotated in the gold set",
    "not_requested": "not among the labels asked for",
}


@dataclass(frozen=True)
class EvalSet:
    """Tokenized gold data: per document its words, trailing spaces and gold entities.

    missing: per document the tokens without gold annotation (a prediction touching one is
    neither right nor wrong, as in spaCy's scorer); empty when every token is annotated.
    incorrect: per document the spans known not to be entities (rejected answers); a prediction
    equal to one is a false positive even on missing tokens.
    annotated: the labels the gold annotates, the only ones scored; None for complete gold
    (every label it holds, CoNLL say).
    """

    words: tuple[tuple[str, ...], ...]
    spaces: tuple[tuple[bool, ...], ...]
    spans: tuple[tuple[TokenSpan, ...], ...]
    missing: tuple[frozenset[int], ...] = ()
    incorrect: tuple[tuple[TokenSpan, ...], ...] = ()
    annotated: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def labels(self) -> list[str]:
        return sorted({label for doc in self.spans for _, _, label in doc})

    def docs(self, nlp: Language) -> list[Doc]:
        """Fresh unannotated Docs in `nlp`'s vocab."""
        return [Doc(nlp.vocab, words=list(w), spaces=list(s)) for w, s in zip(self.words, self.spaces)]


def eval_set_from_docs(docs: Iterable[Doc], *, annotated: Iterable[str] | None = None) -> EvalSet:
    """An EvalSet from gold Docs: their tokens, `doc.ents`, missing tokens and incorrect spans.

    annotated: the labels the Docs' gold annotates (None: complete gold).
    """
    docs = list(docs)
    return EvalSet(words=tuple(tuple(t.text for t in d) for d in docs),
                   spaces=tuple(tuple(bool(t.whitespace_) for t in d) for d in docs),
                   spans=tuple(tuple((e.start, e.end, e.label_) for e in d.ents) for d in docs),
                   missing=tuple(frozenset(t.i for t in d if t.ent_iob == 0) for d in docs),
                   incorrect=tuple(tuple((s.start, s.end, s.label_)
                                         for s in d.spans.get(INCORRECT_SPANS_KEY, [])) for d in docs),
                   annotated=None if annotated is None else tuple(annotated))


def read_eval_docbin(path: str | Path, vocab: Vocab) -> EvalSet:
    """A DocBin as an EvalSet, annotating the labels recorded beside it (dev.labels.json) if any."""
    docs = DocBin().from_disk(path).get_docs(vocab)
    return eval_set_from_docs(docs, annotated=read_gold_labels(path))


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


def eval_set_from_answers(nlp: Language, answers: Iterable[Task], *,
                          labels: Sequence[str] | None = None) -> EvalSet:
    """Answers (a dataset: binary, manual, several per input) as evaluation gold, as
    data-to-spacy's dev set makes them (`convert.eval_docs`: only what the answers say), for
    `labels` (default: every answered label) alone."""
    groups = merge_answers(answers)
    annotated = list(labels) if labels else answered_labels(groups)
    return eval_set_from_docs(eval_docs(nlp, groups, labels=annotated), annotated=annotated)


def _gold_span(doc: Doc, task: Task, span: dict) -> TokenSpan:
    located = span_tokens(doc, span, own_tokens=bool(task.get(TOKENS)), tokens=task.get(TOKENS))
    if isinstance(located, str):
        raise InvalidTaskError(f"gold span {span.get(START)}-{span.get(END)} in "
                               f"{doc.text[:40]!r}: {located}; fix the span offsets")
    return (*located, str(span[LABEL]))


def evaluate(nlp: Language, gold: EvalSet | Iterable[Doc], *,
             label_map: Mapping[str, str] | None = None, labels: Sequence[str] | None = None,
             batch_size: int = 256) -> dict[str, Any]:
    """Score the NER of `nlp` on `gold`: per-label and micro P/R/F over exact spans.

    label_map: model label -> gold label; predicted labels not in it are dropped. None: as is.
    labels: score only these gold labels (each one the gold set annotates or holds).
    Only labels the gold set annotates are scored (all for complete gold); the labels left out
    are under "not_scored" with the reason (a key of NOT_SCORED_REASONS).
    """
    eval_set = gold if isinstance(gold, EvalSet) else eval_set_from_docs(gold)
    requested = _check_requested(eval_set, labels, label_map)
    predicted = predict_entities(nlp, eval_set.docs(nlp), batch_size=batch_size)
    return score_spans(eval_set.spans, predicted, label_map=label_map, missing=eval_set.missing,
                       incorrect=eval_set.incorrect, annotated=eval_set.annotated, requested=requested)


def doc_scores(nlp: Language, gold: EvalSet, *, label_map: Mapping[str, str] | None = None,
               labels: Sequence[str] | None = None, batch_size: int = 256) -> DocCounts:
    """Each document's (tp, fp, fn) per scored label, under the rules of `evaluate`."""
    requested = _check_requested(gold, labels, label_map)
    predicted = predict_entities(nlp, gold.docs(nlp), batch_size=batch_size)
    per_doc, _ = doc_counts(gold.spans, predicted, label_map=label_map, missing=gold.missing,
                            incorrect=gold.incorrect, annotated=gold.annotated, requested=requested)
    return per_doc


def _check_requested(eval_set: EvalSet, labels: Sequence[str] | None,
                     label_map: Mapping[str, str] | None) -> list[str] | None:
    if labels is None:
        return None
    if eval_set.annotated is not None:
        known, verb = set(eval_set.annotated), "annotates"
    else:
        known, verb = set(eval_set.labels()) | set((label_map or {}).values()), "holds"
    unknown = [label for label in labels if label not in known]
    if unknown or not labels:
        raise ConfigError(f"can't score label(s) {', '.join(unknown) or '(none given)'}: the gold set "
                          f"{verb} {', '.join(sorted(known)) or 'no labels'}; choose from those")
    return list(labels)


def score_spans(gold: Sequence[Sequence[TokenSpan]], predicted: Sequence[Sequence[TokenSpan]], *,
                label_map: Mapping[str, str] | None = None,
                missing: Sequence[frozenset[int]] = (),
                incorrect: Sequence[Sequence[TokenSpan]] = (),
                annotated: Collection[str] | None = None,
                requested: Collection[str] | None = None) -> dict[str, Any]:
    """P/R/F per scored label and micro-averaged; pure function of span lists.

    missing: per document, tokens without gold annotation; a prediction touching one is ignored
        unless it is exactly one of the document's `incorrect` spans (then it is a false positive).
    annotated: the labels the gold annotates (None: complete gold); requested: score only these.
    Labels left out are under "not_scored", each with its reason (a key of NOT_SCORED_REASONS).
    """
    per_doc, not_scored = doc_counts(gold, predicted, label_map=label_map, missing=missing,
                                     incorrect=incorrect, annotated=annotated, requested=requested)
    counts = {label: Counter(tp=sum(c[0] for c in docs), fp=sum(c[1] for c in docs),
                             fn=sum(c[2] for c in docs)) for label, docs in per_doc.items()}
    per_label = {label: _prf(c) for label, c in counts.items()}
    return {"labels": per_label, "micro": _prf(sum(counts.values(), Counter())),
            "not_scored": not_scored, "n_docs": len(gold)}


DocCounts = dict[str, list[tuple[int, int, int]]]  # label -> per document (tp, fp, fn)


def doc_counts(gold: Sequence[Sequence[TokenSpan]], predicted: Sequence[Sequence[TokenSpan]], *,
               label_map: Mapping[str, str] | None = None, missing: Sequence[frozenset[int]] = (),
               incorrect: Sequence[Sequence[TokenSpan]] = (), annotated: Collection[str] | None = None,
               requested: Collection[str] | None = None) -> tuple[DocCounts, dict[str, str]]:
    """Per scored label, each document's (tp, fp, fn) (what resampling documents needs), and the
    labels left out with their reasons; the rules of `score_spans`."""
    mapped = [[(s, e, _map(label, label_map)) for s, e, label in doc] for doc in predicted]
    scored, not_scored = scored_labels({label for doc in gold for *_, label in doc},
                                       {label for doc in mapped for *_, label in doc if label},
                                       label_map=label_map, annotated=annotated, requested=requested)
    out: DocCounts = {label: [] for label in sorted(scored)}
    for i, (gold_doc, pred_doc) in enumerate(zip(gold, mapped, strict=True)):
        counts: dict[str, Counter[str]] = {label: Counter() for label in out}
        _count(counts, gold_doc, pred_doc, unknown=missing[i] if missing else frozenset(),
               wrong=set(incorrect[i]) if incorrect else set())
        for label, c in counts.items():
            out[label].append((c["tp"], c["fp"], c["fn"]))
    return out, not_scored


def scored_labels(gold: set[str], predicted: set[str], *, label_map: Mapping[str, str] | None,
                  annotated: Collection[str] | None, requested: Collection[str] | None
                  ) -> tuple[set[str], dict[str, str]]:
    """The labels to score, and every other label in sight with the reason it is left out.

    predicted: the predicted labels after `label_map`.
    """
    if label_map is not None:
        reachable = set(label_map.values())
    else:
        reachable = gold | predicted | set(annotated or ()) | set(requested or ())
    not_scored: dict[str, str] = {}
    for label in sorted(gold | predicted | reachable):
        if label not in reachable:
            not_scored[label] = "unmapped"
        elif annotated is not None and label not in annotated:
            not_scored[label] = "not_annotated"
        elif requested is not None and label not in requested:
            not_scored[label] = "not_requested"
    return (gold | predicted | reachable) - set(not_scored), not_scored


def _count(counts: dict[str, Counter[str]], gold: Sequence[TokenSpan], predicted: Sequence[TokenSpan],
           *, unknown: frozenset[int], wrong: set[TokenSpan]) -> None:
    gold_set = {span for span in gold if span[2] in counts}
    pred_set = {span for span in predicted if span[2] in counts
                and (span in wrong or not unknown.intersection(range(span[0], span[1])))}
    for span in pred_set:
        counts[span[2]]["tp" if span in gold_set else "fp"] += 1
    for span in gold_set - pred_set:
        counts[span[2]]["fn"] += 1


def annotated_ner_scorer(labels: Iterable[str]) -> Callable[..., dict[str, Any]]:
    """spaCy's NER scores (ents_p/r/f, ents_per_type) under the rules above, for `labels` only.

    For the dev scores of spaCy's training loop: `train` sets it as the initialized NER's
    `scorer` attribute (not in the config, so the saved pipeline stays plain spaCy).
    """
    annotated = tuple(labels)

    def score(examples: Iterable[Example], **_: Any) -> dict[str, Any]:
        examples = list(examples)
        gold = eval_set_from_docs([eg.reference for eg in examples], annotated=annotated)
        result = score_spans(gold.spans, [aligned_entities(eg) for eg in examples],
                             missing=gold.missing, incorrect=gold.incorrect, annotated=annotated)
        return spacy_ner_scores(result)
    return score


def aligned_entities(example: Example) -> list[TokenSpan]:
    """The predicted entities in the reference's token offsets, aligned as spaCy's scorer does."""
    out = []
    for ent in example.predicted.ents:
        indices = example.alignment.x2y[ent.start:ent.end]
        if len(indices):
            out.append((int(indices[0]), int(indices[-1]) + 1, ent.label_))
    return out


def spacy_ner_scores(result: Mapping[str, Any]) -> dict[str, Any]:
    """`score_spans` output in the shape of spaCy's NER scores."""
    micro = result["micro"]
    per_type = {label: {"p": s["p"], "r": s["r"], "f": s["f"]} for label, s in result["labels"].items()}
    return {"ents_p": micro["p"], "ents_r": micro["r"], "ents_f": micro["f"], "ents_per_type": per_type}


def model_labels(nlp: Language) -> list[str]:
    """The labels the pipeline's 'ner' component predicts (an NER or an entity ruler)."""
    if "ner" not in nlp.pipe_names:
        return []
    return sorted(str(label) for label in getattr(nlp.get_pipe("ner"), "labels", ()))


def label_hints(scores: Mapping[str, Any], gold: EvalSet, predicts: Sequence[str], *,
                label_map: Mapping[str, str] | None, requested: bool = False) -> list[str]:
    """What to pass when the scores can't say much: a --label-map when the gold's labels aren't
    the model's (PER vs PERSON), a --label when labels the gold never holds were scored."""
    hints = []
    held = set(gold.annotated) if gold.annotated is not None else set(gold.labels())
    if label_map is None and predicts and held - set(predicts):
        unknown = sorted(held - set(predicts))
        covered = any(gold_label in unknown and model_label in predicts
                      for model_label, gold_label in ONTONOTES_TO_CONLL.items())
        named = "ontonotes-conll" if covered else "FILE.json"
        hints.append(f"the gold labels {', '.join(unknown)} are not labels the model predicts "
                     f"({', '.join(predicts[:8])}{', ...' if len(predicts) > 8 else ''}); pass "
                     f"--label-map {named} (a JSON file maps model label -> gold label)")
    never = sorted(set(scores["labels"]) - held)
    if never and not requested:
        hints.append(f"{len(never)} scored label(s) never occur in the gold set ({', '.join(never[:6])}"
                     f"{', ...' if len(never) > 6 else ''}); pass --label {','.join(sorted(held))} "
                     "to score only the gold's labels")
    return hints


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
