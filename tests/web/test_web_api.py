"""The JSON API via Starlette's TestClient: answers land in the dataset, bad ones don't."""

from __future__ import annotations

import base64

import pytest

pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx (pip install httpx)")
from starlette.testclient import TestClient

from al_ner.annotators.web_app import create_app
from al_ner.annotators.web_guard import Access


def client(controller, **options) -> TestClient:
    return TestClient(create_app(controller, **options))


def ask(c: TestClient, n: int = 2) -> list[dict]:
    response = c.post("/api/questions", json={"n": n})
    assert response.status_code == 200, response.text
    return response.json()["tasks"]


def answer(c: TestClient, *answers: dict):
    return c.post("/api/answers", json={"answers": list(answers)})


def test_session_describes_dataset_view_labels_and_progress(binary_controller, web):
    data = client(binary_controller).get("/api/session").json()
    assert (data["dataset"], data["view_id"], data["labels"]) == (web.DATASET, "ner", web.LABELS)
    assert data["progress"]["answered"] == 0 and data["progress"]["total"] == 4


def test_answers_are_saved_and_update_runs(binary_controller, web):
    c = client(binary_controller)
    first, second = ask(c)
    response = answer(c, {"_task_hash": first["_task_hash"], "answer": "accept"},
                      {"_task_hash": second["_task_hash"], "answer": "reject"})
    assert response.status_code == 200, response.text
    assert response.json()["progress"]["counts"] == {"accept": 1, "reject": 1, "ignore": 0}
    lines = web.stored(binary_controller)
    assert [(t["text"], t["answer"]) for t in lines] == [(first["text"], "accept"),
                                                        (second["text"], "reject")]
    assert lines[0]["spans"] == first["spans"]
    update = binary_controller.components["update"]
    assert [[t["answer"] for t in batch] for batch in update.batches] == [["accept", "reject"]]


def test_client_cannot_change_the_question(binary_controller, web):
    c = client(binary_controller)
    task = ask(c, 1)[0]
    answer(c, {"_task_hash": task["_task_hash"], "answer": "accept", "text": "forged",
               "spans": [{"start": 0, "end": 1, "label": "GPE"}]})
    (line,) = web.stored(binary_controller)
    assert line["text"] == task["text"] and line["spans"] == task["spans"]


@pytest.mark.parametrize("body, status, message", [
    ({"answers": [{"_task_hash": 12345, "answer": "accept"}]}, 422, "no open question"),
    ({"answers": [{"_task_hash": "12", "answer": "accept"}]}, 400, "integer _task_hash"),
    ({"answers": [{"_task_hash": [1], "answer": "accept"}]}, 400, "integer _task_hash"),
    ({"answers": []}, 400, "'answers' must be a list"),
    ({"answers": {"a": 1}}, 400, "'answers' must be a list"),
    ({"nothing": 1}, 400, "'answers' must be a list"),
])
def test_malformed_or_unknown_answers_are_refused(binary_controller, web, body, status, message):
    c = client(binary_controller)
    ask(c)
    response = c.post("/api/answers", json=body)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert web.stored(binary_controller) == []


def test_bad_answer_value_is_refused_and_nothing_of_the_batch_saved(binary_controller, web):
    c = client(binary_controller)
    first, second = ask(c)
    response = answer(c, {"_task_hash": first["_task_hash"], "answer": "accept"},
                      {"_task_hash": second["_task_hash"], "answer": "maybe"})
    assert response.status_code == 422
    assert "'maybe'" in response.json()["error"]
    assert web.stored(binary_controller) == []


