"""The JSONL dataset store: names, round trips, hashes, validation, corrupt files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from al_ner.constants import DB_ENV_VAR
from al_ner.errors import ConfigError, DatasetError, InvalidTaskError
from al_ner.storage import Database, get_db, latest_answers


def example(i: int, answer: str = "accept", **extra) -> dict:
    return {"text": f"Text number {i}", "spans": [], "answer": answer, "_input_hash": 1000 + i,
            "_task_hash": 2000 + i, "_view_id": "ner_manual", "_session_id": "s1",
            "_timestamp": 1_700_000_000 + i, **extra}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "db")


@pytest.mark.parametrize("name", ["../x", "a/b", "", ".hidden", "..", "a b", "é", "x" * 201])
def test_bad_names_are_rejected_with_the_rule(db: Database, name: str) -> None:
    with pytest.raises(DatasetError, match="invalid dataset name .*letters, digits"):
        db.add_examples(name, [example(1)])
    assert not (db.path.parent / "x.jsonl").exists()


@pytest.mark.parametrize("name", ["ner_news", "a-b.c", "2024", "_x", "x" * 200])
def test_good_names_are_accepted(db: Database, name: str) -> None:
    db.add_examples(name, [example(1)])
    assert db.exists(name) and db.datasets() == [name]


def test_round_trip_keeps_order_and_content(db: Database) -> None:
    first, second = [example(i) for i in range(3)], [example(i, "reject", meta={"é": "ü"}) for i in range(3, 5)]
    db.add_examples("ds", first)
    db.add_examples("ds", second)
    assert list(db.get_examples("ds")) == first + second
    assert db.count("ds") == 5
    assert db.path_for("ds") == db.path / "ds.jsonl"


def test_database_is_created_on_first_write_only(db: Database) -> None:
    assert db.datasets() == [] and not db.path.exists()
    assert not db.exists("ds")
    db.add_examples("ds", [])
    assert db.path.is_dir() and db.exists("ds") and db.count("ds") == 0


def test_get_examples_is_lazy_and_sees_a_snapshot(db: Database) -> None:
    db.add_examples("ds", [example(1), example(2)])
    seen = []
    for eg in db.get_examples("ds"):  # appending while reading must not loop forever
        seen.append(eg)
        db.add_examples("ds", [example(len(seen) + 10)])
    assert len(seen) == 2 and db.count("ds") == 4


def test_get_hashes(db: Database) -> None:
    db.add_examples("ds", [example(1), example(2)])
    assert db.get_hashes("ds") == {2001, 2002}
    assert db.get_hashes("ds", by="input") == {1001, 1002}
    with pytest.raises(ConfigError, match="'by' must be one of task, input, got 'bogus'"):
        db.get_hashes("ds", by="bogus")


def test_missing_dataset_lists_existing_ones(db: Database) -> None:
    db.add_examples("one", [example(1)])
    db.add_examples("two", [example(1)])
    for read in (db.get_examples, db.count, db.get_hashes, db.drop):
        with pytest.raises(DatasetError, match="no dataset 'nope' in .*existing datasets: one, two"):
            read("nope")


def test_drop(db: Database) -> None:
    db.add_examples("one", [example(1)])
    db.add_examples("two", [example(1)])
    db.drop("one")
    assert db.datasets() == ["two"] and not db.exists("one")


@pytest.mark.parametrize("bad, problem", [
    ({"text": "x", "answer": "accept", "_task_hash": 1}, "'_input_hash' is None"),
    (example(9, _task_hash="12"), "'_task_hash' is '12', not an integer"),
    (example(9, answer="maybe"), "'answer' is 'maybe'; use one of accept, reject, ignore"),
    (example(9, meta={"tags": {1, 2}}), "not JSON serializable"),
    (example(9, score=math.nan), "Out of range float"),
    (["not", "a", "dict"], "expected a JSON object"),
])
def test_bad_example_writes_nothing(db: Database, bad, problem: str) -> None:
    db.add_examples("ds", [example(1)])
    before = db.path_for("ds").read_bytes()
    with pytest.raises(InvalidTaskError, match=f"example 1 of the batch for dataset 'ds'.*{problem}"):
        db.add_examples("ds", [example(2), bad, example(3)])
    assert db.path_for("ds").read_bytes() == before


def test_bad_example_does_not_create_the_dataset(db: Database) -> None:
    with pytest.raises(InvalidTaskError):
        db.add_examples("new", [example(1, answer=None)])
    assert not db.exists("new")


def test_corrupt_middle_line_names_file_and_line(db: Database) -> None:
    db.add_examples("ds", [example(i) for i in range(3)])
    path = db.path_for("ds")
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = '{"text": "edited by hand", oops\n'
    path.write_text("".join(lines))
    with pytest.raises(DatasetError, match=rf"{path}:2: corrupt line .*fix or delete that line"):
        list(db.get_examples("ds"))
    lines[1] = json.dumps({"text": "no answer", "_input_hash": 1, "_task_hash": 2}) + "\n"
    path.write_text("".join(lines))
    with pytest.raises(DatasetError, match=rf"{path}:2: corrupt line \('answer' is None"):
        db.get_hashes("ds")


def test_blank_lines_are_skipped(db: Database) -> None:
    db.add_examples("ds", [example(1)])
    with db.path_for("ds").open("a") as file:
        file.write("\n   \n")
    db.add_examples("ds", [example(2)])
    assert [eg["_task_hash"] for eg in db.get_examples("ds")] == [2001, 2002]


def test_get_db_flag_env_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    assert get_db().path == tmp_path / "home" / ".al_ner" / "db"
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "env"))
    assert get_db().path == tmp_path / "env"
    assert get_db(tmp_path / "flag").path == tmp_path / "flag"
    assert get_db("~/x").path == tmp_path / "home" / "x"


def test_database_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(DatasetError, match="can't create database directory .*pass --db DIR"):
        Database(tmp_path / "file").add_examples("ds", [example(1)])


def test_latest_answers_keeps_the_last_answer_per_task(db: Database) -> None:
    db.add_examples("ds", [example(1), example(2, "reject"), example(3)])
    db.add_examples("ds", [example(2, "accept", undo=True)])  # an undo re-asked task 2
    latest = db.get_answers("ds")
    assert [(eg["_task_hash"], eg["answer"]) for eg in latest] == [
        (2001, "accept"), (2003, "accept"), (2002, "accept")]
    assert latest == latest_answers(db.get_examples("ds"))


def test_session_records_are_kept_beside_a_dataset_not_as_one(tmp_path):
    from al_ner.storage import Database

    db = Database(tmp_path)
    db.add_examples("d", [{"text": "a", "_input_hash": 1, "_task_hash": 2, "answer": "accept"}])
    db.add_session("d", {"session_id": "s1", "health": {"n": 3}})
    db.add_session("d", {"session_id": "s2"})
    assert [r["session_id"] for r in db.get_sessions("d")] == ["s1", "s2"]
    assert db.datasets() == ["d"] and db.get_sessions("other") == []
    db.drop("d")
    assert db.get_sessions("d") == []
