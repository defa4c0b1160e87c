"""Simulated annotation runs: strategy x seed, budgets as checkpoints, rounds for active learning.

For each seed and strategy the runner asks the recipe (through the controller, answered by
the gold annotator) for the next `budget - previous` answers, splits all answers so far into
train and annotation dev, fine-tunes the base model on the train part, and scores the result
on the held-out test, the unbiased dev set and the annotation dev split. Strategies with rounds
pick the next round's questions with the model trained at this budget.

The work is done by a `Steps` object (the real one drives spaCy; tests pass a fake), so this
module holds only the bookkeeping: budgets, rounds, splits, costs, rows, timings and resuming.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import srsly

from ..types import Task
from .config import ExperimentConfig, Strategy, get_strategy
from .corpus import read_iob, write_tasks
from .cost import annotation_cost
from .evaluation import Score
from .results import ANNOTATION_DEV, BASE, TEST, UNBIASED_DEV, Row, read_rows, write_rows
from .splits import split_answers

POOL_GOLD = "pool.iob"
DEV_GOLD = "dev.iob"
TEST_GOLD = "test.iob"
RESULTS = "results.jsonl"
META = "meta.json"
Scores = dict[str, dict[str, Score]]  # eval set -> gold label -> score


class Steps(Protocol):
    """The three things a run does; `SpacySteps` does them with the recipes and spaCy."""

    def annotate(self, strategy: Strategy, *, db_dir: Path, model: str, source: Path, limit: int,
                 seed: int, round_no: int) -> list[Task]:
        """Answer up to `limit` more questions; return every answer of the run so far."""

    def train(self, train: list[Task], dev: list[Task], out_dir: Path, *, seed: int) -> Path:
        """Fine-tune the base model on `train` (spaCy's dev: `dev`); return the model directory."""

    def evaluate(self, model: Path | None, dev: list[Task]) -> Scores:
        """Scores of `model` (None: the base model) on test, unbiased dev and the `dev` answers."""


class Progress(Protocol):
    def update(self, n: int = 1) -> Any: ...
    def set_postfix_str(self, s: str) -> Any: ...
    def close(self) -> Any: ...


class _Silent:
    def update(self, n: int = 1) -> None: ...
    def set_postfix_str(self, s: str) -> None: ...
    def close(self) -> None: ...


@dataclass
class Timer:
    """Wall seconds per stage, summed over the whole experiment."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start


@dataclass
class Experiment:
    """One experiment: the config, the prepared corpus folder and where to write."""

    config: ExperimentConfig
    corpus_dir: Path
    out_dir: Path
    steps: Steps
    progress: Callable[[int], Progress] = lambda total: _Silent()
    timer: Timer = field(default_factory=Timer)

    def run(self) -> list[Row]:
        """Run every seed x strategy (reusing finished runs with the same settings); write results."""
        start = time.perf_counter()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with self.timer.stage("evaluate"):
            rows = base_rows(self.steps.evaluate(None, []))
        cfg = self.config
        bar = self.progress(len(cfg.seeds) * len(cfg.strategies) * len(cfg.budgets))
        try:
            for seed in cfg.seeds:
                source = self.pool_for_seed(seed)
                for name in cfg.strategies:
                    rows += self.run_strategy(get_strategy(name), seed, source, bar)
        finally:
            bar.close()
        write_rows(self.out_dir / RESULTS, rows)
        meta = {**cfg.to_meta(), "wall_seconds": time.perf_counter() - start,
                "stage_seconds": dict(self.timer.seconds)}
        srsly.write_json(self.out_dir / META, meta)
        return rows

    def pool_for_seed(self, seed: int) -> Path:
        """The unlabeled pool as JSONL tasks, shuffled by `seed` (every strategy of a seed shares it)."""
        path = self.out_dir / "pools" / f"pool_s{seed}.jsonl"
        if not path.is_file():
            sentences = read_iob(self.corpus_dir / POOL_GOLD)
            random.Random(seed).shuffle(sentences)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_tasks(path, sentences)
        return path

    def run_strategy(self, strategy: Strategy, seed: int, source: Path, bar: Progress) -> list[Row]:
        """All budgets of one strategy and seed, or the stored rows of an identical finished run."""
        run_dir = self.out_dir / "runs" / strategy.name / f"seed{seed}"
        settings = run_settings(self.config, strategy.name, seed, self.corpus_dir)
        if _finished(run_dir, settings):
            bar.update(len(self.config.budgets))
            return read_rows(run_dir / RESULTS)
        if run_dir.exists():
            shutil.rmtree(run_dir)
        run_dir.mkdir(parents=True)
        rows = list(self._checkpoints(strategy, seed, source, run_dir, bar))
        write_rows(run_dir / RESULTS, rows)
        srsly.write_json(run_dir / "settings.json", settings)
        return rows

    def _checkpoints(self, strategy: Strategy, seed: int, source: Path, run_dir: Path,
                     bar: Progress) -> Iterator[Row]:
        cfg = self.config
        model, model_work, previous = cfg.base_model, None, 0
        for round_no, budget in enumerate(cfg.budgets):
            work = run_dir / f"budget{budget}"
            step = f"{strategy.name} seed {seed} budget {budget}"
            bar.set_postfix_str(f"{step}: annotate")
            with self.timer.stage("annotate"):
                answers = self.steps.annotate(strategy, db_dir=run_dir / "db", model=model, source=source,
                                              limit=budget - previous, seed=seed, round_no=round_no)
            train, dev = split_answers(answers, share=cfg.dev_share, seed=seed, at_least_one=True)
            bar.set_postfix_str(f"{step}: train")
            with self.timer.stage("train"):
                trained = self.steps.train(train, dev, work, seed=seed)
            bar.set_postfix_str(f"{step}: evaluate")
            with self.timer.stage("evaluate"):
                scores = self.steps.evaluate(trained, dev)
                base = self.steps.evaluate(None, dev)
            yield from checkpoint_rows(strategy.name, seed, budget, scores, base,
                                       annotation_cost(answers, cfg.cost))
            if strategy.rounds:  # this model picks the next round's questions
                self._discard(model_work)
                model, model_work = str(trained), work
            else:
                self._discard(work)
            previous = budget
            bar.update(1)
        self._discard(model_work)

    def _discard(self, work: Path | None) -> None:
        """Delete a checkpoint's folder (models are large) unless keep_models is set."""
        if work is not None and not self.config.keep_models:
            shutil.rmtree(work, ignore_errors=True)


def run_settings(cfg: ExperimentConfig, strategy: str, seed: int, corpus_dir: Path) -> dict[str, Any]:
    """What decides a run's results (not which other seeds or strategies run beside it)."""
    meta = {k: v for k, v in cfg.to_meta().items() if k not in ("seeds", "strategies")}
    return {**meta, "strategy": strategy, "seed": seed, "corpus": corpus_fingerprint(corpus_dir)}


def corpus_fingerprint(corpus_dir: Path) -> str:
    """A digest of the prepared gold files, so a re-prepared corpus isn't mistaken for the old one."""
    digest = hashlib.sha1()
    for name in (POOL_GOLD, DEV_GOLD, TEST_GOLD):
        path = corpus_dir / name
        digest.update(path.read_bytes() if path.is_file() else name.encode())
    return digest.hexdigest()


def _finished(run_dir: Path, settings: dict[str, Any]) -> bool:
    stored = run_dir / "settings.json"
    return (run_dir / RESULTS).is_file() and stored.is_file() and srsly.read_json(stored) == settings


def base_rows(scores: Scores) -> list[Row]:
    """The base model's zero-shot rows (strategy "base", budget 0) on the fixed evaluation sets."""
    return [Row(BASE, 0, 0, eval_set, label, s.f, s.p, s.r, s.n_gold, s.f, 0, 0, 0, 0.0)
            for eval_set in (TEST, UNBIASED_DEV) for label, s in scores.get(eval_set, {}).items()]


def checkpoint_rows(strategy: str, seed: int, budget: int, scores: Scores, base: Scores, cost: Any) -> list[Row]:
    """One row per evaluation set and label of one trained model."""
    rows = []
    for eval_set in (TEST, ANNOTATION_DEV, UNBIASED_DEV):
        for label, s in scores.get(eval_set, {}).items():
            base_f = base.get(eval_set, {}).get(label, Score(0.0, 0.0, 0.0, 0)).f
            rows.append(Row(strategy, seed, budget, eval_set, label, s.f, s.p, s.r, s.n_gold, base_f,
                            cost.sentences, cost.tokens, cost.decisions, cost.est_seconds))
    return rows
