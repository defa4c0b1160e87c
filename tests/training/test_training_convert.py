"""Answers -> Docs, token by token: accept, reject, manual, and the three fills."""

from __future__ import annotations

import pytest
import spacy

from al_ner.errors import ConfigError
from al_ner.training import ConversionStats, answers_to_doc, answers_to_docs
from al_ner.training.convert import complete_negatives, eval_docs

WORDS = ["Apple", "hired", "Tim", "Cook", "in", "Paris"]


def test_binary_accept_is_an_entity_and_the_rest_missing(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(0, 1, "ORG")])]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="missing")
    assert biluo(doc) == ["U-ORG", "-", "-", "-", "-", "-"]
    assert negatives(doc) == set()


def test_binary_reject_is_an_incorrect_span(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(2, 4, "ORG")], answer="reject")]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="missing")
    assert biluo(doc) == ["-"] * 6
    assert negatives(doc) == {(2, 4, "ORG")}


def test_fill_o_makes_every_other_token_o(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(0, 1, "ORG")]), make_task(WORDS, [(5, 6, "ORG")], answer="reject")]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="O")
    assert biluo(doc) == ["U-ORG", "O", "O", "O", "O", "O"]
    assert negatives(doc) == {(5, 6, "ORG")}


def test_manual_answer_with_missing_fill_adds_not_label_spans(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="missing", negative_len=2)
    assert biluo(doc) == ["U-ORG", "-", "-", "-", "-", "-"]
    assert negatives(doc) == {(1, 2, "ORG"), (1, 3, "ORG"), (2, 3, "ORG"), (2, 4, "ORG"),
                              (3, 4, "ORG"), (3, 5, "ORG"), (4, 5, "ORG"), (4, 6, "ORG"),
                              (5, 6, "ORG")}


def test_manual_answer_without_negatives_is_plain_missing(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="missing", negative_len=0)
    assert biluo(doc) == ["U-ORG", "-", "-", "-", "-", "-"]
    assert negatives(doc) == set()


def test_complete_negatives_never_touch_an_entity():
    spans = complete_negatives(5, [(1, 3, "ORG")], ["ORG", "PERSON"], max_len=8)
    assert spans == {(0, 1, "ORG"), (0, 1, "PERSON"), (3, 4, "ORG"), (3, 4, "PERSON"),
                     (3, 5, "ORG"), (3, 5, "PERSON"), (4, 5, "ORG"), (4, 5, "PERSON")}


def test_manual_answer_with_o_fill(nlp, make_task, biluo):
    tasks = [make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="O")
    assert biluo(doc) == ["U-ORG", "O", "O", "O", "O", "O"]


def test_model_fill_after_a_manual_answer(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")]
    predicted = [(0, 2, "GPE"),      # overlaps the answer: dropped, "hired" goes missing
                 (2, 4, "PERSON"),   # nobody annotated PERSON: kept
                 (5, 6, "ORG")]      # the complete answer says "not ORG": O
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="model", predicted=predicted)
    assert biluo(doc) == ["U-ORG", "-", "B-PERSON", "L-PERSON", "O", "O"]
    assert negatives(doc) == set()


def test_model_fill_after_binary_answers(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(2, 4, "ORG")], answer="reject")]
    predicted = [(0, 1, "ORG"),      # an ORG nobody checked: missing
                 (2, 4, "ORG"),      # the rejected one: O (not missing), and an incorrect span
                 (5, 6, "GPE")]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="model", predicted=predicted)
    assert biluo(doc) == ["-", "O", "O", "O", "O", "U-GPE"]
    assert negatives(doc) == {(2, 4, "ORG")}


def test_model_fill_leaves_a_rejected_span_it_did_not_predict_as_it_was(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(2, 4, "ORG")], answer="reject")]
    predicted = [(2, 5, "ORG")]  # overlaps the rejected span but is another one: nobody checked it
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="model", predicted=predicted)
    assert biluo(doc) == ["O", "O", "-", "-", "-", "O"]
    assert negatives(doc) == {(2, 4, "ORG")}


