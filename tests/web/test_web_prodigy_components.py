"""The web app with the components Prodigy recipes return: config labels and page settings in
the session, a progress function, validate_answer before the page moves on, other views."""

from __future__ import annotations

import pytest

pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx (pip install httpx)")
from starlette.testclient import TestClient

from al_ner.annotators.web_app import create_app
from al_ner.constants import VIEW_NER_MANUAL


def refuse_empty(eg):
    if not eg.get("spans"):
        raise ValueError("Mark at least one entity.\nOr reject the text.")


def test_session_carries_config_labels_view_and_page_settings(make_controller, web):
    ctrl = make_controller(web.manual_tasks(), view_id=VIEW_NER_MANUAL, labels=[],
                           extra={"config": {"labels": ["ORG"], "hide_meta": True, "label": "Companies",
                                             "buttons": ["accept", "undo"], "lang": "en", "theme": "x"}})
    data = TestClient(create_app(ctrl)).get("/api/session").json()
    assert data["labels"] == ["ORG"] and data["view"] == "manual" and data["validates"] is False
    assert data["config"] == {"label": "Companies", "hide_meta": True, "buttons": ["accept", "undo"],
                              "lang": "en"}


def test_a_progress_function_is_the_share_in_the_session(make_controller, web):
    # a callable `progress` made GET /api/session fail with 500
    ctrl = make_controller(web.binary_tasks(), extra={"progress": lambda ctrl, loss: 0.25})
    response = TestClient(create_app(ctrl)).get("/api/session")
    assert response.status_code == 200, response.text
    assert response.json()["progress"]["share"] == 0.25


def test_validate_answer_is_asked_first_and_refuses_saving(make_controller, web):
    ctrl = make_controller(web.manual_tasks(), view_id=VIEW_NER_MANUAL,
                           extra={"validate_answer": refuse_empty})
    client = TestClient(create_app(ctrl))
    assert client.get("/api/session").json()["validates"] is True
    first = client.post("/api/questions", json={"n": 1}).json()["tasks"][0]
    empty = {"_task_hash": first["_task_hash"], "answer": "accept", "spans": []}
    response = client.post("/api/validate", json={"answer": empty})
    assert response.status_code == 422
    assert response.json()["error"] == "Mark at least one entity.\nOr reject the text."
    assert client.post("/api/answers", json={"answers": [empty]}).status_code == 422
    assert web.stored(ctrl) == []
    span = web.span(first["text"], "Tim Cook", "PERSON")
    good = {**empty, "spans": [span]}
    assert client.post("/api/validate", json={"answer": good}).json() == {"ok": True}
    assert web.stored(ctrl) == []  # asking saves nothing
    assert client.post("/api/answers", json={"answers": [good]}).status_code == 200
    assert len(web.stored(ctrl)) == 1


@pytest.mark.parametrize("view_id, view", [("classification", "binary"), ("text", "binary"),
                                           ("spans", "binary"), ("choice", "choice")])
def test_each_supported_view_is_drawn_by_one_of_the_pages_views(make_controller, web, view_id, view):
    ctrl = make_controller(web.binary_tasks(), view_id=view_id)
    assert TestClient(create_app(ctrl)).get("/api/session").json()["view"] == view
