"""split_sentences and add_tokens on a blank pipeline: schema, laziness, no mutation, errors."""

from __future__ import annotations

import copy
import itertools

import pytest

from al_ner.errors import ConfigError, InvalidTaskError
from al_ner.stream import SkipCounter, add_tokens, split_sentences

TEXT = "Apple is in Cupertino. Tim Cook runs it."


def endless(task):
    """An infinite stream: any step that list()s its input never returns."""
    for i in itertools.count():
        yield {**task, "meta": {"i": i}}


def task_with_spans():
    return {
        "text": TEXT,
        "spans": [{"start": 0, "end": 5, "label": "ORG"},
                  {"start": 23, "end": 31, "label": "PER", "score": 0.5},
                  {"start": 12, "end": 26, "label": "CROSSES"}],
        "meta": {"id": 7},
        "answer": "accept",
        "_input_hash": 1,
        "_task_hash": 2,
    }


def test_split_sentences_rebases_spans_and_keeps_meta(nlp):
    task = task_with_spans()
    original = copy.deepcopy(task)
    sentences = list(split_sentences(nlp, [task]))
    assert task == original
    assert sentences == [
        {"text": "Apple is in Cupertino.", "meta": {"id": 7}, "answer": "accept",
         "spans": [{"start": 0, "end": 5, "label": "ORG"}]},
        {"text": "Tim Cook runs it.", "meta": {"id": 7}, "answer": "accept",
         "spans": [{"start": 0, "end": 8, "label": "PER", "score": 0.5}]},
    ]
    assert sentences[0]["meta"] is not task["meta"]


def test_split_sentences_does_not_change_the_pipeline(nlp):
    list(split_sentences(nlp, [{"text": TEXT}]))
    assert nlp.pipe_names == []


def test_split_sentences_strips_whitespace_and_uses_token_indices(nlp):
    tokens = [{"text": w, "start": s, "end": s + len(w), "id": i}
              for i, (w, s) in enumerate([("Hi", 0), ("there", 3), (".", 8), ("Bob", 11), ("left", 15), (".", 19)])]
    task = {"text": "Hi there.  Bob left.", "tokens": tokens,
            "spans": [{"token_start": 3, "token_end": 3, "label": "PER"}]}
    sentences = list(split_sentences(nlp, [task]))
    assert [s["text"] for s in sentences] == ["Hi there.", "Bob left."]
    assert sentences[1]["spans"] == [{"start": 0, "end": 3, "label": "PER"}]
    assert "tokens" not in sentences[1]


def test_split_sentences_min_length_keeps_short_texts_whole(nlp):
    short = {"text": "One. Two.", "_input_hash": 3}
    assert list(split_sentences(nlp, [short], min_length=20)) == [short]
    assert len(list(split_sentences(nlp, [short]))) == 2


def test_split_sentences_is_lazy_and_keeps_order(nlp):
    stream = split_sentences(nlp, endless({"text": "Ann runs. Cat sits."}), batch_size=4)
    first = list(itertools.islice(stream, 6))
    assert [t["meta"]["i"] for t in first] == [0, 0, 1, 1, 2, 2]
    assert [t["text"] for t in first[:2]] == ["Ann runs.", "Cat sits."]


@pytest.mark.model
def test_split_sentences_uses_a_pretrained_parser(nlp_sm):
    sentences = list(split_sentences(nlp_sm, [task_with_spans()]))
    assert [s["text"] for s in sentences] == ["Apple is in Cupertino.", "Tim Cook runs it."]



def test_split_sentences_errors(nlp):
    with pytest.raises(ConfigError, match="batch_size must be at least 1, got 0"):
        split_sentences(nlp, [], batch_size=0)
    with pytest.raises(InvalidTaskError, match="task 2: 'text' is blank"):
        list(split_sentences(nlp, [{"text": "ok"}, {"text": " "}]))
    with pytest.raises(InvalidTaskError, match="task 1: span 0 has no 'start'/'end' offsets"):
        list(split_sentences(nlp, [{"text": "ok", "spans": [{"label": "X"}]}]))


