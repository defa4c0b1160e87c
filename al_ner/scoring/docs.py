"""Tasks to Docs and back for the scorers: token offsets, span dicts and scored task copies
(the Doc itself comes from stream.docs.task_doc, the one builder)."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from ..constants import END, LABEL, META, SCORE, SPANS, START, TEXT, TOKEN_END, TOKEN_START, TOKENS
from ..errors import InvalidTaskError
from ..stream.docs import doc_tokens, task_doc
from ..stream.hashing import set_hash
from ..types import Task

__all__ = ["doc_tokens", "scored_copy", "span_dict", "task_doc", "task_text", "token_offsets"]

Offsets = list[tuple[int, int]]


def task_text(task: Task) -> str:
    """The task's text, or an InvalidTaskError naming the task."""
    text = task.get(TEXT)
    if not isinstance(text, str):
        raise InvalidTaskError(f"task has no '{TEXT}' string (keys: {', '.join(sorted(task))}); "
                               "every task needs a text to score")
    return text


def token_offsets(task: Task, doc: Doc) -> Offsets:
    """Character (start, end) of each token: the task's own offsets when it has tokens."""
    tokens = task.get(TOKENS)
    if tokens:
        return [(int(token[START]), int(token[END])) for token in tokens]
    return [(token.idx, token.idx + len(token.text)) for token in doc]


def span_dict(text: str, offsets: Offsets, start: int, end: int, label: str) -> dict[str, Any]:
    """A Prodigy span for tokens [start, end) (token_end is inclusive, as in Prodigy)."""
    char_start, char_end = offsets[start][0], offsets[end - 1][1]
    return {START: char_start, END: char_end, TOKEN_START: start, TOKEN_END: end - 1,
            LABEL: label, TEXT: text[char_start:char_end]}


def scored_copy(task: Task, score: float, *, spans: list[dict[str, Any]] | None = None,
                tokens: list[dict[str, Any]] | None = None) -> Task:
    """A rehashed copy of `task` with meta.score, and new spans/tokens when given."""
    changes: dict[str, Any] = {META: {**task.get(META, {}), SCORE: score}}
    if spans is not None:
        changes[SPANS] = spans
    if tokens is not None and not task.get(TOKENS):
        changes[TOKENS] = tokens
    return set_hash({**task, **changes}, overwrite=True)
