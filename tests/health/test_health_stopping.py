"""The stopping rule: kappa between successive models on a stop set, beside the control answers."""

from __future__ import annotations

from itertools import count

import pytest

from al_ner.health import (StopSet, agreement, bio_tags, cohen_kappa, control_says_stop,
                           describe_session, describe_stopping, says_stop)


def test_kappa_corrects_agreement_for_chance() -> None:
    assert cohen_kappa(list("aabb"), list("abbb")) == pytest.approx(0.5)  # po 0.75, pe 0.5
    assert cohen_kappa(list("OOOO"), list("OOOO")) == 1.0  # one class, full agreement
    assert cohen_kappa(list("ab"), list("ba")) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa(["a"], ["a", "b"])


def test_bio_tags_keep_only_the_annotated_labels() -> None:
    assert bio_tags(5, [(0, 2, "ORG"), (3, 4, "PERSON")], ["ORG"]) == ["B-ORG", "I-ORG", "O", "O", "O"]


def test_agreement_is_over_the_sentences_both_models_predicted() -> None:
    before = {1: [(0, 2, "ORG")], 2: [], 3: [(1, 2, "ORG")]}
    after = {1: [(0, 2, "ORG")], 2: [(0, 1, "ORG")]}
    kappa, n = agreement(before, after, {1: 3, 2: 3, 3: 3}, ["ORG"])
    assert n == 2 and kappa == pytest.approx(cohen_kappa(["B-ORG", "I-ORG", "O", "O", "O", "O"],
                                                         ["B-ORG", "I-ORG", "O", "B-ORG", "O", "O"]))


def test_predictions_must_stay_stable_three_times_in_a_row() -> None:
    assert not says_stop([0.995, 0.999])
    assert says_stop([0.5, 0.99, 0.995, 0.999])
    assert not says_stop([0.999, 0.999, 0.95])


HEALTH = {"n": 40, "f1": {"value": 0.7, "low": 0.6, "high": 0.8}, "warning": ""}


def test_the_control_answers_agree_only_with_an_interval_and_no_warning() -> None:
    assert control_says_stop(HEALTH)
    assert not control_says_stop({**HEALTH, "f1": {"value": 0.7, "low": None, "high": None}})
    assert not control_says_stop({**HEALTH, "warning": "worse"})
    assert not control_says_stop(None) and not control_says_stop({"n": 0})


def test_the_stop_set_is_a_seeded_lazy_sample_that_removes_nothing() -> None:
    reads: list[int] = []
    stop = StopSet(share=0.25, size=10, seed=3)
    stream = stop.watch({"i": reads.append(i) or i} for i in count())
    first = [next(stream)["i"] for _ in range(100)]
    assert first == list(range(100)) and len(reads) == 100
    assert len(stop.tasks) == 10 and stop.tasks[-1]["i"] < 100
    again = StopSet(share=0.25, size=10, seed=3)
    list(again.watch({"i": i} for i in range(100)))
    assert again.tasks == stop.tasks


def test_the_lines_say_stop_only_when_both_agree() -> None:
    status = {"kappas": [0.995, 0.998, 0.999], "stop_set": 150, "stable": True, "control": True,
              "stop": True, "learns": True, "threshold": 0.99, "control_questions": True}
    assert describe_stopping(status).startswith("you can stop")
    waiting = describe_stopping({**status, "control": False, "stop": False})
    assert waiting.startswith("not yet") and "control answers" in waiting
    lonely = describe_stopping({**status, "stable": False, "stop": False, "learns": False,
                                "control_questions": False})
    assert "doesn't learn in this session" in lonely and "--control" in lonely
    marks = [mark for mark, _ in describe_session({**HEALTH, "base_f1": HEALTH["f1"], "diff": HEALTH["f1"],
                                                   "level": 0.95, "stopping": status,
                                                   "arms": {"al_ner.random.v1": 0.4, "al_ner.mnlp.v1": 0.6}})]
    assert marks == ["ℹ", "✔", "ℹ"]
