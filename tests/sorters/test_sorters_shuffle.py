"""shuffle: whole-stream and buffered random order, seeded."""

from __future__ import annotations

import copy
from itertools import count

import pytest

from al_ner.errors import ConfigError
from al_ner.sorters import configure_shuffle, shuffle


def tasks(n: int) -> list[dict]:
    return [{"text": f"t{i}", "meta": {"i": i}} for i in range(n)]


def ids(stream) -> list[int]:
    return [task["meta"]["i"] for task in stream]


@pytest.mark.parametrize("buffer", [None, 1, 7, 1000])
def test_is_a_seeded_permutation(buffer: int | None) -> None:
    first = ids(shuffle(iter(tasks(50)), seed=1, buffer=buffer))
    assert sorted(first) == list(range(50))
    assert first == ids(shuffle(iter(tasks(50)), seed=1, buffer=buffer))


def test_seeds_differ_and_whole_stream_mixes() -> None:
    one, two = ids(shuffle(iter(tasks(50)), seed=1)), ids(shuffle(iter(tasks(50)), seed=2))
    assert one != two and one != list(range(50))


def test_buffered_shuffle_is_lazy() -> None:
    reads = []
    endless = ({"text": str(reads.append(i) or i)} for i in count())
    next(shuffle(endless, seed=0, buffer=5))
    assert len(reads) == 6


def test_copies_tasks_and_takes_scored_pairs() -> None:
    items = tasks(3)
    before = copy.deepcopy(items)
    out = list(shuffle(iter([(0.1 * i, task) for i, task in enumerate(items)]), seed=0))
    assert items == before
    assert {task["meta"]["i"]: task["meta"]["score"] for task in out} == {0: 0.0, 1: 0.1, 2: 0.2}
    assert all(task is not item for task in out for item in items)


@pytest.mark.parametrize(("settings", "message"), [
    ({"buffer": 0}, "'buffer' must be an integer >= 1 or None, got 0"),
    ({"seed": "x"}, "'seed' must be an integer >= 0, got 'x'"),
])
def test_bad_settings(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        configure_shuffle(**settings)
