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
from al_ner.training import data_to_spacy, evaluate, split_by_input
from al_ner.training.corpus import read_gold_labels
from al_ner.training.evaluate import read_eval_docbin


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
    assert 10 <= len(dev) <= 30  # the share on average: each input's side is its own
    assert dev == split_by_input(reversed(hashes), eval_split=0.2, seed=1)
    assert dev != split_by_input(hashes, eval_split=0.2, seed=2)
    assert split_by_input([1, 2], eval_split=0.1, seed=0) != set()
    with pytest.raises(ConfigError, match="eval_split"):
        split_by_input(hashes, eval_split=1.0, seed=0)


def test_adding_inputs_never_moves_one_across_the_split():
    """Issue 17: the split shuffled the sorted hashes, so one more input reshuffled everything
    (100 -> 101 inputs moved 5 of 20 dev inputs into train)."""
    hashes = [set_hash({"text": f"Sentence {i} ."})["_input_hash"] for i in range(300)]
    before = split_by_input(hashes[:100], eval_split=0.2, seed=0)
    for size in (101, 150, 300):
        after = split_by_input(hashes[:size], eval_split=0.2, seed=0)
        assert before <= after and not (set(hashes[:100]) - before) & after


def test_the_experiment_and_data_to_spacy_split_by_one_rule():
    from al_ner.experiment.data.splits import split_answers

    tasks = [set_hash({"text": f"Sentence {i} ."}) for i in range(200)]
    _, dev = split_answers(tasks, share=0.2, seed=4)
    assert {t["_input_hash"] for t in dev} == split_by_input(
        (t["_input_hash"] for t in tasks), eval_split=0.2, seed=4)


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
    assert "train: 7 docs" in result.output and "dev: 3 docs" in result.output  # by hash: about 20 %
    assert (out / "train.spacy").is_file() and (out / "dev.spacy").is_file()


def ruler_base(patterns: list[tuple[str, str]]):
    """A blank pipeline whose 'ner' is an entity ruler: a fake base model with fixed predictions."""
    base = spacy.blank("en")
    ruler = base.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": label, "pattern": text} for text, label in patterns])
    return base


def convert_dev(tmp_path, base, dev: list[dict], make_task, *, labels: list[str], fill: str = "model"):
    """data-to-spacy with `dev` as the eval dataset (and one unrelated training answer)."""
    train = [set_hash(make_task(["Zed", "left"], [(0, 1, labels[0])], view="ner_manual"))]
    data_to_spacy(tmp_path, ["train"], db=FakeDB({"train": train, "dev": [set_hash(t) for t in dev]}),
                  nlp=base, labels=labels, fill=fill, eval_datasets=["dev"])
    return load(tmp_path / "dev.spacy", base)


def test_dev_spacy_holds_no_pseudo_labels(tmp_path, make_task, biluo):
    base = ruler_base([("someone", "PERSON"), ("Org1", "ORG")])
    tasks = [set_hash(make_task([f"Org{i}", "met", "someone", "today"], [(0, 1, "ORG")], view="ner_manual"))
             for i in range(4)]
    data_to_spacy(tmp_path, ["train"], db=FakeDB({"train": tasks[:2], "dev": tasks[2:]}), nlp=base,
                  labels=["ORG"], fill="model", eval_datasets=["dev"])
    train, dev = load(tmp_path / "train.spacy", base), load(tmp_path / "dev.spacy", base)
    assert {e.label_ for d in train for e in d.ents} == {"ORG", "PERSON"}  # train keeps the fill
    assert [biluo(d) for d in dev] == [["U-ORG", "O", "O", "O"]] * 2
    assert read_gold_labels(tmp_path / "dev.spacy") == ["ORG"]


def test_labels_nobody_annotated_leave_the_dev_scores(tmp_path, make_task):
    # PERSON is annotated, ORG by nobody: ORG gold in dev.spacy would be the base model's own
    # predictions (recall 1.0 by construction), so ORG must be neither in the gold nor scored
    base = ruler_base([("Acme", "ORG"), ("Ann", "PERSON")])
    words = ["Ann", "and", "Bob", "left", "Acme"]
    dev = convert_dev(tmp_path, base, [make_task(words, [(0, 1, "PERSON"), (2, 3, "PERSON")],
                                                 view="ner_manual")], make_task, labels=["PERSON"])
    assert [(e.text, e.label_) for e in dev[0].ents] == [("Ann", "PERSON"), ("Bob", "PERSON")]
    scores = evaluate(base, read_eval_docbin(tmp_path / "dev.spacy", base.vocab))
    assert set(scores["labels"]) == {"PERSON"} and scores["not_scored"] == {"ORG": "not_annotated"}
    assert (scores["labels"]["PERSON"]["p"], scores["labels"]["PERSON"]["r"]) == (1.0, 0.5)


def test_a_rejected_span_in_dev_is_a_false_positive(tmp_path, make_task):
    base = ruler_base([("Acme", "ORG"), ("Bolt", "ORG")])
    words = ["Acme", "beat", "Bolt", "today"]
    dev = convert_dev(tmp_path, base, [make_task(words, [(0, 1, "ORG")]),
                                       make_task(words, [(2, 3, "ORG")], answer="reject")],
                      make_task, labels=["ORG"])
    org = evaluate(base, dev)["labels"]["ORG"]  # the base model proposed both; one was rejected
    assert (org["tp"], org["fp"], org["fn"], org["p"]) == (1, 1, 0, 0.5)


