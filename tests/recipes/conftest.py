"""Shared fixtures of the recipe tests: a tiny NER pipeline on disk and a source of short texts."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.training import Example

WORDS = ["Acme", "Corp", "hired", "Tim", "Cook", "in", "Boston", "."]
TEXTS = [f"{a} and {b} met in {c} on day {i} ." for i, (a, b, c) in enumerate(
    [("Acme", "Globex", "Boston"), ("Initech", "Reuters", "Ohio"), ("Apple", "Tim", "Paris")] * 30)]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A blank English pipeline with a tiny initialized NER (ORG), saved to disk."""
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    doc = nlp.make_doc(" ".join(WORDS))
    tags = ["B-ORG", "L-ORG", "O", "O", "O", "O", "U-ORG", "O"]
    nlp.initialize(lambda: [Example.from_dict(doc, {"entities": tags})])
    path = tmp_path_factory.mktemp("model") / "tiny"
    nlp.to_disk(path)
    return str(path)


@pytest.fixture()
def texts():
    """The source's texts (90 short sentences, three organisations each)."""
    return list(TEXTS)


@pytest.fixture()
def source(tmp_path):
    """TEXTS as a JSONL source."""
    path = tmp_path / "src.jsonl"
    path.write_text("".join(json.dumps({"text": text}) + "\n" for text in TEXTS))
    return str(path)


@pytest.fixture()
def gold(tmp_path, texts):
    """The source's gold: each text's first organisation, as JSONL with spans."""
    path = tmp_path / "gold.jsonl"
    rows = [{"text": t, "spans": [{"start": 0, "end": t.index(" and"), "label": "ORG"}]} for t in texts]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return str(path)
