"""al-ner: Prodigy-compatible NER annotation on spaCy."""

from __future__ import annotations

from . import constants, registry
from .errors import (AlNerError, ConfigError, DatasetError, EmptyPoolError, InputError,
                     InvalidTaskError, ModelError, RecipeError, UnknownLabelError)
from .models import check_labels, get_ner, load_model, model_path
from .stream.hashing import set_hash, set_hashes
from .types import Annotator, Components, ScoredStream, Stream, Task

__version__ = "0.1.0"

__all__ = [
    "AlNerError", "Annotator", "Components", "ConfigError", "DatasetError", "EmptyPoolError",
    "InputError", "InvalidTaskError", "ModelError", "RecipeError", "ScoredStream", "Stream", "Task",
    "UnknownLabelError", "check_labels", "constants", "get_ner", "load_model", "model_path",
    "registry", "set_hash", "set_hashes",
]
