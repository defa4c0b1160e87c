"""Evaluation: per-label P/R/F with a label map, unscored gold labels, reuse across pipelines."""

from __future__ import annotations

import pytest
import spacy
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from typer.testing import CliRunner

import al_ner.cli.data_to_spacy  # noqa: F401  (registers train and evaluate)
from al_ner.cli._app import app
from al_ner.training import ONTONOTES_TO_CONLL, eval_set_from_docs, eval_set_from_tasks, evaluate, score_spans
from al_ner.training.corpus import write_gold_labels
from al_ner.training.evaluate import annotated_ner_scorer

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
    assert scores["not_scored"] == {"MISC": "unmapped"}
    assert scores["labels"]["PER"]["f"] == 1.0 and scores["labels"]["LOC"]["f"] == 1.0
    assert (scores["labels"]["ORG"]["tp"], scores["labels"]["ORG"]["fp"]) == (1, 1)
    assert scores["labels"]["ORG"]["p"] == 0.5 and scores["labels"]["ORG"]["r"] == 1.0
    assert scores["micro"]["tp"] == 3 and scores["micro"]["fp"] == 1 and scores["micro"]["fn"] == 0


def test_score_spans_without_a_map_scores_every_label():
    scores = score_spans([[(0, 1, "ORG")]], [[(0, 1, "ORG"), (2, 3, "PERSON")]])
    assert set(scores["labels"]) == {"ORG", "PERSON"}
    assert scores["labels"]["PERSON"]["fp"] == 1 and scores["not_scored"] == {}


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


def test_a_prediction_equal_to_a_rejected_span_is_wrong_even_on_missing_tokens():
    scores = score_spans([[]], [[(2, 3, "ORG"), (4, 5, "ORG")]], missing=[frozenset(range(6))],
                         incorrect=[[(2, 3, "ORG"), (4, 6, "ORG")]])
    assert (scores["labels"]["ORG"]["fp"], scores["micro"]["tp"]) == (1, 0)  # (4, 5) is unknown


def test_only_the_annotated_labels_are_scored():
    scores = score_spans([[(0, 1, "ORG")]], [[(0, 1, "ORG"), (2, 3, "PERSON")]], annotated=["ORG"])
    assert set(scores["labels"]) == {"ORG"} and scores["micro"]["p"] == 1.0
    assert scores["not_scored"] == {"PERSON": "not_annotated"}


def training_example(vocab, *, predicted: list[tuple[int, int, str]]):
    """A reference complete for ORG (Acme), plus a rejected ORG span on missing tokens."""
    words = ["Acme", "beat", "Bolt", "and", "Ann", "in", "Rome"]
    reference = Doc(vocab, words=words)
    reference.set_ents([Span(reference, 0, 1, "ORG")], outside=[reference[1:5]], default="missing")
    reference.spans["incorrect_spans"] = [Span(reference, 6, 7, "ORG")]
    doc = Doc(vocab, words=words)
    doc.ents = [Span(doc, s, e, label) for s, e, label in predicted]
    return Example(doc, reference)


def test_the_training_loop_scorer_keeps_to_the_annotated_labels(nlp):
    example = training_example(nlp.vocab, predicted=[(0, 1, "ORG"), (2, 3, "ORG"), (4, 5, "PERSON"),
                                                     (6, 7, "ORG")])
    theirs = get_ner_prf([example])
    ours = annotated_ner_scorer(["ORG"])([example], labels=("ORG", "PERSON"))  # kwargs as spaCy passes
    assert set(theirs["ents_per_type"]) == {"ORG", "PERSON"} and theirs["ents_p"] == 1 / 3
    assert set(ours["ents_per_type"]) == {"ORG"}
    assert (ours["ents_p"], ours["ents_r"]) == (1 / 3, 1.0)  # Bolt over-predicted, Rome rejected


def test_evaluate_cli_scores_the_labels_data_to_spacy_recorded(tmp_path):
    nlp = ruler_pipeline([("Obama", "PERSON"), ("Apple", "ORG"), ("Paris", "GPE")])
    nlp.to_disk(tmp_path / "model")
    docbin = DocBin()
    doc = Doc(nlp.vocab, words=WORDS)
    doc.set_ents([Span(doc, 2, 3, "ORG")], default="outside")  # a complete ORG answer
    docbin.add(doc)
    docbin.to_disk(tmp_path / "dev.spacy")
    write_gold_labels(tmp_path / "dev.spacy", ["ORG"])
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "dev.spacy")])
    assert result.exit_code == 0, result.output
    assert "ORG        P 1.000  R 1.000  F 1.000" in result.output
    assert "PERSON" not in result.output.split("not scored")[0]
    assert "not scored (not annotated in the gold set): GPE, PERSON" in result.output


