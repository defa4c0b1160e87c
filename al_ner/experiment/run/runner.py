"""Simulated annotation runs: strategy x seed, checkpoints of equal cost, rounds for active learning.

For each seed and strategy the runner has the recipe (through the controller, answered by the
gold annotator) annotate until the run's cumulative cost, in the budget unit, reaches the next
checkpoint; it splits all answers so far into train and annotation dev (a sentence keeps its
side), fine-tunes the base model on the train part, and scores the result on the held-out test,
the unbiased dev set and the annotation dev split. Strategies with rounds pick the next round's
questions with the model trained at this checkpoint. Each seed draws its own share of the pool.

The work is done by a `Steps` object (the real one drives spaCy; tests pass a fake), so this
module holds only the bookkeeping: checkpoints, rounds, splits, costs, rows, timings and reuse.
Where the runs that aren't reused compute is a `Backend`: `LocalBackend` runs them one after the
other here, `ray_backend.RayBackend` as Ray tasks; either calls `execute_run` for each `RunJob`.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import srsly

from ...constants import META as TASK_META, SCORE, TEXT
from ...cost import Cost, annotation_cost
from ...errors import BackendError, ConfigError, InputError
from ...health import cohen_kappa, control_says_stop, says_stop
from ...storage import Database, replacing
from ...types import Task
from ..analysis.scores import Score
from ..data.config import Arm, ExperimentConfig
from ..data.gold_corpus import documents, read_iob, write_tasks
from ..data.layout import (ANNOTATION_DEV, BASE, COUNTS, DATASET, DEV_GOLD, DOCUMENTS, META, POOL_GOLD,
                           RESULTS, RUN_RECORD, SESSIONS, SESSIONS_ALL, TEST, TEST_GOLD, UNBIASED_DEV, Row,
                           budget_key, counts_key, read_rows, row_lines, save_counts, write_rows)
from ..data.provenance import environment, file_digest, git_revision
from ..data.splits import split_answers

Scores = dict[str, dict[str, Score]]  # eval set -> gold label -> score
PRE_SCORED = "pre_scored"  # strategy argument: while the base model asks, rank by the scored pool


@dataclass(frozen=True)
class Checkpoint:
    """Annotate until the run's cumulative cost in `unit` reaches `target`."""

    unit: str
    target: float


@dataclass(frozen=True)
class Annotation:
    """Every answer of the run so far, and whether the source ran out before the checkpoint.

    cost: what the answers cost, when the steps know it better than the config's cost model
    (compare's replay: minutes from the answers' timestamps); None: the cost model's estimate.
    """

    answers: list[Task]
    exhausted: bool
    cost: Cost | None = None


class Steps(Protocol):
    """The three things a run does; `SpacySteps` does them with the recipes and spaCy."""

    def annotate(self, arm: Arm, *, db_dir: Path, model: str, source: Path,
                 checkpoint: Checkpoint, seed: int, round_no: int) -> Annotation:
        """Answer questions until the run's cost reaches the checkpoint (or the source runs out)."""

    def train(self, train: list[Task], dev: list[Task], out_dir: Path, *, seed: int) -> Path:
        """Fine-tune the base model on `train` (spaCy's dev: `dev`); return the model directory."""

    def evaluate(self, model: Path | None, dev: list[Task]) -> Scores:
        """Scores of `model` (None: the base model) on test, unbiased dev and the `dev` answers."""

    def describe(self) -> dict[str, str]:
        """What else decides the results (the base model's name and version, say)."""

    # optional: stop_tags(model: Path | None) -> list[list[str]], the BIO tags `model` (None: the
    # base model) predicts on a fixed unlabelled stop set; with it each checkpoint records the
    # stopping rule's kappa between this checkpoint's model and the one before


class Progress(Protocol):
    def update(self, n: int = 1) -> Any: ...
    def set_postfix_str(self, s: str) -> Any: ...
    def close(self) -> Any: ...


class Silent:
    """A progress bar that shows nothing."""

    def update(self, n: int = 1) -> None: ...
    def set_postfix_str(self, s: str) -> None: ...
    def close(self) -> None: ...


RunFn = Callable[["Steps", "RunJob", Progress], "RunResult"]


class Backend(Protocol):
    """Where the runs that aren't reused are computed; the runner keeps all the bookkeeping."""

    def map_runs(self, fn: RunFn, jobs: Sequence[RunJob], bar: Progress) -> list[RunResult]:
        """`fn(steps, job, bar)` for every job, with steps of the backend's own; results in job order."""


