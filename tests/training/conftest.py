"""Fixtures for the training tests: a task builder, BILUO tags with missing tokens, incorrect spans."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin, Span
from spacy.training.iob_utils import doc_to_biluo_tags


def task(words: list[str], spans: list[tuple[int, int, str]], *, view: str = "ner",
         answer: str = "accept", token_offsets: bool = True, **extra) -> dict:
    """A Prodigy task over `words` (single spaces) with (start, end exclusive, label) token spans."""
    starts, offset = [], 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    tokens = [{"text": w, "start": s, "end": s + len(w), "id": i, "ws": i < len(words) - 1}
              for i, (w, s) in enumerate(zip(words, starts))]
    out_spans = []
    for s, e, label in spans:
        span = {"start": starts[s], "end": starts[e - 1] + len(words[e - 1]), "label": label}
        if token_offsets:
            span.update(token_start=s, token_end=e - 1)
        out_spans.append(span)
    result = {"text": " ".join(words), "tokens": tokens, "spans": out_spans, "_view_id": view,
              "answer": answer}
    result.update(extra)
    return result


def tags(doc) -> list[str]:
    """BILUO tags with '-' for missing tokens (ENT_IOB 0) and 'O' for tokens outside."""
    return ["-" if token.ent_iob == 0 else tag for token, tag in zip(doc, doc_to_biluo_tags(doc))]


def incorrect(doc) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label_) for s in doc.spans.get("incorrect_spans", [])}


@pytest.fixture(scope="session")
def make_task():
    return task


@pytest.fixture(scope="session")
def biluo():
    return tags


@pytest.fixture(scope="session")
def negatives():
    return incorrect


# A config spaCy fills in: a blank NER (and maybe more components), trained from scratch
TINY_CONFIG = """
[paths]
train = null
dev = null

[system]
seed = 0
gpu_allocator = null

[nlp]
lang = "en"
pipeline = PIPELINE
batch_size = 8

[components]

[components.ner]
factory = "ner"
COMPONENTS
[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${paths.dev}

[training]
max_epochs = MAX_EPOCHS
eval_frequency = EVAL_FREQUENCY
frozen_components = []

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[initialize]
"""


def tiny_config(path, *, max_epochs: int, eval_frequency: int, extra: dict[str, str] | None = None):
    """Write a filled-in training config to `path`: "ner", then the `extra` components
    (name -> factory)."""
    extra = extra or {}
    pipeline = ",".join(f'"{name}"' for name in ["ner", *extra])
    components = "".join(f'\n[components.{name}]\nfactory = "{factory}"\n' for name, factory in extra.items())
    text = (TINY_CONFIG.replace("PIPELINE", f"[{pipeline}]").replace("COMPONENTS", components)
            .replace("MAX_EPOCHS", str(max_epochs)).replace("EVAL_FREQUENCY", str(eval_frequency)))
    config = spacy.util.load_config_from_str(text, interpolate=False)
    spacy.util.load_model_from_config(config, auto_fill=True).config.to_disk(path)
    return path


@pytest.fixture(scope="session")
def write_tiny_config():
    return tiny_config


@pytest.fixture
def small_corpus(tmp_path) -> dict[str, str]:
    """tmp_path/small.cfg and a dozen training docs ("Acme" is an ORG), four of them as dev;
    returns the path overrides."""
    nlp = spacy.blank("en")
    docs = []
    for i in range(12):
        doc = nlp.make_doc(f"Acme hired worker {i} in town .")
        doc.set_ents([Span(doc, 0, 1, "ORG")], default="outside")
        docs.append(doc)
    DocBin(docs=docs).to_disk(tmp_path / "train.spacy")
    DocBin(docs=docs[:4]).to_disk(tmp_path / "dev.spacy")
    # a dozen docs make a few steps an epoch, like a hundred answers
    tiny_config(tmp_path / "small.cfg", max_epochs=4, eval_frequency=200)
    return {"paths.train": str(tmp_path / "train.spacy"), "paths.dev": str(tmp_path / "dev.spacy")}