@pytest.mark.parametrize("spans, message", [
    ("PERSON", "'spans' must be a list"),
    ([{"start": 0, "end": 999, "label": "PERSON"}], "outside the text"),
    ([{"start": 1, "end": 3, "label": "PERSON"}], "does not start on a token boundary"),
    ([{"start": 0, "end": 3, "label": "ANIMAL"}], "choose one of: PERSON, ORG, GPE"),
    ([{"start": 0, "end": 3, "label": ["PERSON"]}], "a label as a string"),
    (["0-3"], "must be an object"),
    # booleans are not offsets (JSON true == 1 in Python) and a token is in one entity at most
    ([{"start": False, "end": True, "label": "PERSON"}], "needs integer character offsets"),
    ([{"start": 0, "end": 8, "label": "PERSON"}, {"start": 4, "end": 16, "label": "GPE"}],
     "overlap"),
])
def test_malformed_spans_are_refused(manual_controller, web, spans, message):
    c = client(manual_controller)
    task = ask(c, 1)[0]
    response = answer(c, {"_task_hash": task["_task_hash"], "answer": "accept", "spans": spans})
    assert response.status_code == 422
    assert message in response.json()["error"]
    assert web.stored(manual_controller) == []


def test_manual_spans_are_saved_with_token_offsets(manual_controller, web):
    c = client(manual_controller)
    task = ask(c, 1)[0]
    given = web.span(task["text"], "New York", "GPE")
    response = answer(c, {"_task_hash": task["_task_hash"], "answer": "accept",
                          "spans": [{k: given[k] for k in ("start", "end", "label")}]})
    assert response.status_code == 200, response.text
    (line,) = web.stored(manual_controller)
    assert line["spans"] == [{**given, "text": "New York"}]