BackendFactory = Callable[[Callable[[], "Steps"]], Backend]  # a steps factory (called on each worker) -> backend


@dataclass
class LocalBackend:
    """One run after the other in this process, with the experiment's own steps."""

    steps: Steps

    def map_runs(self, fn: RunFn, jobs: Sequence[RunJob], bar: Progress) -> list[RunResult]:
        return [fn(self.steps, job, bar) for job in jobs]


@dataclass
class Timer:
    """Wall seconds per stage."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start

    def add(self, seconds: dict[str, float]) -> None:
        for name, value in seconds.items():
            self.seconds[name] += value


@dataclass
class RunResult:
    """One strategy x seed: its rows, compute seconds, whether reused, and the live checks per checkpoint."""

    rows: list[Row]
    seconds: dict[str, float]
    reused: bool
    sessions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Experiment:
    """One experiment: the config, the prepared corpus folder and where to write."""

    config: ExperimentConfig
    corpus_dir: Path
    out_dir: Path
    steps: Steps
    progress: Callable[[int], Progress] = lambda total: Silent()
    timer: Timer = field(default_factory=Timer)
    backend: Backend | None = None  # None: LocalBackend(steps), one run after the other here
    scored_pool: Path | None = None  # `al-ner score` of the pool, for strategies with pre_scored = true

    def run(self) -> list[Row]:
        """Run every seed x strategy (reusing identical finished runs); write results and meta."""
        start = time.perf_counter()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        write_documents(self.out_dir, self.corpus_dir)
        jobs = self.jobs()
        kept = self.kept_runs(jobs)
        rows, results = run_jobs(self.steps, jobs, self.out_dir, backend=self.backend, progress=self.progress,
                                 timer=self.timer, kept=kept)
        meta = run_meta(results, self.timer, time.perf_counter() - start, self.environment())
        write_json_atomic(self.out_dir / META, with_kept({**self.config.to_meta(), **meta}, self.config,
                                                         [job for job, _ in kept]))
        return rows

    def jobs(self) -> list[RunJob]:
        """Every seed x strategy of this invocation, in the order they run."""
        cfg = self.config
        pools = {seed: self.pool_for_seed(seed) for seed in cfg.seeds}
        return [self.job(cfg.arm(name), seed, pools[seed]) for seed in cfg.seeds for name in cfg.strategies]

    def kept_runs(self, jobs: Sequence[RunJob]) -> list[tuple[RunJob, RunResult]]:
        """Finished runs already in the folder beside this invocation's (other arms or seeds).

        Kept when the config still defines the arm and the run's settings are what this
        config would give it now (the same corpus, code, models and training); others are stale.
        """
        current = {(job.arm.name, str(job.seed)) for job in jobs}
        kept = []
        for record in sorted((self.out_dir / "runs").glob(f"*/seed*/{RUN_RECORD}")):
            name, seed = record.parent.parent.name, record.parent.name.removeprefix("seed")
            if (name, seed) in current or name not in self.config.strategy_defs or not seed.isdigit():
                continue
            job = self.job(self.config.arm(name), int(seed), self.out_dir / "pools" / f"pool_s{seed}.jsonl")
            result = reused(job)
            if result is not None:
                kept.append((job, result))
        return kept

    def environment(self) -> dict[str, str]:
        return {**environment(), **self.steps.describe()}

    def pool_for_seed(self, seed: int) -> Path:
        """This seed's own sample of the pool (`pool_share` of it) in this seed's random order.

        Every strategy of a seed shares it; different seeds see different candidates, so even a
        deterministic strategy (ranking the whole pool with the base model) varies by seed.
        """
        sentences = read_iob(self.corpus_dir / POOL_GOLD)
        rng = random.Random(seed)
        sample = rng.sample(sentences, max(1, round(len(sentences) * self.config.pool_share)))
        path = self.out_dir / "pools" / f"pool_s{seed}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_tasks(path, sample)
        return path

    def job(self, arm: Arm, seed: int, source: Path) -> RunJob:
        """What one arm x seed needs to run anywhere, and the settings its record keeps."""
        if arm.args.get(PRE_SCORED):
            source = self.with_scores(source, arm)
        run_dir = self.out_dir / "runs" / arm.name / f"seed{seed}"
        return RunJob(self.config, arm, seed, source, run_dir, self.run_settings(arm, seed))

    def with_scores(self, pool: Path, arm: Arm) -> Path:
        """A copy of a seed's pool whose tasks carry their `scored_pool` scores (meta.score)."""
        if self.scored_pool is None:
            raise ConfigError(f"strategy '{arm.name}' ranks a pre-scored pool: pass --scored-pool FILE, "
                              f"from al-ner score {self.corpus_dir / POOL_GOLD} {self.config.base_model} --loader "
                              f"conll -U --label {','.join(self.config.labels)} --out FILE")
        scores = pool_scores(self.scored_pool)
        path = pool.with_name(f"{pool.stem}.scored.jsonl")
        with path.open("w", encoding="utf8") as handle:
            for task in srsly.read_jsonl(pool):
                if task[TEXT] not in scores:
                    raise InputError(f"no score for the pool sentence {task[TEXT][:60]!r}; score the corpus's "
                                     f"{POOL_GOLD} again", path=str(self.scored_pool))
                task[TASK_META] = {**task.get(TASK_META, {}), SCORE: scores[task[TEXT]]}
                handle.write(json.dumps(task, ensure_ascii=False) + "\n")  # floats exact, unlike srsly's
        return path

    def run_arm(self, arm: Arm, seed: int, source: Path, bar: Progress) -> RunResult:
        """All checkpoints of one arm and seed, or the stored ones of an identical finished run."""
        job = self.job(arm, seed, source)
        result = reused(job)
        if result is not None:
            bar.update(len(self.config.budgets))
            return result
        return execute_run(self.steps, job, bar)

    def run_settings(self, arm: Arm, seed: int) -> dict[str, Any]:
        """Everything that decides one run's results, and nothing that merely runs beside it.

        The whole config except which seeds and strategies run; the strategy's definition; the
        digests of every file the run reads; the code digest and the library/model versions.
        """
        meta = {k: v for k, v in self.config.to_meta().items()
                if k not in ("seeds", "strategies", "strategy_defs", "cost_model")}
        files = {name: file_digest(self.corpus_dir / name) for name in (POOL_GOLD, DEV_GOLD, TEST_GOLD)}
        files["train_config"] = file_digest(self.config.train_config)
        if arm.args.get(PRE_SCORED) and self.scored_pool is not None:
            files["scored_pool"] = file_digest(self.scored_pool)
        return {**meta, "strategy": arm.name, "strategy_def": arm.to_dict(), "seed": seed,
                "files": files, "environment": self.environment()}



