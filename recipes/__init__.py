"""The built-in recipes, registered on import (installed as al_ner.recipes)."""

from . import ner, ner_correct, ner_eval_ab, ner_manual, ner_silver_to_gold, ner_teach, review

__all__ = ["ner", "ner_correct", "ner_eval_ab", "ner_manual", "ner_silver_to_gold", "ner_teach", "review"]
