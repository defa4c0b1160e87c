"""Contract over every registered sorter and scorer: keyword-only factories, laziness,
schema, no mutation of the input, and only input tasks come out."""

from __future__ import annotations

import copy
import inspect
from itertools import count

import pytest

import al_ner.scoring  # noqa: F401  (registers the scorers)
import al_ner.sorters  # noqa: F401  (registers the sorters)
from al_ner import registry
from al_ner.errors import ConfigError
from al_ner.sorters import ALGORITHMS

SORTERS = sorted(registry.sorters.get_all())
SCORERS = sorted(registry.scorers.get_all())
# settings that make a sorter lazy where its default reads the whole stream (documented)
LAZY = {"al_ner.shuffle.v1": {"buffer": 8}}


def variants(name: str) -> list[dict]:
    """Settings to run `name` with: one per algorithm it accepts, or just its defaults."""
    factory = registry.get(registry.sorters, name)
    if "algorithm" not in inspect.signature(factory).parameters:
        return [{}]
    accepted = []
    for algorithm in ALGORITHMS:
        try:
            factory(algorithm=algorithm)
        except ConfigError:
            continue
        accepted.append({"algorithm": algorithm})
    return accepted


SORTER_CASES = [(name, settings) for name in SORTERS for settings in variants(name)]
CASE_IDS = [f"{name}-{settings.get('algorithm', 'defaults')}" for name, settings in SORTER_CASES]
TEXTS = ["Apple hired Tim Cook in London.", "Acme Corp and Reuters met.", "nothing here", ""]


def test_the_expected_parts_are_registered() -> None:
    assert {"al_ner.prefer_uncertain.v1", "al_ner.prefer_high_scores.v1",
            "al_ner.prefer_low_scores.v1", "al_ner.prefer_uncertain.v2",
            "al_ner.prefer_high_scores.v2", "al_ner.prefer_low_scores.v2",
            "al_ner.prefer_top.v1", "al_ner.shuffle.v1"} <= set(SORTERS)
    assert {"al_ner.entity_scorer.v1", "al_ner.sentence_scorer.v1"} <= set(SCORERS)


@pytest.mark.parametrize("name", SORTERS + SCORERS)
def test_factories_are_keyword_only(name: str) -> None:
    reg = registry.sorters if name in SORTERS else registry.scorers
    params = inspect.signature(registry.get(reg, name)).parameters.values()
    assert all(param.kind is inspect.Parameter.KEYWORD_ONLY for param in params)


def scored_tasks(n: int) -> list[tuple[float, dict]]:
    return [((i * 37 % 100) / 100, {"text": f"t{i}", "meta": {"i": i}}) for i in range(n)]


def test_every_algorithm_is_covered() -> None:
    assert {"al_ner.prefer_uncertain.v1", "al_ner.prefer_uncertain.v2"} <= set(SORTERS)
    assert ("al_ner.prefer_uncertain.v1", {"algorithm": "probability"}) in SORTER_CASES
    for algorithm in ALGORITHMS:
        assert ("al_ner.prefer_uncertain.v2", {"algorithm": algorithm}) in SORTER_CASES


@pytest.mark.parametrize(("name", "settings"), SORTER_CASES, ids=CASE_IDS)
def test_sorter_contract(name: str, settings: dict) -> None:
    items = scored_tasks(200)
    before = copy.deepcopy(items)
    out = list(registry.get(registry.sorters, name)(**settings)(iter(items)))
    assert items == before
    assert out, f"{name} yielded nothing from 200 tasks"
    by_text = {task["text"]: (score, task) for score, task in items}
    assert len({task["text"] for task in out}) == len(out)
    for task in out:
        score, original = by_text[task["text"]]
        assert task is not original
        assert task["meta"] == {**original["meta"], "score": score}


@pytest.mark.parametrize(("name", "settings"), SORTER_CASES, ids=CASE_IDS)
def test_sorter_is_lazy(name: str, settings: dict) -> None:
    reads = []
    endless = ((0.5, {"text": str(reads.append(i) or i)}) for i in count())
    next(registry.get(registry.sorters, name)(**settings, **LAZY.get(name, {}))(endless))
    assert len(reads) <= 100


@pytest.mark.model
@pytest.mark.parametrize("name", SCORERS)
def test_scorer_contract(name: str, nlp_sm) -> None:
    scorer = registry.get(registry.scorers, name)(nlp=nlp_sm, labels=["ORG", "PERSON"])
    tasks = [{"text": text, "meta": {"i": i}} for i, text in enumerate(TEXTS)]
    before = copy.deepcopy(tasks)
    pairs = list(scorer(iter(tasks)))
    assert tasks == before and pairs
    for score, task in pairs:
        assert isinstance(score, float) and 0.0 <= score <= 1.0
        assert task["text"] == TEXTS[task["meta"]["i"]]
        assert task["meta"]["score"] == score
        assert isinstance(task["_input_hash"], int) and isinstance(task["_task_hash"], int)
        for span in task.get("spans", []):
            assert set(span) == {"start", "end", "token_start", "token_end", "label", "text"}
            assert span["label"] in {"ORG", "PERSON"}


@pytest.mark.model
@pytest.mark.parametrize("name", SCORERS)
def test_scorer_is_lazy(name: str, nlp_sm) -> None:
    reads = []
    endless = ({"text": TEXTS[0], "meta": {"i": reads.append(i) or i}} for i in count())
    scorer = registry.get(registry.scorers, name)(nlp=nlp_sm, labels=["ORG"], batch_size=8)
    next(scorer(endless))
    assert len(reads) == 8
