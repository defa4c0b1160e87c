"""A session acts on the questions it was handed and on its own answers only; a replayed answer
changes nothing (the same answer again) or is refused (a different one)."""

from __future__ import annotations

import pytest

from al_ner.constants import ACCEPT, IGNORE, REJECT
from al_ner.controller import Controller
from al_ner.errors import AnswerError


def tasks(n: int) -> list[dict]:
    return [{"text": f"Acme hired person {i} .",
             "spans": [{"start": 0, "end": 4, "label": "ORG"}]} for i in range(n)]


def components(n: int = 4, **config):
    return {"dataset": "ds", "view_id": "ner", "stream": iter(tasks(n)), "labels": ["ORG"],
            "config": config}


def answer(task, value=ACCEPT, **extra):
    return {"_task_hash": task["_task_hash"], "answer": value, **extra}


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def saved(db) -> list[tuple[str, str, str]]:
    return [(e["text"].split()[-2], e["_session_id"], e["answer"]) for e in db.data.get("ds", [])]


def test_a_session_cannot_answer_renew_or_release_another_s_question(MemDB):
    db = MemDB()
    ctrl = Controller(components(), db, batch_size=2)
    alice = ctrl.get_questions(session="alice")
    hashes = [q["_task_hash"] for q in alice]
    with pytest.raises(AnswerError, match="handed to another session"):
        ctrl.receive_answers([answer(alice[0])], session="bob")  # before: saved as bob's
    with pytest.raises(AnswerError, match="handed to another session"):
        ctrl.renew(hashes, session="bob")
    with pytest.raises(AnswerError, match="handed to another session"):
        ctrl.release(hashes, session="bob")  # before: released, and carol got them
    assert [q["text"] for q in ctrl.get_questions(session="carol")] == [t["text"] for t in tasks(4)[2:]]
    assert ctrl.renew(hashes, session="alice") == 2
    ctrl.receive_answers([answer(alice[0])], session="alice")
    assert saved(db) == [("0", "ds-alice", ACCEPT)]


def test_a_session_cannot_undo_another_s_answer(MemDB):
    db = MemDB()
    ctrl = Controller(components(), db, batch_size=1)
    [q] = ctrl.get_questions(session="alice")
    ctrl.receive_answers([answer(q)], session="alice")
    with pytest.raises(AnswerError, match="undoes only its own answers"):
        ctrl.undo(q["_task_hash"], session="bob")  # before: bob got alice's spans and replaced her
    with pytest.raises(AnswerError, match="already answered by another session"):
        ctrl.receive_answers([answer(q, REJECT, question=q)], session="bob")
    assert ctrl.undo(q["_task_hash"], session="alice")["_task_hash"] == q["_task_hash"]
    assert saved(db) == [("0", "ds-alice", ACCEPT)]


def test_a_late_answer_after_a_lease_expiry_never_replaces_another_session_s(MemDB):
    db, clock = MemDB(), Clock()
    ctrl = Controller(components(), db, batch_size=1, clock=clock)
    [q] = ctrl.get_questions(session="bob")  # bob's tab sleeps past its lease
    clock.now = 200
    ctrl.reclaim(older_than=120)
    [again] = ctrl.get_questions(session="alice")
    assert again["_task_hash"] == q["_task_hash"]
    with pytest.raises(AnswerError, match="handed to another session"):
        ctrl.receive_answers([answer(q, REJECT, question=q)], session="bob")
    ctrl.receive_answers([answer(again)], session="alice")
    with pytest.raises(AnswerError, match="already answered by another session"):
        ctrl.receive_answers([answer(q, REJECT, question=q)], session="bob")  # before: appended
    assert saved(db) == [("0", "ds-alice", ACCEPT)]


