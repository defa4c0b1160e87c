"""Lazy loaders from files, stdin, Hugging Face datasets and stored datasets to task streams.

Every loader has the signature ``loader(source, *, on_invalid=None, **options) -> Stream``,
checks eagerly what it can (the file exists, the options are valid) and then reads lazily.
A bad record raises an InputError naming file, line and fix, unless `on_invalid` is given:
then it is called with the error and the record is skipped.

One file per format (jsonl, json_list, csv_file, txt, conll, hf_datasets) registers its reader
with `plugins.loader`: its short name, extensions, how to count its records and a line of help.
`choose` picks a source's loader from those registrations; `reading` has what the readers share;
`ag_news` is the AG News corpus's shape and cleaning, which the CSV reader uses.
"""

from __future__ import annotations

# importing a format's module registers it; help texts list the loaders in this order
from . import jsonl, json_list, csv_file, txt, conll, hf_datasets  # noqa: I001
from .ag_news import AG_NEWS_TOPICS, clean_ag_news, join_title
from .choose import count_records, get_loader, get_stream, infer_loader
from .conll import DOCSTART, looks_like_conll, read_conll
from .csv_file import read_csv
from .hf_datasets import read_datasets
from .json_list import read_json
from .jsonl import read_jsonl, write_jsonl
from .plugins import LoaderInfo, aliases, count_lines, extensions, loader, loader_help, loader_info
from .reading import STDIN, OnInvalid, Record, SkipCounter, shuffled
from .stored import DATASET_PREFIX, read_stored
from .txt import read_txt

LOADERS = aliases()  # the built-in loaders' short names -> registered names
EXTENSIONS = extensions()  # file extension -> short name

__all__ = ["AG_NEWS_TOPICS", "DATASET_PREFIX", "DOCSTART", "EXTENSIONS", "LOADERS", "STDIN", "LoaderInfo",
           "OnInvalid", "Record", "SkipCounter", "aliases", "clean_ag_news", "count_lines", "count_records",
           "extensions", "get_loader", "get_stream", "infer_loader", "join_title", "loader", "loader_help",
           "loader_info", "looks_like_conll", "read_conll", "read_csv", "read_datasets", "read_json", "read_jsonl",
           "read_stored", "read_txt", "shuffled", "write_jsonl"]
