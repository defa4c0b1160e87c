"""Fixtures for the training tests: a task builder, BILUO tags with missing tokens, incorrect spans."""

from __future__ import annotations

import pytest
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
