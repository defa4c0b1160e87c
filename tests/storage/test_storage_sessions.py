"""Each named session's answer is its own example (Prodigy's feed_overlap): an answer supersedes
only the same session's earlier answer to the same question, in every reader of a dataset."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import al_ner.cli.db  # noqa: F401  (registers the commands on `app`)
from al_ner.cli._app import app
from al_ner.controller import Controller
from al_ner.storage import Database
from al_ner.training import merge_answers
from recipes.review import review_tasks

TEXTS = ["Acme hired Ada .", "Globex sued Acme .", "Rain fell in Ohio ."]


def overlap_session(db: Database) -> None:
    """alice and bob answer the same three questions; alice undoes her second and ignores it."""
    stream = iter([{"text": t, "tokens": _tokens(t), "spans": []} for t in TEXTS])
    ctrl = Controller({"dataset": "ds", "view_id": "ner_manual", "stream": stream,
                       "labels": ["ORG"], "config": {"feed_overlap": True}}, db, batch_size=3)
    for name in ("alice", "bob"):  # alice marks the first word, bob marks nothing
        questions = ctrl.get_questions(session=name)
        ctrl.receive_answers([{"_task_hash": q["_task_hash"], "answer": "accept",
                               "spans": _first_word(q) if name == "alice" else []}
                              for q in questions], session=name)
    undone = ctrl.undo(_hash(db, 1), session="alice")
    [again] = ctrl.get_questions(session="alice")
    assert again["_task_hash"] == undone["_task_hash"]
    ctrl.receive_answers([{"_task_hash": again["_task_hash"], "answer": "ignore"}], session="alice")


def _first_word(question: dict) -> list[dict]:
    return [{"start": 0, "end": question["tokens"][0]["end"], "label": "ORG"}]


def _tokens(text: str) -> list[dict]:
    out, at = [], 0
    for i, word in enumerate(text.split()):
        start = text.index(word, at)
        out.append({"text": word, "start": start, "end": start + len(word), "id": i, "ws": True})
        at = start + len(word)
    return out


def _hash(db: Database, i: int) -> int:
    return next(e["_task_hash"] for e in db.get_examples("ds") if e["text"] == TEXTS[i])


def who(examples) -> list[tuple[str, str, str]]:
    return sorted((e["_session_id"].split("-")[-1], e["text"].split()[0], e["answer"]) for e in examples)


EXPECTED = [("alice", "Acme", "accept"), ("alice", "Globex", "ignore"), ("alice", "Rain", "accept"),
            ("bob", "Acme", "accept"), ("bob", "Globex", "accept"), ("bob", "Rain", "accept")]


def test_every_session_s_answer_is_kept_and_only_its_own_undo_supersedes(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    overlap_session(db)
    assert len(list(db.get_examples("ds"))) == 7
    assert who(db.get_answers("ds")) == EXPECTED  # before: bob's answers replaced alice's


def test_db_out_and_stats_count_each_session_s_answers(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    overlap_session(db)
    runner = CliRunner()
    out = runner.invoke(app, ["db-out", "ds", "--db", str(db.path)]).output
    assert who(json.loads(line) for line in out.splitlines()) == EXPECTED
    stats = runner.invoke(app, ["stats", "ds", "--db", str(db.path)]).output
    # before: "7 (3 tasks, 4 answers superseded by a later answer)"
    assert ("examples  7 (3 tasks, 6 answers in force, 1 superseded by the same session's later "
            "answer)") in stats


def test_review_and_training_see_every_annotator(tmp_path: Path) -> None:
    db = Database(tmp_path / "db")
    overlap_session(db)
    reviewed = {t["text"].split()[0]: sorted(s for v in t["versions"] for s in v["sessions"])
                for t in review_tasks(db.get_examples("ds"))}
    both = ["ds-alice", "ds-bob"]
    assert reviewed == {"Acme": both, "Globex": ["ds-bob"], "Rain": both}  # alice's ignore is out
    groups = merge_answers(db.get_examples("ds"))  # before: one answer per question, bob's
    trained = {g[0]["text"].split()[0]: sorted(t["_session_id"] for t in g) for g in groups}
    assert trained == {"Acme": both, "Globex": ["ds-bob"], "Rain": both}


def test_db_in_keeps_each_annotator_s_answers_and_skips_what_it_holds(tmp_path: Path) -> None:
    def export(name: str, who: str | None, answer: str) -> Path:
        rows = [{"text": t, "answer": answer, **({"_session_id": f"ds-{who}"} if who else {})}
                for t in TEXTS]
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        return path

    db, runner = Database(tmp_path / "db"), CliRunner()

    def db_in(path: Path) -> str:
        return runner.invoke(app, ["db-in", "ds", str(path), "--db", str(db.path)]).output

    assert "Imported 3 examples" in db_in(export("alice", "alice", "accept"))
    assert "Imported 3 examples" in db_in(export("bob", "bob", "reject"))  # before: all 3 skipped
    assert "skipped 3 already in 'ds'" in db_in(export("bob", "bob", "reject"))  # twice: nothing
    assert "skipped 3 already in 'ds'" in db_in(export("anyone", None, "accept"))  # no session
    assert sorted(who(db.get_answers("ds"))) == sorted(
        [("alice", t.split()[0], "accept") for t in TEXTS]
        + [("bob", t.split()[0], "reject") for t in TEXTS])
