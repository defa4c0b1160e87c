"""Training from configs/ner_finetune.cfg: errors up front, the callback, and (slow) a real run."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin, Span

from al_ner.errors import ConfigError
from al_ner.training import DEFAULT_CONFIG, train


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
