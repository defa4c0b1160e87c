"""data-to-spacy: seeded split by input hash, loadable DocBins with incorrect spans, the CLI."""

from __future__ import annotations

import json

import pytest
import spacy
import srsly
from spacy.tokens import DocBin
from typer.testing import CliRunner

import al_ner.cli.data_to_spacy  # noqa: F401  (registers the command)
from al_ner.cli._app import app
from al_ner.errors import ConfigError, DatasetError
from al_ner.stream.hashing import set_hash
from al_ner.training import data_to_spacy, split_by_input


class FakeDB:
    def __init__(self, datasets: dict[str, list[dict]]) -> None:
        self.datasets = datasets

    def get_examples(self, name: str):
        if name not in self.datasets:
            raise DatasetError(f"no dataset {name!r}")
        return iter(self.datasets[name])


def sentences(make_task, n: int, *, reject_every: int = 3) -> list[dict]:
    tasks = []
    for i in range(n):
        words = [f"Org{i}", "met", "someone", "today"]
        answer = "reject" if i % reject_every == 0 else "accept"
        tasks.append(set_hash(make_task(words, [(0, 1, "ORG")], answer=answer)))
        tasks.append(set_hash(make_task(words, [(2, 3, "ORG")], answer="reject")))
    return tasks


def load(path, nlp):
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_split_is_seeded_order_free_and_disjoint():
    hashes = list(range(100))
    dev = split_by_input(hashes, eval_split=0.2, seed=1)
    assert len(dev) == 20
    assert dev == split_by_input(reversed(hashes), eval_split=0.2, seed=1)
    assert dev != split_by_input(hashes, eval_split=0.2, seed=2)
    assert split_by_input([1, 2], eval_split=0.1, seed=0) != set()
    with pytest.raises(ConfigError, match="eval_split"):
        split_by_input(hashes, eval_split=1.0, seed=0)


def test_data_to_spacy_writes_loadable_docbins_without_input_overlap(tmp_path, nlp, make_task):
    db = FakeDB({"ds": sentences(make_task, 20)})
    summary = data_to_spacy(tmp_path, ["ds"], db=db, nlp=nlp, fill="missing", eval_split=0.25,
                            seed=0)
    train, dev = load(tmp_path / "train.spacy", nlp), load(tmp_path / "dev.spacy", nlp)
    assert (len(train), len(dev)) == (15, 5)
    assert not {d.text for d in train} & {d.text for d in dev}
    assert all(len(d.spans["incorrect_spans"]) >= 1 for d in train)
    assert sum(len(d.ents) for d in train + dev) == summary["train"]["entities"] + summary["dev"]["entities"]
    assert srsly.read_json(tmp_path / "labels" / "ner.json") == ["ORG"]
    assert json.loads((tmp_path / "stats.json").read_text())["dev"]["docs"] == 5


def test_eval_datasets_take_their_inputs_out_of_training(tmp_path, nlp, make_task):
    tasks = sentences(make_task, 6)
    db = FakeDB({"train": tasks, "eval": tasks[:4]})
    summary = data_to_spacy(tmp_path, ["train"], db=db, nlp=nlp, fill="missing",
                            eval_datasets=["eval"])
    assert (summary["train"]["docs"], summary["dev"]["docs"]) == (4, 2)
    assert summary["train"]["skipped"]["in_eval_set"] == 2


def test_model_fill_uses_the_base_pipeline(tmp_path, make_task):
    base = spacy.blank("en")
    ruler = base.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "PERSON", "pattern": "someone"}, {"label": "ORG", "pattern": "ACME"}])
    db = FakeDB({"ds": sentences(make_task, 4)})
    data_to_spacy(tmp_path, ["ds"], db=db, nlp=base, labels=["ORG"], fill="model", eval_split=0.0)
    docs = load(tmp_path / "train.spacy", base)
    assert all([(e.text, e.label_) for e in d.ents if e.label_ == "PERSON"] == [("someone", "PERSON")]
               for d in docs)


def test_empty_datasets_say_so(tmp_path, nlp):
    with pytest.raises(DatasetError, match="no accepted or rejected spans"):
        data_to_spacy(tmp_path, ["ds"], db=FakeDB({"ds": []}), nlp=nlp, fill="missing")
    with pytest.raises(DatasetError, match="no dataset"):
        data_to_spacy(tmp_path, [], db=FakeDB({}), nlp=nlp, fill="missing")


def test_cli_model_fill_on_a_blank_pipeline_is_one_clear_error(tmp_path, make_task):
    from al_ner.cli import main

    db_dir = tmp_path / "db"
    db_dir.mkdir()
    srsly.write_jsonl(db_dir / "ds.jsonl", sentences(make_task, 2))
    code = main(["data-to-spacy", str(tmp_path / "out"), "--ner", "ds", "--db", str(db_dir),
                 "--base-model", "blank:en"])
    assert code == 1


def test_cli_reads_a_jsonl_database(tmp_path, make_task):
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    srsly.write_jsonl(db_dir / "ner_org.jsonl", sentences(make_task, 10))
    out = tmp_path / "corpus"
    result = CliRunner().invoke(app, ["data-to-spacy", str(out), "--ner", "ner_org", "--db", str(db_dir),
                                      "--base-model", "blank:en", "--fill", "missing",
                                      "--eval-split", "0.2"])
    assert result.exit_code == 0, result.output
    assert "train: 8 docs" in result.output
    assert (out / "train.spacy").is_file() and (out / "dev.spacy").is_file()
