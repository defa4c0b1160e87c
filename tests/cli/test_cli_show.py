"""print-dataset and print-stream: entities in the terminal."""

from __future__ import annotations

import json

from al_ner.cli import main
from al_ner.storage import get_db
from al_ner.stream.hashing import set_hash


def run(*args) -> int:
    return main([str(a) for a in args])


def test_print_dataset_shows_latest_answers_with_their_entities(tmp_path, capsys):
    text = "Acme hired Bob ."
    task = set_hash({"text": text, "spans": [{"start": 0, "end": 4, "label": "ORG"}]})
    get_db(tmp_path).add_examples("ds", [{**task, "answer": "reject"}, {**task, "answer": "accept",
                                                                         "flagged": True},
                                         {**set_hash({"text": "Rain ."}), "answer": "ignore"}])
    assert run("print-dataset", "ds", "--db", tmp_path) == 0
    assert capsys.readouterr().out.splitlines() == ["✓ [[Acme]](ORG) hired Bob .  ⚑", "⊘ Rain ."]
    assert run("print-dataset", "ds", "--db", tmp_path, "--answer", "ignore", "--color") == 0
    assert capsys.readouterr().out.splitlines() == ["⊘ Rain ."]
    assert run("print-dataset", "ds", "--db", tmp_path, "--color") == 0
    assert "\x1b[" in capsys.readouterr().out  # ANSI colours
    assert run("print-dataset", "ds", "--db", tmp_path, "--answer", "maybe") == 1
    assert "unknown --answer maybe" in capsys.readouterr().err


def test_print_stream_shows_source_spans(tmp_path, capsys):
    source = tmp_path / "src.conll"
    source.write_text("Acme B-ORG\nhired O\nBob B-PER\n\nRain O\n")
    assert run("print-stream", source, "--limit", "1") == 0
    assert capsys.readouterr().out.splitlines() == ["[[Acme]](ORG) hired [[Bob]](PER)"]
    jsonl = tmp_path / "src.jsonl"
    jsonl.write_text(json.dumps({"text": "Plain text ."}) + "\n")
    assert run("print-stream", jsonl) == 0 and capsys.readouterr().out == "Plain text .\n"


def test_print_stream_shows_a_models_entities(tmp_path, capsys):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns([{"label": "ORG", "pattern": "Acme"},
                                                           {"label": "GPE", "pattern": "Ohio"}])
    nlp.to_disk(tmp_path / "model")
    source = tmp_path / "src.txt"
    source.write_text("Acme opened in Ohio .\n")
    assert run("print-stream", source, "--model", tmp_path / "model", "--label", "ORG") == 0
    assert capsys.readouterr().out == "[[Acme]](ORG) opened in Ohio .\n"
