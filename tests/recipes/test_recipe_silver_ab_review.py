"""ner.silver-to-gold, ner.eval-ab and review: from stored answers (or two pipelines) to the
questions they ask, and what is saved."""

from __future__ import annotations

import json

import pytest
import spacy

from al_ner.cli import main
from al_ner.recipe import get_recipe
from al_ner.storage import get_db
from al_ner.stream.hashing import set_hash
from al_ner.training.silver import consistent_spans
from al_ner.training.convert import Answers


def ruler(path, patterns: list[tuple[str, str]]) -> str:
    """A pipeline whose 'ner' is an entity ruler (deterministic predictions), saved to `path`."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns(
        [{"label": label, "pattern": text} for text, label in patterns])
    nlp.to_disk(path)
    return str(path)


def binary(text: str, phrase: str, label: str, answer: str) -> dict:
    start = text.index(phrase)
    task = {"text": text, "spans": [{"start": start, "end": start + len(phrase), "label": label}]}
    return {**set_hash(task), "answer": answer, "_view_id": "ner"}


def test_consistent_spans_keep_accepts_and_drop_what_answers_contradict():
    answers = Answers(accepted={(0, 2): "ORG"}, rejected={(5, 6, "ORG")})
    predicted = [(1, 3, "ORG"), (3, 4, "ORG"), (5, 6, "ORG"), (7, 8, "GPE"), (8, 9, "ORG")]
    assert consistent_spans(answers, predicted, ["ORG"]) == [(0, 2, "ORG"), (3, 4, "ORG"), (8, 9, "ORG")]


def test_silver_to_gold_prefills_the_best_consistent_analysis(tmp_path):
    model = ruler(tmp_path / "model", [("Paris", "ORG"), ("Globex", "ORG")])
    db = get_db(tmp_path / "db")
    text = "Acme Corp and Globex met in Paris ."
    db.add_examples("silver", [binary(text, "Acme Corp", "ORG", "accept"),
                               binary(text, "Paris", "ORG", "reject"),
                               binary("Rain fell .", "Rain", "ORG", "reject")])
    components = get_recipe("ner.silver-to-gold")(dataset="gold", silver="silver", spacy_model=model,
                                                  label="ORG", db=str(tmp_path / "db"))
    tasks = list(components["stream"])
    assert [[s["text"] for s in t["spans"]] for t in tasks] == [["Acme Corp", "Globex"], []]
    assert tasks[0]["meta"] == {"accepted": 1, "rejected": 1} and components["view_id"] == "ner_manual"


def test_silver_to_gold_end_to_end_with_the_gold_annotator(tmp_path, capsys):
    model = ruler(tmp_path / "model", [("Globex", "ORG")])
    text = "Acme Corp and Globex met in Paris ."
    get_db(tmp_path / "db").add_examples("silver", [binary(text, "Acme Corp", "ORG", "accept")])
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": text, "spans": [{"start": 0, "end": 9, "label": "ORG"}]}) + "\n")
    assert main(["ner.silver-to-gold", "gold", "silver", model, "--label", "ORG", "--db",
                 str(tmp_path / "db"), "--annotator", "gold", "--gold", str(gold)]) == 0
    [saved] = get_db(tmp_path / "db").get_examples("gold")
    assert [(s["text"], s["label"]) for s in saved["spans"]] == [("Acme Corp", "ORG")]
    assert "Saved 1 answers" in capsys.readouterr().out


@pytest.mark.slow
def test_eval_ab_asks_blind_where_the_pipelines_differ_and_says_which_won(tmp_path, capsys):
    before = ruler(tmp_path / "before", [("Acme", "ORG")])
    after = ruler(tmp_path / "after", [("Acme", "ORG"), ("Globex", "ORG"), ("Initech", "ORG")])
    rows = [("Acme hired Bob .", []), ("Globex sued Acme .", ["Globex", "Acme"]),
            ("Initech grew .", ["Initech"]), ("Rain fell .", [])]
    source, gold = tmp_path / "src.jsonl", tmp_path / "gold.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t, _ in rows))
    gold.write_text("".join(json.dumps({"text": t, "spans": [
        {"start": t.index(p), "end": t.index(p) + len(p), "label": "ORG"} for p in ps]}) + "\n"
        for t, ps in rows))
    components = get_recipe("ner.eval-ab")(dataset="ab", before_model=before, after_model=after,
                                           source=str(source), label="ORG", unsegmented=True)
    tasks = list(components["stream"])
    assert [t["text"] for t in tasks] == ["Globex sued Acme .", "Initech grew ."]  # where they differ
    assert all(sorted(t["mapping"].values()) == ["A", "B"] and len(t["options"]) == 2 for t in tasks)
    assert main(["ner.eval-ab", "ab", before, after, str(source), "--label", "ORG", "-U",
                 "--db", str(tmp_path / "db"), "--annotator", "gold", "--gold", str(gold)]) == 0
    out = capsys.readouterr().out
    assert f"A/B: before ({before}) chosen 0 times, after ({after}) 2 times, 0 undecided" in out
    assert "the after pipeline is preferred in 100% of 2 decided questions" in out
    saved = list(get_db(tmp_path / "db").get_examples("ab"))
    assert all(s["answer"] == "accept" and s["mapping"][str(s["accept"][0])] == "B" for s in saved)


def manual(text: str, who: str, spans: list[tuple[str, str]], answer: str = "accept") -> dict:
    task = set_hash({"text": text})
    found = [{"start": text.index(p), "end": text.index(p) + len(p), "label": label} for p, label in spans]
    return {**task, "spans": found, "answer": answer, "_view_id": "ner_manual",
            "_annotator_id": f"news-{who}", "_session_id": f"news-{who}"}


def test_review_merges_versions_per_input_and_saves_the_resolution(tmp_path, capsys):
    db = get_db(tmp_path / "db")
    one, two = "Acme hired Bob .", "Globex sued Initech ."
    db.add_examples("news", [manual(one, "alice", [("Acme", "ORG")]), manual(one, "bob", [("Acme", "ORG")]),
                             manual(two, "alice", [("Globex", "ORG")]),
                             manual(two, "bob", [("Globex", "ORG"), ("Initech", "ORG")]),
                             manual(two, "carol", [("Globex", "ORG"), ("Initech", "ORG")]),
                             binary(one, "Bob", "PERSON", "accept")])
    components = get_recipe("review")(dataset="reviewed", in_sets="news", db=str(tmp_path / "db"))
    tasks = list(components["stream"])
    assert [len(t["versions"]) for t in tasks] == [1, 2]
    first, second = tasks[1]["versions"]
    assert first["sessions"] == ["news-bob", "news-carol"] and first["default"] is True
    assert second["sessions"] == ["news-alice"] and second["default"] is False
    assert [s["label"] for s in tasks[1]["spans"]] == ["ORG", "ORG"]  # the default's spans
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": two, "spans": [{"start": 0, "end": 6, "label": "ORG"}]}) + "\n")
    assert main(["review", "reviewed", "news", "--db", str(tmp_path / "db"), "--annotator", "gold",
                 "--gold", str(gold)]) == 0
    assert "left out 1 answers that aren't manual" in capsys.readouterr().out
    saved = {t["text"]: t for t in get_db(tmp_path / "db").get_examples("reviewed")}
    assert [s["text"] for s in saved[two]["spans"]] == ["Globex"] and len(saved[two]["versions"]) == 2
