"""The gradient probe: how much learning some answers would lower the loss on others (the
adaptive strategy's reward), with the weights and the gradients left as they were."""

from __future__ import annotations

import random

import numpy as np
import pytest
import spacy
from spacy.training import Example

from al_ner.training.probe import Probe, clear_gradients

WORDS = ["Acme", "Corp", "hired", "Tim", "Cook", "in", "Boston", "."]


@pytest.fixture()
def tiny():
    """A blank English pipeline with a tiny initialized NER (ORG, PERSON)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    doc = nlp.make_doc(" ".join(WORDS))
    tags = ["B-ORG", "L-ORG", "O", "B-PERSON", "L-PERSON", "O", "O", "O"]
    nlp.initialize(lambda: [Example.from_dict(doc, {"entities": tags})])
    return nlp


def params(nlp) -> list:
    model = nlp.get_pipe("ner").model
    return [node.get_param(name).copy() for node in model.walk() for name in node.param_names
            if node.has_param(name)]


def orgs(make_task, n: int, name: str = "Acme", label: str = "ORG") -> list[dict]:
    return [make_task([name, "Corp", "hired", "Tim", "Cook", "in", "Boston", str(i), "."],
                      [(0, 2, label)], view="ner_manual") for i in range(n)]


def test_answers_like_the_reference_align_and_nothing_changes(tiny, make_task):
    probe = Probe(tiny, ["ORG"], fill="O")
    weights = params(tiny)
    reference = probe.gradient(orgs(make_task, 6, "Initech"))
    state = random.getstate(), np.random.get_state()[1].copy()
    alike = probe.alignment(orgs(make_task, 4), reference)
    assert alike > 0 and probe.alignment(orgs(make_task, 4), reference) == alike  # repeatable
    assert random.getstate() == state[0] and (np.random.get_state()[1] == state[1]).all()
    assert all((a == b).all() for a, b in zip(params(tiny), weights))
    assert not any(grad.any() for grad in clear_gradients(tiny, ["ner"]).values())


def test_answers_that_teach_something_else_align_less(tiny, make_task):
    probe = Probe(tiny, ["ORG", "PERSON"], fill="O")
    reference = probe.gradient(orgs(make_task, 6, "Initech"))
    wrong = orgs(make_task, 4, "Initech", label="PERSON")  # the same words, another label
    assert probe.alignment(wrong, reference) < probe.alignment(orgs(make_task, 4, "Initech"), reference)


def test_nothing_to_learn_is_no_value(tiny, make_task):
    probe = Probe(tiny, ["ORG"], fill="O")
    ignored = [{**task, "answer": "ignore"} for task in orgs(make_task, 2)]
    assert probe.gradient(ignored) == {}
    assert probe.alignment(ignored, probe.gradient(orgs(make_task, 2))) == 0.0