def test_evaluate_cli_label_option_restricts_the_scores(tmp_path):
    nlp = ruler_pipeline([("Obama", "PERSON"), ("Apple", "ORG"), ("visited", "GPE")])
    nlp.to_disk(tmp_path / "model")
    docbin = DocBin()
    docbin.add(gold_doc(nlp.vocab))
    docbin.to_disk(tmp_path / "gold.spacy")
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "gold.spacy"),
                                      "--label-map", "ontonotes-conll", "--label", "ORG,PER"])
    assert result.exit_code == 0, result.output
    assert "scored: ORG, PER\n" in result.output
    assert "micro      P 1.000  R 1.000  F 1.000" in result.output  # the LOC false positive is out
    assert "not scored (not among the labels asked for): LOC" in result.output
    assert "not scored (no model label maps to them): MISC" in result.output


def test_evaluate_cli_unknown_label_is_one_clear_error(tmp_path, capsys):
    from al_ner.cli import main

    nlp = ruler_pipeline([("Apple", "ORG")])
    nlp.to_disk(tmp_path / "model")
    docbin = DocBin()
    docbin.add(gold_doc(nlp.vocab))
    docbin.to_disk(tmp_path / "gold.spacy")
    code = main(["evaluate", str(tmp_path / "model"), str(tmp_path / "gold.spacy"), "--label", "ORGG"])
    err = capsys.readouterr().err
    assert code == 1 and "can't score label(s) ORGG" in err and "LOC, MISC, ORG, PER" in err
    assert len(err.strip().splitlines()) == 1


CONLL = "-DOCSTART- O\n\nObama B-PER\nvisited O\nApple B-ORG\nin O\nParis B-LOC\n\n"


def test_evaluate_cli_reads_a_conll_txt_file_as_conll_and_hints_at_the_label_map(tmp_path):
    # read as plain text it used to score nothing: every support 0, exit 0
    nlp = ruler_pipeline([("Obama", "PERSON"), ("Apple", "ORG"), ("Paris", "GPE"), ("in", "DATE")])
    nlp.to_disk(tmp_path / "model")
    (tmp_path / "test.txt").write_text(CONLL)
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "test.txt")])
    assert result.exit_code == 0, result.output
    assert "reading " in result.output and "as CoNLL columns" in result.output
    assert "ORG        P 1.000  R 1.000  F 1.000  (support 1)" in result.output
    assert ("the gold labels LOC, PER are not labels the model predicts (DATE, GPE, ORG, PERSON); "
            "pass --label-map ontonotes-conll") in result.output
    assert "pass --label LOC,ORG,PER to score only the gold's labels" in result.output
    mapped = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), str(tmp_path / "test.txt"),
                                      "--label-map", "ontonotes-conll", "--label", "ORG"])
    assert "PER  " not in mapped.output and "ℹ" not in mapped.output.split("\n", 1)[1]


def test_evaluate_cli_refuses_plain_text_and_gold_without_entities(tmp_path, capsys):
    from al_ner.cli import main

    ruler_pipeline([("Apple", "ORG")]).to_disk(tmp_path / "model")
    (tmp_path / "news.txt").write_text("Apple rose today.\nNothing else.\n")
    assert main(["evaluate", str(tmp_path / "model"), str(tmp_path / "news.txt")]) == 1
    assert "reads as plain text, which holds no gold entities" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path / "model"), str(tmp_path / "news.txt"), "--loader", "txt"]) == 1
    assert "no gold entities in 2 documents read with loader 'txt'" in capsys.readouterr().err


def test_evaluate_cli_takes_a_dataset_as_gold(tmp_path, make_task):
    """Issue 17: `evaluate MODEL dataset:NAME` failed ("gold data file not found"). A dataset's
    answers are gold as data-to-spacy's dev set makes them: for the labels they annotate."""
    import srsly

    from al_ner.stream.hashing import set_hash

    nlp = ruler_pipeline([("Obama", "PERSON"), ("Apple", "ORG"), ("Paris", "ORG")])
    nlp.to_disk(tmp_path / "model")
    db = tmp_path / "db"
    db.mkdir()
    srsly.write_jsonl(db / "answers.jsonl", [
        set_hash(make_task(WORDS, [(2, 3, "ORG")], view="ner_manual")),  # complete: Paris is wrong
        set_hash(make_task(["Paris", "is", "big"], [(0, 1, "ORG")], answer="reject"))])
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), "dataset:answers",
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "ORG        P 0.333  R 1.000  F 0.500" in result.output  # 1 right, 2 wrong (one rejected)
    assert "the gold set annotates ORG, per the answers in dataset:answers" in result.output
    missing = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"), "dataset:nope",
                                       "--db", str(db)])
    assert missing.exit_code != 0 and "nope" in str(missing.exception or missing.output)
