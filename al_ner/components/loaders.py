"""Prodigy's loaders (`prodigy.components.loaders`): JSONL, JSON, CSV, TXT and get_stream.

They are al-ner's loaders with their line-level errors. JSONL reads any JSON objects, as
Prodigy's does (a patterns file has no 'text'); the others read tasks, checked as al-ner checks
them (a 'text' string each).
"""

from __future__ import annotations

from pathlib import Path

from ..stream import read_csv, read_json, read_jsonl, read_txt
from ..types import Stream
from .stream import get_stream

__all__ = ["CSV", "JSON", "JSONL", "TXT", "get_stream"]


def JSONL(file_path: str | Path) -> Stream:  # noqa: N802 - Prodigy's name
    """One JSON object per line of a JSONL file ("-": stdin), any keys."""
    return read_jsonl(file_path, validate=False)


def JSON(file_path: str | Path) -> Stream:  # noqa: N802
    """The tasks of a JSON file holding a list of task objects."""
    return read_json(file_path)


def CSV(file_path: str | Path, delimiter: str = ",") -> Stream:  # noqa: N802
    """Tasks from a CSV file with a 'text' (or 'Text') column; the other columns go to meta."""
    return read_csv(file_path, delimiter=delimiter)


def TXT(file_path: str | Path) -> Stream:  # noqa: N802
    """One task per non-empty line of a text file."""
    return read_txt(file_path)
