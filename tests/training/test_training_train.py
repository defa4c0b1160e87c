"""Training from configs/ner_finetune.cfg: errors up front, the callback, and (slow) a real run."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import spacy
from spacy.tokens import DocBin, Span

from al_ner.errors import ConfigError
from al_ner.training import DEFAULT_CONFIG, train
from al_ner.training.corpus import write_gold_labels


def test_the_config_callback_is_registered_and_sets_the_key():
    make = spacy.registry.callbacks.get("al_ner.incorrect_spans_key.v1")
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    nlp.disable_pipe("ner")  # spaCy initializes with sourced components disabled
    make(key="neg")(nlp)
    ner = nlp.get_pipe("ner")
    assert (ner.cfg["incorrect_spans_key"], ner.moves.neg_key) == ("neg", "neg")
    assert ner.cfg["update_with_oracle_cut_size"] == 0


def test_unset_paths_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="paths.base_model"):
        train(DEFAULT_CONFIG, tmp_path)
    with pytest.raises(ConfigError, match="--paths.train"):
        train(DEFAULT_CONFIG, tmp_path, overrides={"paths.base_model": str(tmp_path)})
    with pytest.raises(ConfigError, match="not found"):
        train(tmp_path / "nope.cfg", tmp_path)


@pytest.mark.parametrize("override, message", [
    ("training.max_epoch", r"has no 'max_epoch' in \[training\]; did you mean --training.max_epochs\?"),
    ("trainin.max_epochs", "has no 'trainin' in the top level; did you mean --training"),
    ("paths.trian", r"did you mean --paths.train\?"),
])
def test_override_typos_are_refused(tmp_path, override, message):
    # spaCy takes an unknown key of an existing section silently: max_epoch changed nothing
    with pytest.raises(ConfigError, match=f"config override --{override}: .* {message}"):
        train(DEFAULT_CONFIG, tmp_path, overrides={override: 1})


def test_override_typo_is_one_cli_line(tmp_path, capsys):
    from al_ner.cli import main

    assert main(["train", str(tmp_path), "--base-model", "blank:en", "--training.max_epoch", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("✘ config override --training.max_epoch") and err.count("\n") == 1


@pytest.mark.model
@pytest.mark.slow
def test_finetune_sm_keeps_other_components_and_learns_from_rejects(nlp_sm, tmp_path):
    from al_ner.models import model_path

    docs = []
    for i in range(8):
        doc = nlp_sm.make_doc(f"Acme{i} hired Tim Cook in Paris .")
        doc.set_ents([Span(doc, 0, 1, "ORG")], default="missing")
        doc.spans["incorrect_spans"] = [Span(doc, 2, 4, "ORG")]
        docs.append(doc)
    for name in ("train", "dev"):
        docbin = DocBin(docs=docs)
        docbin.to_disk(tmp_path / f"{name}.spacy")
    result = train(DEFAULT_CONFIG, tmp_path / "out", base_model="en_core_web_sm",
                   overrides={"paths.train": str(tmp_path / "train.spacy"),
                              "paths.dev": str(tmp_path / "dev.spacy"), "training.max_epochs": 1})
    trained = spacy.load(result.last)
    assert trained.get_pipe("ner").moves.neg_key == "incorrect_spans"
    base_tagger = (model_path("en_core_web_sm") / "tagger" / "model").read_bytes()
    assert (result.last / "tagger" / "model").read_bytes() == base_tagger
    assert [e.text for e in trained("Acme3 hired Tim Cook in Paris .").ents]  # still an NER


def test_train_cli_reports_a_missing_corpus_in_one_line(tmp_path, capsys):
    from al_ner.cli import main

    code = main(["train", str(tmp_path / "out"), "--base-model", str(tmp_path / "nope"),
                 "--paths.train", str(tmp_path / "train.spacy")])
    assert code == 1
    assert "can't find spaCy pipeline" in capsys.readouterr().err


# The NER is scored after a component that fixes the predicted entities, so what the loop
# scores on dev is known exactly.
FIXED = {"Acme": "ORG", "Bolt": "ORG", "Ann": "PERSON"}


@spacy.Language.component("al_ner_test_fixed_ents")
def fixed_ents(doc):
    doc.ents = [Span(doc, t.i, t.i + 1, FIXED[t.text]) for t in doc if t.text in FIXED]
    return doc


def test_dev_scores_in_the_training_loop_cover_only_the_annotated_labels(tmp_path, make_task,
                                                                         write_tiny_config):
    from al_ner.stream.hashing import set_hash
    from al_ner.training import data_to_spacy

    datasets = {"train": [make_task(["Ann", "met", "Acme"], [(0, 1, "PERSON"), (2, 3, "ORG")], view="ner_manual")],
                "dev": [make_task(["Acme", "beat", "Bolt", "and", "Ann"], [(0, 1, "ORG")], view="ner_manual")]}
    db = SimpleNamespace(get_examples=lambda name: (set_hash(t) for t in datasets[name]))
    data_to_spacy(tmp_path, ["train"], db=db, nlp=spacy.blank("en"), labels=["ORG", "PERSON"],
                  fill="O", eval_datasets=["dev"])
    write_gold_labels(tmp_path / "dev.spacy", ["ORG"])  # dev answers annotate ORG only
    write_tiny_config(tmp_path / "tiny.cfg", max_epochs=1, eval_frequency=1,
                      extra={"fixed_ents": "al_ner_test_fixed_ents"})
    result = train(tmp_path / "tiny.cfg", tmp_path / "out", overrides={
        "paths.train": str(tmp_path / "train.spacy"), "paths.dev": str(tmp_path / "dev.spacy")})
    performance = json.loads((result.last / "meta.json").read_text())["performance"]
    assert set(performance["ents_per_type"]) == {"ORG"}  # spaCy's own scorer adds PERSON
    assert performance["ents_p"] == 0.5 and performance["ents_f"] == pytest.approx(2 / 3)
    saved = spacy.util.load_config(result.last / "config.cfg")  # still spaCy's scorer on disk
    assert saved["components"]["ner"]["scorer"] == {"@scorers": "spacy.ner_scorer.v1"}
    assert spacy.load(result.last).get_pipe("ner").scorer is spacy.registry.scorers.get("spacy.ner_scorer.v1")()


# Small data (issue 17): a hundred answers make fewer steps than eval_frequency (200), and
# spaCy's loop then evaluated only at step 0 and saved that as model-best.


def test_small_data_is_evaluated_after_every_epoch_and_model_best_is_trained(tmp_path, small_corpus):
    import io

    log = io.StringIO()
    result = train(tmp_path / "small.cfg", tmp_path / "out", overrides=small_corpus, stdout=log)
    steps = [e.step for e in result.evaluations]
    assert steps[0] == 0 and len(steps) == 1 + 4  # before training, then once an epoch
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    rows = [line for line in log.getvalue().splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == len(steps)  # a row per evaluation
    best = result.best_evaluation
    assert best is not None and best.step > 0
    assert best.score == max(e.score for e in result.evaluations[1:])
    performance = json.loads((result.best / "meta.json").read_text())["performance"]
    assert performance["ents_f"] == pytest.approx(best.score)


def test_model_best_is_never_the_untrained_pipeline(tmp_path, monkeypatch, small_corpus):
    """Even when no trained checkpoint beats the pipeline before training, model-best is the best
    trained one (spaCy's loop kept its step-0 evaluation, after one batch, as model-best)."""
    import al_ner.training.loop as loop

    scores = iter([0.9, 0.5, 0.7, 0.6, 0.4])  # before training, then after each epoch

    def scripted(nlp, dev_corpus, weights):
        return lambda: (score := next(scores), {"ents_f": score, "ents_p": score, "ents_r": score})

    monkeypatch.setattr(loop, "create_evaluation_callback", scripted)
    result = train(tmp_path / "small.cfg", tmp_path / "out", overrides=small_corpus)
    assert [e.score for e in result.evaluations] == [0.9, 0.5, 0.7, 0.6, 0.4]
    assert result.best_evaluation == result.evaluations[2]
    performance = json.loads((result.best / "meta.json").read_text())["performance"]
    assert performance["ents_f"] == 0.7


def test_train_cli_says_which_checkpoint_model_best_is(tmp_path, capsys, small_corpus):
    from al_ner.cli import main

    args = [f"--{key}={value}" for key, value in small_corpus.items()]
    assert main(["train", str(tmp_path / "out"), "--config", str(tmp_path / "small.cfg"),
                 "--base-model", "blank:en", *args]) == 0
    out = capsys.readouterr().out
    assert "model-best: epoch" in out and "before training" in out
