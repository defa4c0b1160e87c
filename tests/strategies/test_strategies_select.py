"""The select step on en_core_web_sm: lazy per window, keep share, questions with spans and meta."""

from __future__ import annotations

import copy
from itertools import count

import pytest

from al_ner.strategies import (WindowModel, make_strategy, select, sentence_question,
                               subsequence_question)

TEXTS = ["Apple hired Tim Cook in London .", "Acme Corp and Reuters met .", "nothing here .",
         "The UN and NATO met in Geneva with IBM ."]
pytestmark = pytest.mark.model


def tasks(n: int) -> list[dict]:
    return [{"text": TEXTS[i % len(TEXTS)] + f" {i}", "meta": {"i": i}} for i in range(n)]


def test_reads_one_window_before_the_first_question(nlp_sm) -> None:
    reads: list[int] = []
    endless = ({"text": TEXTS[i % 4], "meta": {"i": reads.append(i) or i}} for i in count())
    stream = select(endless, make_strategy("mnlp"), WindowModel(nlp_sm, ["ORG"]), window=8, keep=0.25)
    first = [next(stream), next(stream)]
    assert len(reads) == 8 and len(first) == 2


@pytest.mark.parametrize("name", ["entity", "mnlp", "kcenter", "density", "random"])
def test_keep_share_of_each_window_without_touching_the_input(nlp_sm, name: str) -> None:
    source = tasks(12)
    before = copy.deepcopy(source)
    out = list(select(iter(source), make_strategy(name), WindowModel(nlp_sm, ["ORG"]),
                      window=6, keep=0.5, ask=sentence_question(predict=True)))
    assert source == before and len(out) == 6
    assert {t["meta"]["i"] for t in out[:3]} <= set(range(6)) and {t["meta"]["i"] for t in out[3:]} <= set(range(6, 12))
    for rank, task in enumerate(out[:3]):
        assert task["meta"]["rank"] == rank and isinstance(task["_task_hash"], int) and task["tokens"]
        assert all(span["label"] == "ORG" for span in task["spans"])


def test_subsequence_questions_say_which_tokens_are_asked(nlp_sm) -> None:
    out = list(select(iter(tasks(4)), make_strategy("entity"), WindowModel(nlp_sm, ["ORG"]),
                      window=None, keep=1.0, ask=subsequence_question(threshold=0.0, context=0)))
    for task in out:
        start, end = task["meta"]["asked"]
        assert 0 <= start < end <= len(task["tokens"])
        assert task["meta"]["asked_text"] in task["text"]
