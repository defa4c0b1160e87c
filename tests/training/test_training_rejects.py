"""A rejected span must not teach the NER to extend it (docs/teach.md, the second cause).

spaCy's NER oracle charges nothing for continuing an entity over a token whose gold is missing
(`In.cost`), while closing the entity there costs the rejection (`Last.cost` with the
incorrect spans). Left missing, the tokens of a rejected span make "go on" the only free move
at its last token, and the model learns longer spans from every "no".
"""

from __future__ import annotations

import pytest
from spacy.training import Example
from spacy.util import fix_random_seed

from al_ner.models import load_model
from al_ner.training import make_update
from al_ner.training.callbacks import set_incorrect_spans_key
from al_ner.training.convert import set_annotation

pytestmark = pytest.mark.model
TEXTS = ["Shares of Acme Corp rose after the Reuters report on Tuesday .",
         "The Acme Corp board met in Paris on Monday ."]


def model_orgs(nlp, text: str) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in nlp.get_pipe("ner")(nlp.make_doc(text)).ents if e.label_ == "ORG"]


def rejected_first_orgs(nlp) -> list[tuple[str, int, int]]:
    found = [(text, *model_orgs(nlp, text)[0]) for text in TEXTS if model_orgs(nlp, text)]
    assert len(found) == len(TEXTS)  # en_core_web_sm proposes an ORG in each
    return found


def extended(nlp, rejected: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """The model's ORG spans that now contain a rejected span and are longer."""
    return [span for text, start, end in rejected for span in model_orgs(nlp, text)
            if span[0] <= start and span[1] >= end and span != (start, end)]


def test_spacys_oracle_extends_a_rejected_span_whose_tokens_are_missing() -> None:
    fix_random_seed(0)
    nlp = load_model("en_core_web_sm")
    set_incorrect_spans_key(nlp)
    rejected = rejected_first_orgs(nlp)
    examples = []
    for text, start, end in rejected:
        gold = nlp.make_doc(text)
        outside = [i for i in range(len(gold)) if not start <= i < end]  # the span's tokens: missing
        set_annotation(gold, [], outside, [(start, end, "ORG")])
        examples.append(Example(nlp.make_doc(text), gold))
    with nlp.select_pipes(enable=["ner"]):
        optimizer = nlp.resume_training()
    for _ in range(10):
        nlp.update(examples, sgd=optimizer, drop=0.0, exclude=[n for n in nlp.pipe_names if n != "ner"])
    assert extended(nlp, rejected)  # "no" taught "longer"


def test_rejecting_the_models_own_span_in_the_loop_does_not_extend_it() -> None:
    fix_random_seed(0)
    nlp = load_model("en_core_web_sm")
    rejected = rejected_first_orgs(nlp)
    answers = [answer(nlp, text, start, end) for text, start, end in rejected]
    update = make_update(nlp, ["ORG"], drop=0.0)  # fill="model", the default
    for _ in range(10):
        update(answers)
    assert not extended(nlp, rejected)
    assert all((start, end) not in model_orgs(nlp, text) for text, start, end in rejected)


def answer(nlp, text: str, start: int, end: int) -> dict:
    doc = nlp.make_doc(text)
    tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i, "ws": bool(t.whitespace_)}
              for t in doc]
    span = {"start": doc[start].idx, "end": doc[end - 1].idx + len(doc[end - 1]), "token_start": start,
            "token_end": end - 1, "label": "ORG"}
    return {"text": text, "tokens": tokens, "spans": [span], "answer": "reject", "_view_id": "ner"}
