"""Registries for pluggable parts, under versioned names ("al_ner.prefer_uncertain.v1").

Each registry is filled before it is read: `get` and `names` first import the modules that
register al-ner's own parts (by name, since they sit above this module), so a lookup never
depends on what the caller happened to import first.
"""

from __future__ import annotations

import importlib
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

# the modules that register al-ner's own parts in each registry
BUILT_INS: dict[str, tuple[str, ...]] = {
    "loaders": ("al_ner.stream.loaders",),
    "sorters": ("al_ner.sorters",),
    "scorers": ("al_ner.scoring",),
    "annotators": ("al_ner.annotators.gold", "al_ner.annotators.terminal", "al_ner.annotators.web"),
    "recipes": ("al_ner.recipes",),
    "strategies": ("al_ner.strategies",),
}


def filled(registry: catalogue.Registry) -> catalogue.Registry:
    """`registry`, with al-ner's own parts registered in it."""
    for module in BUILT_INS.get(registry.namespace[-1], ()):
        importlib.import_module(module)
    return registry


def names(registry: catalogue.Registry) -> list[str]:
    """The names registered in `registry`, sorted."""
    return sorted(filled(registry).get_all())


def get(registry: catalogue.Registry, name: str) -> Callable[..., Any]:
    """Look up `name` in `registry`, or raise a ConfigError listing the valid names."""
    try:
        return filled(registry).get(name)
    except catalogue.RegistryError:
        choices = ", ".join(names(registry)) or "(none)"
        kind = registry.namespace[-1]
        raise ConfigError(f"unknown {kind} '{name}'; choose one of: {choices}") from None
