"""Plain text: one task per non-empty line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...constants import TEXT
from ...errors import InputError
from ...types import Stream, Task
from .plugins import count_lines, loader
from .reading import OnInvalid, catch, check_source, check_text, numbered_lines, source_name, tasks_or_errors


@loader("al_ner.txt.v1", alias="txt", extensions=(".txt",), count=count_lines, help="one task per line")
def read_txt(source: str | Path, *, on_invalid: OnInvalid | None = None) -> Stream:
    """One task per non-empty line of a text file, the line stripped of outer whitespace."""
    check_source(source)
    return tasks_or_errors(_parse_txt(source), on_invalid)


def _parse_txt(source: str | Path) -> Iterator[Task | InputError]:
    path = source_name(source)
    for n, line in numbered_lines(source):
        if line.strip():
            yield catch(_txt_task, line, path, n)


def _txt_task(line: str, path: str, n: int) -> Task:
    check_text(line, path, n)
    return {TEXT: line.strip()}
