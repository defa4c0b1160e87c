"""IOB tags <-> spans, and token lists -> tasks: the one home of IOB (the CoNLL and datasets loaders,
the experiment's gold corpora). Token spans here end inclusive, as a task's token_end does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..constants import END, ID, LABEL, META, SPANS, START, TEXT, TOKEN_END, TOKEN_START, TOKENS, WS
from ..errors import ConfigError
from ..types import Task

SCHEMES = ("iob1", "iob2")
TokenSpan = tuple[int, int, str]  # token_start, token_end (inclusive), label


def check_scheme(scheme: str | None) -> str | None:
    """Normalise a scheme argument: "iob1", "iob2", or None (= auto: read either)."""
    if scheme is None or scheme.lower() == "auto":
        return None
    if scheme.lower() not in SCHEMES:
        raise ConfigError(f"unknown tag scheme '{scheme}'; choose one of: auto, {', '.join(SCHEMES)}")
    return scheme.lower()


def check_iob(tags: Sequence[str], scheme: str | None = None) -> tuple[int, str] | None:
    """The index and description of the first tag that breaks `scheme`, or None.

    With scheme None (auto) only the tag shape is checked: the decoder reads IOB1 and IOB2
    alike, since an entity starting with I- (IOB1) and one starting with B- (IOB2) mean the
    same thing. Naming a scheme makes the check strict.
    """
    prev = "O"
    for i, tag in enumerate(tags):
        if tag != "O" and (len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI"):
            return i, f"tag '{tag}' is not IOB; use O, B-TYPE or I-TYPE"
        continues = tag != "O" and prev != "O" and prev[2:] == tag[2:]
        if scheme == "iob2" and tag[0] == "I" and not continues:
            return i, (f"tag '{tag}' after '{prev}' starts an entity with I-, which IOB2 doesn't allow; "
                       "fix the tag, or read the file with scheme 'iob1' or 'auto'")
        if scheme == "iob1" and tag[0] == "B" and not continues:
            return i, (f"tag '{tag}' after '{prev}': IOB1 uses B- only right after an entity of the "
                       "same type; read the file with scheme 'iob2' or 'auto'")
        prev = tag
    return None


def iob_to_spans(tags: Sequence[str]) -> list[TokenSpan]:
    """Entity spans (token_start, token_end inclusive, label) of IOB1 or IOB2 tags.

    An entity starts at B-X, or at I-X not continuing an X entity; it ends before O, B-, or
    a change of type. Call check_iob first: tags of any other shape count as O.
    """
    spans: list[TokenSpan] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        kind, type_ = (tag[0], tag[2:]) if tag[1:2] == "-" else ("O", "")
        if start >= 0 and (kind != "I" or type_ != label):
            spans.append((start, i - 1, label))
            start = -1
        if kind == "B" or (kind == "I" and start < 0):
            start, label = i, type_
    return spans


def spans_to_iob(n_tokens: int, spans: Sequence[TokenSpan]) -> list[str]:
    """IOB2 tags for `n_tokens` tokens from (token_start, token_end inclusive, label) spans."""
    tags = ["O"] * n_tokens
    for start, end, label in spans:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end + 1):
            tags[i] = f"I-{label}"
    return tags


def to_iob2(tags: Sequence[str]) -> list[str]:
    """IOB1 or IOB2 tags as IOB2 (every entity starts with B-); tags of another shape become O."""
    return spans_to_iob(len(tags), iob_to_spans(tags))


def task_token_spans(task: Task) -> list[TokenSpan]:
    """A task's spans as (token_start, token_end inclusive, label), in order."""
    return [(span[TOKEN_START], span[TOKEN_END], span[LABEL]) for span in task.get(SPANS) or []]


def word_tokens(words: Sequence[str]) -> list[dict[str, Any]]:
    """Tokens of `words` joined by single spaces: text, character offsets, id, trailing space."""
    tokens, offset = [], 0
    for i, word in enumerate(words):
        tokens.append({TEXT: word, START: offset, END: offset + len(word), ID: i, WS: i < len(words) - 1})
        offset += len(word) + 1
    return tokens


def words_to_task(words: Sequence[str], spans: Sequence[TokenSpan], meta: dict[str, Any]) -> Task:
    """A task whose text is `words` joined by single spaces, with tokens and char-offset spans."""
    tokens = word_tokens(words)
    task_spans = [{START: tokens[s][START], END: tokens[e][END], TOKEN_START: s, TOKEN_END: e,
                   LABEL: label} for s, e, label in spans]
    return {TEXT: " ".join(words), TOKENS: tokens, SPANS: task_spans, META: meta}
