import threading

import pytest

from al_ner.constants import ACCEPT, IGNORE, REJECT
from al_ner.controller import Controller
from al_ner.errors import AnswerError, ConfigError
from al_ner.stream.hashing import set_hash



def tasks(n: int, view: str = "ner") -> list[dict]:
    out = []
    for i in range(n):
        text = f"Sentence number {i} about Acme ."
        tokens = []
        at = 0
        for j, word in enumerate(text.split(" ")):
            tokens.append({"text": word, "start": at, "end": at + len(word), "id": j, "ws": True})
            at += len(word) + 1
        start = text.index("Acme")
        out.append({"text": text, "tokens": tokens,
                    "spans": [{"start": start, "end": start + 4, "token_start": 4, "token_end": 4,
                               "label": "ORG"}]})
    return out


def components(stream, **extra):
    return {"dataset": "ds", "view_id": "ner", "stream": stream, "labels": ["ORG"], **extra}


def answer(task, value=ACCEPT, **extra):
    return {**task, "answer": value, **extra}


def test_questions_once_and_answers_saved_per_batch(MemDB):
    db = MemDB()
    ctrl = Controller(components(iter(tasks(5))), db, batch_size=2)
    first, second = ctrl.get_questions(), ctrl.get_questions()
    assert len(first) == 2 and len(second) == 2
    assert not {t["_task_hash"] for t in first} & {t["_task_hash"] for t in second}
    ctrl.receive_answers([answer(t) for t in first])
    assert db.writes == 1 and len(db.data["ds"]) == 2
    assert all(e["_session_id"] == ctrl.session_id and e["_view_id"] == "ner" for e in db.data["ds"])
    assert all(isinstance(e["_timestamp"], int) for e in db.data["ds"])


def test_resume_skips_what_the_dataset_answers(MemDB):
    stream = tasks(4)
    done = [answer(set_hash(t)) for t in stream[:3]]
    ctrl = Controller(components(iter(stream)), MemDB({"ds": done}))
    questions = ctrl.get_questions(10)
    assert [q["text"] for q in questions] == [stream[3]["text"]]


def test_exclude_by_input_hash_for_other_datasets(MemDB):
    stream = tasks(3)
    other = [answer(set_hash({**stream[0], "spans": []}))]  # same text, other question
    ctrl = Controller(components(iter(stream), exclude=["old"], exclude_by="input"),
                      MemDB({"old": other}))
    assert len(ctrl.get_questions(10)) == 2


def test_limit_stops_handing_out(MemDB):
    ctrl = Controller(components(iter(tasks(10))), MemDB(), limit=3, batch_size=2)
    got = ctrl.get_questions()
    ctrl.receive_answers([answer(t) for t in got])
    rest = ctrl.get_questions()
    assert len(rest) == 1
    ctrl.receive_answers([answer(t, REJECT) for t in rest])
    assert ctrl.get_questions() == [] and ctrl.done
    assert ctrl.report().counts == {ACCEPT: 2, REJECT: 1, IGNORE: 0}


def test_unknown_hash_and_bad_answer_save_nothing(MemDB):
    db = MemDB()
    ctrl = Controller(components(iter(tasks(3))), db)
    q = ctrl.get_questions(2)
    with pytest.raises(AnswerError, match="no open question"):
        ctrl.receive_answers([answer(q[0]), {**q[1], "_task_hash": 123, "answer": ACCEPT}])
    with pytest.raises(AnswerError, match="invalid"):
        ctrl.receive_answers([answer(q[0], "maybe")])
    assert db.data == {}


def test_answer_cannot_change_the_question(MemDB):
    db = MemDB()
    ctrl = Controller(components(iter(tasks(1))), db)
    [q] = ctrl.get_questions()
    ctrl.receive_answers([answer(q, text="something else", spans=[])])
    assert db.data["ds"][0]["text"] == q["text"] and db.data["ds"][0]["spans"] == q["spans"]


def test_manual_spans_are_checked(MemDB):
    ctrl = Controller(components(iter(tasks(2)), view_id="ner_manual"), MemDB())
    q1, q2 = ctrl.get_questions(2)
    with pytest.raises(AnswerError, match="token boundary"):
        ctrl.receive_answers([answer(q1, spans=[{"start": 1, "end": 3, "label": "ORG"}])])
    with pytest.raises(AnswerError, match="label"):
        ctrl.receive_answers([answer(q1, spans=[{"start": 0, "end": 8, "label": "PER"}])])
    with pytest.raises(AnswerError, match="outside"):
        ctrl.receive_answers([answer(q1, spans=[{"start": 0, "end": 999, "label": "ORG"}])])
    [stored] = ctrl.receive_answers([answer(q2, spans=[{"start": 0, "end": 8, "label": "ORG"}])])
    assert stored["spans"] == [{"start": 0, "end": 8, "label": "ORG", "text": "Sentence",
                                "token_start": 0, "token_end": 0}]


