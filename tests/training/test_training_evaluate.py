"""Evaluation: per-label P/R/F with a label map, unscored gold labels, reuse across pipelines."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span
from typer.testing import CliRunner

import al_ner.cli.data_to_spacy  # noqa: F401  (registers train and evaluate)
from al_ner.cli._app import app
from al_ner.training import (ONTONOTES_TO_CONLL, eval_set_from_docs, eval_set_from_tasks, evaluate,
                             score_spans)

WORDS = ["Obama", "visited", "Apple", "in", "Paris", "with", "French", "people"]
GOLD = [(0, 1, "PER"), (2, 3, "ORG"), (4, 5, "LOC"), (6, 7, "MISC")]


def ruler_pipeline(patterns: list[tuple[str, str]]):
    """A blank pipeline whose 'ner' is an entity ruler: deterministic predictions."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": label, "pattern": text} for text, label in patterns])
    return nlp


def gold_doc(vocab) -> Doc:
    doc = Doc(vocab, words=WORDS)
    doc.ents = [Span(doc, s, e, label) for s, e, label in GOLD]
    return doc


def test_score_spans_maps_labels_and_reports_unscored_gold():
    predicted = [[(0, 1, "PERSON"), (2, 3, "ORG"), (4, 5, "GPE"), (6, 7, "NORP"), (3, 4, "ORG")]]
    scores = score_spans([GOLD], predicted, label_map=ONTONOTES_TO_CONLL)
    assert scores["not_scored"] == ["MISC"]
    assert scores["labels"]["PER"]["f"] == 1.0 and scores["labels"]["LOC"]["f"] == 1.0
    assert (scores["labels"]["ORG"]["tp"], scores["labels"]["ORG"]["fp"]) == (1, 1)
    assert scores["labels"]["ORG"]["p"] == 0.5 and scores["labels"]["ORG"]["r"] == 1.0
    assert scores["micro"]["tp"] == 3 and scores["micro"]["fp"] == 1 and scores["micro"]["fn"] == 0


def test_score_spans_without_a_map_scores_every_label():
    scores = score_spans([[(0, 1, "ORG")]], [[(0, 1, "ORG"), (2, 3, "PERSON")]])
    assert set(scores["labels"]) == {"ORG", "PERSON"}
    assert scores["labels"]["PERSON"]["fp"] == 1 and scores["not_scored"] == []


def test_predictions_on_missing_tokens_are_ignored():
    scores = score_spans([[(0, 1, "ORG")]], [[(0, 1, "ORG"), (2, 3, "ORG")]], missing=[frozenset({2})])
    assert scores["labels"]["ORG"]["fp"] == 0


def test_evaluate_one_eval_set_with_several_pipelines():
    eval_set = eval_set_from_docs([gold_doc(spacy.blank("en").vocab)])
    good = ruler_pipeline([("Obama", "PERSON"), ("Apple", "ORG"), ("Paris", "GPE")])
    bad = ruler_pipeline([("visited", "ORG")])
    assert evaluate(good, eval_set, label_map=ONTONOTES_TO_CONLL)["micro"]["f"] == 1.0
    scores = evaluate(bad, eval_set, label_map=ONTONOTES_TO_CONLL)
    assert scores["micro"]["f"] == 0.0 and scores["labels"]["ORG"]["fp"] == 1
    assert scores["n_docs"] == 1


def test_eval_set_from_tasks_skips_unaccepted_and_tokenizes_once(nlp, make_task):
    tasks = [make_task(WORDS, GOLD, view="ner_manual"), make_task(["x"], [], answer="reject")]
    eval_set = eval_set_from_tasks(nlp, tasks)
    assert len(eval_set) == 1 and eval_set.spans[0] == tuple(GOLD)
    assert eval_set.labels() == ["LOC", "MISC", "ORG", "PER"]


def test_evaluate_cli_on_a_docbin(tmp_path):
    nlp = ruler_pipeline([("Obama", "PERSON"), ("Apple", "ORG")])
    nlp.to_disk(tmp_path / "model")
    docbin = DocBin()
    docbin.add(gold_doc(nlp.vocab))
    docbin.to_disk(tmp_path / "gold.spacy")
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "gold.spacy"),
                                      "--label-map", "ontonotes-conll", "--output", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert "ORG        P 1.000  R 1.000  F 1.000" in result.output
    assert "not scored (no model label maps to them): MISC" in result.output
    assert (tmp_path / "s.json").is_file()


def test_unknown_label_map_names_the_choices(tmp_path):
    from al_ner.cli.train import resolve_label_map
    from al_ner.errors import ConfigError

    with pytest.raises(ConfigError, match="ontonotes-conll"):
        resolve_label_map("onto")
