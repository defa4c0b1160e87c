"""validate_task: text present, a string, not blank; one-line messages with the place."""

from __future__ import annotations

import pytest

from al_ner.errors import InputError, InvalidTaskError
from al_ner.stream import validate_task


def test_valid_tasks_pass():
    validate_task({"text": "x"})
    validate_task({"text": " x ", "spans": [], "tokens": [], "meta": {}})


@pytest.mark.parametrize("task,message", [
    ({}, "task has no 'text' field (keys: none); add the text"),
    ({"txt": "a"}, "task has no 'text' field (keys: txt)"),
    ({"text": None}, "'text' must be a string, got NoneType None"),
    ({"text": ""}, "'text' is empty (''); remove the record or give it some text"),
    ({"text": " \n\t"}, "'text' is blank (only whitespace: ' \\n\\t')"),
    ({"text": "a", "meta": []}, "'meta' must be a dict, got list []"),
    ("just text", "expected a task object, got str 'just text'"),
])
def test_invalid_tasks(task, message):
    with pytest.raises(InvalidTaskError) as info:
        validate_task(task, where="data.jsonl:3")
    assert str(info.value).startswith("data.jsonl:3: ")
    assert message in str(info.value)
    assert isinstance(info.value, InputError) and "\n" not in str(info.value)


def test_long_values_are_shortened():
    with pytest.raises(InvalidTaskError) as info:
        validate_task({"text": ["word"] * 100})
    assert len(str(info.value)) < 120
