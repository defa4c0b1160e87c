"""Prodigy's preprocessors (`prodigy.components.preprocess`): add_tokens and split_sentences,
with Prodigy's options, as al-ner's stream steps (lazy, copies, one-line errors)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from spacy.language import Language

from ..constants import TEXT, TOKENS
from ..errors import ConfigError, InputError
from ..stream import add_tokens as _add_tokens
from ..stream import split_sentences as _split_sentences
from ..types import Stream, Task

__all__ = ["add_tokens", "split_sentences"]
LOGGER = logging.getLogger("al_ner.recipe")


def add_tokens(nlp: Language, stream: Iterable[Task], skip: bool = False, overwrite: bool = False,
               use_chars: bool = False, batch_size: int = 64) -> Stream:
    """Add "tokens" and the spans' token indices. skip: leave out (and log) a task whose spans
    don't fit its tokens instead of stopping; overwrite: tokenize even tasks that have tokens;
    use_chars: one token per character (highlighting characters in ner_manual)."""
    if overwrite:
        stream = ({key: value for key, value in task.items() if key != TOKENS} for task in stream)
    return _add_tokens(nlp, stream, use_chars=use_chars, on_invalid=_skipped if skip else None)


def split_sentences(nlp: Language, stream: Iterable[Task], text_key: str = TEXT,
                    batch_size: int = 32, min_length: int = -1) -> Stream:
    """One task per sentence (spans re-based, crossing ones dropped); texts shorter than
    `min_length` characters stay whole (-1: split every text)."""
    if text_key != TEXT:
        raise ConfigError(f"split_sentences(text_key={text_key!r}): al-ner's tasks keep their text "
                          f"under '{TEXT}'; copy it there first")
    return _split_sentences(nlp, stream, batch_size=batch_size,
                            min_length=min_length if min_length > 0 else None)


def _skipped(err: InputError) -> None:
    LOGGER.warning("add_tokens skipped a task: %s", err)