def test_over_prediction_after_a_complete_answer_is_a_false_positive(tmp_path, make_task):
    base = ruler_base([("Acme", "ORG"), ("Bolt", "ORG"), ("Ann", "PERSON")])
    words = ["Acme", "beat", "Bolt", "and", "Ann"]
    dev = convert_dev(tmp_path, base, [make_task(words, [(0, 1, "ORG")], view="ner_manual")],
                      make_task, labels=["ORG"], fill="missing")
    scores = evaluate(base, dev)
    org = scores["labels"]["ORG"]
    assert (org["tp"], org["fp"], org["fn"]) == (1, 1, 0)


SM_SENTENCES = [  # en_core_web_sm also finds PERSON, GPE and DATE entities here
    (["Apple", "hired", "Tim", "Cook", "in", "Paris", "on", "Monday", "."], [(0, 1, "ORG")]),
    (["Google", "and", "Microsoft", "met", "Angela", "Merkel", "in", "Berlin", "."],
     [(0, 1, "ORG"), (2, 3, "ORG")]),
    (["The", "plumbers", "union", "sued", "Acme", "Widgets", "in", "Ohio", "."],
     [(1, 3, "ORG"), (4, 6, "ORG")]),
    (["Barack", "Obama", "visited", "the", "United", "Nations", "in", "New", "York", "."],
     [(4, 6, "ORG")]),
]


@pytest.mark.model
def test_dev_spacy_from_en_core_web_sm_holds_only_the_answers(tmp_path, nlp_sm, make_task):
    dev = [make_task(words, spans, view="ner_manual") for words, spans in SM_SENTENCES]
    docs = convert_dev(tmp_path / "org", nlp_sm, dev, make_task, labels=["ORG"])
    assert {e.label_ for d in docs for e in d.ents} == {"ORG"}  # no PERSON/GPE/DATE pseudo-labels
    scores = evaluate(nlp_sm, read_eval_docbin(tmp_path / "org" / "dev.spacy", nlp_sm.vocab))
    assert set(scores["labels"]) == {"ORG"} and scores["not_scored"]["PERSON"] == "not_annotated"
    org = scores["labels"]["ORG"]  # sm misses "plumbers union", says "the United Nations"
    assert (org["tp"], org["fp"], org["fn"]) == (4, 1, 2)
    # with PERSON annotated and ORG by nobody, dev.spacy's ORG used to be sm's own (recall 1.0)
    persons = [[(2, 4, "PERSON")], [(4, 6, "PERSON")], [], [(0, 2, "PERSON")]]
    people = [make_task(words, spans, view="ner_manual") for (words, _), spans in zip(SM_SENTENCES, persons)]
    docs = convert_dev(tmp_path / "person", nlp_sm, people, make_task, labels=["PERSON"])
    assert {e.label_ for d in docs for e in d.ents} == {"PERSON"}
    scores = evaluate(nlp_sm, read_eval_docbin(tmp_path / "person" / "dev.spacy", nlp_sm.vocab))
    assert set(scores["labels"]) == {"PERSON"} and scores["not_scored"]["ORG"] == "not_annotated"
    assert (scores["labels"]["PERSON"]["tp"], scores["labels"]["PERSON"]["support"]) == (3, 3)


def test_cli_warns_when_dev_cannot_measure_a_trained_label(tmp_path, make_task):
    """Issue 17: 'dev: 3 docs, 0 entities' was printed without a warning."""
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    words = [["Org0", "met", "someone"], ["Nobody", "came", "today"], ["Rain", "fell", "there"]]
    train = [set_hash(make_task(w, [(0, 1, "ORG")], view="ner_manual")) for w in words[:1]]
    empty_dev = [set_hash(make_task(w, [], view="ner_manual")) for w in words[1:]]
    srsly.write_jsonl(db_dir / "train.jsonl", train)
    srsly.write_jsonl(db_dir / "dev.jsonl", empty_dev)
    result = CliRunner().invoke(app, ["data-to-spacy", str(tmp_path / "out"), "--ner", "train",
                                      "--eval-ner", "dev", "--db", str(db_dir), "--base-model",
                                      "blank:en", "--fill", "missing"])
    assert result.exit_code == 0, result.output
    assert "⚠ dev has no ORG entity in its 2 docs" in result.output
    summary = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert summary["dev_entities"] == {"ORG": 0}


def test_cli_warns_when_dev_is_empty(tmp_path, make_task):
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    srsly.write_jsonl(db_dir / "one.jsonl", [set_hash(make_task(["Org0", "met"], [(0, 1, "ORG")],
                                                                view="ner_manual"))])
    result = CliRunner().invoke(app, ["data-to-spacy", str(tmp_path / "out"), "--ner", "one",
                                      "--db", str(db_dir), "--base-model", "blank:en",
                                      "--fill", "missing"])
    assert result.exit_code == 0, result.output
    assert "⚠ dev is empty" in result.output
