"""Prodigy's `prodigy.core` names recipes import: `recipe`, `Arg`, `Controller`, `connect`.

A face for recipes written for Prodigy (docs/prodigy.md): nothing in al-ner imports it.
"""

from __future__ import annotations

from .components.db import connect
from .controller import Controller
from .recipe import Arg, recipe

__all__ = ["Arg", "Controller", "connect", "recipe"]