@dataclass(frozen=True)
class RunJob:
    """One arm x seed: the config, what it reads, where it writes, the settings it records.

    Everything a run needs besides its `Steps`, so that a backend can run it in another process
    or on another machine (which must see `source` and `run_dir` at the same paths).
    split_seed: the seed of the train / dev split (None: the run's seed; compare holds out once
    per arm and varies only the training seed).
    """

    config: ExperimentConfig
    arm: Arm
    seed: int
    source: Path
    run_dir: Path
    settings: dict[str, Any]
    split_seed: int | None = None

    @property
    def name(self) -> str:
        return f"{self.arm.name} seed {self.seed}"


def run_jobs(steps: Steps, jobs: Sequence[RunJob], out_dir: Path, *, backend: Backend | None = None,
             progress: Callable[[int], Progress] = lambda total: Silent(), timer: Timer | None = None,
             kept: Sequence[tuple[RunJob, RunResult]] = ()) -> tuple[list[Row], list[RunResult]]:
    """The base model's rows and counts, then every job's in order; writes results.jsonl, counts.npz
    and sessions.jsonl.

    Finished runs with identical settings are reused here; the rest run on `backend` (None: one
    after the other here with `steps`). `timer` gathers the compute seconds of every stage.
    kept: finished runs of other strategies or seeds that stay in the results beside these.
    """
    timer = timer if timer is not None else Timer()
    base = Timer()
    with base.stage("evaluate"):
        scores = steps.evaluate(None, [])
    rows = base_rows(scores)
    save_counts(out_dir / COUNTS, dict(_count_items(scores, "base")))
    results = _run_all(jobs, backend or LocalBackend(steps), progress)
    for result in [*results, *(result for _, result in kept)]:
        rows += result.rows
    _write_rows_atomic(out_dir / RESULTS, rows)
    _write_sessions(out_dir / SESSIONS_ALL, [*zip(jobs, results, strict=True), *kept])
    timer.add(base.seconds)
    for result in results:
        timer.add(result.seconds)
    return rows, results


