"""Contract over every registered query strategy: keyword-only factory, one `query` method,
n distinct indices of the window, seeded, no mutation of the window."""

from __future__ import annotations

import copy
import inspect

import pytest

from al_ner import registry
from al_ner.errors import ConfigError, EmptyPoolError, StrategyError
from al_ner.strategies import ALIASES, make_strategy, query, strategy_name

from .conftest import fake_window

STRATEGIES = sorted(registry.strategies.get_all())


def test_the_issue_s_strategies_are_registered() -> None:
    assert {"al_ner.entity_uncertainty.v1", "al_ner.beam_entropy.v1", "al_ner.mnlp.v1",
            "al_ner.kcenter.v1", "al_ner.mmr.v1", "al_ner.density.v1", "al_ner.hybrid.v1",
            "al_ner.random.v1", "al_ner.epsilon_random.v1", "al_ner.cold_start.v1"} <= set(STRATEGIES)
    assert {strategy_name(alias) for alias in ALIASES} <= set(STRATEGIES)


@pytest.mark.parametrize("name", STRATEGIES)
def test_factories_are_keyword_only_and_documented(name: str) -> None:
    factory = registry.get(registry.strategies, name)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in inspect.signature(factory).parameters.values())
    doc = inspect.getdoc(factory) or ""
    assert len(doc.split()) > 40 and any(year in doc for year in ("19", "20")), "a paragraph and its paper"


@pytest.mark.parametrize("name", STRATEGIES)
@pytest.mark.parametrize("n", [1, 7, 40])
def test_query_returns_n_distinct_indices_without_touching_the_window(name: str, n: int) -> None:
    window = fake_window(40)
    before = copy.deepcopy(window)
    picked = query(make_strategy(name, seed=3), window, n)
    assert len(picked) == n == len(set(picked)) and all(0 <= i < 40 for i in picked)
    assert unchanged(window, before)


def unchanged(window, before) -> bool:
    return (window.entity_probs == before.entity_probs and window.parses == before.parses
            and (window.vectors == before.vectors).all() and (window.lengths == before.lengths).all()
            and window.tasks == before.tasks)


@pytest.mark.parametrize("name", STRATEGIES)
def test_the_same_seed_picks_the_same(name: str) -> None:
    picks = [query(make_strategy(name, seed=5), fake_window(30, seed=1), 10) for _ in range(2)]
    assert picks[0] == picks[1]


def test_query_checks_its_input_and_the_strategy_s_answer() -> None:
    strategy = make_strategy("mnlp")
    with pytest.raises(EmptyPoolError):
        query(strategy, fake_window(0), 3)
    with pytest.raises(ConfigError, match="at least 1"):
        query(strategy, fake_window(5), 0)
    assert len(query(strategy, fake_window(5), 50)) == 5  # capped at the window

    class Repeats:
        def query(self, window, n):
            return [0] * n
    with pytest.raises(StrategyError, match="distinct"):
        query(Repeats(), fake_window(5), 3)


def test_unknown_names_and_settings_say_what_is_valid() -> None:
    with pytest.raises(ConfigError, match="al_ner.mnlp.v1"):
        make_strategy("nope")
    with pytest.raises(ConfigError, match="epsilon"):
        make_strategy("epsilon", {"epsilom": 0.2})
    with pytest.raises(ConfigError, match=r"'epsilon' must be in \[0, 1\]"):
        make_strategy("epsilon", {"epsilon": 2})
    with pytest.raises(ConfigError, match="doesn't score"):
        make_strategy("density", {"base": "kcenter"})
