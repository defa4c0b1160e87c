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


# ---------------------------------------------------------------- one span and token validator

from al_ner.stream import add_tokens  # noqa: E402
from al_ner.stream.validate import check_spans, offsets_problem  # noqa: E402

TOKENS = [{"text": "Acme", "start": 0, "end": 4, "id": 0}, {"text": "hired", "start": 5, "end": 10, "id": 1},
          {"text": "Bob", "start": 11, "end": 14, "id": 2}]


def test_tokens_without_id_are_refused_where_they_enter(nlp):
    # they used to pass add_tokens and crash the controller with KeyError('id')
    task = {"text": "Acme hired Bob", "tokens": [{k: v for k, v in t.items() if k != "id"} for t in TOKENS]}
    with pytest.raises(InvalidTaskError, match=r"task 1: token 0 has id=None; give each token its position"):
        list(add_tokens(nlp, [task]))
    with pytest.raises(InvalidTaskError, match="token 1 has id=5"):
        validate_task({"text": "Acme hired Bob", "tokens": [TOKENS[0], {**TOKENS[1], "id": 5}]})


def test_booleans_are_not_offsets():
    assert offsets_problem({"start": False, "end": True}, 5) == "span_without_offsets"
    with pytest.raises(InvalidTaskError, match="needs integer character offsets"):
        check_spans([{"start": False, "end": True, "label": "ORG"}], "Acme hired Bob")


def test_overlap_is_refused_only_when_asked():
    spans = [{"start": 0, "end": 10, "label": "ORG"}, {"start": 5, "end": 14, "label": "ORG"}]
    assert len(check_spans(spans, "Acme hired Bob")) == 2
    with pytest.raises(InvalidTaskError, match=r"spans 0 \(0-10\) and 1 \(5-14\) overlap"):
        check_spans(spans, "Acme hired Bob", overlap=False)


def test_token_offsets_come_from_positions_and_inputs_are_not_changed():
    span = {"start": 11, "end": 14, "label": "PERSON", "token_start": 0, "token_end": 0}
    [checked] = check_spans([span], "Acme hired Bob", tokens=TOKENS, labels=["PERSON"])
    assert (checked["token_start"], checked["token_end"]) == (2, 2)
    assert span["token_start"] == 0
    with pytest.raises(InvalidTaskError, match="choose one of: ORG"):
        check_spans([span], "Acme hired Bob", labels=["ORG"])
