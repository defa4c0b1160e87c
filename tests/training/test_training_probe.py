"""The probe: an undone update's F1 change on other answers (the adaptive strategy's reward)."""

from __future__ import annotations

import random

import numpy as np
import pytest
import spacy
from spacy.training import Example

from al_ner.training.probe import Probe, weights_restored

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
    """Every parameter array of the NER (its bytes may differ in layout after a restore)."""
    model = nlp.get_pipe("ner").model
    return [node.get_param(name).copy() for node in model.walk() for name in node.param_names
            if node.has_param(name)]


def same(a: list, b: list) -> bool:
    return len(a) == len(b) and all((x == y).all() for x, y in zip(a, b))


def orgs(make_task, n: int, name: str = "Acme") -> list[dict]:
    return [make_task([name, "Corp", "hired", "Tim", "Cook", "in", "Boston", str(i), "."],
                      [(0, 2, "ORG")], view="ner_manual") for i in range(n)]


def test_a_probe_measures_the_gain_and_puts_the_weights_back(tiny, make_task):
    probe = Probe(tiny, ["ORG"], steps=5, fill="O")
    gold = probe.gold(orgs(make_task, 4, "Initech"))
    weights = params(tiny)
    before = probe.f1(gold)
    gain = probe.gain(orgs(make_task, 6), gold)
    assert gain > 0
    assert same(params(tiny), weights) and probe.f1(gold) == before
    state = random.getstate(), np.random.get_state()[1].copy()
    assert probe.gain(orgs(make_task, 6), gold) == gain  # seeded, no dropout, a fresh optimizer
    assert random.getstate() == state[0] and (np.random.get_state()[1] == state[1]).all()


def test_weights_come_back_even_when_the_block_fails(tiny):
    weights = params(tiny)
    with pytest.raises(RuntimeError), weights_restored(tiny):
        tiny.update([Example.from_dict(tiny.make_doc("Acme Corp"), {"entities": ["B-ORG", "L-ORG"]})])
        assert not same(params(tiny), weights)
        raise RuntimeError("midway")
    assert same(params(tiny), weights)


def test_nothing_to_learn_is_no_gain(tiny, make_task):
    probe = Probe(tiny, ["ORG"], fill="O")
    rejected = [{**task, "answer": "ignore"} for task in orgs(make_task, 2)]
    assert probe.gain(rejected, probe.gold(orgs(make_task, 2))) == 0.0
