"""filter_duplicates and filter_seen: hashing on demand, order, laziness, no mutation."""

from __future__ import annotations

import copy
import itertools

import pytest

from al_ner.errors import ConfigError
from al_ner.stream import filter_duplicates, filter_seen, set_hash

SPAN = {"start": 0, "end": 1, "label": "X"}
TASKS = [{"text": "a"}, {"text": "b"}, {"text": "a"}, {"text": "a", "spans": [SPAN]}, {"text": "b"}]


def test_duplicates_by_task_is_the_default():
    original = copy.deepcopy(TASKS)
    kept = list(filter_duplicates(TASKS))
    assert TASKS == original  # hashes go on copies
    assert [(t["text"], "spans" in t) for t in kept] == [("a", False), ("b", False), ("a", True)]
    assert all("_input_hash" in t and "_task_hash" in t for t in kept)


def test_duplicates_by_input():
    kept = list(filter_duplicates(TASKS, by_input=True))
    assert [t["text"] for t in kept] == ["a", "b"]


def test_duplicates_uses_existing_hashes():
    tasks = [{"text": "a", "_input_hash": 1, "_task_hash": 1}, {"text": "b", "_input_hash": 1, "_task_hash": 1}]
    kept = list(filter_duplicates(tasks))
    assert kept == tasks[:1] and kept[0] is tasks[0]


def test_duplicates_needs_a_key():
    with pytest.raises(ConfigError, match="needs by_input=True or by_task=True"):
        filter_duplicates(TASKS, by_task=False)


def test_filters_are_lazy():
    endless = ({"text": str(i)} for i in itertools.count())
    assert len(list(itertools.islice(filter_duplicates(endless, by_input=True), 3))) == 3
    endless = ({"text": str(i)} for i in itertools.count())
    assert len(list(itertools.islice(filter_seen(endless, {0}), 3))) == 3


def test_filter_seen_by_task_and_by_input():
    seen = set_hash({"text": "a"})
    assert [t["text"] for t in filter_seen(TASKS, {seen["_task_hash"]})] == ["b", "a", "b"]
    assert [t["text"] for t in filter_seen(TASKS, {seen["_input_hash"]}, by="input")] == ["b", "b"]


def test_filter_seen_bad_by():
    with pytest.raises(ConfigError, match="unknown 'by' value 'text' for filter_seen; choose one of: task, input"):
        filter_seen(TASKS, set(), by="text")
