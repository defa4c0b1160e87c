"""The recipes' new options: --strategy, --subsequence, --control, --conversion, --full-every."""

from __future__ import annotations

import pytest

from al_ner.controller import run_recipe
from al_ner.errors import ConfigError
from al_ner.recipe import get_recipe
from al_ner.storage import Database


def recipe(name: str, model: str, source: str, **options):
    return get_recipe(name)(dataset="d", spacy_model=model, source=source, label="ORG",
                            unsegmented=True, **options)


@pytest.mark.parametrize("strategy", ["entity", "mnlp", "entropy", "kcenter", "hybrid"])
def test_correct_asks_what_the_strategy_chooses(tiny_model, source, texts, strategy):
    components = recipe("ner.correct", tiny_model, source, order="uncertain", strategy=strategy,
                        window=30)
    questions = list(components["stream"])
    assert len(questions) == len(texts) and components["config"]["strategy"] == strategy
    assert [q["meta"]["rank"] for q in questions[:3]] == [0, 1, 2]


def test_strategy_options_are_checked_before_anything_runs(tiny_model, source):
    with pytest.raises(ConfigError, match="--order uncertain"):
        recipe("ner.correct", tiny_model, source, order="source", strategy="mnlp")
    with pytest.raises(ConfigError, match="--order uncertain"):
        recipe("ner.manual", tiny_model, source, strategy="mnlp")  # ner.manual keeps the source order
    with pytest.raises(ConfigError, match="JSON object"):
        recipe("ner.correct", tiny_model, source, order="uncertain", strategy_settings="[1]")
    with pytest.raises(ConfigError, match="has no setting"):
        recipe("ner.manual", tiny_model, source, order="uncertain", strategy="mnlp",
               strategy_settings='{"beta": 1}')
    with pytest.raises(ConfigError, match="--conversion"):
        recipe("ner.teach", tiny_model, source, conversion="silver")


def test_teach_stamps_its_conversion_and_mixes_full_span_questions(tiny_model, source):
    components = recipe("ner.teach", tiny_model, source, conversion="constrained", full_every=3)
    questions = list(components["stream"])
    binary = [q for q in questions if q["_view_id"] == "ner"]
    full = [q for q in questions if q["_view_id"] == "ner_manual"]
    assert binary and full and components["views"] == ["ner_manual"]
    assert all(q["meta"]["conversion"] == "constrained" for q in binary)


def test_control_questions_feed_the_health_check_and_the_session_log(tiny_model, source, gold, tmp_path):
    db = Database(tmp_path / "db")
    report = run_recipe("ner.correct", annotator="gold", annotator_options={"gold": gold}, db=db,
                        limit=40, dataset="d", spacy_model=tiny_model, source=source, label="ORG",
                        unsegmented=True, order="uncertain", strategy="mnlp", control=0.25)
    answers = db.get_answers("d")
    controls = [a for a in answers if a["meta"].get("control")]
    assert 6 <= len(controls) <= 14 and all("predicted" in a["meta"] for a in controls)
    assert report.health["n"] == len(controls)
    [session] = db.get_sessions("d")
    assert session["health"]["n"] == len(controls) and session["recipe"] == "ner.correct"
