"""The real `Steps` of a run: recipes answered by the gold annotator, data-to-spacy, spacy train.

Annotation goes through `al_ner.controller.run_recipe` (the same recipe code a person uses in the
browser); training through `al_ner.training.data_to_spacy` and `train`; scoring through
`al_ner.training.evaluate` on evaluation sets tokenized once.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import fix_random_seed

from ...constants import INPUT_HASH, TASK_HASH
from ...controller import run_recipe
from ...cost import CostBudget, CostMeter
from ...health import bio_tags
from ...models import load_model, model_path
from ...storage import get_db
from ...strategies import DEFAULT_STRATEGY
from ...training import data_to_spacy, predict_entities, train
from ...types import Task
from ..analysis.scores import AnswerSet, eval_set, score_answers, score_gold
from ..data.config import Arm, ExperimentConfig
from ..data.gold_corpus import read_iob
from ..data.layout import ANNOTATION_DEV, DATASET, DEV_GOLD, POOL_GOLD, TEST, TEST_GOLD, UNBIASED_DEV
from ..data.provenance import file_digest
from .runner import PRE_SCORED, Annotation, Checkpoint, Scores

TRAIN, DEV = "train", "dev"
STOP_SET = 300  # sentences of the pool the stopping rule predicts with each checkpoint's model


class _Answers:
    """An in-memory stand-in for the database that data_to_spacy reads datasets from."""

    def __init__(self, **datasets: Sequence[Task]) -> None:
        self.datasets = datasets

    def get_examples(self, name: str) -> Iterable[Task]:
        return iter(self.datasets[name])


def recipe_args(arm: Arm, *, seed: int, window: int, round_no: int = 0) -> dict[str, Any]:
    """The recipe's keyword arguments for an arm in round `round_no`: its own (with its
    first-round settings in round 0), plus the seed and window its order or control mix needs."""
    args = arm.args_for(round_no)
    if args.get("order") in ("random", "uncertain") or args.get("control"):
        args.setdefault("seed", seed)
    if args.get("order") == "uncertain":
        args.setdefault("window", window)
    return args


def train_model(cfg: ExperimentConfig, base: Language, train_answers: list[Task],
                dev_answers: list[Task], out_dir: Path, *, seed: int) -> Path:
    """Fine-tune the base model on answers as the experiment does: data-to-spacy, then spacy train.

    base: the loaded base pipeline (tokenizer, vocab and, for fill="model", the pseudo-labels).
    Returns the directory of the model the config's `checkpoint` picks (last or best).
    """
    corpus = out_dir / "corpus"
    (corpus / "labels").mkdir(parents=True, exist_ok=True)  # data_to_spacy writes labels/ner.json
    data_to_spacy(corpus, [TRAIN], db=_Answers(train=train_answers, dev=dev_answers), nlp=base,
                  labels=list(cfg.labels), seed=seed, fill=cfg.fill, eval_datasets=[DEV])
    overrides = {"paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "dev.spacy"),
                 "training.max_epochs": cfg.max_epochs, "system.seed": seed}
    result = train(cfg.train_config, out_dir / "model", overrides=overrides, base_model=cfg.base_model)
    return result.best if cfg.checkpoint == "best" and result.best else result.last


class SpacySteps:
    """Annotate, train and evaluate with the recipes and spaCy; the base model is loaded once."""

    def __init__(self, config: ExperimentConfig, corpus_dir: Path) -> None:
        self.config = config
        self.corpus_dir = corpus_dir
        self.base = load_model(config.base_model)
        self.gold = {TEST: eval_set(read_iob(corpus_dir / TEST_GOLD)),
                     UNBIASED_DEV: eval_set(read_iob(corpus_dir / DEV_GOLD))}
        self._base_gold: Scores | None = None
        self._dev_key: tuple[int, ...] = ()
        self._dev: AnswerSet | None = None
        self._loaded: tuple[Path, Language] | None = None
        self._stop_set: list[Doc] | None = None

    def annotate(self, arm: Arm, *, db_dir: Path, model: str, source: Path,
                 checkpoint: Checkpoint, seed: int, round_no: int) -> Annotation:
        cfg = self.config
        db = get_db(db_dir)
        before = db.get_answers(DATASET) if db.exists(DATASET) else []
        budget = CostBudget(CostMeter(cfg.cost, before), unit=checkpoint.unit, target=checkpoint.target)
        session_seed = seed * 1000 + round_no
        options = {"gold": str(self.corpus_dir / POOL_GOLD), "gold_loader": "conll", "noise": cfg.noise,
                   "seed": session_seed, "label_map": cfg.gold_to_model()}
        # The model in the loop (ner.teach's update) draws dropout from the global RNGs: reset them
        # so a run's selections depend on its own seed, not on what ran before it in this process.
        fix_random_seed(session_seed)
        report = run_recipe(arm.recipe, annotator="gold", annotator_options=options, db=db,
                            budget=budget, batch_size=cfg.batch_size, dataset=DATASET, spacy_model=model,
                            source=str(source), label=",".join(cfg.labels), loader="jsonl",
                            unsegmented=True, **self._recipe_args(arm, seed, model, round_no))
        answers = db.get_answers(DATASET) if db.exists(DATASET) else []
        return Annotation(answers, exhausted=report.exhausted)

    def _recipe_args(self, arm: Arm, seed: int, model: str, round_no: int = 0) -> dict[str, Any]:
        args = recipe_args(arm, seed=seed, window=self.config.window, round_no=round_no)
        if args.get(PRE_SCORED) and model != self.config.base_model:
            # the pool's scores are the base model's, not this round's model's: score here, the
            # way `al-ner score` scored the pool (entity uncertainty)
            args[PRE_SCORED] = False
            args.setdefault("strategy", DEFAULT_STRATEGY)
        return args

    def describe(self) -> dict[str, str]:
        """The base pipeline's name, version and the digest of its meta.json."""
        path = model_path(self.config.base_model)
        meta = self.base.meta
        return {"base_model": self.config.base_model,
                "base_model_version": f"{meta.get('lang', '?')}_{meta.get('name', '?')}-{meta.get('version', '?')}",
                "base_model_meta": file_digest(path / "meta.json") if path is not None else "blank"}

    def train(self, train_answers: list[Task], dev_answers: list[Task], out_dir: Path, *,
              seed: int) -> Path:
        return train_model(self.config, self.base, train_answers, dev_answers, out_dir, seed=seed)

    def evaluate(self, model: Path | None, dev: list[Task]) -> Scores:
        nlp = self._model(model)
        if model is None and self._base_gold is not None:
            scores = dict(self._base_gold)
        else:
            scores = {name: score_gold(nlp, gold, label_map=self.config.label_map)
                      for name, gold in self.gold.items()}
            if model is None:
                self._base_gold = dict(scores)
        if dev:
            scores[ANNOTATION_DEV] = score_answers(nlp, self._answer_set(dev), labels=self.config.labels,
                                                   label_map=self.config.label_map)
        return scores

    def stop_tags(self, model: Path | None) -> list[list[str]]:
        """BIO tags `model` (None: the base model) predicts on the stop set, for the labels annotated.

        The stop set is a fixed sample of the pool (seeded, STOP_SET sentences, never its gold):
        the stopping rule compares successive models' predictions on it.
        """
        if self._stop_set is None:
            pool = read_iob(self.corpus_dir / POOL_GOLD)
            chosen = random.Random(0).sample(pool, min(STOP_SET, len(pool)))
            self._stop_set = [Doc(self.base.vocab, words=list(s.tokens)) for s in chosen]
        nlp = self._model(model)
        predicted = predict_entities(nlp, self._stop_set)
        return [bio_tags(len(doc), spans, self.config.labels) for doc, spans in zip(self._stop_set, predicted)]

    def _model(self, model: Path | None) -> Language:
        """The base model, or the pipeline at `model`, loaded once while it is being scored."""
        if model is None:
            return self.base
        if self._loaded is None or self._loaded[0] != model:
            self._loaded = (model, spacy.load(model))
        return self._loaded[1]

    def _answer_set(self, dev: list[Task]) -> AnswerSet:
        """The dev answers tokenized once, reused while the same answers are scored again."""
        key = tuple(int(task.get(TASK_HASH, task.get(INPUT_HASH, 0)) or 0) for task in dev)
        if self._dev is None or key != self._dev_key:
            self._dev, self._dev_key = AnswerSet.of(self.base, dev), key
        return self._dev
