"""Named sessions, feed_overlap, leases, answers that outlive a restart, a source that fails."""

from __future__ import annotations

import pytest

from al_ner.constants import ACCEPT, REJECT
from al_ner.controller import Controller
from al_ner.errors import AnswerError, ConfigError, InputError


def tasks(n: int) -> list[dict]:
    return [{"text": f"Acme hired person {i} .",
             "spans": [{"start": 0, "end": 4, "label": "ORG"}]} for i in range(n)]


def components(stream, **config):
    return {"dataset": "ds", "view_id": "ner", "stream": iter(stream), "labels": ["ORG"],
            "config": config}


def answer(task, value=ACCEPT, **extra):
    return {"_task_hash": task["_task_hash"], "answer": value, **extra}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_named_sessions_share_one_queue_and_stamp_their_answers(MemDB):
    db = MemDB()
    ctrl = Controller(components(tasks(4)), db, batch_size=2)
    alice, bob = ctrl.get_questions(session="alice"), ctrl.get_questions(session="bob")
    assert not {t["_task_hash"] for t in alice} & {t["_task_hash"] for t in bob}
    ctrl.receive_answers([answer(t) for t in alice], session="alice")
    ctrl.receive_answers([answer(bob[0], REJECT)], session="bob")
    ids = [(e["_session_id"], e["_annotator_id"]) for e in db.data["ds"]]
    assert ids == [("ds-alice", "ds-alice")] * 2 + [("ds-bob", "ds-bob")]
    assert ctrl.progress(session="alice")["counts"] == {"accept": 2, "reject": 0, "ignore": 0}
    assert ctrl.progress(session="bob")["answered"] == 1
    assert ctrl.progress(session="bob")["dataset_total"] == 3
    with pytest.raises(ConfigError, match="invalid session name"):
        ctrl.get_questions(session="../x")


def test_feed_overlap_asks_every_session_every_question(MemDB):
    db = MemDB()
    ctrl = Controller(components(tasks(3), feed_overlap=True), db, batch_size=10)
    alice = ctrl.get_questions(session="alice")
    bob = ctrl.get_questions(session="bob")
    assert [t["text"] for t in alice] == [t["text"] for t in bob] and len(alice) == 3
    ctrl.receive_answers([answer(t) for t in alice], session="alice")
    assert ctrl.progress(session="alice")["done"] and not ctrl.done  # bob still holds his
    ctrl.receive_answers([answer(t, REJECT) for t in bob], session="bob")
    assert ctrl.done and len(db.data["ds"]) == 6
    # a restart: each person is asked only what they haven't answered themselves
    again = Controller(components(tasks(4), feed_overlap=True), db, batch_size=10)
    assert [t["text"] for t in again.get_questions(session="alice")] == ["Acme hired person 3 ."]
    assert len(again.get_questions(session="carol")) == 4


def test_without_overlap_a_restart_asks_nobody_again(MemDB):
    db = MemDB()
    ctrl = Controller(components(tasks(2)), db)
    ctrl.receive_answers([answer(t) for t in ctrl.get_questions(session="alice")], session="alice")
    assert Controller(components(tasks(2)), db).get_questions(session="bob") == []


def test_leases_expire_and_live_tabs_renew_them(MemDB):
    clock = Clock()
    ctrl = Controller(components(tasks(3)), MemDB(), batch_size=2, clock=clock)
    held = ctrl.get_questions()  # a tab that dies without saying so
    kept = ctrl.get_questions(1)  # a tab that stays
    clock.now = 50
    assert ctrl.renew([kept[0]["_task_hash"]]) == 1
    clock.now = 100
    assert ctrl.get_questions() == [] and not ctrl.done
    assert ctrl.reclaim(older_than=60) == 2
    assert [t["_task_hash"] for t in ctrl.get_questions()] == [t["_task_hash"] for t in held]
    assert ctrl.reclaim(older_than=60) == 0


