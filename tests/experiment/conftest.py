"""Fixtures for compare and diagnose: a tiny pipeline with an (untrained) NER, saved to disk."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank English pipeline with an initialized NER (ORG, PERSON, GPE): loads and predicts in ms."""
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in ("ORG", "PERSON", "GPE"):
        ner.add_label(label)
    nlp.initialize()
    path = tmp_path_factory.mktemp("tiny") / "model"
    nlp.to_disk(path)
    return path
