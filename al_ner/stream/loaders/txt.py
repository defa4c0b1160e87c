"""Plain text: one task per non-empty line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...constants import TEXT
from ...errors import InputError
from ...types import Stream, Task
from .plugins import loader
from .reading import OnInvalid, Record, check_source, check_text, line_records, parsed, tasks_or_errors


def txt_records(source: str | Path) -> Iterator[Record]:
    """The non-blank lines of a text file (checked to exist now, read lazily)."""
    check_source(source)
    return line_records(source, _txt_task)


@loader("al_ner.txt.v1", alias="txt", extensions=(".txt",), records=txt_records, help="one task per line")
def read_txt(source: str | Path, *, on_invalid: OnInvalid | None = None) -> Stream:
    """One task per non-empty line of a text file, the line stripped of outer whitespace."""
    return tasks_or_errors(parsed(txt_records(source)), on_invalid)


def _txt_task(line: str, path: str, n: int) -> Task:
    check_text(line, path, n)
    return {TEXT: line.strip()}
