"""The controller's progress: how far through the source, in questions or in texts, counted."""

from __future__ import annotations

import json

from al_ner.controller import Controller
from al_ner.stream import get_stream
from al_ner.stream.progress import SourceProgress


def components(path, progress):
    return {"dataset": "ds", "view_id": "ner", "labels": [], "progress": progress,
            "stream": progress.wrap(get_stream(str(path)))}


def test_exact_when_each_record_is_one_question(tmp_path, MemDB):
    path = tmp_path / "src.jsonl"
    path.write_text("".join(json.dumps({"text": f"Text {i}"}) + "\n" for i in range(10)))
    progress = SourceProgress(str(path), exact=True)
    assert progress.wait(5) == 10
    ctrl = Controller(components(path, progress), MemDB(), batch_size=4)
    questions = ctrl.get_questions()
    ctrl.receive_answers([{"_task_hash": q["_task_hash"], "answer": "accept"} for q in questions[:3]])
    p = ctrl.progress()
    assert (p["total"], p["estimated"], p["position"], p["answered"]) == (10, False, 3, 3)


def test_texts_when_a_record_makes_several_questions(tmp_path, MemDB):
    """Counted, not estimated: with two questions a record the total is the 10 records (texts);
    it used to be estimated from the questions per record read so far (and said "≈")."""
    path = tmp_path / "src.jsonl"
    path.write_text("".join(json.dumps({"text": f"Text {i}"}) + "\n" for i in range(10)))
    progress = SourceProgress(str(path), exact=False)
    progress.wait(5)

    def two_per_record(stream):
        for task in stream:
            yield task
            yield {"text": task["text"] + " again"}

    ctrl = Controller({**components(path, progress), "stream": two_per_record(progress.wrap(
        get_stream(str(path))))}, MemDB(), batch_size=4)
    ctrl.get_questions()
    p = ctrl.progress()
    assert (p["total"], p["unit"], p["estimated"], p["position"]) == (10, "texts", False, 2)
    ctrl.get_questions(100)
    assert (ctrl.progress()["total"], ctrl.progress()["position"]) == (10, 10)


def test_an_empty_source_is_reported_as_such(tmp_path, MemDB):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")
    progress = SourceProgress(str(path), exact=True)
    ctrl = Controller(components(path, progress), MemDB(), batch_size=4)
    assert ctrl.get_questions() == []
    progress.wait(5)  # the total is counted in a thread: wait for it, not for luck
    assert ctrl.progress()["empty"] and ctrl.progress()["total"] == 0
    report = ctrl.report()
    assert (report.empty, report.source, report.source_records) == (True, str(path), 0)
