"""The adaptive default in the recipes: who asks, what the session log keeps, what the next session reads."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from al_ner.controller import run_recipe
from al_ner.recipe import get_recipe
from al_ner.storage import Database

RANDOM = "al_ner.random.v1"


def correct(db, gold, model, source, **options):
    return run_recipe("ner.correct", annotator="gold", annotator_options={"gold": gold}, db=db,
                      dataset="d", spacy_model=model, source=source, label="ORG", unsegmented=True,
                      **options)


def test_ner_correct_asks_through_the_adaptive_strategy_unless_told_otherwise(tiny_model, source):
    components = get_recipe("ner.correct")(dataset="d", spacy_model=tiny_model, source=source,
                                           label="ORG", unsegmented=True, window=30)
    questions = list(components["stream"])
    controls = [q for q in questions if q["meta"].get("control")]
    asked = [q for q in questions if not q["meta"].get("control")]
    assert components["config"]["order"] == "uncertain" and components["config"]["control"] == 0.1
    assert controls and all(q["meta"]["arm"].startswith("al_ner.") and 0 < q["meta"]["arm_p"] <= 1
                            for q in asked)
    assert RANDOM in {q["meta"]["arm"] for q in asked}
    assert "arms" in components["health"]() and "stopping" in components["health"]()


def test_ner_manual_keeps_the_source_order_and_uses_the_adaptive_strategy_when_asked(tiny_model, source, texts):
    plain = get_recipe("ner.manual")(dataset="d", spacy_model=tiny_model, source=source, label="ORG",
                                     unsegmented=True)
    assert [q["text"] for q in plain["stream"]] == texts and "health" not in plain
    ranked = get_recipe("ner.manual")(dataset="d", spacy_model=tiny_model, source=source, label="ORG",
                                      unsegmented=True, order="uncertain", window=30)
    assert all("arm" in q["meta"] for q in ranked["stream"])


def test_the_session_log_keeps_the_arms_and_the_next_session_continues(tiny_model, source, gold, tmp_path):
    db = Database(tmp_path / "db")
    correct(db, gold, tiny_model, source, limit=40, window=30)
    first = db.get_sessions("d")[-1]
    answers = db.get_answers("d")
    asked = [a for a in answers if "arm" in a["meta"]]
    assert sum(first["adaptive"]["asked"].values()) >= len(asked) > 20
    assert set(first["adaptive"]["probabilities"]) == set(first["adaptive"]["arms"])
    components = get_recipe("ner.correct")(dataset="d", spacy_model=tiny_model, source=source,
                                           label="ORG", unsegmented=True, db=db)
    assert components["health"]()["arms"] == first["adaptive"]["probabilities"]
    asked = [q for q in components["stream"] if "arm" in q["meta"]]  # the strategy's picks only
    assert asked and not {q["_input_hash"] for q in asked} & db.get_hashes("d", by="input")


def test_a_session_with_the_same_model_adds_no_comparison(tiny_model, source, gold, tmp_path):
    db = Database(tmp_path / "db")
    correct(db, gold, tiny_model, source, limit=20, window=30)
    correct(db, gold, tiny_model, source, limit=20, window=30)
    first, second = db.get_sessions("d")
    assert first["stopping"]["kappas"] == second["stopping"]["kappas"] == []
    assert second["stopping"]["status"]["stop"] is False and second["stopping"]["predictions"]


def test_a_learning_model_is_compared_with_itself_over_time(tiny_model, source, gold, tmp_path):
    db = Database(tmp_path / "db")
    report = correct(db, gold, tiny_model, source, limit=80, window=30, update=True, batch_size=10)
    record = db.get_sessions("d")[-1]["stopping"]
    assert [c["answers"] for c in record["checks"]] == [60]  # checked at 10, compared after 50 more
    assert -1.0 <= record["kappas"][0] <= 1.0 and report.health["stopping"]["comparisons"] == 1


def test_the_terminal_summary_says_what_the_checks_say(tiny_model, source, gold, tmp_path):
    from al_ner.cli import app, register_recipe_commands

    register_recipe_commands()
    result = CliRunner().invoke(app, ["ner.correct", "d", tiny_model, source, "--label", "ORG", "-U",
                                      "--annotator", "gold", "--gold", gold, "--limit", "30",
                                      "--db", str(tmp_path / "db")])
    assert result.exit_code == 0, result.output
    assert "stopping rule: not yet" in result.output and "adaptive strategy, chances" in result.output
