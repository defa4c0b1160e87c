"""The online update of the model in the loop: answers -> Docs (same code as data-to-spacy) -> nlp.update."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.language import Language
from spacy.training import Example

from ..models import check_labels
from ..types import Task
from .base_model import Predict, frozen_predictor, same_tokens
from .callbacks import set_incorrect_spans_key
from .constrained import CONSTRAINED, Decode, constrained_decoder
from .convert import DEFAULT_FILL, answers_to_docs, check_conversion, check_fill
from .merge import ConversionStats

Update = Callable[[list[Task]], dict[str, float]]


def make_update(nlp: Language, labels: Iterable[str], *, fill: str = DEFAULT_FILL,
                drop: float = 0.1, conversion: str | None = None) -> Update:
    """A recipe `update` callback: learn from each batch of answers (only the NER is updated).

    The optimizer is created once; the NER's incorrect-spans key is set so rejected spans count.
    Only the pipeline in memory changes, never the one on disk. For fill="model" the
    pseudo-labels come from a snapshot of the NER taken now.
    conversion: how binary answers become training data ("fill", "constrained", or None: as
    their meta asks); constrained decoding runs on a snapshot of the NER taken now.
    Returns losses as {"ner": float} (empty when a batch holds nothing to learn from).
    """
    labels = check_labels(nlp, labels)
    check_fill(fill)
    check_conversion(conversion)
    set_incorrect_spans_key(nlp)
    predict = frozen_predictor(nlp) if fill == "model" else None
    decode = constrained_decoder(nlp, frozen=True) if conversion == CONSTRAINED else None
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
    frozen = [name for name in nlp.pipe_names if name != "ner"]

    def update(answers: list[Task]) -> dict[str, float]:
        examples = answers_to_examples(nlp, answers, labels=labels, fill=fill, predict=predict,
                                       conversion=conversion, decode=decode)
        if not examples:
            return {}
        losses: dict[str, float] = {}
        nlp.update(examples, sgd=optimizer, drop=drop, losses=losses, exclude=frozen)
        return {name: float(loss) for name, loss in losses.items()}
    return update


def answers_to_examples(nlp: Language, answers: list[Task], *, labels: list[str], fill: str,
                        predict: Predict | None, conversion: str | None = None,
                        decode: Decode | None = None) -> list[Example]:
    """Answers as spaCy Examples for `nlp.update` (the conversion data-to-spacy makes)."""
    docs = answers_to_docs(nlp, answers, labels=labels, fill=fill, predict=predict,
                           stats=ConversionStats(), conversion=conversion, decode=decode)
    return [Example(x, y) for x, y in zip(same_tokens(nlp, docs), docs)]
