"""Stream steps that reshape tasks with a spaCy pipeline: sentence splitting and tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeGuard

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from ..constants import (END, ID, INPUT_HASH, LABEL, META, SPANS, START, TASK_HASH, TEXT, TOKEN_END,
                         TOKEN_START, TOKENS, WS)
from ..errors import ConfigError, InputError, InvalidTaskError
from ..types import Stream, Task
from .validate import validate_task

_SENT_PIPES = ("parser", "senter", "sentencizer")
_SENT_DEPENDENCIES = ("tok2vec", "transformer")


# ------------------------------------------------------------------------ split_sentences


def split_sentences(nlp: Language, stream: Iterable[Task], *, batch_size: int = 32,
                    min_length: int | None = None) -> Stream:
    """One task per sentence, found by the pipeline's parser/senter (or a sentencizer).

    Spans are re-based into their sentence and dropped where they cross a boundary; meta
    and other keys are kept; tokens, token indices and hashes are dropped (the input changed).
    min_length: texts shorter than this many characters are passed through unsplit.
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
    return _split_sentences(nlp, stream, batch_size, min_length or 0)


def _split_sentences(nlp: Language, stream: Iterable[Task], batch_size: int,
                     min_length: int) -> Stream:
    for doc, (n, task) in _sentence_docs(nlp, stream, batch_size):
        if len(task[TEXT]) < min_length:
            yield task
            continue
        spans = [_char_span(span, i, task, f"task {n}") for i, span in enumerate(task.get(SPANS, []))]
        for sent in doc.sents:
            text = sent.text.strip()
            if text:
                start = sent.start_char + len(sent.text) - len(sent.text.lstrip())
                yield _sentence_task(task, text, start, spans)


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
    if not isinstance(span, dict):
        raise InvalidTaskError(f"{where}: span {i} must be an object, got {span!r}")
    if START in span or END in span:
        if not (_is_int(span.get(START)) and _is_int(span.get(END))):
            raise InvalidTaskError(f"{where}: span {i} (start={span.get(START)!r}, end="
                                   f"{span.get(END)!r}) needs integer character offsets; fix "
                                   "'start' and 'end'")
        return dict(span)
    return _from_token_indices(span, i, task.get(TOKENS), where)


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
               on_invalid: Callable[[InputError], None] | None = None) -> Stream:
    """Add `tokens` (unless present) and each span's token_start/token_end.

    Spans must lie on token boundaries and have a label; a span with only token indices
    gets its character offsets. A bad task raises InvalidTaskError, or is passed to
    `on_invalid` and skipped.
    """
    for n, task in enumerate(stream, 1):
        try:
            tokenized = _tokenized(nlp, task, f"task {n}")
        except InvalidTaskError as err:
            if on_invalid is None:
                raise
            on_invalid(err)
            continue
        yield tokenized


def _tokenized(nlp: Language, task: Task, where: str) -> Task:
    validate_task(task, where=where)
    new = dict(task)
    if TOKENS in task:
        _check_tokens(task[TOKENS], where)
    else:
        new[TOKENS] = doc_tokens(nlp.make_doc(task[TEXT]))
    if SPANS in task:
        bounds = _token_bounds(new[TOKENS])
        new[SPANS] = [_aligned(span, i, new[TOKENS], bounds, task[TEXT], where)
                      for i, span in enumerate(task[SPANS])]
    return new


def _token_bounds(tokens: list[dict[str, Any]]) -> tuple[dict[int, int], dict[int, int]]:
    """Token index by start offset, and by end offset."""
    return ({t[START]: i for i, t in enumerate(tokens)},
            {t[END]: i for i, t in enumerate(tokens)})


def doc_tokens(doc: Doc) -> list[dict[str, Any]]:
    """Prodigy token dicts (text, start, end, id, ws) of a Doc."""
    return [{TEXT: t.text, START: t.idx, END: t.idx + len(t), ID: t.i, WS: bool(t.whitespace_)}
            for t in doc]


def _check_tokens(tokens: list[Any], where: str) -> None:
    for i, token in enumerate(tokens):
        if not (isinstance(token, dict) and _is_int(token.get(START)) and _is_int(token.get(END))):
            raise InvalidTaskError(f"{where}: token {i} ({token!r}) needs integer 'start' and 'end'; "
                                   "fix the tokens or remove them to retokenize")


def _aligned(span: Any, i: int, tokens: list[dict[str, Any]],
             bounds: tuple[dict[int, int], dict[int, int]], text: str, where: str) -> dict[str, Any]:
    span = _char_span(span, i, {TOKENS: tokens}, where)
    label = span.get(LABEL)
    if not isinstance(label, str) or not label.strip():
        raise InvalidTaskError(f"{where}: span {i} has no label ({LABEL}={label!r}); give every "
                               "span a label")
    start, end = span[START], span[END]
    desc = f"{where}: span {i} (start={start}, end={end})"
    if start >= end:
        raise InvalidTaskError(f"{desc} is empty or reversed (start >= end); fix the offsets")
    if start < 0 or end > len(text):
        raise InvalidTaskError(f"{desc} is outside the text (length {len(text)}); fix the offsets")
    token_start, token_end = bounds[0].get(start), bounds[1].get(end)
    for edge, found in (("start", token_start), ("end", token_end)):
        if found is None:
            raise InvalidTaskError(f"{desc} does not {edge} on a token boundary ({text[start:end]!r}); "
                                   "fix the offsets or the tokenization")
    span[TOKEN_START], span[TOKEN_END] = token_start, token_end
    return span


def _from_token_indices(span: dict[str, Any], i: int, tokens: Any, where: str) -> dict[str, Any]:
    ts, te = span.get(TOKEN_START), span.get(TOKEN_END)
    if isinstance(tokens, list):
        _check_tokens(tokens, where)
    if not (tokens and _is_int(ts) and _is_int(te)):
        raise InvalidTaskError(f"{where}: span {i} has no 'start'/'end' offsets (nor token_start/"
                               "token_end with tokens); give the span character offsets")
    if not 0 <= ts <= te < len(tokens):
        raise InvalidTaskError(f"{where}: span {i} (token_start={ts}, token_end={te}) is outside "
                               f"the {len(tokens)} tokens; fix the token indices")
    return {**span, START: tokens[ts][START], END: tokens[te][END]}


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
