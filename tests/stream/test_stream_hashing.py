"""Task hashes exactly as Prodigy computes them, checked against the formula written out here."""

import json

import pytest
from murmurhash.mrmr import hash as murmur

from al_ner.constants import HASH_IGNORE_KEYS, INPUT_KEYS, TASK_KEYS
from al_ner.stream.hashing import get_hash, input_hash, set_hash, set_hashes, task_hash

# Prodigy's hashing, written out again independently of al_ner.stream.hashing
PRODIGY_IGNORE = ("score", "rank", "model", "source", "pattern", "priority", "path",
                  "_view_id", "_session_id", "_annotator_id", "answer")


def prodigy_strip(value):
    if isinstance(value, dict):
        return {k: prodigy_strip(x) for k, x in value.items() if k not in PRODIGY_IGNORE}
    if isinstance(value, list):
        return [prodigy_strip(x) for x in value]
    return value


def prodigy_hash(task, keys, prefix=""):
    def dumps(value):  # what srsly.json_dumps(..., sort_keys=True) does
        return json.dumps(prodigy_strip(value), separators=(",", ":"), sort_keys=True)
    vals = [f"{k}={dumps(task[k])}" for k in keys if k in task] or [dumps(task)]
    return murmur(str(prefix) + "".join(vals))


def prodigy_set_hashes(task):
    task = dict(task)
    task["_input_hash"] = prodigy_hash(task, ("text", "image", "html", "input"))
    task["_task_hash"] = prodigy_hash(task, ("spans", "label", "options", "arcs"),
                                      prefix=task["_input_hash"])
    return task


APPLE = {"text": "Apple is big.",
         "spans": [{"start": 0, "end": 5, "label": "ORG", "score": 0.93,
                    "source": "en_core_web_sm", "rank": 2}],
         "meta": {"score": 0.5}, "answer": "accept", "_view_id": "ner", "_session_id": "s"}
APPLE_INPUT = -1915056125
APPLE_TASK = 900254748
NO_TEXT = {"meta": {"id": 3, "score": 1.0}, "answer": "accept", "_view_id": "ner"}
NO_TEXT_INPUT = -1368956900
NO_TEXT_TASK = 1219085366


def test_the_constants_are_prodigys() -> None:
    assert INPUT_KEYS == ("text", "image", "html", "input")
    assert TASK_KEYS == ("spans", "label", "options", "arcs")
    assert HASH_IGNORE_KEYS == PRODIGY_IGNORE


def test_hand_computed_hashes_ignore_nested_score_source_and_rank() -> None:
    # the exact strings Prodigy hashes: 'key=' + sorted compact JSON, the task hash prefixed
    assert murmur('text="Apple is big."') == APPLE_INPUT
    assert murmur(f'{APPLE_INPUT}spans=[{{"end":5,"label":"ORG","start":0}}]') == APPLE_TASK
    hashed = set_hash(APPLE)
    assert (hashed["_input_hash"], hashed["_task_hash"]) == (APPLE_INPUT, APPLE_TASK)


def test_a_task_without_input_keys_is_hashed_whole() -> None:
    # minus the ignored keys; the task hash's whole task includes the new _input_hash
    assert murmur('{"meta":{"id":3}}') == NO_TEXT_INPUT
    whole = f'{{"_input_hash":{NO_TEXT_INPUT},"meta":{{"id":3}}}}'
    assert murmur(f"{NO_TEXT_INPUT}{whole}") == NO_TEXT_TASK
    hashed = set_hash(NO_TEXT)
    assert (hashed["_input_hash"], hashed["_task_hash"]) == (NO_TEXT_INPUT, NO_TEXT_TASK)
    assert task_hash(NO_TEXT, NO_TEXT_INPUT) == NO_TEXT_TASK


def test_the_task_hash_is_prefixed_with_the_input_hash() -> None:
    spans = {"spans": APPLE["spans"]}
    assert task_hash(APPLE, APPLE_INPUT) == get_hash(spans, TASK_KEYS, prefix=APPLE_INPUT)
    assert task_hash(APPLE, 7) == prodigy_hash(spans, ("spans",), prefix=7) != APPLE_TASK


def test_keys_join_in_the_order_of_the_key_list_not_of_the_task() -> None:
    task = {"label": "ORG", "text": "Apple", "spans": [{"start": 0, "end": 5}]}
    ih = murmur('text="Apple"')
    expected = murmur(f'{ih}spans=[{{"end":5,"start":0}}]label="ORG"')
    assert set_hash(task)["_task_hash"] == expected


