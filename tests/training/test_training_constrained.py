"""Constrained decoding: binary answers become the best beam analysis that agrees with them."""

from __future__ import annotations

import pytest

from al_ner.stream import set_hashes
from al_ner.training import ConversionStats, answers_to_docs
from al_ner.training.constrained import Constraints, best_consistent, consistent

TEXT = "Apple hired Tim Cook of Acme Corp in London on Monday ."
WORDS = TEXT.split()


def test_consistent_needs_every_accept_and_no_reject() -> None:
    cons = Constraints(((5, 7, "ORG"),), frozenset({(0, 1, "ORG")}))
    assert consistent([(5, 7, "ORG"), (2, 4, "PERSON")], cons)
    assert not consistent([(2, 4, "PERSON")], cons)
    assert not consistent([(0, 1, "ORG"), (5, 7, "ORG")], cons)
    complete = Constraints(((5, 7, "ORG"),), frozenset(), frozenset({"ORG"}))
    assert not consistent([(5, 7, "ORG"), (8, 9, "ORG")], complete)
    assert consistent([(5, 7, "ORG"), (8, 9, "GPE")], complete)


def test_best_consistent_takes_the_most_probable_agreeing_parse() -> None:
    cons = Constraints((), frozenset({(0, 1, "ORG")}))
    parses = [(0.7, [(0, 1, "ORG")]), (0.2, [(0, 1, "GPE")]), (0.1, [])]
    assert best_consistent(parses, cons) == [(0, 1, "GPE")]
    assert best_consistent([(0.9, [(0, 1, "ORG")])], cons) is None


def binary(span: tuple[int, int], answer: str, **meta) -> dict:
    tokens, at = [], 0
    for i, word in enumerate(WORDS):
        tokens.append({"text": word, "start": at, "end": at + len(word), "id": i, "ws": True})
        at += len(word) + 1
    start, end = span
    task = {"text": TEXT, "tokens": tokens, "answer": answer, "_view_id": "ner", "meta": meta,
            "spans": [{"start": tokens[start]["start"], "end": tokens[end - 1]["end"],
                       "token_start": start, "token_end": end - 1, "label": "ORG"}]}
    return next(set_hashes([task]))


@pytest.mark.model
def test_the_training_doc_is_the_agreeing_analysis(nlp_md) -> None:
    answers = [binary((5, 7), "accept"), binary((0, 1), "reject")]
    stats = ConversionStats()
    [doc] = answers_to_docs(nlp_md, answers, labels=["ORG"], conversion="constrained", stats=stats)
    ents = {(e.start, e.end, e.label_) for e in doc.ents}
    assert (5, 7, "ORG") in ents and (0, 1, "ORG") not in ents
    assert {(2, 4, "PERSON"), (8, 9, "GPE")} <= ents  # the rest from the beam's best agreeing parse
    assert all(t.ent_iob_ in ("B", "I", "O") for t in doc)  # nothing missing: a full analysis
    assert [(s.start, s.end) for s in doc.spans["incorrect_spans"]] == [(0, 1)]
    assert stats.constrained_docs == 1 and stats.constrained_fallback == 0


@pytest.mark.model
def test_answers_ask_for_it_in_their_meta_and_fill_stays_the_default(nlp_md) -> None:
    stamped = [binary((5, 7), "accept", conversion="constrained")]
    [doc] = answers_to_docs(nlp_md, stamped, labels=["ORG"])
    assert all(t.ent_iob_ != "" for t in doc)
    [plain] = answers_to_docs(nlp_md, [binary((5, 7), "accept")], labels=["ORG"])
    assert any(t.ent_iob_ == "" for t in plain)  # fill=model leaves unjudged ORG tokens missing
    [forced] = answers_to_docs(nlp_md, stamped, labels=["ORG"], conversion="fill")
    assert [t.ent_iob_ for t in forced] == [t.ent_iob_ for t in plain]
