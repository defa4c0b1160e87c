"""Tasks to spaCy Docs and back: the one builder that scoring, training, patterns and
pre-highlighting all use, so a task's tokens make the same Doc on every path.

A task with `tokens` becomes a Doc over exactly those tokens (span token offsets stay valid);
each token is followed by a space when its `ws` says so, or, without `ws`, when any character
separates it from the next token (or, for the last one, from the end of the text). A newline
between "Acme" and "hired" therefore gives "Acme hired", never "Acmehired", and a one-character
gap keeps the character offsets of the text. A task without tokens is tokenized by the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..constants import END, ID, START, TEXT, TOKENS, WS
from ..errors import InvalidTaskError
from ..types import Task


def task_doc(nlp: Language, task: Task) -> Doc:
    """A Doc of the task: over its `tokens` when present (so offsets align), else tokenized."""
    text = task.get(TEXT)
    if not isinstance(text, str):
        raise InvalidTaskError(f"task has no '{TEXT}' string (keys: {', '.join(sorted(task))}); "
                               "every task needs a text")
    tokens = task.get(TOKENS)
    if not tokens:
        return nlp.make_doc(text)
    try:
        words = [str(token[TEXT]) for token in tokens]
        spaces = token_spaces(tokens, len(text))
    except (KeyError, TypeError, ValueError) as err:
        raise InvalidTaskError(f"task tokens need '{TEXT}', '{START}' and '{END}' (missing {err}) "
                               f"in task with text {text[:40]!r}; rebuild them with add_tokens"
                               ) from None
    return Doc(nlp.vocab, words=words, spaces=spaces)


def token_spaces(tokens: Sequence[dict[str, Any]], text_length: int) -> list[bool]:
    """Whether each token is followed by a space: its `ws`, else whether a gap follows it."""
    spaces = []
    for i, token in enumerate(tokens):
        if WS in token:
            spaces.append(bool(token[WS]))
            continue
        following = int(tokens[i + 1][START]) if i + 1 < len(tokens) else text_length
        spaces.append(following > int(token[END]))
    return spaces


def char_tokens(text: str) -> list[dict[str, Any]]:
    """Prodigy token dicts with one token per non-space character of `text` (highlighting
    characters in the manual view)."""
    starts = [i for i, char in enumerate(text) if not char.isspace()]
    return [{TEXT: text[i], START: i, END: i + 1, ID: n, WS: text[i + 1:i + 2].isspace()}
            for n, i in enumerate(starts)]


def doc_tokens(doc: Doc) -> list[dict[str, Any]]:
    """Prodigy token dicts (text, start, end, id, ws) of a Doc."""
    return [{TEXT: t.text, START: t.idx, END: t.idx + len(t), ID: t.i, WS: bool(t.whitespace_)}
            for t in doc]
