"""What the API refuses, with a 4xx and one line, saving nothing: another session's questions and
answers, a different answer replayed, NaN and lone surrogates, a choice that isn't one option,
hostile session names. A replay of the same answer is accepted and saved once."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx (pip install httpx)")
from starlette.testclient import TestClient

from al_ner.annotators.web_app import create_app
from al_ner.stream.hashing import set_hash


def client(controller) -> TestClient:
    return TestClient(create_app(controller), raise_server_exceptions=False)


def post(c: TestClient, path: str, body: dict | str, session: str | None = None):
    if isinstance(body, dict):
        body = json.dumps({**body, **({"session": session} if session else {})})
    return c.post(path, content=body, headers={"Content-Type": "application/json"})


def ask(c: TestClient, n: int = 1, session: str | None = None) -> list[dict]:
    response = post(c, "/api/questions", {"n": n}, session)
    assert response.status_code == 200, response.text
    return response.json()["tasks"]


def answers(*given: dict) -> dict:
    return {"answers": list(given)}


def test_bob_cannot_answer_renew_release_or_undo_alice_s_questions(binary_controller, web):
    c = client(binary_controller)
    alice = ask(c, 2, "alice")
    hashes = [t["_task_hash"] for t in alice]
    for path, body in (("/api/answers", answers({"_task_hash": hashes[0], "answer": "accept"})),
                       ("/api/renew", {"task_hashes": hashes}),
                       ("/api/release", {"task_hashes": hashes})):
        response = post(c, path, body, "bob")  # before: 200 for all three
        assert response.status_code == 422, path
        assert "handed to another session" in response.json()["error"]
        assert response.json()["task_hashes"] == (hashes[:1] if path == "/api/answers" else hashes)
    assert [t["_task_hash"] for t in ask(c, 2, "carol")] != hashes  # never released to carol
    assert post(c, "/api/answers", answers({"_task_hash": hashes[0], "answer": "accept"}),
                "alice").status_code == 200
    undo = post(c, "/api/undo", {"task_hash": hashes[0]}, "bob")  # before: alice's spans, to bob
    assert undo.status_code == 422 and "undoes only its own answers" in undo.json()["error"]
    assert [(t["_session_id"], t["answer"]) for t in web.stored(binary_controller)] == [
        (f"{web.DATASET}-alice", "accept")]


def test_a_replayed_answer_is_saved_once_and_a_different_one_refused(binary_controller, web):
    c = client(binary_controller)
    [task] = ask(c)
    given = {"_task_hash": task["_task_hash"], "answer": "accept", "question": task}
    for _ in range(2):  # a tab that never saw the first reply sends it again
        response = post(c, "/api/answers", answers(given))
        assert response.status_code == 200 and response.json()["saved"] == [task["_task_hash"]]
    changed = post(c, "/api/answers", answers({**given, "answer": "reject"}))
    assert changed.status_code == 422 and "undo it first" in changed.json()["error"]
    assert [t["answer"] for t in web.stored(binary_controller)] == ["accept"]  # before: 3 lines


def nan_meta(task: dict) -> str:
    body = json.dumps(answers({"_task_hash": task["_task_hash"], "answer": "accept",
                               "question": {**task, "meta": {"score": "NAN"}}}))
    return body.replace('"NAN"', "NaN")


def surrogate_text(task: dict) -> str:
    """A question whose text holds a lone surrogate, with hashes of its own."""
    question = {**set_hash({"text": "Acme\ud800 hired Ada."}), "_view_id": "ner_manual"}
    return json.dumps(answers({"_task_hash": question["_task_hash"], "answer": "accept",
                               "question": question}))


def surrogate_label(task: dict) -> str:
    return json.dumps(answers({"_task_hash": task["_task_hash"], "answer": "accept",
                               "spans": [{"start": 0, "end": 3, "label": "\ud800"}]}))


@pytest.mark.parametrize("make, field", [
    (nan_meta, "answers[0].question.meta.score' is NaN"),
    (surrogate_text, "answers[0].question.text' holds a lone surrogate"),
    (surrogate_label, "answers[0].spans[0].label' holds a lone surrogate"),
])
def test_nan_and_lone_surrogates_are_400_not_500(make_controller, web, make, field):
    # before: 500 ("Out of range float values", "surrogates not allowed"), nothing saved
    text = "Tim Cook visited Paris."
    controller = make_controller([{"text": text, "tokens": web.tokens(text)}], view_id="ner_manual",
                                 labels=[])
    c = client(controller)
    [task] = ask(c)
    controller.release([task["_task_hash"]])  # so that the question sent back is what counts
    response = post(c, "/api/answers", make(task))
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]
    assert web.stored(controller) == []
    assert post(c, "/api/answers", answers({"_task_hash": task["_task_hash"], "answer": "accept",
                                            "question": task})).status_code == 200


def test_a_source_question_with_nan_stops_the_server_with_one_line(make_controller, web):
    controller = make_controller([{"text": "Acme hired Ada.", "meta": {"score": float("nan")}}])
    response = post(client(controller), "/api/questions", {"n": 1})
    assert response.status_code == 500 and response.json()["fatal"] is True  # before: a bare 500
    assert "task 1 of the recipe's stream: 'meta.score' is NaN" in response.json()["error"]


CHOICE = {"text": "Globex sued Acme .", "mapping": {"1": "A", "2": "B"},
          "options": [{"id": 1, "spans": []}, {"id": 2, "spans": [{"start": 0, "end": 6, "label": "ORG"}]}]}


@pytest.mark.parametrize("selected", [[True], [1.0], [1, 2], [], None, "1", [3], [[1]]])
def test_an_accepted_choice_is_exactly_one_option_of_the_question(make_controller, web, selected):
    controller = make_controller([CHOICE], view_id="choice", labels=["ORG"])
    c = client(controller)
    [task] = ask(c)
    given = {"_task_hash": task["_task_hash"], "answer": "accept"}
    if selected is not None:
        given["accept"] = selected
    response = post(c, "/api/answers", answers(given))  # before: 200, counted "undecided"
    assert response.status_code == 422 and "accept" in response.json()["error"]
    assert web.stored(controller) == []
    assert post(c, "/api/answers", answers({**given, "accept": [2]})).status_code == 200
    assert [t["accept"] for t in web.stored(controller)] == [[2]]


def test_an_ignored_choice_needs_no_option(make_controller, web):
    controller = make_controller([CHOICE], view_id="choice", labels=["ORG"])
    c = client(controller)
    [task] = ask(c)
    assert post(c, "/api/answers", answers({"_task_hash": task["_task_hash"], "answer": "ignore"})
                ).status_code == 200


@pytest.mark.parametrize("name", ["../x", "<script>alert(1)</script>", "a" * 65, "a b", "ä", "a/b",
                                  "%2e%2e", " ", "a\u0000", "alice?x=1", "\ud800", ["alice"], 7])
def test_hostile_session_names_are_refused_everywhere(binary_controller, web, name):
    c = client(binary_controller)
    if isinstance(name, str) and "\ud800" not in name:
        assert c.get("/api/session", params={"session": name}).status_code == 400
    [task] = ask(c)
    for path, body in (("/api/questions", {"n": 1}), ("/api/renew", {"task_hashes": [task["_task_hash"]]}),
                       ("/api/undo", {"task_hash": task["_task_hash"]}),
                       ("/api/answers", answers({"_task_hash": task["_task_hash"], "answer": "accept"}))):
        response = post(c, path, json.dumps({**body, "session": name}))
        assert response.status_code == 400, (path, response.text)
        assert "session name" in response.json()["error"] or "lone surrogate" in response.json()["error"]
    assert web.stored(binary_controller) == []


@pytest.mark.parametrize("key", ["_view_id", "_session_id", "text", "spans", "tokens", "meta",
                                 "_input_hash", "options"])
def test_a_malformed_question_sent_back_is_a_4xx_never_a_500(make_controller, web, key):
    controller = make_controller(web.binary_tasks(), extra={"views": ["ner_manual"]})
    c = client(controller)
    [task] = ask(c)
    for value in (None, True, 1.5, "x", [], [1], {}, {"a": 1}, [[1]]):
        for task_hash in (task["_task_hash"], 5):
            body = answers({"_task_hash": task_hash, "answer": "accept", "question": {**task, key: value}})
            response = post(c, "/api/answers", body, "bob")
            assert response.status_code < 500, (key, value, response.text)
