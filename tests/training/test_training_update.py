"""The online update: changes the NER's weights, returns a loss, learns from rejects, leaves disk alone."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span
from spacy.training import Example

from al_ner.errors import UnknownLabelError
from al_ner.training import frozen_predictor, make_update, set_incorrect_spans_key

WORDS = ["Apple", "hired", "Tim", "Cook", "in", "Paris", "."]


@pytest.fixture()
def small_nlp():
    """A blank English pipeline with a tiny initialized NER (ORG, PERSON, GPE)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    doc = nlp.make_doc("Apple hired Tim Cook in Paris .")
    example = Example.from_dict(doc, {"entities": ["U-ORG", "O", "B-PERSON", "L-PERSON", "O", "U-GPE", "O"]})
    nlp.initialize(lambda: [example])
    return nlp


def test_update_changes_the_weights_and_returns_a_loss(small_nlp, make_task):
    before = small_nlp.get_pipe("ner").model.to_bytes()
    update = make_update(small_nlp, ["ORG"])
    losses = update([make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")])
    assert set(losses) == {"ner"} and losses["ner"] > 0
    assert isinstance(losses["ner"], float)
    assert small_nlp.get_pipe("ner").model.to_bytes() != before


def test_a_lone_reject_teaches_only_with_the_incorrect_spans_key(small_nlp, make_task):
    update = make_update(small_nlp, ["ORG"])
    assert small_nlp.get_pipe("ner").moves.neg_key == "incorrect_spans"
    assert small_nlp.get_pipe("ner").cfg["update_with_oracle_cut_size"] == 0  # no E024 dead ends
    assert update([make_task(WORDS, [(2, 4, "ORG")], answer="reject")])["ner"] > 0


def test_spacy_ignores_incorrect_spans_without_the_key(small_nlp):
    def loss() -> float:
        reference = small_nlp.make_doc("Apple hired Tim Cook in Paris .")
        reference.spans["incorrect_spans"] = [Span(reference, 0, 1, "ORG")]
        losses: dict = {}
        small_nlp.update([Example(small_nlp.make_doc(reference.text), reference)], losses=losses)
        return losses["ner"]
    assert loss() == 0.0
    set_incorrect_spans_key(small_nlp)
    assert small_nlp.get_pipe("ner").cfg["incorrect_spans_key"] == "incorrect_spans"
    assert loss() > 0.0


def test_batches_with_nothing_to_learn_return_no_losses(small_nlp, make_task):
    update = make_update(small_nlp, ["ORG"])
    assert update([make_task(WORDS, [(0, 1, "ORG")], answer="ignore")]) == {}


def test_model_fill_snapshot_does_not_follow_updates(small_nlp, make_task):
    predict = frozen_predictor(small_nlp)
    doc = small_nlp.make_doc("Apple hired Tim Cook in Paris .")
    before = predict([doc])
    update = make_update(small_nlp, ["ORG"], fill="model")
    for _ in range(3):
        assert update([make_task(WORDS, [(0, 1, "ORG")])])["ner"] >= 0
    assert predict([doc]) == before


def test_unknown_labels_are_refused(small_nlp):
    with pytest.raises(UnknownLabelError, match="FOOD"):
        make_update(small_nlp, ["FOOD"])


@pytest.mark.model
def test_update_leaves_the_pipeline_on_disk_alone(nlp_sm, make_task, tmp_path):
    from al_ner.models import model_path

    path = model_path("en_core_web_sm")
    before = (path / "ner" / "model").read_bytes()
    nlp = spacy.load(path)
    losses = make_update(nlp, ["ORG"])([make_task(WORDS, [(0, 1, "ORG")], view="ner_manual")])
    assert losses["ner"] >= 0
    assert (path / "ner" / "model").read_bytes() == before
