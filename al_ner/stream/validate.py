"""Schema checks every loader runs on every record."""

from __future__ import annotations

from typing import Any

from ..constants import LABEL, META, SPANS, TEXT, TOKENS, VIEW_ID, VIEW_NER, VIEW_NER_MANUAL
from ..errors import InvalidTaskError

VIEW_REVIEW = "review"  # Prodigy's review recipe: the reviewed answer, its interface in "view_id"
TEXTCAT_VIEWS = ("classification", "choice", "textcat")
TEXTCAT_KEYS = ("options", "accept")


def validate_task(task: Any, *, where: str = "") -> None:
    """Raise InvalidTaskError unless `task` is a dict with a non-empty string `text`.

    where: prefix naming the record in the message, e.g. "data.jsonl:12".
    """
    problem = task_problem(task)
    if problem is not None:
        raise InvalidTaskError(f"{where}: {problem}" if where else problem)


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
    return None


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
