"""SentenceScorer on en_core_web_sm: one uncertainty per task, predictions for ner.correct."""

from __future__ import annotations

import copy

import pytest

from al_ner.errors import ConfigError
from al_ner.scoring import EntityScorer, SentenceScorer
from al_ner.scoring.maths import uncertainty

pytestmark = pytest.mark.model

TEXTS = [
    "Apple is looking at buying a startup in London, said Tim Cook.",
    "Shares of Acme Corp rose after the Reuters report on Tuesday.",
    "the weather is nice",
    "",
]


def test_one_score_per_task_from_the_same_beams(nlp_sm) -> None:
    tasks = [{"text": text} for text in TEXTS]
    entity = EntityScorer(nlp_sm, ["ORG"])(iter(tasks))
    per_text: dict[str, list[float]] = {}
    for p, task in entity:
        per_text.setdefault(task["text"], []).append(uncertainty(p))
    for reduce, expect in (("max", max), ("sum", sum), ("mean", lambda v: sum(v) / len(v))):
        pairs = list(SentenceScorer(nlp_sm, ["ORG"], reduce=reduce)(iter(tasks)))
        assert [task["text"] for _s, task in pairs] == TEXTS
        for score, task in pairs:
            values = per_text.get(task["text"])
            assert score == pytest.approx(expect(values) if values else 0.0)
            assert task["meta"]["score"] == score and "_task_hash" in task


def test_add_predictions_matches_the_pipeline_entities(nlp_sm) -> None:
    tasks = [{"text": text, "spans": [{"start": 0, "end": 1, "label": "X"}]} for text in TEXTS]
    before = copy.deepcopy(tasks)
    pairs = list(SentenceScorer(nlp_sm, ["ORG", "PERSON"], add_predictions=True)(iter(tasks)))
    assert tasks == before
    for (_score, task), text in zip(pairs, TEXTS):
        expected = [(e.start_char, e.end_char, e.label_) for e in nlp_sm(text).ents
                    if e.label_ in ("ORG", "PERSON")]
        assert [(s["start"], s["end"], s["label"]) for s in task["spans"]] == expected
        for span in task["spans"]:
            assert task["tokens"][span["token_end"]]["end"] == span["end"]
    assert pairs[0][1]["spans"]  # Apple / Tim Cook


def test_rejects_an_unknown_reduction(nlp_sm) -> None:
    with pytest.raises(ConfigError, match="'reduce' must be one of max, sum, mean, got 'median'"):
        SentenceScorer(nlp_sm, ["ORG"], reduce="median")
