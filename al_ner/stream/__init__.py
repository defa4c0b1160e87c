"""The stream API: loaders, preprocessing, hashing and filters over Prodigy-style tasks."""

from __future__ import annotations

from .docs import doc_tokens, task_doc
from .filters import filter_duplicates, filter_seen
from .hashing import set_hash, set_hashes
from .iob import check_iob, iob_to_spans, spans_to_iob, words_to_task
from .loaders import (LOADERS, SkipCounter, clean_ag_news, count_records, get_loader, get_stream,
                      infer_loader, read_conll, read_csv, read_datasets, read_json, read_jsonl,
                      read_stored, read_txt)
from .patterns import PatternMatcher, add_pattern_spans, read_patterns
from .preprocess import add_tokens, split_sentences
from .progress import SourceProgress
from .validate import check_spans, check_tokens, task_problem, validate_task

__all__ = [
    "LOADERS", "PatternMatcher", "SkipCounter", "SourceProgress", "add_pattern_spans", "add_tokens",
    "check_iob", "check_spans", "check_tokens", "clean_ag_news", "count_records", "doc_tokens",
    "filter_duplicates", "filter_seen", "get_loader", "get_stream", "infer_loader", "iob_to_spans",
    "read_conll", "read_csv", "read_datasets", "read_json", "read_jsonl", "read_patterns",
    "read_stored", "read_txt", "set_hash", "set_hashes", "spans_to_iob", "split_sentences",
    "task_doc", "task_problem", "validate_task", "words_to_task",
]
