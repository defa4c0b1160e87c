"""Evaluation sets kept apart: no sentence shared by hash between pool, dev and test."""

from __future__ import annotations

from pathlib import Path

import pytest

from al_ner.errors import ConfigError, LeakageError
from al_ner.experiment.data.corpus import Sentence, read_iob, to_task
from al_ner.experiment.data.splits import check_disjoint, make_splits, split_answers, task_input_hash
from al_ner.stream.hashing import set_hash

NEWS = Path(__file__).resolve().parents[2] / "corpora" / "news"


def sent(text: str) -> Sentence:
    words = tuple(text.split())
    return Sentence(words, ("O",) * len(words))


def hashes(sentences: list[Sentence]) -> set[int]:
    return {s.hash for s in sentences}


def test_overlaps_and_repeats_leave_the_pool_and_test_is_untouched() -> None:
    test = [sent("a b"), sent("c d")]
    dev = [sent("e f"), sent("c d")]  # one dev sentence is also in test
    pool = [sent("a b"), sent("e f"), sent("g h"), sent("g h"), sent("i j")]
    splits = make_splits(pool, test, dev)
    assert splits.test == test
    assert [s.text for s in splits.dev] == ["e f"]
    assert [s.text for s in splits.pool] == ["g h", "i j"]
    assert splits.removed == {"pool_repeats": 1, "pool_in_test": 1, "dev_in_test": 1, "pool_in_dev": 1}


def test_dev_drawn_from_the_pool_before_selection_is_disjoint_and_seeded() -> None:
    pool = [sent(f"w{i} x") for i in range(50)]
    test = [sent("w0 x")]
    one = make_splits(pool, test, dev_size=10, seed=3)
    again = make_splits(pool, test, dev_size=10, seed=3)
    other = make_splits(pool, test, dev_size=10, seed=4)
    assert len(one.dev) == 10 and len(one.pool) == 39
    assert one.dev == again.dev and one.dev != other.dev
    assert not hashes(one.dev) & hashes(one.pool)
    assert not (hashes(one.dev) | hashes(one.pool)) & hashes(test)


def test_pool_size_subsamples_after_the_split() -> None:
    pool = [sent(f"w{i}") for i in range(30)]
    splits = make_splits(pool, [sent("t")], dev_size=5, pool_size=12, seed=0)
    assert len(splits.pool) == 12 and len(splits.dev) == 5


def test_check_disjoint_names_the_sets() -> None:
    check_disjoint({"pool": [1, 2], "dev": [3], "test": [4]})
    with pytest.raises(LeakageError, match="'pool' and 'test'"):
        check_disjoint({"pool": [1, 2], "dev": [3], "test": [2]})


def test_bad_dev_size_raises() -> None:
    with pytest.raises(ConfigError):
        make_splits([sent("a"), sent("b")], [sent("c")], dev_size=5)


def test_the_embedded_corpus_splits_share_no_sentence() -> None:
    parts = {name: read_iob(NEWS / f"{name}.iob") for name in ("pool", "dev", "test")}
    check_disjoint({name: hashes(sents) for name, sents in parts.items()})
    splits = make_splits(parts["pool"], parts["test"], parts["dev"])
    assert sum(splits.removed.values()) == 0


def test_sentence_hash_is_the_hash_the_recipes_compute() -> None:
    sentence = read_iob(NEWS / "test.iob")[0]
    assert set_hash(to_task(sentence))["_input_hash"] == sentence.hash


def test_an_answer_without_a_stored_input_hash_gets_the_one_set_hash_gives() -> None:
    answer = {"text": "Acme hired Jo .", "html": "<b>Acme</b>", "answer": "accept"}
    assert task_input_hash(answer) == set_hash(answer)["_input_hash"]
    assert task_input_hash({**answer, "_input_hash": 5}) == 5


def test_annotation_dev_split_is_stable_as_the_run_grows_and_keeps_sentences_whole() -> None:
    tasks = [{"text": f"sentence {i}", "_input_hash": 1000 + i % 40, "answer": "accept"} for i in range(120)]
    small_train, small_dev = split_answers(tasks[:60], share=0.25, seed=1)
    train, dev = split_answers(tasks, share=0.25, seed=1)
    assert {id(t) for t in small_dev} <= {id(t) for t in dev}
    assert {id(t) for t in small_train} <= {id(t) for t in train}
    assert not {t["_input_hash"] for t in train} & {t["_input_hash"] for t in dev}
    assert 0.1 < len(dev) / len(tasks) < 0.45
    _, other_dev = split_answers(tasks, share=0.25, seed=2)
    assert {t["_input_hash"] for t in other_dev} != {t["_input_hash"] for t in dev}


def test_zero_share_keeps_everything_for_training() -> None:
    tasks = [{"text": str(i)} for i in range(10)]
    assert split_answers(tasks, share=0.0, seed=0) == (tasks, [])


def test_at_least_one_dev_sentence_when_asked() -> None:
    tasks = [{"text": f"s{i}", "_input_hash": i} for i in range(3)]
    train, dev = split_answers(tasks, share=0.01, seed=0, at_least_one=True)
    assert len(dev) == 1 and len(train) == 2
    assert split_answers(tasks[:1], share=0.01, seed=0, at_least_one=True) == (tasks[:1], [])


def test_a_sentence_keeps_its_side_as_the_run_grows() -> None:
    # Before: at_least_one moved the lowest-bucket sentence to dev at each budget, so a sentence
    # picked at a small budget went back to train once a later sentence had a lower bucket.
    tasks = [{"text": f"sentence {i}", "_input_hash": i} for i in range(40)]
    sides: dict[int, bool] = {}
    seen_side: dict[int, bool] = {}
    for size in (2, 3, 5, 8, 13, 21, 40):
        train, dev = split_answers(tasks[:size], share=0.01, seed=3, at_least_one=True, sides=sides)
        for side, part in ((False, train), (True, dev)):
            for task in part:
                assert seen_side.setdefault(task["_input_hash"], side) == side
        assert dev  # the first forced dev sentence stays there