def test_reclaim_keeps_the_order_of_the_questions(MemDB):
    clock = Clock()
    ctrl = Controller(components(tasks(4)), MemDB(), batch_size=1, clock=clock)
    first = [ctrl.get_questions()[0] for _ in range(3)]
    clock.now = 10
    ctrl.release([first[1]["_task_hash"]])
    ctrl.reclaim(older_than=5)
    again = [t["text"] for t in ctrl.get_questions(4)]
    assert again == [first[0]["text"], first[2]["text"], first[1]["text"], "Acme hired person 3 ."]


def test_an_answer_carrying_its_question_is_saved_after_a_restart(MemDB):
    db = MemDB()
    old = Controller(components(tasks(4)), db, batch_size=4)
    questions = old.get_questions()
    old.receive_answers([answer(questions[0])])
    new = Controller(components(tasks(4)), db, batch_size=4)  # the server restarted
    with pytest.raises(AnswerError, match="no open question"):
        new.receive_answers([answer(questions[1])])
    stored = new.receive_answers([answer(q, REJECT, question=q) for q in questions[1:3]])
    assert [t["text"] for t in stored] == [q["text"] for q in questions[1:3]]
    assert stored[0]["spans"] == questions[1]["spans"] and stored[0]["_session_id"] == new.session_id
    # never asked again, and the one nobody answered still is
    assert [t["text"] for t in new.get_questions()] == [questions[3]["text"]]


def test_a_question_sent_back_must_hash_to_itself(MemDB):
    ctrl = Controller(components(tasks(1)), MemDB())
    [q] = ctrl.get_questions()
    ctrl.release([q["_task_hash"]])
    forged = {**q, "text": "Something else entirely ."}
    with pytest.raises(AnswerError, match="no open question"):
        Controller(components(tasks(1)), MemDB()).receive_answers([answer(q, question=forged)])
    relabelled = {**q, "spans": [{"start": 0, "end": 4, "label": "PERSON"}]}
    with pytest.raises(AnswerError, match="no open question"):
        Controller(components(tasks(1)), MemDB()).receive_answers([answer(q, question=relabelled)])


def test_a_source_that_fails_keeps_failing(MemDB):
    def broken():
        yield tasks(1)[0]
        raise InputError("bad line", path="src.jsonl", line=2)

    ctrl = Controller(components(broken()), MemDB(), batch_size=5)
    with pytest.raises(InputError, match="src.jsonl:2"):
        ctrl.get_questions()
    with pytest.raises(InputError, match="src.jsonl:2"):  # not "no more questions"
        ctrl.get_questions()
    assert isinstance(ctrl.failed, InputError) and not ctrl.exhausted


@pytest.mark.parametrize("how", ["restart", "lease"])
def test_a_full_span_question_sent_back_keeps_its_own_view_and_spans(MemDB, how):
    # ner.teach --full-every / --control: ner_manual questions inside a ner session. Sent back
    # after a restart or an expired lease, they were refused ("no open question"), and the
    # session's view stamped on them would have dropped the annotator's spans.
    db, clock = MemDB(), Clock()
    mixed = [{**t, "_view_id": "ner_manual"} for t in tasks(2)]
    teach = {**components(mixed), "views": ["ner_manual"]}
    ctrl = Controller(teach, db, clock=clock)
    [q, _] = ctrl.get_questions()
    assert q["_view_id"] == "ner_manual"
    if how == "restart":
        ctrl = Controller({**teach, "stream": iter(mixed)}, db, clock=clock)
    else:
        clock.now = 100
        assert ctrl.reclaim(older_than=60) == 2
    person = {"start": 11, "end": 17, "label": "ORG"}  # the annotator's own span, not the model's
    [saved] = ctrl.receive_answers([answer(q, question=q, spans=[person])])
    assert saved["_view_id"] == "ner_manual"
    assert [(s["start"], s["end"]) for s in saved["spans"]] == [(11, 17)]
    binary = Controller(components(tasks(1)), MemDB())  # a view the session doesn't mix in: refused
    with pytest.raises(AnswerError, match="no open question"):
        binary.receive_answers([answer(q, question=q, spans=[person])])