def test_body_over_the_limit_is_413(binary_controller, web):
    c = client(binary_controller, max_body_bytes=1000)
    task = ask(c, 1)[0]
    big = {"answers": [{"_task_hash": task["_task_hash"], "answer": "accept", "pad": "x" * 2000}]}
    response = c.post("/api/answers", json=big)
    assert response.status_code == 413
    assert "limit of 1000" in response.json()["error"]
    chunks = (b'{"answers": [' + b" " * 500 for _ in range(4))  # no Content-Length: chunked
    response = c.post("/api/answers", content=chunks, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert web.stored(binary_controller) == []


@pytest.mark.parametrize("content, status, message", [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "must be a JSON object"),
    (b"\xff\xfe{", 400, "not valid JSON"),
    (b"[" * 100_000, 400, "not valid JSON"),
])
def test_malformed_json_is_400(binary_controller, content, status, message):
    c = client(binary_controller, max_body_bytes=200_000)
    response = c.post("/api/answers", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert message in response.json()["error"]


def test_non_json_post_is_415(binary_controller):
    # a form or text/plain POST from another site needs no CORS preflight: refuse it
    response = client(binary_controller).post("/api/questions", content=b'{"n": 1}',
                                              headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert binary_controller.progress()["answered"] == 0


def test_questions_n_is_checked(binary_controller):
    c = client(binary_controller)
    for n in (0, 101, "3", True):
        assert c.post("/api/questions", json={"n": n}).status_code == 400


def test_two_clients_never_get_the_same_question(binary_controller, web):
    one, two = client(binary_controller), client(binary_controller)
    seen = [t["_task_hash"] for t in ask(one, 2) + ask(two, 2) + ask(one, 2) + ask(two, 2)]
    assert len(seen) == len(set(seen)) == 4


def test_undo_reopens_the_question_and_the_new_answer_supersedes(binary_controller, web):
    c = client(binary_controller)
    first, second = ask(c)
    answer(c, {"_task_hash": first["_task_hash"], "answer": "accept"})
    response = c.post("/api/undo", json={"task_hash": first["_task_hash"]})
    assert response.status_code == 200, response.text
    assert response.json()["task"]["_task_hash"] == first["_task_hash"]
    assert response.json()["progress"]["answered"] == 0
    # another tab asking now gets neither the undone question nor the one still open here
    others = ask(client(binary_controller), 4)
    assert {t["_task_hash"] for t in others}.isdisjoint({first["_task_hash"], second["_task_hash"]})
    assert answer(c, {"_task_hash": first["_task_hash"], "answer": "reject"}).status_code == 200
    lines = web.stored(binary_controller)
    assert [t["answer"] for t in lines] == ["accept", "reject"]
    assert [t["answer"] for t in binary_controller.db.get_answers(web.DATASET)] == ["reject"]


def test_undo_of_unknown_hash_is_422(binary_controller):
    response = client(binary_controller).post("/api/undo", json={"task_hash": 42})
    assert response.status_code == 422
    assert "to undo" in response.json()["error"]
    assert client(binary_controller).post("/api/undo", json={"task_hash": "42"}).status_code == 400


def test_released_questions_are_asked_again(binary_controller):
    one, two = client(binary_controller), client(binary_controller)
    mine = ask(one, 2)
    hashes = [t["_task_hash"] for t in mine]
    assert one.post("/api/release", json={"task_hashes": hashes}).status_code == 200
    again = ask(two, 2)
    assert [t["_task_hash"] for t in again] == [t["_task_hash"] for t in mine]
    assert one.post("/api/release", json={"task_hashes": ["x"]}).status_code == 400


def test_task_text_is_sent_as_json_data_and_the_page_forbids_inline_script(make_controller, web):
    controller = make_controller([{"text": web.XSS_TEXT}])
    c = client(controller)
    assert ask(c, 1)[0]["text"] == web.XSS_TEXT
    page = c.get("/")
    assert page.status_code == 200 and "<script src=\"/static/app.js\"" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert c.get("/static/app.js").headers["content-type"].startswith("text/javascript")


def test_static_files_have_no_innerhtml():
    from al_ner.annotators.web_app import STATIC_DIR

    script = (STATIC_DIR / "app.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "document.write" not in script and "http" not in script.replace('"/api', "")


def test_token_is_required_and_a_token_url_sets_a_cookie(binary_controller):
    c = client(binary_controller, access=Access(token="s3cret"))
    assert c.get("/").status_code == 401
    assert c.get("/api/session").status_code == 401
    assert c.get("/?token=wrong").status_code == 401
    login = c.get("/?token=s3cret", follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/"
    cookie = login.headers["set-cookie"].lower()
    assert cookie.startswith("al_ner_token_") and "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/api/session").status_code == 200  # the cookie
    bearer = client(binary_controller, access=Access(token="s3cret"))
    assert bearer.get("/api/session", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_basic_auth(binary_controller):
    c = client(binary_controller, access=Access(basic=("ann", "pw:x")))
    refused = c.get("/")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
    assert c.get("/", auth=("ann", "wrong")).status_code == 401
    assert c.get("/api/session", auth=("ann", "pw:x")).status_code == 200
    garbage = {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe").decode()}
    assert c.get("/", headers=garbage).status_code == 401


def test_loopback_bind_refuses_foreign_host_headers(binary_controller):
    c = client(binary_controller, allowed_hosts=["127.0.0.1", "localhost", "::1"])
    assert c.get("/api/session", headers={"Host": "evil.example:8080"}).status_code == 400
    assert c.get("/api/session", headers={"Host": "localhost:8080"}).status_code == 200
    assert c.get("/api/session", headers={"Host": "[::1]:8080"}).status_code == 200


def test_tokens_without_ids_never_crash_the_api(make_controller, web):
    # a recipe's tokens without "id" made check_spans raise KeyError('id'): a non-JSON 500
    text = "Tim Cook visited Paris."
    tokens = [{k: v for k, v in t.items() if k != "id"} for t in web.tokens(text)]
    c = client(make_controller([{"text": text, "tokens": tokens}], view_id="ner_manual"))
    task = ask(c, 1)[0]
    response = answer(c, {"_task_hash": task["_task_hash"], "answer": "accept",
                          "spans": [{"start": 17, "end": 22, "label": "GPE"}]})
    assert response.status_code == 200, response.text
    assert response.json()["saved"] == [task["_task_hash"]]
