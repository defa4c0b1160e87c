"""What an arm's answers can teach, token by token: accepts and rejects, the share of tokens any
answer speaks about, and how many training tokens the fill makes up (data-to-spacy's conversion)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ...constants import ACCEPT, ANSWER, IGNORE, REJECT
from ...training.base_model import predict_entities
from ...training.convert import ANSWERS_ONLY, collect_answers, input_doc, token_annotation
from ...training.merge import ConversionStats, merge_answers
from ...types import Task
from ...cost import answer_mode

@dataclass(frozen=True)
class Evidence:
    """What an arm's answers say, token by token, and what training adds to it (fill)."""

    answers: int
    kinds: dict[str, int]
    accept_rate: float
    reject_rate: float
    ignore_rate: float
    accepted_per_sentence: float
    rejected_per_sentence: float
    answer_o_per_sentence: float  # tokens a complete answer says are no entity of the labels
    evidence_share: float  # tokens any answer says something about
    pseudo_share: float  # training tokens whose gold the fill set (not an answer)
    pseudo_o_share: float  # of them: "no entity", which nobody checked
    missing_share: float  # training tokens without any gold (no loss)
    fill: str


def answer_evidence(base: Language, answers: Sequence[Task], *, labels: Sequence[str], fill: str) -> Evidence:
    """Token-level evidence of `answers`, by the conversion data-to-spacy uses."""
    kinds = Counter(f"{answer_mode(t)} {t[ANSWER]}" for t in answers)
    stats = ConversionStats()
    groups = merge_answers(answers, stats=stats)
    docs = [input_doc(base, group) for group in groups]
    predicted = predict_entities(base, docs) if fill == "model" and "ner" in base.pipe_names else [[]] * len(docs)
    tally: Counter[str] = Counter()
    for doc, group, pred in zip(docs, groups, predicted):
        _count_tokens(tally, doc, group, list(labels), fill, pred)
    n, tokens = max(len(groups), 1), max(tally["tokens"], 1)
    share = {a: sum(c for k, c in kinds.items() if k.endswith(a)) / max(len(answers), 1) for a in (ACCEPT, REJECT, IGNORE)}
    return Evidence(len(answers), dict(sorted(kinds.items())), share[ACCEPT], share[REJECT], share[IGNORE],
                    tally["accepted"] / n, tally["rejected"] / n, tally["answer_o"] / n,
                    tally["evidence"] / tokens, tally["pseudo"] / tokens, tally["pseudo_o"] / tokens,
                    tally["missing"] / tokens, fill)


def _count_tokens(tally: Counter[str], doc: Doc, group: Sequence[Task], labels: list[str], fill: str,
                  predicted: Sequence[tuple[int, int, str]]) -> None:
    answers = collect_answers(doc, group, labels, ConversionStats())
    ents, outside, incorrect = token_annotation(len(doc), answers, labels=labels, fill=ANSWERS_ONLY)
    said = {i for s, e, _ in [*ents, *incorrect] for i in range(s, e)} | set(outside)
    f_ents, f_outside, _ = token_annotation(len(doc), answers, labels=labels, fill=fill, predicted=predicted)
    trained = {i for s, e, _ in f_ents for i in range(s, e)} | set(f_outside)
    tally.update(tokens=len(doc), evidence=len(said), accepted=len(ents), rejected=len(incorrect),
                 answer_o=len(outside), pseudo=len(trained - said), pseudo_o=len(set(f_outside) - said),
                 missing=len(doc) - len(trained | said))
