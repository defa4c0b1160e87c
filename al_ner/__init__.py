"""al-ner: Prodigy-compatible NER annotation on spaCy.

The public API, what a recipe or a script needs: the @recipe decorator and running a recipe;
loaders (and write_jsonl, read_jsonl's pair) and stream steps; scorers, sorters and query
strategies; the dataset store; training and evaluation; the exception tree; and the registries
to add your own parts. Everything else is importable from its module (al_ner.controller,
al_ner.training.convert, ...) but may change. Importing the package registers every built-in
loader, scorer, sorter, strategy and annotator.
"""

from __future__ import annotations

from . import registry, scoring, sorters, strategies  # noqa: F401  (their parts register on import)
from .annotators import gold, terminal  # noqa: F401  (so do these annotators; web's when it is used)
from .controller import run_recipe
from .errors import (AlNerError, AnswerError, BackendError, ConfigError, DatasetError, EmptyPoolError,
                     InputError, InvalidTaskError, ModelError, RecipeError, UnknownLabelError)
from .models import load_model
from .recipe import get_recipe, recipe
from .scoring import EntityScorer, SentenceScorer, score_pool
from .sorters import prefer_high_scores, prefer_low_scores, prefer_top, prefer_uncertain, shuffle
from .storage import Database, get_db
from .strategies import QueryStrategy, Window, make_strategy
from .stream import (add_tokens, filter_duplicates, filter_seen, get_stream, read_conll, read_csv,
                     read_datasets, read_json, read_jsonl, read_txt, set_hashes, split_sentences,
                     validate_task, write_jsonl)
from .training import answers_to_docs, data_to_spacy, evaluate, train
from .types import Annotator, Components, ScoredStream, Stream, Task
from .util import combine_models, log
from .version import __version__

__all__ = [
    # recipes (log and combine_models as Prodigy's recipes use them)
    "Components", "Stream", "ScoredStream", "Task", "Annotator", "combine_models", "get_recipe", "log", "recipe",
    "run_recipe",
    # sources and stream steps
    "add_tokens", "filter_duplicates", "filter_seen", "get_stream", "read_conll", "read_csv", "read_datasets",
    "read_json", "read_jsonl", "read_txt", "set_hashes", "split_sentences", "validate_task", "write_jsonl",
    # choosing questions
    "EntityScorer", "QueryStrategy", "SentenceScorer", "Window", "make_strategy", "prefer_high_scores",
    "prefer_low_scores", "prefer_top", "prefer_uncertain", "score_pool", "shuffle",
    # answers, models, training
    "Database", "answers_to_docs", "data_to_spacy", "evaluate", "get_db", "load_model", "train",
    # errors, registries, version
    "AlNerError", "AnswerError", "BackendError", "ConfigError", "DatasetError", "EmptyPoolError", "InputError",
    "InvalidTaskError", "ModelError", "RecipeError", "UnknownLabelError", "registry", "__version__",
]