def test_add_tokens_schema_and_token_indices(nlp):
    task = task_with_spans()
    task["spans"] = task["spans"][:2]
    original = copy.deepcopy(task)
    [tokenized] = add_tokens(nlp, [task])
    assert task == original
    assert tokenized["tokens"][3] == {"text": "Cupertino", "start": 12, "end": 21, "id": 3, "ws": False}
    assert tokenized["tokens"][4] == {"text": ".", "start": 21, "end": 22, "id": 4, "ws": True}
    assert tokenized["spans"][1] == {"start": 23, "end": 31, "label": "PER", "score": 0.5,
                                     "token_start": 5, "token_end": 6}
    assert tokenized["_task_hash"] == 2 and tokenized["meta"] == {"id": 7}


def test_add_tokens_keeps_existing_tokens_and_fills_char_offsets(nlp):
    tokens = [{"text": "New York", "start": 0, "end": 8, "id": 0, "ws": True},
              {"text": "rocks", "start": 9, "end": 14, "id": 1, "ws": False}]
    task = {"text": "New York rocks", "tokens": tokens,
            "spans": [{"token_start": 0, "token_end": 0, "label": "LOC"}]}
    [tokenized] = add_tokens(nlp, [task])
    assert tokenized["tokens"] is tokens
    assert tokenized["spans"] == [{"token_start": 0, "token_end": 0, "label": "LOC", "start": 0, "end": 8}]


@pytest.mark.parametrize("span,message", [
    ({"start": 6, "end": 10, "label": "X"}, r"task 1: span 0 \(start=6, end=10\) does not end on a token "
                                           r"boundary \('is i'\); fix the offsets"),
    ({"start": 1, "end": 5, "label": "X"}, r"span 0 \(start=1, end=5\) does not start on a token boundary"),
    ({"start": 30, "end": 50, "label": "X"}, r"span 0 \(start=30, end=50\) is outside the text \(length 40\)"),
    ({"start": 5, "end": 5, "label": "X"}, r"span 0 \(start=5, end=5\) is empty or reversed"),
    ({"start": "0", "end": 5, "label": "X"}, r"span 0 \(start='0', end=5\) needs integer character offsets"),
    ({"start": 0, "end": 5}, r"span 0 has no label \(label=None\); give every span a label"),
    ({"start": 0, "end": 5, "label": ""}, r"span 0 has no label \(label=''\)"),
    ({"token_start": 2, "token_end": 99, "label": "X"}, r"span 0 \(token_start=2, token_end=99\) is outside the 10 tokens"),
    ("ORG", r"span 0 must be an object, got 'ORG'"),
])
def test_add_tokens_invalid_spans(nlp, span, message):
    task = {"text": TEXT, "spans": [span]}
    with pytest.raises(InvalidTaskError, match=message):
        list(add_tokens(nlp, [task]))


def test_add_tokens_bad_existing_tokens(nlp):
    with pytest.raises(InvalidTaskError, match="task 1: token 0 .* needs integer 'start' and 'end'"):
        list(add_tokens(nlp, [{"text": "a", "tokens": [{"text": "a"}]}]))


def test_add_tokens_skips_invalid_with_on_invalid(nlp):
    stream = [{"text": "Good one"}, {"text": "bad", "spans": [{"start": 0, "end": 2, "label": "X"}]},
              {"text": ""}, {"text": "Also good"}]
    skipped = SkipCounter()
    assert [t["text"] for t in add_tokens(nlp, stream, on_invalid=skipped)] == ["Good one", "Also good"]
    assert skipped.count == 2 and skipped.messages[1].startswith("task 3: 'text' is empty")


def test_add_tokens_is_lazy(nlp):
    stream = add_tokens(nlp, endless({"text": "a b"}))
    assert [t["meta"]["i"] for t in itertools.islice(stream, 3)] == [0, 1, 2]


def test_add_tokens_use_chars_makes_each_character_a_token(nlp):
    task = {"text": "Ab  c", "spans": [{"start": 1, "end": 2, "label": "X", "token_start": 0, "token_end": 0}]}
    (out,) = add_tokens(nlp, [task], use_chars=True)
    assert [(t["text"], t["start"], t["ws"]) for t in out["tokens"]] == [("A", 0, False), ("b", 1, True), ("c", 4, False)]
    assert [t["id"] for t in out["tokens"]] == [0, 1, 2]
    assert out["spans"][0]["token_start"] == 1 and out["spans"][0]["token_end"] == 1
