"""Every key of the components dict Prodigy documents is honoured, or refused at start with one
line naming it: exclude None, config (labels, batch_size, exclude_by, instructions, ...),
before_db, validate_answer, get_session_id, on_load, progress, db False."""

from __future__ import annotations

import json

import pytest

from al_ner.controller import Controller, run_components
from al_ner.errors import AnswerError, ConfigError, InvalidTaskError
from al_ner.recipe_components import check_components
from al_ner.storage import Database


def task(text, *spans):
    tokens, at = [], 0
    for i, word in enumerate(text.split(" ")):
        tokens.append({"text": word, "start": at, "end": at + len(word), "id": i, "ws": True})
        at += len(word) + 1
    return {"text": text, "tokens": tokens,
            "spans": [{"start": text.index(w), "end": text.index(w) + len(w), "label": label}
                      for w, label in spans]}


TASKS = [task("Acme hired Ann in Paris .", ("Acme", "ORG"), ("Paris", "LOC")),
         task("Globex sued Bob .", ("Globex", "ORG"), ("Bob", "PER"))]


def components(**extra):
    return {"dataset": "ds", "view_id": "ner_manual", "stream": iter([dict(t) for t in TASKS]), **extra}


def answer(question, value="accept", **extra):
    return {"_task_hash": question["_task_hash"], "answer": value, **extra}


@pytest.fixture
def db(tmp_path):
    return Database(tmp_path / "db")


def test_exclude_none_is_no_exclusion(db):
    ctrl = Controller(components(exclude=None), db)
    assert len(ctrl.get_questions()) == 2


def test_config_labels_reach_the_session_and_restrict_saved_spans(db, tmp_path):
    # Prodigy recipes put the labels in config: the gold annotator then saved LOC/PER beside ORG
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"text": t["text"], "spans": t["spans"]}) + "\n" for t in TASKS))
    report = run_components(components(config={"labels": ["ORG"]}), annotator="gold",
                            annotator_options={"gold": str(gold)}, db=db)
    assert report.answered == 2
    assert [[s["label"] for s in eg["spans"]] for eg in db.get_examples("ds")] == [["ORG"], ["ORG"]]


def test_config_labels_hide_other_labels_and_refuse_them_in_answers(db):
    ctrl = Controller(components(config={"labels": ["ORG"]}), db)
    assert ctrl.labels == ["ORG"]
    first, _ = ctrl.get_questions()
    assert [s["label"] for s in first["spans"]] == ["ORG"]  # the source's LOC isn't shown
    loc = {"start": 18, "end": 23, "label": "LOC"}
    with pytest.raises(AnswerError, match="label 'LOC'; choose one of: ORG"):
        ctrl.receive_answers([answer(first, spans=[loc])])
    assert "ds" not in db


def test_batch_size_exclude_by_and_total_from_config(db):
    ctrl = Controller(components(config={"batch_size": 1, "exclude_by": "input",
                                         "total_examples_target": 50}), db)
    assert ctrl.batch_size == 1 and ctrl.exclude_by == "input"
    assert len(ctrl.get_questions()) == 1 and ctrl.progress()["total"] == 50


def test_instructions_from_an_html_file(db, tmp_path):
    page = tmp_path / "help.html"
    page.write_text("<h2>Mark companies</h2><p>Only <b>ORG</b> &amp; nothing else.</p>")
    ctrl = Controller(components(config={"instructions": str(page)}), db)
    assert ctrl.components["instructions"] == "Mark companies\nOnly ORG & nothing else."


def test_auto_exclude_current_false_asks_again(db):
    first = Controller(components(), db)
    first.receive_answers([answer(q) for q in first.get_questions()])
    assert Controller(components(), db).get_questions() == []
    again = Controller(components(config={"auto_exclude_current": False}), db)
    assert len(again.get_questions()) == 2


