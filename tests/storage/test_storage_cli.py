"""The db commands: db-in of a Prodigy export, bad input, db-out, stats, drop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from murmurhash.mrmr import hash as murmur
from typer.testing import CliRunner

import al_ner.cli.db  # noqa: F401  (registers the commands on `app`)
from al_ner.cli._app import app
from al_ner.errors import AlNerError
from al_ner.storage import Database
from al_ner.stream.hashing import set_hash

# A Prodigy export as it comes: binary ner.teach tasks whose spans lack token offsets,
# ner.manual tasks with and without tokens, a task with no "spans" key, per-span answers,
# tasks without hashes, view ids or answers.
PRODIGY_EXPORT = [
    {"text": "Apple opens a store in Paris.", "meta": {"score": 0.42},
     "spans": [{"start": 0, "end": 5, "text": "Apple", "rank": 0, "label": "ORG", "score": 0.42,
                "source": "en_core_web_sm", "input_hash": -1}],
     "label": "ORG", "_input_hash": -712391, "_task_hash": 8812, "answer": "accept",
     "_view_id": "ner", "_session_id": "news-alice", "_timestamp": 1_700_000_000},
    {"text": "Paris Hilton visited Apple.", "spans": [{"start": 0, "end": 5, "label": "GPE"}],
     "label": "GPE", "answer": "reject", "_timestamp": 1_700_000_100},
    {"text": "Berlin is big.", "tokens": [
        {"text": "Berlin", "start": 0, "end": 6, "id": 0, "ws": True},
        {"text": "is", "start": 7, "end": 9, "id": 1, "ws": True},
        {"text": "big", "start": 10, "end": 13, "id": 2, "ws": False},
        {"text": ".", "start": 13, "end": 14, "id": 3, "ws": False}],
     "spans": [{"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "GPE"}],
     "answer": "accept", "_view_id": "ner_manual", "_session_id": "news-bob"},
    {"text": "Tim Cook met Angela Merkel.", "answer": "accept",
     "spans": [{"start": 0, "end": 8, "label": "PERSON"}, {"start": 13, "end": 26, "label": "PERSON"}]},
    {"text": "Nothing to see here.", "answer": "ignore", "_session_id": "news-bob"},
    {"text": "Google and IBM.", "spans": [{"start": 0, "end": 6, "label": "ORG", "answer": "accept"},
                                          {"start": 11, "end": 14, "label": "ORG", "answer": "reject"}]},
]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def invoke(*args: str, input: str | bytes | None = None) -> tuple[int, str]:
    """Run a command the way al_ner.cli.main does: an AlNerError becomes one line and exit 1."""
    result = CliRunner().invoke(app, list(args), input=input)
    if isinstance(result.exception, AlNerError):
        return 1, f"✘ {result.exception}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def db_dir(tmp_path: Path) -> str:
    return str(tmp_path / "db")


def test_db_in_prodigy_export(tmp_path: Path, db_dir: str) -> None:
    source = write_jsonl(tmp_path / "export.jsonl", PRODIGY_EXPORT)
    code, out = invoke("db-in", "news", str(source), "--db", db_dir, "--answer", "accept")
    assert code == 0 and "✔ Imported 6 examples to 'news'" in out
    saved = list(Database(db_dir).get_examples("news"))
    assert [eg["text"] for eg in saved] == [t["text"] for t in PRODIGY_EXPORT]
    assert [eg["_view_id"] for eg in saved] == ["ner", "ner", "ner_manual", "ner_manual",
                                                "ner_manual", "ner"]
    assert [eg["answer"] for eg in saved] == ["accept", "reject", "accept", "accept", "ignore",
                                              "accept"]
    assert saved[0]["_task_hash"] == 8812 and saved[0]["spans"] == PRODIGY_EXPORT[0]["spans"]
    assert saved[1]["_task_hash"] == set_hash(PRODIGY_EXPORT[1])["_task_hash"]
    assert "spans" not in saved[4] and saved[4]["_session_id"] == "news-bob"
    # no question keys: Prodigy hashes the whole task, which must not include the import's time
    nothing = murmur('text="Nothing to see here."')
    assert saved[4]["_task_hash"] == murmur(f'{nothing}{{"_input_hash":{nothing},'
                                            '"text":"Nothing to see here."}')
    assert saved[1]["_timestamp"] == 1_700_000_100 and isinstance(saved[3]["_timestamp"], int)
    assert saved[3]["_session_id"].startswith("news-")


def test_db_in_rehash_and_stdin(db_dir: str) -> None:
    task = {"text": "Apple.", "answer": "accept", "_input_hash": 1, "_task_hash": 2}
    code, out = invoke("db-in", "ds", "-", "--db", db_dir, "--rehash", input=json.dumps(task))
    assert code == 0 and "Imported 1 examples" in out
    (saved,) = Database(db_dir).get_examples("ds")
    assert saved["_task_hash"] == set_hash(task, overwrite=True)["_task_hash"] != 2


GOOD = {"text": "Fine.", "answer": "accept"}


@pytest.mark.parametrize("bad_line, problem", [
    ('{"text": "unclosed', "invalid JSON (Unterminated string"),
    (b'{"text": "caf\xe9"}', "not UTF-8 (byte 0xe9 at byte 14); re-save the file as UTF-8"),
    ('{"answer": "accept"}', "task has no 'text' field"),
    ('{"text": "  ", "answer": "accept"}', "'text' is blank (only whitespace"),
    ('{"text": "Hi"}', "task has no 'answer'; pass --answer"),
    ('{"text": "Hi", "answer": "maybe"}', "'answer' is 'maybe'; use one of accept, reject, ignore"),
    ('{"text": "Hi", "answer": "accept", "spans": [{"start": 1, "end": 9, "label": "X"}]}',
     "span 0 (start=1, end=9) is outside the text (length 2)"),
    ('{"text": "Hi", "answer": "accept", "spans": [{"start": 0, "end": 1}]}', "span 0 has no label"),
    ('{"text": "Hi", "answer": "accept", "spans": [{"start": 0, "end": true, "label": "X"}]}',
     "span 0 (start=0, end=True) needs integer character offsets"),
    ('{"text": "Hi", "answer": "accept", "tokens": [{"text": "Hi", "start": 0, "end": 2}]}',
     "token 0 has id=None"),
    ('{"text": "Hi", "answer": "accept", "_task_hash": "x", "_input_hash": 1}',
     "'_task_hash' is 'x', not an integer; pass --rehash to recompute the hashes"),
    ('["text"]', "expected a JSON object, got list"),
    ('{"text": "Hi", "answer": "accept", "score": NaN}', "invalid JSON (NaN is not a JSON number); use a number"),
])
def test_db_in_bad_line_saves_nothing(tmp_path: Path, db_dir: str, bad_line, problem: str) -> None:
    Database(db_dir).add_examples("ds", [set_hash(GOOD)])
    before = Database(db_dir).path_for("ds").read_bytes()
    source = tmp_path / "bad.jsonl"
    bad = bad_line if isinstance(bad_line, bytes) else bad_line.encode()
    source.write_bytes(json.dumps(GOOD).encode() + b"\n\n" + bad + b"\n" + json.dumps(GOOD).encode())
    code, out = invoke("db-in", "ds", str(source), "--db", db_dir)
    assert code == 1 and f"✘ {source}:3: {problem}" in out
    assert "\n" not in out.strip()
    assert Database(db_dir).path_for("ds").read_bytes() == before


def test_db_in_missing_file_bad_name_bad_answer_and_empty(tmp_path: Path, db_dir: str) -> None:
    code, out = invoke("db-in", "ds", str(tmp_path / "nope.jsonl"), "--db", db_dir)
    assert code == 1 and "nope.jsonl: can't read the file (No such file or directory)" in out
    code, out = invoke("db-in", "../x", str(tmp_path / "nope.jsonl"), "--db", db_dir)
    assert code == 1 and "invalid dataset name '../x'" in out
    source = write_jsonl(tmp_path / "ok.jsonl", [GOOD])
    code, out = invoke("db-in", "ds", str(source), "--db", db_dir, "--answer", "yes")
    assert code == 1 and "--answer must be one of accept, reject, ignore, got 'yes'" in out
    code, out = invoke("db-in", "ds", str(write_jsonl(tmp_path / "e.jsonl", [""])), "--db", db_dir)
    assert code == 1 and "no tasks found" in out
    assert Database(db_dir).datasets() == []


def _seed(db_dir: str) -> list[dict]:
    rows = [set_hash({"text": f"t{i}", "answer": a, "_session_id": s, "_timestamp": ts,
                      "spans": [{"start": 0, "end": 1, "label": label}]})
            for i, (a, s, ts, label) in enumerate([
                ("accept", "ds-alice", 1_700_000_000, "ORG"), ("reject", "ds-alice", 1_700_000_500, "ORG"),
                ("accept", "ds-bob", 1_700_086_400, "PERSON"), ("ignore", "ds-bob", 1_700_000_100, "ORG")])]
    Database(db_dir).add_examples("ds", rows)
    Database(db_dir).add_examples("other", rows[:1])
    return rows


def test_db_out_to_stdout_and_file(tmp_path: Path, db_dir: str) -> None:
    rows = _seed(db_dir)
    code, out = invoke("db-out", "ds", "--db", db_dir)
    assert code == 0 and [json.loads(line) for line in out.splitlines()] == rows
    code, out = invoke("db-out", "ds", "-", "--db", db_dir)
    assert code == 0 and len(out.splitlines()) == 4
    target = tmp_path / "out" / "ds.jsonl"
    code, out = invoke("db-out", "ds", str(target), "--db", db_dir)
    assert code == 0 and "Exported 4 examples from 'ds'" in out
    assert [json.loads(line) for line in target.read_text().splitlines()] == rows
    code, out = invoke("db-out", "nope", str(tmp_path / "x.jsonl"), "--db", db_dir)
    assert code == 1 and "existing datasets: ds, other" in out
    assert not (tmp_path / "x.jsonl").exists()


def test_stats(db_dir: str) -> None:
    code, out = invoke("stats", "--db", db_dir)
    assert code == 0 and "no datasets yet" in out
    _seed(db_dir)
    code, out = invoke("stats", "--db", db_dir)
    assert code == 0 and [line.split() for line in out.splitlines()[1:]] == [["ds", "4"], ["other", "1"]]
    code, out = invoke("stats", "ds", "--db", db_dir)
    assert code == 0
    for expected in ("examples  4 (4 tasks", "accept    2", "reject    1", "ignore    1",
                     "sessions  2: ds-alice (2), ds-bob (2)", "first     2023-11-14 22:13:20 UTC",
                     "last      2023-11-15 22:13:20 UTC", "ORG: 3 spans (accept 1, reject 1, ignore 1)",
                     "PERSON: 1 span (accept 1)"):
        assert expected in out


def test_drop(db_dir: str) -> None:
    _seed(db_dir)
    code, out = invoke("drop", "ds", "--db", db_dir)
    assert code == 0 and "✔ Removed dataset 'ds' (4 examples)" in out
    assert Database(db_dir).datasets() == ["other"]
    code, out = invoke("drop", "ds", "--db", db_dir)
    assert code == 1 and "no dataset 'ds'" in out


def test_db_option_falls_back_to_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AL_NER_DB", str(tmp_path / "envdb"))
    _seed(str(tmp_path / "envdb"))
    code, out = invoke("stats")
    assert code == 0 and "envdb" in out and "other" in out


def test_stats_per_annotator_with_agreement(db_dir: str) -> None:
    def answer(text, who, value, spans=None, view="ner_manual"):
        task = {"text": text, "answer": value, "_annotator_id": f"ds-{who}", "_session_id": f"ds-{who}",
                "_view_id": view, "spans": spans or []}
        return {**set_hash({"text": text, "spans": []}), **task}

    org = [{"start": 0, "end": 4, "label": "ORG"}]
    Database(db_dir).add_examples("ds", [
        answer("Acme rose.", "alice", "accept", org), answer("Acme rose.", "bob", "accept", org),
        answer("Acme fell.", "alice", "accept", org), answer("Acme fell.", "bob", "accept"),
        answer("Rain.", "alice", "accept"), answer("Rain.", "carol", "ignore"),
        answer("Only Bob.", "bob", "reject")])
    code, out = invoke("stats", "ds", "--db", db_dir)
    assert code == 0
    for expected in ("annotators 3", "ds-alice: 3 (accept 3)", "ds-bob: 3 (accept 2, reject 1)",
                     "ds-carol: 1 (ignore 1)",
                     "agreement  1 of 2 questions answered by two or more annotators agree (50%)",
                     "ds-alice ~ ds-bob: 1 of 2 (50%)"):
        assert expected in out
