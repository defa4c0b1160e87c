"""Registries for pluggable parts, under versioned names ("al_ner.prefer_uncertain.v1")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import catalogue

from .errors import ConfigError

loaders = catalogue.create("al_ner", "loaders", entry_points=True)
sorters = catalogue.create("al_ner", "sorters", entry_points=True)
scorers = catalogue.create("al_ner", "scorers", entry_points=True)
annotators = catalogue.create("al_ner", "annotators", entry_points=True)
recipes = catalogue.create("al_ner", "recipes", entry_points=True)
strategies = catalogue.create("al_ner", "strategies", entry_points=True)


def get(registry: catalogue.Registry, name: str) -> Callable[..., Any]:
    """Look up `name` in `registry`, or raise a ConfigError listing the valid names."""
    try:
        return registry.get(name)
    except catalogue.RegistryError:
        choices = ", ".join(sorted(registry.get_all())) or "(none)"
        kind = registry.namespace[-1]
        raise ConfigError(f"unknown {kind} '{name}'; choose one of: {choices}") from None


_ALIASES: dict[tuple[str, ...], dict[str, str]] = {}  # a registry's namespace -> short name -> name


def register(registry: catalogue.Registry, name: str, func: Callable[..., Any], *,
             alias: str | None = None) -> Callable[..., Any]:
    """Register `func` as `name`, and `alias` as its short name (`--loader jsonl`, `--strategy mnlp`)."""
    registry.register(name, func=func)
    if alias is not None:
        _ALIASES.setdefault(registry.namespace, {})[alias] = name
    return func


def aliases(registry: catalogue.Registry) -> dict[str, str]:
    """Short name -> registered name, in the order they were registered."""
    return dict(_ALIASES.get(registry.namespace, {}))


def resolve(registry: catalogue.Registry, name: str) -> str:
    """The registered name behind `name`: an alias's, or `name` itself."""
    return _ALIASES.get(registry.namespace, {}).get(name, name)
