"""CSV: a header naming a text column (the other columns go to meta), or AG News's header-less rows."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ...constants import META, TEXT
from ...errors import InputError
from ...types import Stream, Task
from .ag_news import ag_news_task, clean_ag_news, looks_like_ag_news
from .plugins import loader
from .reading import (OnInvalid, Record, check_source, check_task, check_text, numbered_lines, parsed,
                      source_name, tasks_or_errors)


def csv_records(source: str | Path, *, text_column: str = "text", delimiter: str = ",",
                ag_news: bool | None = None, clean: bool | None = None) -> Iterator[Record]:
    """The data rows of a CSV file (checked to exist now, read lazily; see read_csv)."""
    check_source(source)
    return _csv_records(source, text_column, delimiter, ag_news, clean)


def _csv_records(source: str | Path, text_column: str, delimiter: str, ag_news: bool | None,
                 clean: bool | None) -> Iterator[Record]:
    path = source_name(source)
    rows = _csv_rows(source, path, delimiter)
    first = next(rows, None)
    if first is None:
        return
    if ag_news or (ag_news is None and looks_like_ag_news(first[1], text_column)):
        for row_no, (n, row) in enumerate(itertools.chain([first], rows), 1):
            yield partial(ag_news_task, row, row_no, path, n, clean is not False)
        return
    header = first[1]
    index = _text_index(header, text_column, path)
    for n, row in rows:
        yield partial(_csv_task, row, header, index, path, n, clean is True)


@loader("al_ner.csv.v1", alias="csv", extensions=(".csv",), records=csv_records,
        help="a text column, or AG News rows")
def read_csv(source: str | Path, *, text_column: str = "text", delimiter: str = ",",
             ag_news: bool | None = None, clean: bool | None = None,
             on_invalid: OnInvalid | None = None) -> Stream:
    """Tasks from a CSV file with a header naming a text column (other columns go to meta),
    or from ag_news's header-less "class","title","description" rows.

    ag_news: None detects the shape from the first row (3 columns, the first 1-4).
    clean: undo the feed leftovers with clean_ag_news; None means on for ag_news only.
    """
    return tasks_or_errors(parsed(csv_records(source, text_column=text_column, delimiter=delimiter,
                                              ag_news=ag_news, clean=clean)), on_invalid)


def _csv_rows(source: str | Path, path: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty CSV rows with the line each starts on."""
    reader = csv.reader((line for _, line in numbered_lines(source, keepends=True)), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            if row:
                yield start, row
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputError(f"can't parse the CSV ({err}); fix the quoting", path=path,
                         line=reader.line_num) from None


def _text_index(header: list[str], text_column: str, path: str) -> int:
    for names in (header, [name.lower() for name in header]):
        if text_column in names:
            return names.index(text_column)
    raise InputError(f"no '{text_column}' column in the CSV header (columns: "
                     f"{', '.join(header)}); name the text column '{text_column}' or pass "
                     "--text-column NAME", path=path, line=1)


def _csv_task(row: list[str], header: list[str], index: int, path: str, n: int,
              clean: bool) -> Task:
    check_text("".join(row), path, n)
    if len(row) != len(header):
        raise InputError(f"row has {len(row)} fields but the header has {len(header)}; quote "
                         "fields that contain the delimiter", path=path, line=n)
    text = clean_ag_news(row[index]) if clean else row[index]
    task: Task = {TEXT: text}
    meta = {name: value for i, (name, value) in enumerate(zip(header, row)) if i != index}
    if meta:
        task[META] = meta
    return check_task(task, path, n)
