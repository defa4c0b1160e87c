"""A NER that listens to a shared tok2vec: the scorer runs that tok2vec first, nothing else."""

from __future__ import annotations

import pytest
import spacy
from spacy.training import Example

from al_ner.scoring import EntityScorer
from al_ner.scoring.beam import upstream_components

LISTENING_NER = {"model": {
    "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
    "extra_state_tokens": False, "hidden_width": 16, "maxout_pieces": 2, "use_upper": True,
    "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"},
}}


@pytest.fixture(scope="module")
def listening_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("ner", config=LISTENING_NER)
    doc = nlp.make_doc("Apple bought Acme in Berlin.")
    example = Example.from_dict(doc, {"entities": [(0, 5, "ORG"), (13, 17, "ORG")]})
    nlp.initialize(lambda: [example])
    return nlp


def test_only_the_listened_to_tok2vec_runs_before_the_ner(listening_nlp) -> None:
    assert [name for name, _pipe in upstream_components(listening_nlp, "ner")] == ["tok2vec"]


def test_scores_with_the_tok2vec_output(listening_nlp) -> None:
    scorer = EntityScorer(listening_nlp, ["ORG"], beam_width=4)
    docs = scorer.beam.prepare([listening_nlp.make_doc("Apple bought Acme in Berlin.")])
    assert docs[0].tensor.shape == (6, 96)
    pairs = list(scorer(iter([{"text": "Apple bought Acme in Berlin."}])))
    assert all(0.0 <= p <= 1.0 and task["spans"][0]["label"] == "ORG" for p, task in pairs)


@pytest.mark.model
def test_en_core_web_sm_ner_needs_no_upstream(nlp_sm) -> None:
    assert upstream_components(nlp_sm, "ner") == []