def test_undo_asks_again_and_new_answer_is_appended(MemDB):
    db = MemDB()
    ctrl = Controller(components(iter(tasks(3))), db, batch_size=1)
    [q] = ctrl.get_questions()
    ctrl.receive_answers([answer(q, ACCEPT)])
    again = ctrl.undo(q["_task_hash"])
    assert again["_task_hash"] == q["_task_hash"] and "answer" not in again
    [asked] = ctrl.get_questions()
    assert asked["_task_hash"] == q["_task_hash"]
    ctrl.receive_answers([answer(asked, REJECT)])
    assert [e["answer"] for e in db.data["ds"]] == [ACCEPT, REJECT]
    assert ctrl.counts[ACCEPT] == 0 and ctrl.counts[REJECT] == 1


def test_release_returns_questions(MemDB):
    ctrl = Controller(components(iter(tasks(2))), MemDB(), batch_size=1)
    [q] = ctrl.get_questions()
    ctrl.release([q["_task_hash"]])
    assert ctrl.get_questions()[0]["_task_hash"] == q["_task_hash"]


def test_update_gets_each_saved_batch(MemDB):
    seen = []
    ctrl = Controller(components(iter(tasks(4)), update=seen.append), MemDB(), batch_size=2)
    ctrl.receive_answers([answer(t) for t in ctrl.get_questions()])
    assert len(seen) == 1 and all(t["answer"] == ACCEPT for t in seen[0])


def test_stream_is_consumed_lazily(MemDB):
    pulled = []

    def gen():
        for t in tasks(100):
            pulled.append(t)
            yield t

    ctrl = Controller(components(gen()), MemDB(), batch_size=3)
    ctrl.get_questions()
    assert len(pulled) == 3


def test_threads_never_share_a_question(MemDB):
    ctrl = Controller(components(iter(tasks(200))), MemDB(), batch_size=5)
    got: list[int] = []

    def worker():
        while batch := ctrl.get_questions():
            got.extend(t["_task_hash"] for t in batch)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 200 == len(set(got))


def test_bad_settings(MemDB):
    with pytest.raises(ConfigError):
        Controller(components(iter([])), MemDB(), batch_size=0)
    with pytest.raises(ConfigError):
        Controller(components(iter([])), MemDB(), limit=0)


def test_a_cost_budget_hands_out_questions_until_the_answers_reach_it(MemDB):
    from al_ner.cost import CostBudget, CostMeter, CostModel

    db = MemDB()
    # every task has 6 tokens; 20 tokens need 4 new sentences (the 4th passes the budget)
    budget = CostBudget(CostMeter(CostModel()), unit="tokens", target=20)
    ctrl = Controller(components(iter(tasks(10))), db, batch_size=3, budget=budget)
    first = ctrl.get_questions()
    assert len(first) == 3
    ctrl.receive_answers([answer(t) for t in first])
    second = ctrl.get_questions()
    assert len(second) == 1  # 18 tokens answered: one more question reaches 20
    ctrl.receive_answers([answer(t) for t in second])
    assert ctrl.get_questions() == [] and ctrl.done and not ctrl.exhausted
    assert budget.meter.cost.tokens == 24 and len(db.data["ds"]) == 4


def test_a_cost_budget_counts_the_answers_of_earlier_sessions(MemDB):
    from al_ner.cost import CostBudget, CostMeter, CostModel

    earlier = [set_hash(answer(t)) for t in tasks(3)]
    budget = CostBudget(CostMeter(CostModel(), earlier), unit="sentences", target=5)
    ctrl = Controller(components(iter(tasks(10)[3:])), MemDB(), batch_size=10, budget=budget)
    assert len(ctrl.get_questions()) == 2


def test_a_mixed_session_keeps_each_question_s_own_view(MemDB):
    stream = [{**t, "_view_id": view} for t, view in zip(tasks(3), ["ner", "ner_manual", "ner_x"])]
    c = Controller(components(stream, views=["ner_manual"]), MemDB(), batch_size=3)
    assert [q["_view_id"] for q in c.get_questions()] == ["ner", "ner_manual", "ner"]
    plain = Controller(components([{**t, "_view_id": "ner_manual"} for t in tasks(1)]), MemDB())
    assert plain.get_questions()[0]["_view_id"] == "ner"  # no views declared: the session's


def test_progress_and_report_carry_the_recipe_s_health_check(MemDB):
    c = Controller(components(tasks(1), health=lambda: {"n": 0}), MemDB())
    assert c.progress()["health"] == {"n": 0} and c.report().health == {"n": 0}
    assert "health" not in Controller(components(tasks(1)), MemDB()).progress()
