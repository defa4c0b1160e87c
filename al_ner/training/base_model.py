"""The base pipeline's entities on given tokens: for fill="model" and for evaluation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc

from ..models import get_ner

TokenSpan = tuple[int, int, str]  # token start, token end (exclusive), label
Predict = Callable[[list[Doc]], list[list[TokenSpan]]]


def ner_pipes(nlp: Language) -> list[str]:
    """The components the NER needs: itself and any tok2vec/transformer it listens to."""
    get_ner(nlp)
    return [name for name, pipe in nlp.pipeline
            if name == "ner" or "ner" in getattr(pipe, "listening_components", [])]


def same_tokens(vocab_nlp: Language, docs: Iterable[Doc]) -> list[Doc]:
    """Fresh Docs with the same words and spaces, in `vocab_nlp`'s vocab (and its vectors)."""
    return [Doc(vocab_nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
            for doc in docs]


def predict_entities(nlp: Language, docs: list[Doc], *, batch_size: int = 256) -> list[list[TokenSpan]]:
    """Run only the NER (and what it listens to) over copies of `docs`; `docs` aren't changed."""
    with nlp.select_pipes(enable=ner_pipes(nlp)):
        predicted = nlp.pipe(same_tokens(nlp, docs), batch_size=batch_size)
        return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in predicted]


def base_predictor(nlp: Language, *, batch_size: int = 256) -> Predict:
    """The pipeline's current NER as a `Predict` function (use a pipeline that isn't trained)."""
    def predict(docs: list[Doc]) -> list[list[TokenSpan]]:
        return predict_entities(nlp, docs, batch_size=batch_size)
    return predict


def frozen_predictor(nlp: Language, *, batch_size: int = 256) -> Predict:
    """A snapshot of the pipeline's NER now, unaffected by later updates to `nlp`.

    Used by the online update with fill="model": the model in the loop changes, the
    pseudo-labels keep coming from the base model. Needs an NER with its own tok2vec.
    """
    ner = get_ner(nlp)
    snapshot = _copy_ner(nlp, ner)

    def predict(docs: list[Doc]) -> list[list[TokenSpan]]:
        predicted = snapshot.pipe(same_tokens(nlp, docs), batch_size=batch_size)
        return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in predicted]
    return predict


def _copy_ner(nlp: Language, ner: EntityRecognizer) -> EntityRecognizer:
    """A new NER with the same config and weights, outside the pipeline (not updated with it)."""
    config = {k: v for k, v in nlp.config["components"]["ner"].items() if k != "factory"}
    factory = nlp.get_pipe_meta("ner").factory
    copy: Any = nlp.create_pipe(factory, name="ner_base", config=config)
    copy.from_bytes(ner.to_bytes(exclude=["vocab"]), exclude=["vocab"])
    return copy
