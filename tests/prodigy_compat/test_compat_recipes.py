"""Recipes written in the style of Prodigy's docs (tests/prodigy_compat/recipes), run as a user
runs them: `al-ner RECIPE ... -F recipe.py`, answered by the gold and the terminal annotator."""

from __future__ import annotations

import io
import sys

import pytest

from al_ner.cli import main


def run(data, recipe_file, *args):
    return main(["-F", str(data.recipes / recipe_file), *map(str, args)])


def gold(data):
    return ["--annotator", "gold", "--gold", str(data.gold)]


def labels_of(rows):
    return [sorted({span["label"] for span in row.get("spans", [])}) for row in rows]


# ----------------------------------------------------------------------------- manual


def test_manual_with_patterns_labels_exclude_and_instructions(data, capsys):
    help_page = data.source.parent / "help.html"
    help_page.write_text("<p>Mark <b>companies</b>.</p>")
    args = ["compat.manual", "news", "blank:en", data.source, "--label", "ORG",
            "--patterns", data.patterns, "--instructions", help_page, *gold(data)]
    assert run(data, "manual_style.py", *args) == 0, capsys.readouterr().err
    assert "Saved 4 answers to 'news'" in capsys.readouterr().out
    rows = data.dataset("news")
    assert labels_of(rows) == [["ORG"], ["ORG"], [], ["ORG"]]  # only the labels asked
    assert all(row["_view_id"] == "ner_manual" and row["tokens"] for row in rows)
    assert run(data, "manual_style.py", *args) == 0  # everything answered: nothing asked again
    assert "Saved 0 answers" in capsys.readouterr().out
    args[1] = "other"
    assert run(data, "manual_style.py", *args, "-e", "news") == 0  # excluded by the other dataset
    assert "Saved 0 answers" in capsys.readouterr().out


def test_manual_highlighting_characters_saves_no_tokens(data, capsys):
    assert run(data, "manual_style.py", "compat.manual", "chars", "blank:en", data.source,
               "-l", "ORG,GPE", "-C", *gold(data)) == 0, capsys.readouterr().err
    rows = data.dataset("chars")
    assert labels_of(rows) == [["GPE", "ORG"], ["GPE", "ORG"], [], ["ORG"]]
    assert all("tokens" not in row and all("token_start" not in s for s in row["spans"]) for row in rows)


def test_a_label_file_for_get_labels(data, capsys):
    label_file = data.source.parent / "labels.txt"
    label_file.write_text("PERSON\nGPE\n")
    assert run(data, "manual_style.py", "compat.manual", "people", "blank:en", data.source,
               "-l", label_file, *gold(data)) == 0, capsys.readouterr().err
    assert labels_of(data.dataset("people")) == [["GPE", "PERSON"], ["GPE"], [], []]


def test_validate_answer_refusals(data, capsys, monkeypatch):
    # the gold annotator accepts the text without entities: refused, it stays unanswered
    assert run(data, "manual_style.py", "compat.manual", "strict", "blank:en", data.source,
               "-l", "ORG", "--strict", *gold(data)) == 0, capsys.readouterr().err
    assert "Saved 3 answers to 'strict'" in capsys.readouterr().out
    assert "The weather" not in {row["text"].split(" ")[0] for row in data.dataset("strict")}
    # a person at the terminal sees the message and answers again
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nx\nq\n"))
    assert run(data, "manual_style.py", "compat.manual", "strict", "blank:en", data.source,
               "-l", "ORG", "--strict", "--annotator", "terminal") == 0
    out = capsys.readouterr().out
    assert "✘ Accepted without any entity: mark one, or reject the text." in out
    assert data.dataset("strict")[-1]["answer"] == "reject"


def test_recipe_log_lines_with_prodigy_logging(data, capsys, monkeypatch):
    monkeypatch.setenv("PRODIGY_LOGGING", "basic")
    assert run(data, "manual_style.py", "compat.manual", "logged", "blank:en", data.source,
               "-l", "ORG", *gold(data)) == 0
    assert "RECIPE: starting compat.manual" in capsys.readouterr().err


# ----------------------------------------------------------------- models in the loop


