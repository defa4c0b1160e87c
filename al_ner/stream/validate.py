"""The one home of task, token and span checks: loaders, add_tokens, the controller, db-in,
the web app, the gold annotator and training all use these rules and raise InvalidTaskError.

Callers map the error to their own surface: a 422 in the web app, one CLI line elsewhere.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Sequence
from typing import Any, TypeGuard

from ..constants import (ANSWER, ANSWERS, END, ID, LABEL, META, SPANS, START, TEXT, TOKEN_END,
                         TOKEN_START, TOKENS, VIEW_ID, VIEW_NER, VIEW_NER_MANUAL)
from ..errors import InvalidTaskError

Bounds = tuple[dict[int, int], dict[int, int]]
VIEW_REVIEW = "review"  # Prodigy's review recipe: the reviewed answer, its interface in "view_id"
TEXTCAT_VIEWS = ("classification", "choice", "textcat")
TEXTCAT_KEYS = ("options", "accept")


def validate_task(task: Any, *, where: str = "") -> None:
    """Raise InvalidTaskError unless `task` is a dict with a non-empty string `text`.

    where: prefix naming the record in the message, e.g. "data.jsonl:12".
    """
    problem = task_problem(task)
    if problem is not None:
        raise InvalidTaskError(_at(where, problem))


def task_problem(task: Any) -> str | None:
    """What is wrong with `task` in one line (with the fix), or None when it is valid."""
    if not isinstance(task, dict):
        return f"expected a task object, got {type(task).__name__} {_short(task)}; write one object with a 'text' key"
    if TEXT not in task:
        keys = ", ".join(map(str, task)) or "none"
        return f"task has no '{TEXT}' field (keys: {keys}); add the text to annotate under '{TEXT}'"
    text = task[TEXT]
    if not isinstance(text, str):
        return f"'{TEXT}' must be a string, got {type(text).__name__} {_short(text)}"
    if not text:
        return f"'{TEXT}' is empty ({text!r}); remove the record or give it some text"
    if not text.strip():
        return (f"'{TEXT}' is blank (only whitespace: {_short(text)}); remove the record or give "
                "it some text")
    for key, kind in ((SPANS, list), (TOKENS, list), (META, dict)):
        if key in task and not isinstance(task[key], kind):
            return f"'{key}' must be a {kind.__name__}, got {type(task[key]).__name__} {_short(task[key])}"
    if TOKENS in task and (problem := tokens_problem(task[TOKENS], text)) is not None:
        return problem
    return json_problem(task)


# ------------------------------------------------------------------------------- JSON


def json_problem(value: Any) -> str | None:
    """What keeps `value` from being saved as JSON text in UTF-8 (I-JSON, RFC 7493), naming the
    field: a NaN or infinite number, or a lone surrogate in a string (a key or a value). None
    when there is nothing."""
    try:  # the quick check in C; the walk below only finds the field
        json.dumps(value, ensure_ascii=False, allow_nan=False, default=_any).encode("utf-8")
        return None
    except (ValueError, RecursionError):
        return _json_walk(value)


def _any(value: Any) -> None:
    return None  # a type JSON doesn't know (a numpy number): the writer's business, not ours


def _json_walk(value: Any) -> str | None:
    """json_problem's field finder; without recursion, so a deeply nested value can't overflow."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                if isinstance(key, str) and (found := _SURROGATE.search(key)):
                    return f"a key of {_field(path)} {_lone_surrogate(found)}; send the key as UTF-8 text"
                stack.append((f"{path}.{key}" if path else str(key), child))
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{path}[{i}]", child) for i, child in reversed(list(enumerate(item))))
        elif isinstance(item, float) and not math.isfinite(item):
            name = "NaN" if math.isnan(item) else "Infinity" if item > 0 else "-Infinity"
            return f"{_field(path)} is {name}, not a JSON number; use a number or null"
        elif isinstance(item, str) and (found := _SURROGATE.search(item)):
            return f"{_field(path)} {_lone_surrogate(found)}; fix the text's encoding (UTF-8)"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _field(path: str) -> str:
    return f"'{path}'" if path else "the value"


def _lone_surrogate(found: re.Match[str]) -> str:
    return (f"holds a lone surrogate ({found.group().encode('unicode_escape').decode()} at "
            f"character {found.start()}), which UTF-8 can't encode")


# ----------------------------------------------------------------------------- tokens


def tokens_problem(tokens: Sequence[Any], text: str) -> str | None:
    """What is wrong with a task's `tokens`, or None: each {text, start, end, id} in the text,
    `id` its position (span token offsets are positions)."""
    for i, token in enumerate(tokens):
        problem = _token_problem(i, token, len(text))
        if problem is not None:
            return problem
    return None


