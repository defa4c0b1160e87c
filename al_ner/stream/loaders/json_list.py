"""JSON: one file holding a list of task objects (read whole, then yielded)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...types import Stream, Task
from .plugins import loader
from .reading import (OnInvalid, Record, binary_source, check_source, check_task, parsed, source_name,
                      tasks_or_errors)


def json_records(source: str | Path) -> Iterator[Record]:
    """The objects of a JSON file's list (checked to exist now, read at the first record)."""
    check_source(source)
    return _json_records(source)


def _json_records(source: str | Path) -> Iterator[Record]:
    path = source_name(source)
    for i, task in enumerate(_read_json_list(source, path)):
        yield partial(check_task, task, path, None, f"task {i}: ")


@loader("al_ner.json.v1", alias="json", extensions=(".json",), records=json_records, help="a list of tasks")
def read_json(source: str | Path, *, on_invalid: OnInvalid | None = None) -> Stream:
    """The tasks of a JSON file holding one list of task objects (read whole, then yielded)."""
    return tasks_or_errors(parsed(json_records(source)), on_invalid)


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
