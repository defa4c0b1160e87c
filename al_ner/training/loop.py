"""The training loop: spaCy's updates, evaluated often enough for small data.

spaCy's own loop evaluates every `eval_frequency` steps starting at step 0, after the first
batch: with a hundred answers (a few steps an epoch, fewer than the default 200 steps in all)
that is the only evaluation, so it prints one row and saves a barely trained model as
model-best. Here the pipeline is evaluated before training (a row, never a checkpoint), every
`eval_frequency` steps, at the end of every epoch and after the last step; model-best is the
best of the evaluations after training started (of equal scores the later, as in spaCy). A
row's `#` is the number of updates so far.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from timeit import default_timer as timer
from typing import IO, Any

from spacy.language import Language
from spacy.schemas import ConfigSchemaTraining
from spacy.training.loop import (DIR_MODEL_BEST, DIR_MODEL_LAST, clean_output_dir,
                                 create_before_to_disk_callback, create_evaluation_callback,
                                 create_train_batches, subdivide_batch, update_meta)
from spacy.util import registry, resolve_dot_names
from thinc.api import constant, fix_random_seed, set_gpu_allocator
from wasabi import Printer


@dataclass(frozen=True)
class Evaluation:
    """One dev evaluation: after `step` updates (0: before training), in epoch `epoch`."""

    epoch: int
    step: int
    score: float


@dataclass(frozen=True)
class LoopResult:
    """Every evaluation in order, and the one model-best holds (None: no update was made)."""

    evaluations: tuple[Evaluation, ...]
    best: Evaluation | None


Batches = Iterable[tuple[int, list[Any]]]


def run_training(nlp: Language, output_path: Path, *, use_gpu: int = -1, stdout: IO[str],
                 stderr: IO[str]) -> LoopResult:
    """Train the initialized `nlp` with its [training] settings; save model-last and model-best."""
    settings, train_corpus, dev_corpus = _resolve(nlp, use_gpu)
    loop = _Loop(nlp, settings, output_path, create_evaluation_callback(
        nlp, dev_corpus, settings["score_weights"]))
    batches = create_train_batches(nlp, train_corpus, settings["batcher"], settings["max_epochs"])
    clean_output_dir(output_path)
    _say_setup(nlp, settings, stdout)
    with nlp.select_pipes(disable=settings["frozen_components"]):
        loop.log, finalize = settings["logger"](nlp, stdout, stderr)
    try:
        loop.run(with_epoch_ends(batches))
    finally:
        finalize()
        loop.save(best=False)
    return LoopResult(tuple(loop.evaluations), loop.best)


def _resolve(nlp: Language, use_gpu: int) -> tuple[dict[str, Any], Any, Any]:
    """The resolved [training] block and the train and dev corpora; seeds set as spaCy does."""
    config = nlp.config.interpolate()
    if config["training"]["seed"] is not None:
        fix_random_seed(config["training"]["seed"])
    if use_gpu >= 0 and config["training"]["gpu_allocator"]:
        set_gpu_allocator(config["training"]["gpu_allocator"])
    settings = registry.resolve(config["training"], schema=ConfigSchemaTraining)
    train_corpus, dev_corpus = resolve_dot_names(config, [settings["train_corpus"],
                                                          settings["dev_corpus"]])
    return settings, train_corpus, dev_corpus


def _say_setup(nlp: Language, settings: dict[str, Any], stdout: IO[str]) -> None:
    msg = Printer(no_print=True)
    stdout.write(msg.info(f"Pipeline: {nlp.pipe_names}") + "\n")
    if settings["frozen_components"]:
        stdout.write(msg.info(f"Frozen components: {settings['frozen_components']}") + "\n")
    stdout.write(msg.info(f"Initial learn rate: {settings['optimizer'].learn_rate}") + "\n")
    stdout.write(msg.info("Evaluating before training (row # 0), every "
                          f"{settings['eval_frequency']} steps and after every epoch") + "\n")


def with_epoch_ends(batches: Batches) -> Iterator[tuple[int, list[Any], bool]]:
    """(epoch, batch, whether it is the epoch's last batch), looking one batch ahead."""
    upcoming = iter(batches)
    current = next(upcoming, None)
    while current is not None:
        following = next(upcoming, None)
        yield current[0], current[1], following is None or following[0] != current[0]
        current = following


class _Loop:
    """Updates, evaluations and checkpoints of one training run."""

    def __init__(self, nlp: Language, settings: dict[str, Any], output_path: Path,
                 evaluate: Callable[[], tuple[float, dict[str, Any]]]) -> None:
        self.nlp, self.settings, self.output_path, self._evaluate = nlp, settings, output_path, evaluate
        self.optimizer = settings["optimizer"]
        self.log: Callable[[dict[str, Any] | None], None] = lambda info: None
        self.evaluations: list[Evaluation] = []
        self.best: Evaluation | None = None
        self.losses: dict[str, float] = {}
        self.words = 0
        self.step = 0  # updates so far
        self._saved_step: int | None = None
        self._start = timer()

    def run(self, batches: Iterable[tuple[int, list[Any], bool]]) -> None:
        frequency, dropout = self.settings["eval_frequency"], self.settings["dropout"]
        dropouts = constant(dropout) if isinstance(dropout, float) else dropout
        self.evaluate(epoch=0)
        epoch, evaluated = 0, True
        for epoch, batch, epoch_ends in batches:
            if self.settings["before_update"]:
                self.settings["before_update"](self.nlp, {"step": self.step, "epoch": epoch})
            self.update(batch, next(dropouts))
            evaluated = epoch_ends or self.step % frequency == 0
            if evaluated:
                self.evaluate(epoch=epoch)
            else:
                self.log(None)
            if self._should_stop():
                break
        if not evaluated:
            self.evaluate(epoch=epoch)

    def _should_stop(self) -> bool:
        """max_steps reached, or no better evaluation in the last `patience` steps."""
        max_steps, patience = self.settings["max_steps"], self.settings["patience"]
        best_step = self.best.step if self.best is not None else 0
        return bool(max_steps and self.step >= max_steps) or \
            bool(patience and self.step - best_step >= patience)

    def update(self, batch: list[Any], dropout: float) -> None:
        exclude = self.settings["frozen_components"]
        for part in subdivide_batch(batch, self.settings["accumulate_gradient"]):
            self.nlp.update(part, drop=dropout, losses=self.losses, sgd=False, exclude=exclude,
                            annotates=self.settings["annotating_components"])
        for name, pipe in self.nlp.pipeline:
            if name not in exclude and getattr(pipe, "is_trainable", False) and \
                    getattr(pipe, "model", None) not in (True, False, None):
                pipe.finish_update(self.optimizer)
        self.optimizer.step_schedules()
        self.words += sum(len(example) for example in batch)
        self.step += 1

    def evaluate(self, *, epoch: int) -> None:
        """Score on dev, log a row and, after training started, save the checkpoint."""
        with self.nlp.use_params(self.optimizer.averages or {}):
            score, scores = self._evaluate()
        step = self.step
        evaluation = Evaluation(epoch, step, float(score))
        self.evaluations.append(evaluation)
        info = {"epoch": epoch, "step": step, "score": score, "other_scores": scores,
                "losses": {**self._zero_losses(), **self.losses}, "words": self.words,
                "checkpoints": [(e.score, e.step) for e in self.evaluations],
                "seconds": int(timer() - self._start)}
        if step > 0:
            is_best = self.best is None or evaluation.score >= self.best.score  # ties: the later
            self.best = evaluation if is_best else self.best
            with self.nlp.select_pipes(disable=self.settings["frozen_components"]):
                update_meta(self.settings, self.nlp, info)
            self.save(best=is_best)
        self.log(info)
        self.losses = {}

    def _zero_losses(self) -> dict[str, float]:
        frozen = set(self.settings["frozen_components"])
        return {name: 0.0 for name, pipe in self.nlp.pipeline
                if name not in frozen and getattr(pipe, "is_trainable", False)}

    def save(self, *, best: bool) -> None:
        """model-last (with the averaged weights), copied to model-best when `best`."""
        if self._saved_step == self.step and not best:
            return
        self._saved_step = self.step
        before_to_disk = create_before_to_disk_callback(self.settings["before_to_disk"])
        last, best_dir = self.output_path / DIR_MODEL_LAST, self.output_path / DIR_MODEL_BEST
        with self.nlp.use_params(self.optimizer.averages or {}):
            before_to_disk(self.nlp).to_disk(last)
        if best:
            shutil.rmtree(best_dir, ignore_errors=True)
            shutil.copytree(last, best_dir)
