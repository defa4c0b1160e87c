"""Prodigy exports as they come (tests/fixtures/prodigy): new labels, per-span answers, review
output, blank texts, text classification; db-in twice, db-out's effective answers, stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

import al_ner.cli.data_to_spacy  # noqa: F401  (registers the commands on `app`)
import al_ner.cli.db  # noqa: F401
from al_ner.cli._app import app
from al_ner.dbio import dataset_stats, import_file
from al_ner.errors import AlNerError, InputError, InvalidTaskError
from al_ner.storage import Database
from al_ner.stream.hashing import input_hash
from al_ner.stream.validate import answer_view, textcat_problem
from al_ner.training import data_to_spacy, merge_answers
from al_ner.training.merge import ConversionStats

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prodigy"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, AlNerError):
        return 1, f"✘ {result.exception}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def fixture(name: str) -> list[dict]:
    return list(srsly.read_jsonl(FIXTURES / name))


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "db")


def test_exported_hashes_are_kept_and_input_hashes_recompute(db: Database) -> None:
    import_file(db, "fashion", FIXTURES / "fashion_brand_manual.jsonl")
    saved = list(db.get_examples("fashion"))
    assert [s["_task_hash"] for s in saved] == [t["_task_hash"] for t in fixture("fashion_brand_manual.jsonl")]
    assert all(s["_input_hash"] == input_hash({"text": s["text"]}) for s in saved)


def test_new_label_converts_on_the_default_path(tmp_path: Path, db: Database, nlp) -> None:
    import_file(db, "fashion", FIXTURES / "fashion_brand_manual.jsonl")
    summary = data_to_spacy(tmp_path / "corpus", ["fashion"], db=db, nlp=nlp, fill="missing",
                            eval_split=0.0)
    assert summary["labels"] == ["FASHION_BRAND"] and summary["new_labels"] == ["FASHION_BRAND"]
    docs = list(DocBin().from_disk(tmp_path / "corpus" / "train.spacy").get_docs(nlp.vocab))
    assert sorted(e.text for d in docs for e in d.ents) == ["Adidas", "Gucci", "H&M", "Levi's", "Nike",
                                                             "Uniqlo", "Zara"]


@pytest.mark.model
def test_new_label_with_fill_model_keeps_the_base_labels(tmp_path: Path, db: Database, nlp_sm) -> None:
    import_file(db, "fashion", FIXTURES / "fashion_brand_manual.jsonl")
    code, out = invoke("data-to-spacy", str(tmp_path / "c"), "--ner", "fashion", "--db", str(db.path),
                       "--base-model", "en_core_web_sm", "--eval-split", "0")
    assert code == 0 and "new label(s) FASHION_BRAND" in out
    docs = list(DocBin().from_disk(tmp_path / "c" / "train.spacy").get_docs(nlp_sm.vocab))
    labels = {e.label_ for d in docs for e in d.ents}
    assert "FASHION_BRAND" in labels and labels & {"PERSON", "GPE", "ORG"}  # pseudo-rehearsal


def test_per_span_answers_and_missing_spans_key(db: Database, nlp) -> None:
    import_file(db, "teach", FIXTURES / "teach_binary.jsonl")
    stats = dataset_stats(db, "teach")
    # Microsoft accepted and Amazon rejected inside one accepted task: each by its own answer
    assert stats.labels["ORG"] == {"accept": 3, "reject": 2, "ignore": 0}
    assert stats.labels["GPE"] == {"accept": 0, "reject": 1, "ignore": 0}
    conversion = ConversionStats()
    groups = merge_answers(db.get_examples("teach"), stats=conversion)
    assert len(groups) == 5 and conversion.skipped["ignored"] == 1


def test_review_output_is_the_reviewed_answer(tmp_path: Path, db: Database, nlp) -> None:
    rows = fixture("review.jsonl")
    assert [answer_view(r) for r in rows] == ["ner_manual", "ner"]
    import_file(db, "reviewed", FIXTURES / "review.jsonl")
    summary = data_to_spacy(tmp_path, ["reviewed"], db=db, nlp=nlp, fill="missing", eval_split=0.0,
                            labels=["FASHION_BRAND", "ORG"])
    assert summary["train"]["skipped"] == {} and summary["train"]["docs"] == 2
    docs = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(nlp.vocab))
    assert [e.text for e in docs[0].ents] == ["Zara", "H&M"]  # the reviewed version, complete
    assert [(s.text, s.label_) for s in docs[1].spans["incorrect_spans"]] == [("Apple", "ORG")]


def test_textcat_exports_are_refused_in_one_line(tmp_path: Path, db: Database) -> None:
    assert all(textcat_problem(r) for r in fixture("textcat.jsonl"))
    assert not any(textcat_problem(r) for r in fixture("teach_binary.jsonl") + fixture("review.jsonl"))
    code, out = invoke("db-in", "cats", str(FIXTURES / "textcat.jsonl"), "--db", str(db.path))
    assert code == 1 and "textcat.jsonl:1: this is a text-classification answer (label 'SPORTS'" in out
    assert "\n" not in out.strip() and not db.exists("cats")
    with pytest.raises(InvalidTaskError, match="'options' and 'accept', no spans"):
        merge_answers(fixture("textcat.jsonl")[1:])


def test_blank_texts_stop_the_import_unless_skipped(db: Database) -> None:
    source = FIXTURES / "blank_and_no_spans.jsonl"
    with pytest.raises(InputError, match=r"blank_and_no_spans.jsonl:2: 'text' is blank"):
        import_file(db, "ds", source)
    assert not db.exists("ds")
    code, out = invoke("db-in", "ds", str(source), "--db", str(db.path), "--skip-invalid")
    assert code == 0 and "Imported 2 examples" in out
    assert "skipped 2 invalid lines, 2 with a blank text; first:" in out and ":2: 'text' is blank" in out
    saved = list(db.get_examples("ds"))
    assert [s["text"] for s in saved] == ["Nike signed a deal.", "It rained all day."]
    assert "spans" not in saved[1] and saved[1]["_view_id"] == "ner_manual"


def test_db_in_twice_adds_nothing_the_second_time(db: Database) -> None:
    source = str(FIXTURES / "teach_binary.jsonl")
    code, out = invoke("db-in", "teach", source, "--db", str(db.path))
    assert code == 0 and "Imported 6 examples" in out
    code, out = invoke("db-in", "teach", source, "--db", str(db.path))
    assert code == 0 and "Imported 0 examples" in out and "skipped 6 already in 'teach' (same _task_hash)" in out
    assert db.count("teach") == 6


def test_db_out_exports_effective_answers_and_all_lines(tmp_path: Path, db: Database) -> None:
    first = fixture("teach_binary.jsonl")[0]
    undone = {**first, "answer": "reject", "_timestamp": first["_timestamp"] + 60}
    db.add_examples("ds", [first, fixture("teach_binary.jsonl")[2], undone])
    code, out = invoke("db-out", "ds", "--db", str(db.path))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [(r["text"], r["answer"]) for r in lines] == [
        ("Google and IBM signed a deal.", "accept"), ("Apple opens a store in Paris.", "reject")]
    code, out = invoke("db-out", "ds", "--db", str(db.path), "--all")
    assert code == 0 and len(out.splitlines()) == 3
    target = tmp_path / "out.jsonl"
    code, out = invoke("db-out", "ds", str(target), "--db", str(db.path))
    assert code == 0 and "Exported 2 examples" in out and len(target.read_text().splitlines()) == 2


@pytest.mark.model
@pytest.mark.slow
def test_new_label_trains_on_the_default_path(tmp_path: Path, db: Database, nlp_sm) -> None:
    import spacy

    from al_ner.training import DEFAULT_CONFIG, train

    import_file(db, "fashion", FIXTURES / "fashion_brand_manual.jsonl")
    import_file(db, "fashion", FIXTURES / "review.jsonl")
    corpus = tmp_path / "corpus"
    data_to_spacy(corpus, ["fashion"], db=db, nlp=nlp_sm, eval_split=0.3, labels=["FASHION_BRAND"])
    result = train(DEFAULT_CONFIG, tmp_path / "out", base_model="en_core_web_sm",
                   overrides={"paths.train": str(corpus / "train.spacy"),
                              "paths.dev": str(corpus / "dev.spacy"), "training.max_epochs": 3})
    ner = spacy.load(result.last).get_pipe("ner")
    assert "FASHION_BRAND" in ner.labels and {"PERSON", "ORG", "GPE"} <= set(ner.labels)
