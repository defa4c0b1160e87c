"""The recipe commands end to end: CLI in, dataset out, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from al_ner.cli import main

PEOPLE = [
    {"text": "Acme Corp hired John Smith .", "spans": [{"start": 0, "end": 9, "label": "ORG"}]},
    {"text": "Globex sued Initech in Ohio .", "spans": [
        {"start": 0, "end": 6, "label": "ORG"}, {"start": 12, "end": 19, "label": "ORG"}]},
    {"text": "Nothing happened today .", "spans": []},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf8")
    return path


def read_dataset(db: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (db / f"{name}.jsonl").read_text().splitlines()]


@pytest.fixture
def gold(tmp_path):
    return write_jsonl(tmp_path / "gold.jsonl", PEOPLE)


def run(*args: str) -> int:
    return main([str(a) for a in args])


def test_help_lists_every_recipe(capsys):
    assert run("--help") == 0
    out = capsys.readouterr().out
    for name in ("ner.manual", "ner.correct", "ner.teach", "db-in", "db-out", "stats",
                 "data-to-spacy"):
        assert name in out


@pytest.mark.slow
def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "al_ner", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "ner.teach" in proc.stdout


def test_manual_with_gold_annotator_saves_gold_spans(tmp_path, gold, capsys):
    db = tmp_path / "db"
    source = write_jsonl(tmp_path / "src.jsonl", [{"text": p["text"]} for p in PEOPLE])
    assert run("ner.manual", "man", "blank:en", source, "--label", "ORG", "--unsegmented",
               "--annotator", "gold", "--gold", gold, "--db", db) == 0
    assert "Saved 3 answers to 'man'" in capsys.readouterr().out
    rows = read_dataset(db, "man")
    assert [len(r["spans"]) for r in rows] == [1, 2, 0]
    assert {r["_view_id"] for r in rows} == {"ner_manual"}
    assert all(s["token_start"] <= s["token_end"] for r in rows for s in r["spans"])


def test_restart_resumes_and_limit(tmp_path, gold, capsys):
    db = tmp_path / "db"
    source = write_jsonl(tmp_path / "src.jsonl", [{"text": p["text"]} for p in PEOPLE])
    args = ["ner.manual", "man", "blank:en", source, "--label", "ORG", "-U", "--annotator", "gold",
            "--gold", gold, "--db", db]
    assert run(*args, "--limit", "2") == 0
    assert run(*args) == 0
    assert "Saved 1 answers" in capsys.readouterr().out.splitlines()[-1]
    assert len(read_dataset(db, "man")) == 3
    assert run("ner.manual", "other", "blank:en", source, "--label", "ORG", "-U", "--annotator",
               "gold", "--gold", gold, "--db", db, "--exclude", "man") == 0
    assert not (db / "other.jsonl").exists() or not read_dataset(db, "other")


def test_user_recipe_file_with_prodigy_style_arguments(tmp_path, capsys):
    recipe_file = tmp_path / "my_recipe.py"
    recipe_file.write_text(
        "from al_ner.recipe import recipe\n"
        "@recipe('my.echo', dataset=('Dataset', 'positional', None, str),\n"
        "        source=('Text file', 'positional', None, str), upper=('Upper-case', 'flag', 'u', bool))\n"
        "def my_echo(dataset, source, upper=False):\n"
        "    '''Ask about each line of a text file.'''\n"
        "    lines = open(source).read().split()\n"
        "    stream = ({'text': l.upper() if upper else l} for l in lines)\n"
        "    return {'dataset': dataset, 'view_id': 'ner', 'stream': stream}\n")
    source = tmp_path / "words.txt"
    source.write_text("alpha\nbeta\n")
    db = tmp_path / "db"
    assert run("-F", recipe_file, "--help") == 0
    assert "my.echo" in capsys.readouterr().out
    assert run("-F", recipe_file, "my.echo", "echo", source, "-u", "--annotator", "gold",
               "--gold", write_jsonl(tmp_path / "g.jsonl", [{"text": "ALPHA"}]), "--db", db) == 0
    rows = read_dataset(db, "echo")
    assert [r["text"] for r in rows] == ["ALPHA", "BETA"]
    assert [r["answer"] for r in rows] == ["ignore", "ignore"]  # no spans proposed, no gold for BETA


@pytest.mark.parametrize("args, message", [
    (["ner.nope", "x"], "No such command"),
    (["ner.manual", "d", "blank:en", "missing.jsonl", "--label", "ORG", "--annotator", "gold",
      "--gold", "GOLD"], "not found"),
    (["ner.teach", "d", "blank:en", "SRC", "--label", "ORG"], "has no 'ner' component"),
    (["ner.teach", "d", "blank:en", "SRC", "--label", "ORG", "--sorter", "greedy"],
     "unknown --sorter 'greedy'; choose one of: ema, probability, mean"),
    (["ner.manual", "../x", "blank:en", "SRC", "--label", "ORG", "--annotator", "gold",
      "--gold", "GOLD"], "invalid dataset name"),
    (["ner.manual", "d", "no_such_model", "SRC", "--label", "ORG"], "can't find spaCy pipeline"),
    (["ner.manual", "d", "blank:en", "SRC", "--label", "ORG", "--order", "sideways",
      "--annotator", "gold", "--gold", "GOLD"], "unknown --order"),
    (["ner.manual", "d", "blank:en", "SRC", "--annotator", "gold", "--gold", "GOLD"],
     "Missing option '--label'"),
    (["ner.manual", "d", "blank:en", "SRC", "--label", " , ", "--annotator", "gold"], "no label"),
    (["ner.manual", "d", "blank:en", "SRC", "--label", "ORG", "--annotator", "robot"],
     "unknown annotator"),
    (["-F", "nowhere.py", "--help"], "recipe file"),
])
def test_bad_input_is_one_line(tmp_path, gold, capsys, args, message):
    source = write_jsonl(tmp_path / "src.jsonl", [{"text": "Acme rose ."}])
    args = [str(source) if a == "SRC" else str(gold) if a == "GOLD" else a for a in args]
    code = run(*args, "--db", str(tmp_path / "db")) if args[0] != "-F" else run(*args)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err and "Traceback" not in err


def test_skip_invalid_counts_and_bad_record_keeps_saved(tmp_path, gold, capsys):
    db = tmp_path / "db"
    source = tmp_path / "src.jsonl"
    source.write_text('{"text": "Acme Corp hired John Smith ."}\n{"txt": 1}\n{"text": "Nothing happened today ."}\n')
    args = ["ner.manual", "m", "blank:en", source, "--label", "ORG", "-U", "--annotator", "gold",
            "--gold", gold, "--db", db, "--batch-size", "1"]
    assert run(*args) == 1
    assert "src.jsonl:2" in capsys.readouterr().err
    assert len(read_dataset(db, "m")) == 1  # the answer before the bad line is saved
    assert run(*args, "--skip-invalid") == 0
    assert "skipped 1 invalid" in capsys.readouterr().out
    assert len(read_dataset(db, "m")) == 2


def test_terminal_annotator_keys(tmp_path, monkeypatch, capsys):
    import io

    db = tmp_path / "db"
    source = write_jsonl(tmp_path / "src.jsonl", [{"text": p["text"], "spans": p["spans"]} for p in PEOPLE])
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nu\nx\n \nq\n"))
    assert run("ner.manual", "t", "blank:en", source, "--label", "ORG", "-U", "--annotator",
               "terminal", "--db", db) == 0
    rows = read_dataset(db, "t")
    # accept, undo (re-asks the first), reject it, ignore the second, quit
    assert [r["answer"] for r in rows] == ["accept", "reject", "ignore"]
    assert rows[0]["_task_hash"] == rows[1]["_task_hash"]


@pytest.mark.model
def test_control_prints_the_health_check_in_the_summary(tmp_path, gold, capsys):
    rows = PEOPLE * 10
    source = write_jsonl(tmp_path / "many.jsonl", [{"text": f"{r['text']} {i}", "spans": r["spans"]}
                                                  for i, r in enumerate(rows)])
    assert run("ner.correct", "d", "en_core_web_sm", source, "--label", "ORG", "--annotator", "gold",
               "--gold", source, "--db", tmp_path / "db", "-U", "--control", "0.3") == 0
    out = capsys.readouterr().out
    assert "Saved 30 answers" in out and "health check (" in out and "control answers): F1" in out


@pytest.mark.parametrize("annotator", ["gold", "web"])
def test_a_broken_source_stops_every_annotator_with_one_line(tmp_path, gold, capsys, annotator):
    # the web annotator used to serve "no more questions" and exit 0 with "Saved 0 answers"
    source = tmp_path / "news.csv"
    source.write_text("title,body\nAcme,Acme hired Bob\n")
    code = run("ner.manual", "man", "blank:en", source, "--label", "ORG", "--annotator", annotator,
               "--gold", gold, "--db", tmp_path / "db", "--port", "0")
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == (f"✘ {source}:1: no 'text' column in the CSV header (columns: title, "
                           "body); name the text column 'text' or pass --text-column NAME")


def test_help_shows_dash_f_whole_descriptions_and_required_label(capsys):
    assert run("--help") == 0
    out = capsys.readouterr().out
    assert "-F FILE" in out  # taken off the line before Click parses it, so it was missing
    commands = out.split("Commands:")[1]
    assert "..." not in commands and "…" not in commands
    assert "(all of it, or\n" in commands or "nothing on a bad line" in commands
    assert run("ner.manual", "--help") == 0
    label_help = capsys.readouterr().out.split("--label")[1].split("--loader")[0]
    assert "[required]" in label_help


def test_text_column_option_reads_a_csv_column(tmp_path, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a\nx\n"))  # the terminal annotator's keys
    source = tmp_path / "news.csv"
    source.write_text("id,body\n1,Acme hired Bob .\n2,Globex sued Initech .\n")
    db = tmp_path / "db"
    assert run("ner.manual", "man", "blank:en", source, "--label", "ORG", "-U", "--text-column",
               "body", "--annotator", "terminal", "--db", db) == 0
    assert "Saved 2 answers" in capsys.readouterr().out
    assert [r["text"] for r in read_dataset(db, "man")] == ["Acme hired Bob .", "Globex sued Initech ."]
    code = run("ner.manual", "man", "blank:en", source, "--label", "ORG", "--text-column", "text",
               "--annotator", "gold", "--gold", source, "--db", db)
    assert code == 1 and "pass --text-column NAME" in capsys.readouterr().err


def test_feed_overlap_option_reaches_the_controller(tmp_path, gold, monkeypatch):
    import al_ner.cli.recipes as cli_recipes

    seen = []
    real = cli_recipes.run_components

    def spy(components, **options):
        seen.append(dict(components.get("config") or {}))
        return real(components, **options)

    monkeypatch.setattr(cli_recipes, "run_components", spy)
    source = write_jsonl(tmp_path / "src.jsonl", [{"text": p["text"]} for p in PEOPLE])
    base = ["ner.manual", "man", "blank:en", source, "--label", "ORG", "-U", "--annotator", "gold",
            "--gold", gold, "--db", tmp_path / "db"]
    assert run(*base, "--feed-overlap") == 0 and run(*base) == 0
    assert [c.get("feed_overlap") for c in seen] == [True, None]


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_an_empty_source_is_said_in_one_line(tmp_path, gold, capsys, content):
    """Issue 17: an empty source ended with 'Saved 0 answers' and nothing else."""
    source = tmp_path / "empty.txt"
    source.write_text(content)
    assert run("ner.manual", "man", "blank:en", source, "--label", "ORG", "--annotator", "gold",
               "--gold", gold, "--db", tmp_path / "db") == 0
    out = capsys.readouterr().out
    assert f"⚠ The source is empty: {source} holds no texts" in out


def test_a_source_that_gives_no_question_says_so(tmp_path, gold, capsys):
    source = write_jsonl(tmp_path / "bad.jsonl", [{"txt": "no text key"}])
    assert run("ner.manual", "man", "blank:en", source, "--label", "ORG", "--annotator", "gold",
               "--gold", gold, "--skip-invalid", "--db", tmp_path / "db") == 0
    assert "⚠ No question came from the source (1 text)" in capsys.readouterr().out


def test_answered_before_is_not_empty(tmp_path, gold, capsys):
    source = write_jsonl(tmp_path / "src.jsonl", [{"text": p["text"]} for p in PEOPLE])
    args = ("ner.manual", "man", "blank:en", source, "--label", "ORG", "-U", "--annotator", "gold",
            "--gold", gold, "--db", tmp_path / "db")
    assert run(*args) == 0 and run(*args) == 0
    assert "empty" not in capsys.readouterr().out


def test_the_summary_says_when_the_gold_does_not_hold_the_source_s_texts(tmp_path, gold, capsys):
    # a .txt source ("Acme Corp hired John Smith.") against a tokenized gold ("... Smith .") was
    # answered 'ignore' almost throughout, and the summary only counted ignores
    source = tmp_path / "pool.txt"
    source.write_text("Acme Corp hired John Smith.\nNothing happened today .\n")
    assert run("ner.manual", "m", "blank:en", source, "--label", "ORG", "--annotator", "gold",
               "--gold", gold, "--db", tmp_path / "db") == 0
    out = capsys.readouterr().out
    assert "1 of 2 questions aren't in the gold data (answered 'ignore')" in out
    assert "--gold" in out.splitlines()[0] and len(out.splitlines()[0]) < 400
