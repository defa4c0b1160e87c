"""The built-in recipes, registered on import (installed as al_ner.recipes)."""

from . import ner_correct, ner_manual, ner_teach

__all__ = ["ner_correct", "ner_manual", "ner_teach"]