def test_model_fill_needs_a_base_ner(nlp, make_task):
    with pytest.raises(ConfigError, match="fill='missing'"):
        answers_to_doc(nlp, [make_task(WORDS, [])], labels=["ORG"], fill="model")
    with pytest.raises(ConfigError, match="has none"):
        answers_to_docs(nlp, [make_task(WORDS, [])], labels=["ORG"])  # model is the default


def test_model_fill_predicts_with_the_given_pipeline_by_default(make_task, biluo):
    base = spacy.blank("en")
    base.add_pipe("entity_ruler", name="ner").add_patterns([{"label": "GPE", "pattern": "Paris"}])
    doc = answers_to_doc(base, [make_task(WORDS, [(0, 1, "ORG")])], labels=["ORG"])
    assert biluo(doc) == ["U-ORG", "O", "O", "O", "O", "U-GPE"]


def test_unknown_fill_names_the_choices(nlp, make_task):
    with pytest.raises(ConfigError, match="missing, O, model"):
        answers_to_doc(nlp, [make_task(WORDS, [])], labels=["ORG"], fill="none")


def test_spans_without_token_offsets_are_aligned_by_characters(nlp, make_task, biluo):
    task = make_task(WORDS, [(2, 4, "PERSON")], token_offsets=False)
    del task["tokens"]
    doc = answers_to_doc(nlp, [task], labels=["PERSON"], fill="missing")
    assert biluo(doc) == ["-", "-", "B-PERSON", "L-PERSON", "-", "-"]


def test_misaligned_spans_are_counted_and_skipped(nlp, biluo):
    task = {"text": "Apple hired Tim", "answer": "accept", "_view_id": "ner",
            "spans": [{"start": 0, "end": 3, "label": "ORG"}, {"start": 12, "end": 15, "label": "ORG"}]}
    stats = ConversionStats()
    doc = answers_to_doc(nlp, [task], labels=["ORG"], fill="missing", stats=stats)
    assert biluo(doc) == ["-", "-", "U-ORG"]
    assert stats.skipped["misaligned_span"] == 1
    assert "0-3" in stats.examples["misaligned_span"]
    assert "misaligned_span" in stats.messages()[0]


def test_other_bad_spans_are_counted(nlp, make_task):
    task = make_task(WORDS, [])
    task["spans"] = [{"label": "ORG"}, {"start": 0, "end": 99, "label": "ORG"},
                     {"start": 0, "end": 5, "label": "FOOD"}]
    stats = ConversionStats()
    answers_to_doc(nlp, [task], labels=["ORG"], fill="missing", stats=stats)
    assert stats.skipped == {"span_without_offsets": 1, "span_out_of_range": 1, "label_not_requested": 1}


