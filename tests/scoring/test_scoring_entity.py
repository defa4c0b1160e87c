"""EntityScorer on en_core_web_sm: candidates, offsets, hashes, laziness, live weights."""

from __future__ import annotations

import copy
from itertools import count

import numpy
import pytest

from al_ner.errors import ConfigError, InvalidTaskError, UnknownLabelError
from al_ner.scoring import EntityScorer
from al_ner.stream.hashing import input_hash

pytestmark = pytest.mark.model

TEXT = "Apple is looking at buying a startup in London, said Tim Cook."


def test_yields_one_scored_copy_per_candidate(nlp_sm) -> None:
    task = {"text": TEXT, "meta": {"source": "x"}}
    pairs = list(EntityScorer(nlp_sm, ["ORG", "PERSON"])(iter([task])))
    assert pairs
    for p, out in pairs:
        assert 0.0 <= p <= 1.0 and out["meta"] == {"source": "x", "score": p}
        (span,) = out["spans"]
        assert span["label"] in {"ORG", "PERSON"}
        assert span["text"] == TEXT[span["start"]:span["end"]]
        tokens = out["tokens"]
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
        assert out["_input_hash"] == input_hash(task)
    assert len({out["_task_hash"] for _p, out in pairs}) == len(pairs)
    best = {(out["spans"][0]["text"], out["spans"][0]["label"]): p for p, out in pairs}
    assert best[("Apple", "ORG")] > 0.5 and best[("Tim Cook", "PERSON")] > 0.5


def test_uses_the_task_tokens_for_offsets(nlp_sm) -> None:
    # leading spaces and a split spaCy wouldn't make: offsets must follow the task's tokens
    text = "  Google Inc. hired Ann."
    words = [("Google", 2), ("Inc", 9), (".", 12), ("hired", 14), ("Ann", 20), (".", 23)]
    tokens = [{"text": w, "start": s, "end": s + len(w), "id": i} for i, (w, s) in enumerate(words)]
    task = {"text": text, "tokens": tokens}
    before = copy.deepcopy(task)
    pairs = list(EntityScorer(nlp_sm, ["ORG"])(iter([task])))
    assert task == before
    for _p, out in pairs:
        span = out["spans"][0]
        assert out["tokens"] is tokens
        assert span["start"] == tokens[span["token_start"]]["start"]
        assert span["end"] == tokens[span["token_end"]]["end"]
        assert span["text"] == text[span["start"]:span["end"]]
    assert any(out["spans"][0]["text"].startswith("Google") for _p, out in pairs)


def test_empty_text_has_no_candidates(nlp_sm) -> None:
    tasks = [{"text": ""}, {"text": TEXT}, {"text": ""}]
    for batch_size in (1, 3):  # a batch of only an empty doc, and a mixed one
        scorer = EntityScorer(nlp_sm, ["ORG"], batch_size=batch_size)
        assert {out["text"] for _p, out in scorer(iter(tasks))} == {TEXT}


def test_is_lazy_one_batch_at_a_time(nlp_sm) -> None:
    reads = []
    endless = ({"text": TEXT, "meta": {"i": reads.append(i) or i}} for i in count())
    next(EntityScorer(nlp_sm, ["ORG"], batch_size=4)(endless))
    assert len(reads) == 4


def test_scores_each_batch_with_the_current_weights(nlp_sm) -> None:
    upper = nlp_sm.get_pipe("ner").model.get_ref("upper")
    saved = upper.get_param("W").copy()
    stream = EntityScorer(nlp_sm, ["ORG"], batch_size=1)(iter([{"text": TEXT}, {"text": TEXT}]))
    first = next(stream)[0]
    try:
        upper.set_param("W", numpy.zeros_like(saved))  # what an update callback would change
        second = next(stream)[0]
    finally:
        upper.set_param("W", saved)
    assert first != pytest.approx(second)


def test_no_labels_means_every_label(nlp_sm) -> None:
    assert EntityScorer(nlp_sm).labels == list(nlp_sm.get_pipe("ner").labels)


def test_rejects_bad_settings(nlp_sm) -> None:
    with pytest.raises(UnknownLabelError, match="FRUIT"):
        EntityScorer(nlp_sm, ["FRUIT"])
    with pytest.raises(ConfigError, match="'beam_width' must be an integer >= 1, got 0"):
        EntityScorer(nlp_sm, ["ORG"], beam_width=0)
    with pytest.raises(ConfigError, match=r"'beam_density' must be in \[0, 1\), got 1.0"):
        EntityScorer(nlp_sm, ["ORG"], beam_density=1.0)
    with pytest.raises(ConfigError, match="'batch_size' must be an integer >= 1, got 0"):
        EntityScorer(nlp_sm, ["ORG"], batch_size=0)


def test_task_without_text_is_invalid(nlp_sm) -> None:
    with pytest.raises(InvalidTaskError, match="no 'text'"):
        list(EntityScorer(nlp_sm, ["ORG"])(iter([{"html": "<b>x</b>"}])))
