"""The query-strategy protocol, its input and output checks (one place), and building by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .. import registry
from ..errors import ConfigError, EmptyPoolError, StrategyError
from .maths import top_n
from .window import Window

ScoreFn = Callable[[Window], np.ndarray]

# what --order uncertain did before the adaptive default, and what the mixes score with
DEFAULT_STRATEGY = "al_ner.entity_uncertainty.v1"
# what --order uncertain asks when the user names no strategy: a bandit with random among its arms
ADAPTIVE = "al_ner.adaptive.v1"


class QueryStrategy(Protocol):
    """Chooses which tasks of a window to ask (small-text's QueryStrategy.query)."""

    def query(self, window: Window, n: int) -> list[int]:
        """Indices of the `n` tasks of `window` to ask, in the order to ask them."""


@dataclass(frozen=True)
class ScoreStrategy:
    """Ask the `n` tasks with the highest score (modAL's scoring function + multi_argmax)."""

    score: ScoreFn

    def query(self, window: Window, n: int) -> list[int]:
        return top_n(self.score(window), n)


def query(strategy: QueryStrategy, window: Window, n: int) -> list[int]:
    """`strategy.query(window, n)` with the checks every strategy relies on, in one place.

    n is capped at the window's size. Raises EmptyPoolError for an empty window, ConfigError
    for n < 1, and StrategyError when the strategy's answer isn't n distinct indices of the window.
    """
    if not len(window):
        raise EmptyPoolError("the window holds no tasks to choose from; check the source")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ConfigError(f"a strategy must be asked for at least 1 task, got n={n!r}")
    n = min(n, len(window))
    picked = [int(i) for i in strategy.query(window, n)]
    if len(picked) != n or len(set(picked)) != n or not all(0 <= i < len(window) for i in picked):
        raise StrategyError(f"{type(strategy).__name__} returned {picked[:10]!r} for n={n} of "
                            f"{len(window)} tasks; a strategy must return n distinct indices")
    return picked


def register_strategy(name: str, *, alias: str | None = None) -> Callable[[Callable[..., QueryStrategy]],
                                                                          Callable[..., QueryStrategy]]:
    """Register a strategy factory as `name`, with `alias` its short name (`--strategy mnlp`)."""
    return lambda factory: registry.register(registry.strategies, name, factory, alias=alias)


def lazy_query(strategy: QueryStrategy, window: Window) -> Iterator[tuple[int, dict[str, Any]]]:
    """`strategy.picks(window)` (a strategy that learns while asking) with the checks of `query`.

    Yields (index, meta for the question) one pick at a time, so the strategy draws each pick
    with what it has learnt from the answers so far.
    """
    if not len(window):
        raise EmptyPoolError("the window holds no tasks to choose from; check the source")
    seen: set[int] = set()
    for index, meta in strategy.picks(window):  # type: ignore[attr-defined]
        index = int(index)
        if index in seen or not 0 <= index < len(window):
            raise StrategyError(f"{type(strategy).__name__} picked {index} of {len(window)} tasks "
                                f"after {len(seen)} picks; a strategy must pick distinct indices")
        seen.add(index)
        yield index, dict(meta)


def learns(strategy: QueryStrategy) -> bool:
    """Whether the strategy learns from answers while asking (has `picks` and `update`)."""
    return callable(getattr(strategy, "picks", None)) and callable(getattr(strategy, "update", None))


def strategy_name(name: str) -> str:
    """The registered name behind `name` (an alias like "mnlp", or a registered name)."""
    return registry.resolve(registry.strategies, name)


def strategy_aliases() -> dict[str, str]:
    """Short name -> registered name of every strategy that has one (built-ins register theirs)."""
    import_builtins()
    return registry.aliases(registry.strategies)


def make_strategy(name: str, settings: Mapping[str, Any] | None = None, *,
                  seed: int = 0) -> QueryStrategy:
    """Build strategy `name` with `settings` (keyword arguments of its factory).

    `seed` goes to factories that take one, unless `settings` sets it. Unknown names and
    settings raise a ConfigError listing the valid ones.
    """
    full = strategy_name(name)
    import_builtins()
    factory = registry.get(registry.strategies, full)
    params = inspect.signature(factory).parameters
    kwargs = dict(settings or {})
    unknown = sorted(set(kwargs) - set(params))
    if unknown:
        raise ConfigError(f"strategy '{full}' has no setting(s) {unknown}; its settings: "
                          f"{', '.join(params) or '(none)'}")
    if "seed" in params:
        kwargs.setdefault("seed", seed)
    strategy: QueryStrategy = factory(**kwargs)
    return strategy


def score_function(name: str, settings: Mapping[str, Any] | None = None, *,
                   seed: int = 0) -> ScoreFn:
    """The score of a scoring strategy (for density, MMR and hybrids), or a ConfigError."""
    strategy = make_strategy(name, settings, seed=seed)
    if not isinstance(strategy, ScoreStrategy):
        scoring = [alias for alias, full in strategy_aliases().items() if _scores(full)]
        raise ConfigError(f"'{name}' doesn't score tasks, so it can't be combined here; use a "
                          f"scoring strategy: {', '.join(scoring)}")
    return strategy.score


def _scores(name: str) -> bool:
    try:
        return isinstance(make_strategy(name), ScoreStrategy)
    except ConfigError:
        return False


def import_builtins() -> None:
    """Register the built-in strategies (their modules register on import)."""
    from . import adaptive, diversity, mixing, uncertainty  # noqa: F401
