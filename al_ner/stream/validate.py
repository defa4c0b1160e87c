"""Schema checks every loader runs on every record."""

from __future__ import annotations

from typing import Any

from ..constants import META, SPANS, TEXT, TOKENS
from ..errors import InvalidTaskError


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
    if not text.strip():
        return f"'{TEXT}' is empty ({text!r}); remove the record or give it some text"
    for key, kind in ((SPANS, list), (TOKENS, list), (META, dict)):
        if key in task and not isinstance(task[key], kind):
            return f"'{key}' must be a {kind.__name__}, got {type(task[key]).__name__} {_short(task[key])}"
    return None


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
