"""Mixing steps: a full-span question every N, view stamps, meta stamps."""

from __future__ import annotations

from itertools import count

import pytest

from al_ner.errors import ConfigError
from al_ner.stream.mix import ask_full_every, stamp, with_view


def binary(n: int) -> list[dict]:
    # two candidate spans per sentence, as ner.teach's scorer yields them
    return [{"_input_hash": i // 2, "q": i, "meta": {}} for i in range(n)]


def test_every_nth_question_asks_its_sentence_in_full_and_drops_its_later_candidates() -> None:
    out = list(ask_full_every(iter(binary(20)), every=3, ask=lambda t: {**t, "full": True}))
    kinds = ["full" if t.get("full") else "binary" for t in out]
    assert kinds[:4] == ["binary"] * 3 + ["full"]
    for at, task in enumerate(out):
        if task.get("full"):
            assert all(later["_input_hash"] != task["_input_hash"] for later in out[at + 1:])


def test_zero_passes_through_and_bad_values_fail_early() -> None:
    assert list(ask_full_every(iter(binary(4)), every=0, ask=dict)) == binary(4)
    with pytest.raises(ConfigError, match="--full-every"):
        ask_full_every(iter([]), every=-1, ask=dict)


def test_stamps_copy_and_stay_lazy() -> None:
    source = binary(2)
    out = list(stamp(with_view(iter(source), "ner"), conversion="constrained"))
    assert [t["_view_id"] for t in out] == ["ner", "ner"] and out[0]["meta"]["conversion"] == "constrained"
    assert source == binary(2)
    next(with_view(({"i": i} for i in count()), "ner"))
