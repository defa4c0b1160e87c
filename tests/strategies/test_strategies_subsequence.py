"""Subsequence questions end to end without a model: cost, the gold answer, training and eval gold."""

from __future__ import annotations

import spacy

from al_ner.annotators.gold import GoldAnnotator, GoldIndex
from al_ner.cost import CostModel, annotation_cost
from al_ner.stream.hashing import set_hash
from al_ner.training.convert import eval_doc, groups_to_docs, input_doc
from al_ner.training.merge import ConversionStats

TEXT = "Acme Corp hired John Smith of Globex in Boston ."
GOLD = [{"text": TEXT, "spans": [{"start": 0, "end": 9, "label": "ORG"},
                                 {"start": 30, "end": 36, "label": "ORG"}]}]


def tokens() -> list[dict]:
    out, at = [], 0
    for i, word in enumerate(TEXT.split()):
        out.append({"text": word, "start": at, "end": at + len(word), "id": i, "ws": True})
        at += len(word) + 1
    return out


def question(asked: tuple[int, int] | None, spans: list[dict]) -> dict:
    meta = {"asked": list(asked)} if asked else {}
    return set_hash({"text": TEXT, "tokens": tokens(), "spans": spans, "meta": meta,
                     "_view_id": "ner_manual"}, overwrite=True)


MODEL_SPANS = [{"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "ORG"},
               {"start": 30, "end": 36, "token_start": 6, "token_end": 6, "label": "ORG"}]


def test_the_annotator_marks_the_asked_range_and_keeps_the_model_outside_it() -> None:
    answer = GoldAnnotator(GoldIndex(GOLD), labels=["ORG"]).answer(question((5, 8), MODEL_SPANS))
    assert [(s["start"], s["end"]) for s in answer["spans"]] == [(0, 4), (30, 36)]
    whole = GoldAnnotator(GoldIndex(GOLD), labels=["ORG"]).answer(question((0, 3), MODEL_SPANS))
    assert [(s["start"], s["end"]) for s in whole["spans"]] == [(0, 9), (30, 36)]


def test_cost_counts_the_asked_tokens_only() -> None:
    asked = {**question((5, 8), MODEL_SPANS), "answer": "accept"}
    assert annotation_cost([asked], CostModel()).tokens == 3
    assert annotation_cost([{**question(None, MODEL_SPANS), "answer": "accept"}], CostModel()).tokens == 10


def test_training_takes_the_whole_answer_and_eval_gold_only_the_asked_range() -> None:
    nlp = spacy.blank("en")
    answer = {**question((5, 8), MODEL_SPANS), "answer": "accept"}
    [train] = groups_to_docs(nlp, [[answer]], labels=["ORG"], fill="O", predict=None,
                             stats=ConversionStats())
    assert [(e.start, e.end) for e in train.ents] == [(0, 1), (6, 7)]
    gold = eval_doc(input_doc(nlp, [answer]), [answer], labels=["ORG"])
    assert [(e.start, e.end) for e in gold.ents] == [(6, 7)]
    assert [t.ent_iob_ for t in gold] == [""] * 5 + ["O", "B", "O"] + [""] * 2