def test_a_late_answer_nobody_else_was_handed_is_kept_and_a_live_tab_takes_its_question_back(MemDB):
    db, clock = MemDB(), Clock()
    ctrl = Controller(components(), db, batch_size=2, clock=clock)
    first, second = ctrl.get_questions(session="bob")
    clock.now = 200
    assert ctrl.reclaim(older_than=120) == 2
    ctrl.receive_answers([answer(first, question=first)], session="bob")  # nothing lost
    assert ctrl.renew([first["_task_hash"], second["_task_hash"]], session="bob") == 1
    assert [q["text"] for q in ctrl.get_questions(session="carol")] == [t["text"] for t in tasks(4)[2:]]
    assert saved(db) == [("0", "ds-bob", ACCEPT)]


def test_a_replayed_answer_is_saved_once_and_a_different_one_refused(MemDB):
    db = MemDB()
    ctrl = Controller(components(), db, batch_size=2, session_id="ds-run1")
    first, second = ctrl.get_questions()
    ctrl.receive_answers([answer(first, question=first), answer(second, REJECT, question=second)])
    # the tab never saw the reply and sends the batch again: nothing new (before: appended)
    assert ctrl.receive_answers([answer(first, question=first)]) == []
    with pytest.raises(AnswerError, match="already answered by this session.*undo it first"):
        ctrl.receive_answers([answer(first, IGNORE, question=first)])  # before: appended
    restarted = Controller(components(), db, batch_size=2, session_id="ds-run2")
    assert restarted.receive_answers([answer(second, REJECT, question=second)]) == []
    with pytest.raises(AnswerError, match="already answered by another session"):
        restarted.receive_answers([answer(second, ACCEPT, question=second)])
    assert saved(db) == [("0", "ds-run1", ACCEPT), ("1", "ds-run1", REJECT)]
    assert ctrl.counts[ACCEPT] == 1 and restarted.answered == 0


def test_a_named_session_undoes_its_answer_after_a_restart(MemDB):
    db = MemDB()
    ctrl = Controller(components(), db, batch_size=1)
    [q] = ctrl.get_questions(session="alice")
    ctrl.receive_answers([answer(q)], session="alice")
    restarted = Controller(components(), db, batch_size=1)
    with pytest.raises(AnswerError, match="undoes only its own answers"):
        restarted.undo(q["_task_hash"], session="bob")
    assert restarted.undo(q["_task_hash"], session="alice")["_task_hash"] == q["_task_hash"]
    [again] = restarted.get_questions(session="alice")
    restarted.receive_answers([answer(again, REJECT)], session="alice")
    assert saved(db) == [("0", "ds-alice", ACCEPT), ("0", "ds-alice", REJECT)]


def test_with_feed_overlap_each_session_answers_and_replays_its_own(MemDB):
    db = MemDB()
    ctrl = Controller(components(2, feed_overlap=True), db, batch_size=1)
    [a], [b] = ctrl.get_questions(session="alice"), ctrl.get_questions(session="bob")
    ctrl.receive_answers([answer(a)], session="alice")
    ctrl.receive_answers([answer(b, question=b)], session="bob")  # the same answer: bob's own
    assert ctrl.receive_answers([answer(b, question=b)], session="bob") == []
    with pytest.raises(AnswerError, match="undoes only its own answers"):
        ctrl.undo(a["_task_hash"], session="carol")
    assert saved(db) == [("0", "ds-alice", ACCEPT), ("0", "ds-bob", ACCEPT)]


def test_answers_saved_with_spans_lacking_offsets_still_open_a_session(MemDB):
    # what a replay is compared with is read from the dataset on start: an imported answer whose
    # spans have token offsets only must not break that
    db = MemDB({"ds": [{"text": "Acme hired .", "_input_hash": 1, "_task_hash": 2, "answer": "accept",
                        "spans": [{"token_start": 0, "token_end": 0, "label": "ORG"},
                                  {"start": 0, "end": 4, "label": "ORG"}]}]})
    assert len(Controller(components(), db).get_questions()) == 4
