"""JSON: one file holding a list of task objects (read whole, then yielded)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...types import Stream, Task
from .plugins import loader
from .reading import OnInvalid, binary_source, catch, check_source, check_task, source_name, tasks_or_errors


def count_tasks(source: str | Path, **options: Any) -> int:
    """The length of the file's list."""
    return len(_read_json_list(source, str(source)))


@loader("al_ner.json.v1", alias="json", extensions=(".json",), count=count_tasks,
        help="a list of tasks")
def read_json(source: str | Path, *, on_invalid: OnInvalid | None = None) -> Stream:
    """The tasks of a JSON file holding one list of task objects (read whole, then yielded)."""
    check_source(source)
    return tasks_or_errors(_parse_json(source), on_invalid)


def _parse_json(source: str | Path) -> Iterator[Task | InputError]:
    path = source_name(source)
    data = _read_json_list(source, path)
    for i, task in enumerate(data):
        yield catch(check_task, task, path, None, f"task {i}: ")


def _read_json_list(source: str | Path, path: str) -> list[Any]:
    with binary_source(source) as file:
        raw = b"".join(line if isinstance(line, bytes) else line.encode() for line in file)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(f"line is not valid UTF-8 (byte 0x{raw[err.start]:02x}); re-save the "
                         "file as UTF-8", path=path, line=line) from None
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg} at column {err.colno}); fix the file or "
                         "write JSONL", path=path, line=err.lineno) from None
    if not isinstance(data, list):
        raise InputError(f"expected a JSON list of tasks, got {type(data).__name__}; wrap the "
                         "tasks in [...] or write JSONL", path=path)
    return data
