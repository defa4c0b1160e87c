"""CoNLL columns: one task per sentence (token first, IOB tag last), gold spans from the tags."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...types import Stream, Task
from ..iob import check_iob, check_scheme, iob_to_spans, words_to_task
from .plugins import loader
from .reading import (OnInvalid, Record, check_source, check_text, decode_line, numbered_lines, parsed,
                      source_name, tasks_or_errors)

DOCSTART = "-DOCSTART-"  # a CoNLL line between documents


def conll_records(source: str | Path, *, scheme: str | None = None) -> Iterator[Record]:
    """The sentences of a CoNLL file (scheme and file checked now, read lazily)."""
    scheme = check_scheme(scheme)
    check_source(source)
    return _conll_records(source, scheme)


def _conll_records(source: str | Path, scheme: str | None) -> Iterator[Record]:
    path = source_name(source)
    doc, sent, doc_id = 0, 0, None
    for rows in _conll_blocks(numbered_lines(source)):
        if rows[0][1].startswith(DOCSTART):
            doc, sent = (doc + 1, 0) if sent else (doc, sent)
            named = rows[0][1].split()[1:2]
            doc_id = named[0] if named and named[0] != "-X-" else None
            continue
        meta: dict[str, Any] = {"source": Path(path).name, "doc": doc, "sent": sent}
        if doc_id is not None:
            meta["doc_id"] = doc_id
        yield partial(_conll_task, rows, scheme, path, meta)
        sent += 1


@loader("al_ner.conll.v1", alias="conll", extensions=(".conll", ".iob"), records=conll_records,
        help="one sentence per block, IOB tags")
def read_conll(source: str | Path, *, scheme: str | None = None,
               on_invalid: OnInvalid | None = None) -> Stream:
    """One task per sentence of a CoNLL column file (token first, IOB tag last).

    scheme: "iob1" or "iob2" to check the tags strictly, None/"auto" to read either.
    Sentences end at blank lines; -DOCSTART- lines separate documents (before or after each).
    Each task has text (tokens joined by single spaces), tokens, gold spans and
    meta {"source": file name, "doc": i, "sent": j}, and "doc_id" when the -DOCSTART- line names
    its document in its second column (as `al-ner experiment prepare` writes them).
    """
    return tasks_or_errors(parsed(conll_records(source, scheme=scheme)), on_invalid)


def _conll_blocks(lines: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """The numbered lines of each sentence; each -DOCSTART- line on its own."""
    rows: list[tuple[int, str]] = []
    for n, line in lines:
        if line.startswith(DOCSTART) or not line.strip():
            if rows:
                yield rows
                rows = []
            if line.startswith(DOCSTART):
                yield [(n, line)]
        else:
            rows.append((n, line))
    if rows:
        yield rows


def _conll_task(rows: list[tuple[int, str]], scheme: str | None, path: str,
                meta: dict[str, Any]) -> Task:
    words, tags = [], []
    for n, line in rows:
        check_text(line, path, n)
        columns = line.split()
        if len(columns) < 2:
            raise InputError(f"expected a token and a tag separated by whitespace, got {line!r}; "
                             "CoNLL lines need at least 2 columns", path=path, line=n)
        words.append(columns[0])
        tags.append(columns[-1])
    problem = check_iob(tags, scheme)
    if problem is not None:
        raise InputError(problem[1], path=path, line=rows[problem[0]][0])
    return words_to_task(words, iob_to_spans(tags), meta)


_IOB_TAG = re.compile(r"O|[BI]-\S+")


def looks_like_conll(path: str | Path, *, lines: int = 50) -> bool:
    """Whether a text file reads like CoNLL columns: a -DOCSTART- line, or nearly every one
    of its first non-blank `lines` a token and an IOB tag (O, B-X, I-X) in the last column."""
    rows = []
    with open(path, "rb") as file:
        for raw in itertools.islice(file, lines * 4):
            line = decode_line(raw).strip()
            if line.startswith(DOCSTART):
                return True
            if line:
                rows.append(line.split())
            if len(rows) >= lines:
                break
    tagged = sum(1 for row in rows if len(row) >= 2 and _IOB_TAG.fullmatch(row[-1]))
    return bool(rows) and tagged >= 0.9 * len(rows)