def test_later_manual_answer_supersedes_earlier_answers(nlp, make_task, biluo, negatives):
    tasks = [make_task(WORDS, [(5, 6, "ORG")], answer="accept"),
             make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")]
    doc = answers_to_doc(nlp, tasks, labels=["ORG"], fill="missing", negative_len=0)
    assert biluo(doc) == ["U-ORG", "-", "-", "-", "-", "-"]


def test_later_answer_overrides_an_overlapping_accept(nlp, make_task, biluo):
    tasks = [make_task(WORDS, [(2, 3, "PERSON")]), make_task(WORDS, [(2, 4, "PERSON")])]
    stats = ConversionStats()
    doc = answers_to_doc(nlp, tasks, labels=["PERSON"], fill="missing", stats=stats)
    assert biluo(doc) == ["-", "-", "B-PERSON", "L-PERSON", "-", "-"]
    assert stats.skipped["overlapping_span"] == 1


def test_reject_after_accept_of_the_same_span_wins(nlp, make_task, biluo, negatives):
    accept = make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")
    reject = make_task(WORDS, [(0, 1, "ORG")], answer="reject")
    doc = answers_to_doc(nlp, [accept, reject], labels=["ORG"], fill="missing", negative_len=0)
    assert biluo(doc) == ["-"] * 6
    assert negatives(doc) == {(0, 1, "ORG")}


def test_answers_to_docs_groups_by_input_and_counts(nlp, make_task, biluo):
    tasks = [make_task(WORDS, [(0, 1, "ORG")]), make_task(["Hi", "there"], [], view="ner_manual"),
             make_task(WORDS, [(5, 6, "GPE")])]
    stats = ConversionStats()
    docs = answers_to_docs(nlp, tasks, stats=stats, fill="O")
    assert [d.text for d in docs] == ["Apple hired Tim Cook in Paris", "Hi there"]
    assert biluo(docs[0]) == ["U-ORG", "O", "O", "O", "O", "U-GPE"]
    assert biluo(docs[1]) == ["O", "O"]
    assert (stats.docs, stats.inputs, stats.entities, stats.complete_docs) == (2, 2, 2, 1)


def test_inputs_are_not_changed(nlp, make_task):
    task = make_task(WORDS, [(0, 1, "ORG")])
    before = repr(task)
    answers_to_docs(nlp, [task], labels=["ORG"], fill="missing")
    assert repr(task) == before


def test_tokens_without_ws_take_spaces_from_offsets(nlp, make_task):
    task = make_task(["Hello", ",", "world"], [])
    task["text"] = "Hello, world"
    task["tokens"] = [{"text": "Hello", "start": 0, "end": 5}, {"text": ",", "start": 5, "end": 6},
                      {"text": "world", "start": 7, "end": 12}]
    doc = answers_to_doc(nlp, [task], labels=["ORG"], fill="missing")
    assert doc.text == "Hello, world"


def test_eval_docs_hold_only_what_the_answers_say(nlp, make_task, biluo, negatives):
    manual = [make_task(WORDS, [(0, 1, "ORG"), (2, 4, "PERSON")], view="ner_manual")]
    binary = [make_task(WORDS, [(0, 1, "ORG")]), make_task(WORDS, [(2, 4, "ORG")], answer="reject")]
    complete, partial = eval_docs(nlp, [manual, binary], labels=["ORG"])
    assert biluo(complete) == ["U-ORG", "O", "O", "O", "O", "O"] and negatives(complete) == set()
    assert biluo(partial) == ["U-ORG", "-", "-", "-", "-", "-"]
    assert negatives(partial) == {(2, 4, "ORG")}


def test_a_span_given_by_characters_after_a_newline_is_kept(nlp, biluo):
    """Issue 17: tokens without `ws` separated by a newline made "Acmehired" in training, so a
    span given only by character offsets no longer aligned and was skipped."""
    task = {"text": "Acme\nhired Bo .", "answer": "accept", "_view_id": "ner",
            "tokens": [{"text": "Acme", "start": 0, "end": 4, "id": 0},
                       {"text": "hired", "start": 5, "end": 10, "id": 1},
                       {"text": "Bo", "start": 11, "end": 13, "id": 2},
                       {"text": ".", "start": 14, "end": 15, "id": 3}],
            "spans": [{"start": 11, "end": 13, "label": "PERSON"}]}
    stats = ConversionStats()
    doc = answers_to_doc(nlp, [task], labels=["PERSON"], fill="missing", stats=stats)
    assert not stats.skipped and biluo(doc) == ["-", "-", "U-PERSON", "-"]


def test_a_span_given_by_characters_aligns_on_the_tasks_own_tokens(nlp, biluo):
    """Two characters between tokens ("Acme  hired") shift the Doc's offsets; the task's own
    token offsets still place the span."""
    task = {"text": "Acme  hired Bo", "answer": "accept", "_view_id": "ner",
            "tokens": [{"text": "Acme", "start": 0, "end": 4, "id": 0},
                       {"text": "hired", "start": 6, "end": 11, "id": 1},
                       {"text": "Bo", "start": 12, "end": 14, "id": 2}],
            "spans": [{"start": 12, "end": 14, "label": "PERSON"}]}
    stats = ConversionStats()
    doc = answers_to_doc(nlp, [task], labels=["PERSON"], fill="missing", stats=stats)
    assert not stats.skipped and biluo(doc) == ["-", "-", "U-PERSON"]