def test_key_order_does_not_change_a_hash() -> None:
    shuffled = {key: APPLE[key] for key in reversed(list(APPLE))}
    shuffled["spans"] = [dict(reversed(list(span.items()))) for span in APPLE["spans"]]
    assert set_hash(shuffled)["_task_hash"] == APPLE_TASK
    assert input_hash({"meta": {"b": 1, "a": 2}}) == input_hash({"meta": {"a": 2, "b": 1}})


@pytest.mark.parametrize("task", [
    APPLE, NO_TEXT,
    {"text": "Café Zoë ✓", "spans": [], "tokens": [{"text": "Café", "start": 0, "end": 4}]},
    {"text": "Hi", "label": "ORG", "options": [{"id": 1, "text": "a", "score": 2}],
     "arcs": [{"head": 0, "child": 1, "label": "x"}], "meta": {"source": "x"}},
    {"html": "<b>x</b>", "image": "a.png", "input": {"q": 1, "model": "m"}, "spans": [[1, 2]]},
    {"text": "x", "spans": [{"start": 0, "end": 1, "label": "A", "meta": {"pattern": 3}}]},
    {"meta": {"path": "/data"}, "_annotator_id": "ds-me", "_timestamp": 1},
])
def test_set_hash_agrees_with_the_formula(task) -> None:
    ours, theirs = set_hash(task), prodigy_set_hashes(task)
    assert (ours["_input_hash"], ours["_task_hash"]) == (theirs["_input_hash"], theirs["_task_hash"])


def test_each_proposed_span_is_its_own_question() -> None:
    spans = [{"start": 0, "end": 5, "label": "ORG"}, {"start": 0, "end": 5, "label": "PRODUCT"},
             {"start": 6, "end": 8, "label": "ORG"}]
    hashed = [set_hash({"text": "Apple is big.", "spans": [span]}) for span in spans]
    assert {t["_input_hash"] for t in hashed} == {APPLE_INPUT}
    assert len({t["_task_hash"] for t in hashed}) == len(spans)


def test_existing_hashes_are_kept_as_ids_unless_overwrite() -> None:
    stored = {**APPLE, "_input_hash": 1, "_task_hash": 2}
    assert set_hash(stored)["_task_hash"] == 2
    assert set_hash({**APPLE, "_input_hash": 1})["_task_hash"] == task_hash(APPLE, 1)
    rehashed = set_hash(stored, overwrite=True)
    assert (rehashed["_input_hash"], rehashed["_task_hash"]) == (APPLE_INPUT, APPLE_TASK)


def test_overwrite_hashes_as_if_new_so_rehashing_is_stable() -> None:
    once = set_hash(NO_TEXT, overwrite=True)
    twice = set_hash(once, overwrite=True)
    assert once["_task_hash"] == twice["_task_hash"] == NO_TEXT_TASK


def test_keyword_arguments_choose_the_keys() -> None:
    task = {"text": "Apple", "meta": {"id": 1, "score": 2}, "spans": []}
    hashed = set_hash(task, input_keys=("meta",), task_keys=("text",), ignore=("id",))
    assert hashed["_input_hash"] == murmur('meta={"score":2}')
    assert hashed["_task_hash"] == murmur(f'{hashed["_input_hash"]}text="Apple"')


def test_set_hashes_is_lazy_and_copies() -> None:
    def tasks():
        yield APPLE
        raise AssertionError("read past the first task")
    original = json.dumps(APPLE)
    first = next(set_hashes(tasks(), ignore=HASH_IGNORE_KEYS))
    assert first["_task_hash"] == APPLE_TASK and json.dumps(APPLE) == original


def test_non_ascii_text_is_hashed_as_escaped_json() -> None:
    # srsly.json_dumps(sort_keys=True) is json.dumps with ensure_ascii, as Prodigy hashes it
    assert input_hash({"text": "Café"}) == murmur('text="Caf\\u00e9"')


def test_set_hashes_of_one_task_returns_the_hashed_task() -> None:
    # Prodigy's set_hashes(task): a dict is one task, not a stream of its keys
    task = {"text": "Acme rose.", "spans": [{"start": 0, "end": 4, "label": "ORG"}]}
    assert set_hashes(task) == set_hash(task)
    assert set_hashes(task, overwrite=True)["_task_hash"] == set_hash(task)["_task_hash"]
