"""Answers -> training data (accept, reject, missing), the online update, training and evaluation."""

from __future__ import annotations

from .base_model import base_predictor, frozen_predictor, predict_entities
from .callbacks import set_incorrect_spans_key
from .convert import (DEFAULT_FILL, FILLS, Answers, answers_to_doc, answers_to_docs, eval_docs,
                      input_doc, token_annotation)
from .corpus import data_to_spacy, split_by_input, write_docbin
from .evaluate import (LABEL_MAPS, ONTONOTES_TO_CONLL, EvalSet, eval_set_from_answers,
                       eval_set_from_docs, eval_set_from_tasks, evaluate, read_eval_docbin,
                       score_spans)
from .merge import ConversionStats, merge_answers
from .train import DEFAULT_CONFIG, TrainResult, train
from .update import make_update

__all__ = [
    "DEFAULT_CONFIG", "DEFAULT_FILL", "FILLS", "LABEL_MAPS", "ONTONOTES_TO_CONLL", "Answers",
    "ConversionStats", "EvalSet", "TrainResult", "answers_to_doc", "answers_to_docs",
    "base_predictor", "data_to_spacy", "eval_docs", "eval_set_from_answers", "eval_set_from_docs",
    "eval_set_from_tasks", "evaluate", "frozen_predictor", "input_doc", "make_update",
    "merge_answers", "predict_entities",
    "read_eval_docbin", "score_spans", "set_incorrect_spans_key", "split_by_input",
    "token_annotation", "train", "write_docbin",
]