def test_before_db_changes_what_is_saved_not_what_update_sees(db):
    seen = []

    def before_db(examples):
        return [{**eg, "tokens": None, "note": "cleaned"} for eg in examples]

    ctrl = Controller(components(before_db=before_db, update=seen.extend), db)
    ctrl.receive_answers([answer(q) for q in ctrl.get_questions()])
    saved = list(db.get_examples("ds"))
    assert [eg["note"] for eg in saved] == ["cleaned", "cleaned"] and saved[0]["tokens"] is None
    assert all(isinstance(eg["tokens"], list) for eg in seen)


def test_validate_answer_refuses_with_its_message_and_saves_nothing(db):
    def validate_answer(eg):
        if not eg.get("spans"):
            raise ValueError("Mark at least one entity.")

    ctrl = Controller(components(validate_answer=validate_answer), db)
    first, second = ctrl.get_questions()
    with pytest.raises(AnswerError, match="^Mark at least one entity.$"):
        ctrl.check_answer(answer(first, spans=[]))
    with pytest.raises(AnswerError, match="Mark at least one entity."):
        ctrl.receive_answers([answer(first), answer(second, spans=[])])
    assert "ds" not in db
    ctrl.receive_answers([answer(first), answer(second)])  # the question is still open
    assert db.count("ds") == 2


def test_get_session_id_and_on_load(db):
    loaded = []
    ctrl = Controller(components(get_session_id=lambda: "alice-2024", on_load=loaded.append), db)
    assert loaded == [ctrl] and ctrl.session_id == "alice-2024"
    ctrl.receive_answers([answer(q) for q in ctrl.get_questions()])
    assert {eg["_session_id"] for eg in db.get_examples("ds")} == {"alice-2024"}


def test_progress_function_gets_the_controller_and_the_update_result(db):
    calls = []

    def progress(ctrl, loss):
        calls.append(loss)
        return ctrl.answered / 4

    ctrl = Controller(components(progress=progress, update=lambda answers: 0.25), db)
    assert ctrl.progress()["share"] == 0.0
    ctrl.receive_answers([answer(q) for q in ctrl.get_questions()])
    assert ctrl.progress()["share"] == 0.5 and calls[-1] == 0.25


def test_db_false_saves_nothing(db, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"text": t["text"], "spans": t["spans"]}) + "\n" for t in TASKS))
    report = run_components(components(db=False), annotator="gold",
                            annotator_options={"gold": str(gold)}, db=db)
    assert report.answered == 2 and db.datasets == [] and not db.path.exists()


@pytest.mark.parametrize("extra, message", [
    ({"view_id": "image_manual"}, "view_id 'image_manual' is not supported"),
    ({"view_id": "html"}, "never drawn as HTML"),
    ({"task_router": lambda *a: []}, "'task_router' is not supported"),
    ({"exlude": ["x"]}, "unknown component 'exlude'"),
    ({"config": {"javascript": "alert(1)"}}, "config setting 'javascript' is not supported"),
    ({"config": {"choice_style": "multiple"}}, "'choice_style': 'multiple' is not supported"),
    ({"config": {"annotations_per_task": 2}}, "'annotations_per_task': 2 is not supported"),
    ({"db": "sqlite"}, "JSONL files"),
    ({"before_db": "strip"}, "'before_db' must be a function"),
    ({"dataset": None}, "'dataset' is None"),
])
def test_refused_at_start_with_one_line(db, extra, message):
    with pytest.raises(ConfigError, match=message) as err:
        Controller(components(**extra), db)
    assert "\n" not in str(err.value)


def test_settings_without_effect_are_said_once(db):
    _, notes = check_components(components(config={"theme": "dark", "lang": "en", "validate": False}))
    assert notes == ["ℹ config setting 'theme' has no effect in al-ner (it only changes Prodigy's own app)",
                     "ℹ config setting 'validate': False has no effect in al-ner (al-ner always checks tasks)"]


def test_a_task_without_text_stops_the_session_naming_it(db):
    # Prodigy's JSONL reads any objects: a source without 'text' is caught when served
    ctrl = Controller({"dataset": "ds", "view_id": "ner_manual",
                       "stream": iter([{"text": "Fine ."}, {"txt": "oops"}])}, db)
    with pytest.raises(InvalidTaskError, match="task 2 of the recipe's stream: task has no 'text' field"):
        ctrl.get_questions(2)