def _run_all(jobs: Sequence[RunJob], backend: Backend, progress: Callable[[int], Progress]) -> list[RunResult]:
    """Every job in order: finished runs reused here, the rest on the backend."""
    bar = progress(sum(len(job.config.budgets) for job in jobs))
    try:
        results: list[RunResult | None] = [reused(job) for job in jobs]
        for job, result in zip(jobs, results):
            if result is not None:
                bar.update(len(job.config.budgets))
        todo = [i for i, result in enumerate(results) if result is None]
        done = backend.map_runs(execute_run, [jobs[i] for i in todo], bar) if todo else []
        for i, result in zip(todo, done, strict=True):  # a backend returns one result per job
            results[i] = result
        return [result for result in results if result is not None]
    finally:
        bar.close()


def run_meta(results: Sequence[RunResult], timer: Timer, wall: float,
             environment: dict[str, str]) -> dict[str, Any]:
    """What meta.json says about the runs: timings, how many ran and were reused, code and versions."""
    return {"wall_seconds": wall, "stage_seconds": dict(timer.seconds),
            "compute_seconds": sum(timer.seconds.values()), "runs": len(results),
            "runs_reused": sum(r.reused for r in results), "environment": environment,
            "git_revision": git_revision()}


def reused(job: RunJob) -> RunResult | None:
    """The stored result of an identical finished run, else None."""
    record = _finished(job.run_dir, job.settings)
    if record is None:
        return None
    sessions = srsly.read_json(job.run_dir / SESSIONS) if (job.run_dir / SESSIONS).is_file() else []
    return RunResult(read_rows(job.run_dir / RESULTS), dict(record.get("seconds", {})), reused=True,
                     sessions=list(sessions))


def write_documents(out_dir: Path, corpus_dir: Path) -> None:
    """documents.json: each test and dev sentence's document, where the corpus marks them (else nothing)."""
    docs = {name: documents(read_iob(corpus_dir / gold))
            for name, gold in ((TEST, TEST_GOLD), (UNBIASED_DEV, DEV_GOLD)) if (corpus_dir / gold).is_file()}
    if any(docs.values()):
        write_json_atomic(out_dir / DOCUMENTS, docs)
    else:
        (out_dir / DOCUMENTS).unlink(missing_ok=True)


def with_kept(meta: dict[str, Any], config: ExperimentConfig, kept: Sequence[RunJob]) -> dict[str, Any]:
    """meta.json naming the kept runs' strategies and seeds beside this invocation's."""
    strategies = list(dict.fromkeys([*config.strategies, *(job.arm.name for job in kept)]))
    seeds = sorted({*config.seeds, *(job.seed for job in kept)})
    defs = {name: config.arm(name).to_dict() for name in strategies}
    return {**meta, "strategies": strategies, "seeds": seeds, "strategy_defs": defs,
            "runs_kept": len(kept)}


def _write_sessions(path: Path, runs: Sequence[tuple[RunJob, RunResult]]) -> None:
    """Every run's live checks per checkpoint, one line each, tagged with strategy and seed."""
    with replacing(path) as file:
        file.writelines(srsly.json_dumps({"strategy": job.arm.name, "seed": job.seed, **entry}) + "\n"
                        for job, result in runs for entry in result.sessions)


def execute_run(steps: Steps, job: RunJob, bar: Progress) -> RunResult:
    """Run every checkpoint of `job` with `steps`, writing its folder; run.json, written last, marks it done.

    The folder is emptied first, so a run killed midway is simply run again; the same job
    gives the same rows in any process (each annotation session resets the global RNGs).
    """
    check_environment(steps, job)
    if job.run_dir.exists():
        shutil.rmtree(job.run_dir)
    job.run_dir.mkdir(parents=True)
    timer, rows, counts, sessions = Timer(), [], {}, []
    for checkpoint_rows, checkpoint_counts, session in _checkpoints(steps, job, bar, timer):
        rows += checkpoint_rows
        counts.update(checkpoint_counts)
        sessions.append(session)
    write_rows(job.run_dir / RESULTS, rows)
    save_counts(job.run_dir / COUNTS, counts)
    srsly.write_json(job.run_dir / SESSIONS, sessions)
    record = {"settings": job.settings, "seconds": dict(timer.seconds), "git_revision": git_revision()}
    write_json_atomic(job.run_dir / RUN_RECORD, record)
    return RunResult(rows, dict(timer.seconds), reused=False, sessions=sessions)


