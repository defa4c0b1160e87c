"""Helpers of Prodigy's built-in NER recipes that recipes written for Prodigy import
(`from prodigy.recipes.ner import remove_tokens`)."""

from __future__ import annotations

from al_ner.constants import SPANS, TOKEN_END, TOKEN_START, TOKENS
from al_ner.types import Task


def remove_tokens(answers: list[Task]) -> list[Task]:
    """The answers without tokens and token indices (a `before_db` for character-level
    highlighting, whose one-character tokens are no use later)."""
    out = []
    for answer in answers:
        answer = {key: value for key, value in answer.items() if key != TOKENS}
        if SPANS in answer:
            answer[SPANS] = [{k: v for k, v in span.items() if k not in (TOKEN_START, TOKEN_END)}
                             for span in answer[SPANS]]
        out.append(answer)
    return out
