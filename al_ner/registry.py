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