def check_environment(steps: Steps, job: RunJob) -> None:
    """A BackendError unless these steps run the code and models the job's settings record."""
    here = {**environment(), **steps.describe()}
    expected = job.settings["environment"]
    if here != expected:
        differ = sorted(k for k in {*here, *expected} if here.get(k) != expected.get(k))
        raise BackendError(f"{job.name} would run on {socket.gethostname()} with other code or models "
                           f"than the experiment records ({', '.join(differ)} differ); install the same "
                           "al-ner checkout and models on every node")


def _checkpoints(steps: Steps, job: RunJob, bar: Progress,
                 timer: Timer) -> Iterator[tuple[list[Row], dict[str, np.ndarray], dict[str, Any]]]:
    cfg, arm, seed, run_dir = job.config, job.arm, job.seed, job.run_dir
    model, model_work, last_count = cfg.base_model, None, -1
    sides: dict[int, bool] = {}
    watch = StopWatch(getattr(steps, "stop_tags", None), Database(run_dir / "db"))
    for round_no, budget in enumerate(cfg.budgets):
        work = run_dir / f"budget{budget_key(budget)}"
        step = f"{arm.name} seed {seed} {cfg.budget_unit} {budget_key(budget)}"
        bar.set_postfix_str(f"{step}: annotate")
        with timer.stage("annotate"):
            annotation = steps.annotate(arm, db_dir=run_dir / "db", model=model, source=job.source,
                                        checkpoint=Checkpoint(cfg.budget_unit, budget), seed=seed,
                                        round_no=round_no)
        if not annotation.answers or (annotation.exhausted and len(annotation.answers) == last_count):
            bar.update(len(cfg.budgets) - round_no)
            break  # nothing new since the last checkpoint: it stands for the rest of the curve
        last_count = len(annotation.answers)
        split_seed = seed if job.split_seed is None else job.split_seed
        train, dev = split_answers(annotation.answers, share=cfg.dev_share, seed=split_seed,
                                   at_least_one=True, sides=sides)
        bar.set_postfix_str(f"{step}: train")
        with timer.stage("train"):
            trained = steps.train(train, dev, work, seed=seed)
        bar.set_postfix_str(f"{step}: evaluate")
        with timer.stage("evaluate"):
            scores = steps.evaluate(trained, dev)
            base = steps.evaluate(None, dev)
            session = watch.entry(budget, trained)
        cost = annotation.cost
        if cost is None:
            cost = annotation_cost(annotation.answers, cfg.cost)
        yield (checkpoint_rows(arm.name, seed, budget, cfg.budget_unit, scores, base, cost),
               checkpoint_counts(budget, scores, base), session)
        if arm.rounds:  # this model picks the next round's questions
            _discard(cfg, model_work)
            model, model_work = str(trained), work
        else:
            _discard(cfg, work)
        bar.update(1)
    _discard(cfg, model_work)


@dataclass
class StopWatch:
    """What a run's live checks say at each checkpoint, as a person annotating would have seen it.

    The stopping rule's kappa between this checkpoint's model and the one before (the base model
    first) on the steps' stop set, whether the mean of the last three reaches 0.99; the control
    estimate and the adaptive strategy's arms from the session log of the round that ended here.
    """

    stop_tags: Callable[[Path | None], list[list[str]]] | None
    db: Database
    previous: list[str] | None = None
    kappas: list[float] = field(default_factory=list)

    def entry(self, budget: float, model: Path) -> dict[str, Any]:
        out: dict[str, Any] = {"budget": budget}
        if self.stop_tags is not None:
            before = self.previous if self.previous is not None else _flat(self.stop_tags(None))
            self.previous = _flat(self.stop_tags(model))
            self.kappas.append(cohen_kappa(before, self.previous))
            out.update(kappa=round(self.kappas[-1], 6), stable=says_stop(self.kappas))
        last = self.db.get_sessions(DATASET)[-1:]
        health = last[0].get("health") if last else None
        if health is not None:
            out["control"] = {"n": health.get("n"), "f1": health.get("f1"), "ok": control_says_stop(health)}
        if last and isinstance(last[0].get("adaptive"), dict):
            adaptive = last[0]["adaptive"]
            out["arms"] = {"asked": adaptive.get("asked"), "probabilities": adaptive.get("probabilities")}
        return out


