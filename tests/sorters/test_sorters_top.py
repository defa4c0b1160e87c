"""prefer_top: the top share of each window, best first."""

from __future__ import annotations

from itertools import count

import pytest

from al_ner.errors import ConfigError
from al_ner.sorters import configure_prefer_top, prefer_top


def scored(scores: list[float]) -> list[tuple[float, dict]]:
    return [(score, {"text": f"t{i}", "meta": {"i": i}}) for i, score in enumerate(scores)]


def ids(tasks) -> list[int]:
    return [task["meta"]["i"] for task in tasks]


def test_keeps_the_top_share_of_each_window_best_first() -> None:
    items = scored([0.1, 0.9, 0.5, 0.7, 0.3, 0.8, 0.2, 0.4])
    assert ids(prefer_top(iter(items), window=4, keep=0.5)) == [1, 3, 5, 7]


def test_whole_stream_gives_a_true_top_k() -> None:
    items = scored([0.1, 0.9, 0.5, 0.7, 0.3, 0.8, 0.2, 0.4])
    assert ids(prefer_top(iter(items), window=None, keep=3 / 8)) == [1, 5, 3]


def test_each_window_keeps_at_least_one_and_ties_keep_input_order() -> None:
    assert ids(prefer_top(iter(scored([0.5, 0.5, 0.5])), window=2, keep=0.01)) == [0, 2]


def test_scores_go_to_meta() -> None:
    out = list(prefer_top(iter(scored([0.2, 0.6])), window=2, keep=1.0))
    assert [task["meta"]["score"] for task in out] == [0.6, 0.2]


def test_reads_one_window_at_a_time() -> None:
    reads = []
    endless = ((0.5, {"text": str(reads.append(i) or i)}) for i in count())
    next(prefer_top(endless, window=10, keep=0.5))
    assert len(reads) == 10


@pytest.mark.parametrize(("settings", "message"), [
    ({"window": 0}, "'window' must be an integer >= 1 or None, got 0"),
    ({"keep": 0.0}, r"'keep' must be in \(0, 1\], got 0.0"),
    ({"keep": 2}, r"'keep' must be in \(0, 1\], got 2"),
])
def test_bad_settings(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        configure_prefer_top(**settings)
    with pytest.raises(ConfigError, match=message):
        prefer_top(iter([]), **settings)