def _token_problem(i: int, token: Any, length: int) -> str | None:
    if not (isinstance(token, dict) and is_int(token.get(START)) and is_int(token.get(END))):
        return (f"token {i} ({_short(token)}) needs integer 'start' and 'end'; fix the tokens or "
                "remove them to retokenize")
    if not 0 <= token[START] <= token[END] <= length:
        return (f"token {i} (start={token[START]}, end={token[END]}) is outside the text (length "
                f"{length}); fix the tokens or remove them to retokenize")
    if not isinstance(token.get(TEXT), str):
        return f"token {i} has no 'text' string; fix the tokens or remove them to retokenize"
    if token.get(ID) != i or not is_int(token.get(ID)):
        return (f"token {i} has id={token.get(ID)!r}; give each token its position as 'id' "
                "(0, 1, 2, ...) or remove the tokens to retokenize")
    return None


def check_tokens(tokens: Sequence[Any], text: str, *, where: str = "") -> None:
    """Raise InvalidTaskError unless `tokens` are valid tokens of `text` (see tokens_problem)."""
    problem = tokens_problem(tokens, text)
    if problem is not None:
        raise InvalidTaskError(_at(where, problem))


def token_bounds(tokens: Sequence[dict[str, Any]]) -> Bounds:
    """Token position by start offset, and by end offset (of valid tokens)."""
    return ({t[START]: i for i, t in enumerate(tokens)}, {t[END]: i for i, t in enumerate(tokens)})


# ------------------------------------------------------------------------------ spans


def check_spans(spans: Any, text: str, *, tokens: Sequence[dict[str, Any]] | None = None,
                labels: Collection[str] | None = None, overlap: bool = True,
                where: str = "") -> list[dict[str, Any]]:
    """Checked copies of `spans` over `text`; InvalidTaskError names the first bad one.

    Every span needs integer (not boolean) character offsets with 0 <= start < end <= len(text)
    (a span with only token_start/token_end gets them from `tokens`), a non-empty string label
    (one of `labels` when given) and, if it has one, a valid answer. With `tokens`, a span must
    start and end on token boundaries and gets token_start/token_end (inclusive) from them.
    overlap=False refuses spans that share a character (a manual answer).
    """
    if not isinstance(spans, list):
        raise InvalidTaskError(_at(where, "'spans' must be a list of {start, end, label} objects"))
    bounds = token_bounds(tokens) if tokens else None
    checked = [check_span(i, span, text, tokens=tokens, bounds=bounds, labels=labels, where=where)
               for i, span in enumerate(spans)]
    if not overlap:
        _check_no_overlap(checked, where)
    return checked


def check_span(i: int, span: Any, text: str, *, tokens: Sequence[dict[str, Any]] | None = None,
               bounds: Bounds | None = None, labels: Collection[str] | None = None,
               where: str = "") -> dict[str, Any]:
    """A checked copy of span `i` (see check_spans)."""
    span = span_with_offsets(i, span, tokens, where)
    desc = _at(where, f"span {i} (start={span[START]}, end={span[END]})")
    start, end = span[START], span[END]
    if start >= end:
        raise InvalidTaskError(f"{desc} is empty or reversed (start >= end); fix the offsets")
    if start < 0 or end > len(text):
        raise InvalidTaskError(f"{desc} is outside the text (length {len(text)}); fix the offsets")
    _check_label(i, span, labels, where)
    if ANSWER in span and span[ANSWER] not in ANSWERS:
        raise InvalidTaskError(_at(where, f"span {i} has answer {span[ANSWER]!r}; use one of "
                                          f"{', '.join(ANSWERS)}"))
    if tokens:
        _set_token_offsets(span, text, bounds or token_bounds(tokens), desc)
    return span


def span_with_offsets(i: int, span: Any, tokens: Sequence[dict[str, Any]] | None,
                  where: str) -> dict[str, Any]:
    """A copy of `span` with character offsets (from its token indices if it has none)."""
    if not isinstance(span, dict):
        raise InvalidTaskError(_at(where, f"span {i} must be an object, got {_short(span)}; "
                                          "send {start, end, label}"))
    if START in span or END in span:
        if not (is_int(span.get(START)) and is_int(span.get(END))):
            raise InvalidTaskError(_at(where, f"span {i} (start={span.get(START)!r}, end="
                                              f"{span.get(END)!r}) needs integer character "
                                              "offsets; fix 'start' and 'end'"))
        return dict(span)
    ts, te = span.get(TOKEN_START), span.get(TOKEN_END)
    if not (tokens and is_int(ts) and is_int(te)):
        raise InvalidTaskError(_at(where, f"span {i} has no 'start'/'end' offsets (nor token_start/"
                                          "token_end with tokens); give the span character offsets"))
    if not 0 <= ts <= te < len(tokens):
        raise InvalidTaskError(_at(where, f"span {i} (token_start={ts}, token_end={te}) is outside "
                                          f"the {len(tokens)} tokens; fix the token indices"))
    return {**span, START: tokens[ts][START], END: tokens[te][END]}


