"""JSONL: one task per line (or stdin "-"), blank lines skipped; and `write_jsonl`, its pair."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import srsly

from ...errors import InputError
from ...storage import encode, json_value, replacing
from ...types import Stream, Task
from .plugins import loader
from .reading import OnInvalid, Record, check_source, check_task, check_text, line_records, parsed, tasks_or_errors


def jsonl_records(source: str | Path, *, validate: bool = True) -> Iterator[Record]:
    """The non-blank lines of a JSONL file (checked to exist now, read lazily)."""
    check_source(source)
    return line_records(source, _jsonl_task if validate else _jsonl_object)


@loader("al_ner.jsonl.v1", alias="jsonl", extensions=(".jsonl",), records=jsonl_records,
        help="one task per line")
def read_jsonl(source: str | Path, *, on_invalid: OnInvalid | None = None,
               validate: bool = True) -> Stream:
    """One task per line of a JSONL file (or stdin "-"); blank lines are skipped.

    validate=False reads any JSON objects (a patterns file, say), as Prodigy's JSONL does.
    """
    return tasks_or_errors(parsed(jsonl_records(source, validate=validate)), on_invalid)


def _jsonl_value(line: str, path: str, n: int) -> Any:
    check_text(line, path, n)
    try:
        return _json_loads(line)
    except ValueError as err:
        raise InputError(f"{err}; write one JSON object per line", path=path, line=n) from None


def _jsonl_task(line: str, path: str, n: int) -> Task:
    return check_task(_jsonl_value(line, path, n), path, n)


def _jsonl_object(line: str, path: str, n: int) -> Task:
    value = _jsonl_value(line, path, n)
    if not isinstance(value, dict):
        raise InputError(f"expected a JSON object, got {type(value).__name__}; write one JSON "
                         "object per line", path=path, line=n)
    return value


def _json_loads(text: str) -> Any:
    try:
        return srsly.json_loads(text)
    except ValueError:  # ujson's messages say little: the store's parser parses it or explains
        return json_value(text)


def write_jsonl(path: str | Path, tasks: Iterable[Task]) -> int:
    """Write `tasks` as JSONL (UTF-8, one task a line, as the dataset store writes them), all of
    them or none: each is checked as read_jsonl checks it, and the file is replaced whole only
    when every one passed. Returns how many; read_jsonl reads them back."""
    count = 0
    with replacing(path) as file:
        for count, task in enumerate(tasks, start=1):
            file.write(encode(check_task(task, str(path), None, f"task {count - 1}: ")).decode("utf-8"))
    return count