@pytest.mark.model
def test_teach_with_patterns_and_the_model_in_the_loop(data, capsys):
    assert run(data, "teach_style.py", "compat.teach", "teach", "en_core_web_sm", data.source,
               "--label", "ORG", "-pt", data.patterns, *gold(data)) == 0, capsys.readouterr().err
    rows = data.dataset("teach")
    assert rows and all(row["_view_id"] == "ner" and len(row["spans"]) == 1 for row in rows)
    assert {row["spans"][0]["label"] for row in rows} == {"ORG"}
    assert any("pattern" in row["meta"] for row in rows)  # the patterns' proposals are asked too
    assert {row["answer"] for row in rows} <= {"accept", "reject"}


@pytest.mark.model
def test_correct_loads_the_model_by_name_and_saves_only_its_labels(data, capsys):
    # spacy.load("en_core_web_sm") inside the recipe finds the stand-in package;
    # config labels restrict the saved spans (ORG only, though the gold has PERSON and GPE)
    assert run(data, "correct_style.py", "compat.correct", "fixed", "en_core_web_sm", data.source,
               "-l", "ORG", "-w", "alice", *gold(data)) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "compat.correct: loaded 1x, learnt from 4 answers" in out
    rows = data.dataset("fixed")
    assert labels_of(rows) == [["ORG"], ["ORG"], [], ["ORG"]]
    assert {row["_session_id"] for row in rows} == {"fixed-alice"}


@pytest.mark.model
def test_binary_answers_to_gold_through_the_database(data, capsys):
    silver = data.write_jsonl(data.source.parent / "silver.jsonl", [
        {"text": "Apple hired Tim Cook in California .", "answer": "accept",
         "spans": [{"start": 0, "end": 5, "label": "ORG"}]},
        {"text": "Google sued Oracle over Java .", "answer": "reject",
         "spans": [{"start": 24, "end": 28, "label": "ORG"}]}])
    assert run(data, "db_style.py", "compat.import", "binary", silver) == 0
    assert "Imported 2 examples to 'binary'" in capsys.readouterr().out
    assert run(data, "db_style.py", "compat.import", "binary", silver) == 0  # nothing new
    assert "Imported 0 examples" in capsys.readouterr().out
    assert run(data, "db_style.py", "compat.silver", "binary", "gold_news", "en_core_web_sm",
               "-l", "ORG", *gold(data)) == 0, capsys.readouterr().err
    rows = data.dataset("gold_news")
    assert [row["text"].split(" ")[0] for row in rows] == ["Apple", "Google"]
    assert labels_of(rows) == [["ORG"], ["ORG"]]


# ------------------------------------------------------------------- other views, db


def test_match_resumes_from_the_dataset(data, capsys):
    args = ["compat.match", "matches", "blank:en", data.source, "-p", data.patterns, *gold(data)]
    assert run(data, "db_style.py", *args) == 0, capsys.readouterr().err
    rows = data.dataset("matches")
    assert [(row["spans"][0]["text"], row["answer"]) for row in rows] == [("Microsoft", "accept"),
                                                                          ("Google", "accept")]
    assert run(data, "db_style.py", *args, "-R") == 0
    assert "Saved 0 answers" in capsys.readouterr().out


def test_choice_view_and_on_exit_reading_the_dataset(data, capsys):
    assert run(data, "db_style.py", "compat.choose", "ab", data.source, *gold(data)) == 0
    out = capsys.readouterr().out
    assert "compat.choose: A chosen 3x, B 1x" in out
    assert [row["accept"] for row in data.dataset("ab")] == [["A"], ["A"], ["B"], ["A"]]


def test_db_false_saves_nothing(data, capsys):
    assert run(data, "db_style.py", "compat.choose", "unsaved", data.source, "-N", *gold(data)) == 0
    assert "compat.choose: A chosen 0x, B 0x" in capsys.readouterr().out
    assert not (data.db / "unsaved.jsonl").exists()


def test_classification_view_at_the_terminal(data, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nx\n \nq\n"))
    assert run(data, "db_style.py", "compat.classify", "topics", data.source, "-l", "TECH",
               "--annotator", "terminal") == 0, capsys.readouterr().err
    assert "[TECH] Apple hired Tim Cook" in capsys.readouterr().out
    rows = data.dataset("topics")
    assert [(row["label"], row["answer"]) for row in rows] == [("TECH", "accept"), ("TECH", "reject"),
                                                               ("TECH", "ignore")]


def test_a_recipe_may_return_a_controller(data, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nq\n"))
    assert run(data, "db_style.py", "compat.controller", "ctrl", data.source, "--annotator",
               "terminal") == 0, capsys.readouterr().err
    assert [row["answer"] for row in data.dataset("ctrl")] == ["accept"]