def _check_label(i: int, span: dict[str, Any], labels: Collection[str] | None, where: str) -> None:
    label = span.get(LABEL)
    if not isinstance(label, str) or not label.strip():
        raise InvalidTaskError(_at(where, f"span {i} has no label ({LABEL}={label!r}); give every "
                                          "span a label as a string"))
    if labels and label not in labels:
        raise InvalidTaskError(_at(where, f"span {i} has label {label!r}; choose one of: "
                                          f"{', '.join(labels)}"))


def _set_token_offsets(span: dict[str, Any], text: str, bounds: Bounds, desc: str) -> None:
    token_start, token_end = bounds[0].get(span[START]), bounds[1].get(span[END])
    for edge, found in (("start", token_start), ("end", token_end)):
        if found is None:
            raise InvalidTaskError(f"{desc} does not {edge} on a token boundary "
                                   f"({text[span[START]:span[END]]!r}); fix the offsets or the "
                                   "tokenization")
    span[TOKEN_START], span[TOKEN_END] = token_start, token_end


def _check_no_overlap(spans: list[dict[str, Any]], where: str) -> None:
    ordered = sorted(range(len(spans)), key=lambda k: (spans[k][START], spans[k][END]))
    for a, b in zip(ordered, ordered[1:]):
        if spans[b][START] < spans[a][END]:
            raise InvalidTaskError(_at(where, f"spans {a} ({spans[a][START]}-{spans[a][END]}) and "
                                              f"{b} ({spans[b][START]}-{spans[b][END]}) overlap; "
                                              "a token belongs to one entity at most"))


def offsets_problem(span: Any, length: int) -> str | None:
    """Why `span` has no usable character offsets in a text of `length`, or None."""
    if not isinstance(span, dict):
        return "span_not_an_object"
    start, end = span.get(START), span.get(END)
    if not (is_int(start) and is_int(end)):
        return "span_without_offsets"
    if not 0 <= start < end <= length:
        return "span_out_of_range"
    return None


def is_int(value: Any) -> TypeGuard[int]:
    """An int that isn't a bool (JSON true must never pass as offset 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def answer_view(task: Any) -> str | None:
    """The interface a task was answered in: its `_view_id`, or for Prodigy's `review` output the
    interface of the reviewed answer (its "view_id", else its versions', else from its spans)."""
    if not isinstance(task, dict):
        return None
    view = task.get(VIEW_ID)
    if view != VIEW_REVIEW:
        return view
    inner = task.get("view_id")
    if isinstance(inner, str) and inner != VIEW_REVIEW:
        return inner
    versions = task.get("versions")
    found = {v.get(VIEW_ID) for v in versions if isinstance(v, dict)} if isinstance(versions, list) else set()
    found -= {None, VIEW_REVIEW}
    if len(found) == 1:
        return str(found.pop())
    return VIEW_NER if _one_labelled_span(task) else VIEW_NER_MANUAL


def _one_labelled_span(task: dict) -> bool:
    spans = task.get(SPANS) or []
    return len(spans) == 1 and LABEL in task


def textcat_problem(task: Any) -> str | None:
    """One line saying that `task` is a text-classification answer (not NER), or None.

    Text classification: a classification/choice view, or `options`/`accept` keys, or a
    top-level `label` with no spans. An NER answer without entities has `spans: []` and no label.
    """
    if not isinstance(task, dict):
        return None
    view, spans = answer_view(task), task.get(SPANS)
    keys = [key for key in TEXTCAT_KEYS if key in task]
    if view not in TEXTCAT_VIEWS and (spans or not (keys or isinstance(task.get(LABEL), str))):
        return None
    what = (f"label {task[LABEL]!r}" if isinstance(task.get(LABEL), str) else
            " and ".join(f"'{key}'" for key in keys) or f"view {view!r}")
    return (f"this is a text-classification answer ({what}, no spans), not NER; al-ner trains "
            "NER from spans: import NER datasets only, or drop these lines")


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
