"""Prodigy's `prodigy.protocols` type names recipes annotate with, as al-ner's types.

A face for recipes written for Prodigy (docs/prodigy.md): nothing in al-ner imports it.
"""

from __future__ import annotations

from .types import Components

ControllerComponentsDict = Components

__all__ = ["ControllerComponentsDict"]
