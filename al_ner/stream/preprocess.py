"""Stream steps that reshape tasks with a spaCy pipeline: sentence splitting and tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from ..constants import (END, INPUT_HASH, META, SPANS, START, TASK_HASH, TEXT, TOKEN_END,
                         TOKEN_START, TOKENS)
from ..errors import ConfigError, InputError, InvalidTaskError
from ..types import Stream, Task
from .docs import char_tokens, doc_tokens
from .validate import check_spans, check_tokens, span_with_offsets, validate_task

_SENT_PIPES = ("parser", "senter", "sentencizer")
_SENT_DEPENDENCIES = ("tok2vec", "transformer")


# ------------------------------------------------------------------------ split_sentences


def split_sentences(nlp: Language, stream: Iterable[Task], *, batch_size: int = 32,
                    min_length: int | None = None,
                    on_split: Callable[[], None] | None = None) -> Stream:
    """One task per sentence, found by the pipeline's parser/senter (or a sentencizer).

    Spans are re-based into their sentence and dropped where they cross a boundary; meta
    and other keys are kept; tokens, token indices and hashes are dropped (the input changed).
    min_length: texts shorter than this many characters are passed through unsplit.
    on_split: called once a task's sentences have all been yielded (the pipeline reads
        `batch_size` tasks ahead, so counting the tasks read would run ahead of the sentences).
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
    return _split_sentences(nlp, stream, batch_size, min_length or 0, on_split or (lambda: None))


def _split_sentences(nlp: Language, stream: Iterable[Task], batch_size: int,
                     min_length: int, on_split: Callable[[], None]) -> Stream:
    for doc, (n, task) in _sentence_docs(nlp, stream, batch_size):
        if len(task[TEXT]) < min_length:
            yield task
            on_split()
            continue
        spans = [_char_span(span, i, task, f"task {n}") for i, span in enumerate(task.get(SPANS, []))]
        for sent in doc.sents:
            text = sent.text.strip()
            if text:
                start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
                yield _sentence_task(task, text, start, spans)
        on_split()


def _sentence_docs(nlp: Language, stream: Iterable[Task],
                   batch_size: int) -> Iterator[tuple[Doc, tuple[int, Task]]]:
    """(doc with sentence boundaries, (position, task)) pairs, a batch at a time."""
    pairs = ((task[TEXT], (n, task)) for n, task in _validated(stream))
    if any(name in nlp.pipe_names for name in _SENT_PIPES):
        keep = {*_SENT_PIPES, *_SENT_DEPENDENCIES}
        disable = [name for name in nlp.pipe_names if name not in keep]
        yield from nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, disable=disable)
    else:  # a blank pipeline: rule-based boundaries, without changing the caller's nlp
        sentencizer = Sentencizer()
        for text, context in pairs:
            yield sentencizer(nlp.make_doc(text)), context


def _validated(stream: Iterable[Task]) -> Iterator[tuple[int, Task]]:
    for n, task in enumerate(stream, 1):
        validate_task(task, where=f"task {n}")
        yield n, task


def _char_span(span: Any, i: int, task: Task, where: str) -> dict[str, Any]:
    """A copy of `span` with character offsets (from its token indices if it has none)."""
    tokens = task.get(TOKENS)
    if isinstance(tokens, list):
        check_tokens(tokens, task[TEXT], where=where)
    return span_with_offsets(i, span, tokens, where)


def _sentence_task(task: Task, text: str, offset: int, spans: list[dict[str, Any]]) -> Task:
    dropped = {TEXT, TOKENS, SPANS, INPUT_HASH, TASK_HASH}
    sentence = {TEXT: text, **{key: value for key, value in task.items() if key not in dropped}}
    if META in task:
        sentence[META] = dict(task[META])
    if SPANS in task:
        sentence[SPANS] = [_rebased(span, offset) for span in spans
                           if offset <= span[START] and span[END] <= offset + len(text)]
    return sentence


def _rebased(span: dict[str, Any], offset: int) -> dict[str, Any]:
    moved = {key: value for key, value in span.items() if key not in (TOKEN_START, TOKEN_END)}
    moved[START] = span[START] - offset
    moved[END] = span[END] - offset
    return moved


# ------------------------------------------------------------------------------ add_tokens


def add_tokens(nlp: Language, stream: Iterable[Task], *,
               on_invalid: Callable[[InputError], None] | None = None,
               use_chars: bool = False) -> Stream:
    """Add `tokens` (unless present) and each span's token_start/token_end.

    Spans must lie on token boundaries and have a label; a span with only token indices
    gets its character offsets. A bad task raises InvalidTaskError, or is passed to
    `on_invalid` and skipped. use_chars: every non-space character is a token (spans may then
    start and end anywhere), replacing any tokens the task had (Prodigy's highlight_chars).
    """
    for n, task in enumerate(stream, 1):
        try:
            tokenized = _tokenized(nlp, task, f"task {n}", use_chars)
        except InvalidTaskError as err:
            if on_invalid is None:
                raise
            on_invalid(err)
            continue
        yield tokenized


def _tokenized(nlp: Language, task: Task, where: str, use_chars: bool = False) -> Task:
    validate_task(task, where=where)
    new = dict(task)
    if use_chars:
        new[TOKENS] = char_tokens(task[TEXT])
    elif TOKENS not in task:
        new[TOKENS] = doc_tokens(nlp.make_doc(task[TEXT]))
    if SPANS in task:
        new[SPANS] = check_spans(task[SPANS], task[TEXT], tokens=new[TOKENS], where=where)
    return new