def _flat(tags: list[list[str]]) -> list[str]:
    return [tag for sentence in tags for tag in sentence]


def _discard(cfg: ExperimentConfig, work: Path | None) -> None:
    """Delete a checkpoint's folder (models are large) unless keep_models is set."""
    if work is not None and not cfg.keep_models:
        shutil.rmtree(work, ignore_errors=True)


def _write_rows_atomic(path: Path, rows: list[Row]) -> None:
    """The rows as results JSONL: a reader sees the old results or all of the new ones."""
    with replacing(path) as file:
        file.writelines(row_lines(rows))


def write_json_atomic(path: Path, data: Any) -> None:
    """JSON as srsly writes it: a reader sees the old file or the whole new one."""
    with replacing(path) as file:
        file.write(srsly.json_dumps(data, indent=2))


def pool_scores(path: Path) -> dict[str, float]:
    """Text -> meta.score of what `al-ner score` wrote (read with the standard library: exact floats)."""
    if not path.is_file():
        raise InputError("scored pool not found; write it with al-ner score", path=str(path))
    scores = {}
    with path.open(encoding="utf8") as handle:
        for line in handle:
            if line.strip():
                task = json.loads(line)
                scores[task[TEXT]] = float(task[TASK_META][SCORE])
    return scores



def _finished(run_dir: Path, settings: dict[str, Any]) -> dict[str, Any] | None:
    """The stored record of a finished run with exactly these settings, else None."""
    stored = run_dir / RUN_RECORD
    if not ((run_dir / RESULTS).is_file() and (run_dir / COUNTS).is_file() and stored.is_file()):
        return None
    try:
        record = srsly.read_json(stored)
    except ValueError:  # a record torn by a crash (older versions wrote it in place): run again
        return None
    return record if isinstance(record, dict) and record.get("settings") == settings else None


def base_rows(scores: Scores) -> list[Row]:
    """The base model's zero-shot rows (strategy "base", budget 0) on the fixed evaluation sets."""
    return [Row(BASE, 0, 0, eval_set, label, s.f, s.p, s.r, s.n_gold, s.f, 0, 0, 0, 0.0, n_docs=s.n_docs)
            for eval_set in (TEST, UNBIASED_DEV) for label, s in scores.get(eval_set, {}).items()]


def checkpoint_rows(strategy: str, seed: int, budget: float, unit: str, scores: Scores, base: Scores,
                    cost: Cost) -> list[Row]:
    """One row per evaluation set and label of one trained model, with the cost reached."""
    rows = []
    reached = cost.in_unit(unit) >= budget
    for eval_set in (TEST, ANNOTATION_DEV, UNBIASED_DEV):
        for label, s in scores.get(eval_set, {}).items():
            base_f = base.get(eval_set, {}).get(label, Score(0.0, 0.0, 0.0, 0)).f
            rows.append(Row(strategy, seed, budget, eval_set, label, s.f, s.p, s.r, s.n_gold, base_f,
                            cost.sentences, cost.tokens, cost.decisions, cost.est_seconds, unit=unit,
                            answers=cost.answers, cost=cost.in_unit(unit), reached=reached,
                            n_docs=s.n_docs))
    return rows


def checkpoint_counts(budget: float, scores: Scores, base: Scores) -> dict[str, np.ndarray]:
    """Per-document (tp, fp, fn) of the trained model on every set, and of the base model on the dev split."""
    counts = {counts_key(budget, eval_set, label): score.counts
              for eval_set, labels in scores.items() for label, score in labels.items()
              if score.counts is not None}
    for label, score in base.get(ANNOTATION_DEV, {}).items():
        if score.counts is not None:
            counts[counts_key(budget, ANNOTATION_DEV, label, "base")] = score.counts
    return counts


def _count_items(scores: Scores, model: str) -> Iterator[tuple[str, np.ndarray]]:
    for eval_set in (TEST, UNBIASED_DEV):
        for label, score in scores.get(eval_set, {}).items():
            if score.counts is not None:
                yield counts_key(0, eval_set, label, model), score.counts

