"""Merge rules: last answer per task wins, ignore and rejected manual drop out, per-span answers."""

from __future__ import annotations

import pytest

from al_ner.errors import InvalidTaskError
from al_ner.stream.hashing import set_hash
from al_ner.training import ConversionStats, answers_to_docs, merge_answers

WORDS = ["Apple", "hired", "Tim", "Cook"]


def test_last_answer_per_task_wins(make_task):
    first = set_hash(make_task(WORDS, [(0, 1, "ORG")], answer="accept"))
    undo = {**first, "answer": "reject"}
    groups = merge_answers([first, undo])
    assert [[t["answer"] for t in g] for g in groups] == [["reject"]]


def test_ignored_and_rejected_manual_answers_drop_out(make_task):
    stats = ConversionStats()
    tasks = [make_task(WORDS, [(0, 1, "ORG")], answer="ignore"),
             make_task(WORDS, [(2, 4, "ORG")], view="ner_manual", answer="reject"),
             make_task(WORDS, [(2, 4, "PERSON")], answer="reject"),
             {"text": "no answer"}]
    groups = merge_answers(tasks, stats=stats)
    assert [[t["spans"][0]["label"] for t in g] for g in groups] == [["PERSON"]]
    assert stats.skipped == {"ignored": 1, "rejected_manual": 1, "unanswered": 1}
    assert stats.tasks == 4 and stats.inputs == 1


def test_undo_to_ignore_removes_the_answer(make_task):
    accept = set_hash(make_task(WORDS, [(0, 1, "ORG")]))
    assert merge_answers([accept, {**accept, "answer": "ignore"}]) == []


def test_groups_follow_the_order_of_the_last_answers(make_task):
    a1 = set_hash(make_task(WORDS, [(0, 1, "ORG")]))
    b = set_hash(make_task(["Other", "text"], [(0, 1, "ORG")]))
    a2 = set_hash(make_task(WORDS, [(2, 4, "PERSON")]))
    groups = merge_answers([a1, b, a2])
    assert [g[0]["text"] for g in groups] == ["Apple hired Tim Cook", "Other text"]
    assert len(groups[0]) == 2


def test_unknown_views_are_counted(make_task):
    stats = ConversionStats()
    assert merge_answers([make_task(WORDS, [], view="image_manual")], stats=stats) == []
    assert stats.skipped == {"unknown_view": 1}
    with pytest.raises(InvalidTaskError, match="text-classification answer"):  # not silently "no entity"
        merge_answers([make_task(WORDS, [], view="choice")])


def test_tasks_without_hashes_get_them(make_task):
    groups = merge_answers([make_task(WORDS, [(0, 1, "ORG")])])
    assert isinstance(groups[0][0]["_input_hash"], int)


def test_per_span_answers_override_the_task_answer(nlp, make_task, biluo, negatives):
    task = make_task(WORDS, [(0, 1, "ORG"), (2, 4, "ORG")], view="ner_manual")
    task["spans"][1]["answer"] = "reject"
    (doc,) = answers_to_docs(nlp, [task], labels=["ORG"], fill="missing", negative_len=0)
    assert biluo(doc) == ["U-ORG", "-", "-", "-"]
    assert negatives(doc) == {(2, 4, "ORG")}


def test_per_span_ignore_is_counted(nlp, make_task, biluo):
    task = make_task(WORDS, [(0, 1, "ORG")])
    task["spans"][0]["answer"] = "ignore"
    stats = ConversionStats()
    (doc,) = answers_to_docs(nlp, [task], labels=["ORG"], fill="missing", stats=stats)
    assert biluo(doc) == ["-"] * 4
    assert stats.skipped["ignored"] == 1
