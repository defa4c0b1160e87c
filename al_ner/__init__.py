"""al-ner: Prodigy-compatible NER annotation on spaCy.

The public API: loaders and stream steps, scorers and sorters, the dataset store, the
@recipe decorator, the controller that runs a recipe with an annotator, and the training
helpers that turn answers into spaCy data. Importing the package registers every built-in
loader, scorer, sorter and annotator.
"""

from __future__ import annotations

from . import constants, registry, scoring, sorters
from .annotators.gold import GoldAnnotator, GoldIndex, make_gold_annotator
from .annotators.terminal import TerminalAnnotator
from .controller import Controller, SessionReport, make_annotator, run_components, run_recipe
from .errors import (AlNerError, AnswerError, BackendError, ConfigError, DatasetError, EmptyPoolError,
                     InputError, InvalidTaskError, ModelError, RecipeError, UnknownLabelError)
from .models import check_labels, get_ner, load_model, model_path
from .predict import add_model_spans
from .recipe import get_recipe, recipe
from .scoring import EntityScorer, SentenceScorer, score_pool, stored_scores, uncertainty, write_scored
from .sorters import (prefer_high_scores, prefer_low_scores, prefer_top, prefer_uncertain,
                      shuffle)
from .storage import Database, get_db, latest_answers
from .stream import (SkipCounter, add_tokens, filter_duplicates, filter_seen, get_stream,
                     read_conll, read_csv, read_datasets, read_json, read_jsonl, read_txt,
                     set_hash, set_hashes, split_sentences, validate_task)
from .training import (ONTONOTES_TO_CONLL, answers_to_docs, data_to_spacy, evaluate,
                       make_update, merge_answers, train)
from .types import Annotator, Components, ScoredStream, Stream, Task
from .util import combine_models, log

__version__ = "0.1.0"

__all__ = [
    "ONTONOTES_TO_CONLL", "AlNerError", "Annotator", "AnswerError", "BackendError", "Components", "ConfigError",
    "Controller", "Database", "DatasetError", "EmptyPoolError", "EntityScorer", "GoldAnnotator",
    "GoldIndex", "InputError", "InvalidTaskError", "ModelError", "RecipeError", "ScoredStream",
    "SentenceScorer", "SessionReport", "SkipCounter", "Stream", "Task", "TerminalAnnotator",
    "UnknownLabelError", "add_model_spans", "add_tokens", "answers_to_docs", "check_labels",
    "combine_models", "constants", "data_to_spacy", "evaluate", "filter_duplicates", "filter_seen",
    "get_db",
    "get_ner", "get_recipe", "get_stream", "latest_answers", "load_model", "log", "make_annotator",
    "make_gold_annotator", "make_update", "merge_answers", "model_path", "prefer_high_scores",
    "prefer_low_scores", "prefer_top", "prefer_uncertain", "read_conll", "read_csv",
    "read_datasets", "read_json", "read_jsonl", "read_txt", "recipe", "registry", "run_components",
    "run_recipe", "score_pool", "set_hash", "set_hashes", "shuffle", "split_sentences", "stored_scores",
    "train", "uncertainty", "validate_task", "write_scored",
]
