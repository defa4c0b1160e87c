"""`al-ner experiment compare OUT_DIR --arms manual:org_manual,active:org_teach --test T`:
train every arm of real answers like the experiment does, and score it on one held-out test set.

Each arm is cut, in annotation order, at checkpoints of equal cost (25/50/75/100 % of the
cheapest arm's cost in the budget unit, so every arm reaches them) and at its own full cost;
each prefix is split into train and the arm's own dev split (a sentence keeps its side), and the
base model is fine-tuned on the train part with several training seeds (data-to-spacy and spacy
train, as `spacy_steps.train_model` does for the experiment). The output folder has the
experiment's layout (results.jsonl, meta.json, counts.npz, runs/ARM/seedN/), so
`analysis.analyse` reads it with the same statistics: one annotation run per arm, so the
uncertainty comes from the paired bootstrap over test sentences and the spread over training
seeds, and the primary endpoint is the area under F1 against cost up to the cost every arm reached.

It runs on the experiment's runner: `ReplaySteps` is its `Steps`, whose annotate replays a cost
prefix of the arm's recorded answers, so the runner keeps the checkpoints, reuse, rows, counts
and meta, and any backend (local, Ray) runs the arm x seed jobs.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.language import Language

from ...constants import TEXT
from ...cost import GAP_CAP, Cost, answer_costs
from ...errors import ConfigError, DatasetError, NoTestSetError
from ...health import full_span_controls
from ...models import load_model
from ...storage import Database, check_name, get_db
from ...stream.hashing import input_hash
from ...types import Task
from ..analysis.scores import AnswerSet, Score, score_answers
from ..data.config import Arm, ExperimentConfig, parse_pairs
from ..data.layout import ANNOTATION_DEV, META, TEST, Row
from ..data.provenance import environment, file_digest
from .arms import AnsweredArm, Checks, HeldOut, check_inputs, load_arms, load_test, read_answers
from .runner import (Annotation, BackendFactory, Checkpoint, Progress, RunJob, Scores, Silent, Timer, run_jobs,
                     run_meta, write_json_atomic)
from .spacy_steps import train_model

SHARES = (0.25, 0.5, 0.75, 1.0)
CHECKS = "checks.json"
MIN_CONTROLS = 50  # control sentences a test set made of the arms' control answers needs
DATA = "data"  # OUT/data: that test set and the arms without its sentences, as JSONL exports
RESULTS_DIR = "results"  # OUT/results: the runs of `compare_datasets`; the report goes in OUT
SPLIT_SEED = 0  # one dev split per arm, as a user holds out once; seeds vary the training only
REPLAY = "replay"  # the recipe of an arm whose recorded answers are replayed


def cost_checkpoints(totals: dict[str, float], *, unit: str,
                     shares: Sequence[float] = SHARES) -> tuple[list[float], float]:
    """Checkpoints: `shares` of the cheapest arm's cost, then each dearer arm's own full cost.

    Returns the checkpoints and the cost every arm reaches (where the headline area ends).
    """
    if not totals or min(totals.values()) <= 0:
        raise ConfigError(f"every arm needs a positive cost in {unit}, got {totals}")
    step = 1.0 if unit != "minutes" else 0.1
    def down(x: float) -> float:
        value = math.floor(x / step + 1e-9) * step
        return int(value) if step == 1.0 else round(value, 1)
    common = down(min(totals.values()))
    points = {down(common * share) for share in shares} | {down(t) for t in totals.values()}
    return sorted(p for p in points if p > 0), common


def prefix_length(costs: Sequence[Cost], unit: str, target: float) -> int:
    """How many answers, in annotation order, it takes for the cost to reach `target` (all if never)."""
    for i, cost in enumerate(costs, start=1):
        if cost.in_unit(unit) >= target - 1e-9:
            return i
    return len(costs)


@dataclass(frozen=True)
class Recorded:
    """An arm's answers in the order they were given, with the cumulative cost after each."""

    answers: tuple[Task, ...]
    costs: list[Cost]
    time_source: str

    @property
    def total(self) -> Cost:
        return self.costs[-1]

    def checkpoints(self, budgets: Sequence[float], unit: str) -> tuple[float, ...]:
        """The checkpoints at which this arm has new answers (where it ran out, the last stands)."""
        kept, last = [], 0
        for budget in budgets:
            n = prefix_length(self.costs, unit, budget)
            if n != last:
                kept.append(budget)
            last = n
        return tuple(kept)


class ReplaySteps:
    """The `Steps` of a compare run: annotating replays a cost prefix of an arm's recorded answers.

    annotate returns the arm's answers, in the order they were given, up to the first whose
    cumulative cost reaches the checkpoint (and that cost); train is the experiment's
    (`spacy_steps.train_model`); evaluate scores on the held-out test and on the dev split's answers.
    """

    def __init__(self, config: ExperimentConfig, base: Language, test: HeldOut,
                 arms: dict[str, Recorded]) -> None:
        self.config, self.base, self.test, self.arms = config, base, test, arms
        self._base_test: dict[str, Score] | None = None
        self._dev: tuple[list[Task], AnswerSet] | None = None

    @classmethod
    def load(cls, config: ExperimentConfig, test: HeldOut, arms: dict[str, Recorded]) -> ReplaySteps:
        """Steps that load the base model themselves (on a backend's worker)."""
        return cls(config, load_model(config.base_model), test, arms)

    def annotate(self, arm: Arm, *, db_dir: Path, model: str, source: Path, checkpoint: Checkpoint,
                 seed: int, round_no: int) -> Annotation:
        recorded = self.arms[arm.name]
        n = prefix_length(recorded.costs, checkpoint.unit, checkpoint.target)
        return Annotation(list(recorded.answers[:n]), exhausted=n == len(recorded.answers),
                          cost=recorded.costs[n - 1])

    def train(self, train: list[Task], dev: list[Task], out_dir: Path, *, seed: int) -> Path:
        return train_model(self.config, self.base, train, dev, out_dir, seed=seed)

    def evaluate(self, model: Path | None, dev: list[Task]) -> Scores:
        cfg = self.config
        nlp = self.base if model is None else spacy.load(model)
        if model is not None:
            test = self.test.score(nlp, label_map=cfg.label_map)
        else:
            if self._base_test is None:
                self._base_test = self.test.score(nlp, label_map=cfg.label_map)
            test = self._base_test
        scores: Scores = {TEST: test}
        if dev:
            scores[ANNOTATION_DEV] = score_answers(nlp, self._answer_set(dev), labels=cfg.labels,
                                                   label_map=cfg.label_map)
        return scores

    def describe(self) -> dict[str, str]:
        return {"base_model": self.config.base_model}

    def _answer_set(self, dev: list[Task]) -> AnswerSet:
        """The dev answers tokenized once for the trained and the base model (the runner passes the same list)."""
        if self._dev is None or self._dev[0] is not dev:
            self._dev = (dev, AnswerSet.of(self.base, dev))
        return self._dev[1]


@dataclass
class Compare:
    """Train and score every arm x training seed x checkpoint on the runner; write the experiment's layout."""

    config: ExperimentConfig
    arms: list[AnsweredArm]
    test: HeldOut
    base: Language
    out_dir: Path
    baseline: str
    checks: Checks
    time: str = "auto"
    gap_cap: float = GAP_CAP
    db: str | None = None  # where the arms' datasets live (recorded for diagnose and the report)
    progress: Callable[[int], Progress] = lambda total: Silent()
    timer: Timer = field(default_factory=Timer)
    # None: one run after the other here; else called with a steps factory (partial(RayBackend, address=...))
    backend: BackendFactory | None = None

    def run(self) -> list[Row]:
        start = time.perf_counter()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        recorded = {arm.name: self.recorded(arm) for arm in self.arms}
        unit = self.config.budget_unit
        budgets, common = cost_checkpoints({k: r.total.in_unit(unit) for k, r in recorded.items()}, unit=unit)
        steps = ReplaySteps(self.config, self.base, self.test, recorded)
        jobs = [self.job(arm, seed, budgets, recorded[arm.name])
                for arm in self.arms for seed in self.config.seeds]  # arm-major, as the rows come
        backend = None
        if self.backend is not None:  # its workers load the base model themselves
            backend = self.backend(partial(ReplaySteps.load, self.config, self.test, recorded))
        rows, results = run_jobs(steps, jobs, self.out_dir, backend=backend, progress=self.progress,
                                 timer=self.timer)
        meta = run_meta(results, self.timer, time.perf_counter() - start,
                        {**environment(), **steps.describe()})
        write_json_atomic(self.out_dir / META, {**self.meta(budgets, common, recorded), **meta})
        return rows

    def recorded(self, arm: AnsweredArm) -> Recorded:
        costs, source = answer_costs(arm.answers, self.config.cost, time=self.time, cap=self.gap_cap)
        return Recorded(arm.answers, costs, source)

    def job(self, arm: AnsweredArm, seed: int, budgets: list[float], recorded: Recorded) -> RunJob:
        """One arm x training seed: the checkpoints where the arm has new answers, one dev split per arm."""
        config = replace(self.config, budgets=recorded.checkpoints(budgets, self.config.budget_unit))
        return RunJob(config, Arm(arm.name, REPLAY, rounds=False), seed, self.out_dir / CHECKS,
                      self.out_dir / "runs" / arm.name / f"seed{seed}", self.run_settings(arm, seed, budgets),
                      split_seed=SPLIT_SEED)

    def run_settings(self, arm: AnsweredArm, seed: int, budgets: list[float]) -> dict[str, Any]:
        """What decides one arm x seed's rows: its answers, the test set, the config and the code."""
        meta = {k: v for k, v in self.config.to_meta().items() if k not in ("seeds", "strategies")}
        code = {name: file_digest(Path(__file__).with_name(name)) for name in ("compare.py", "arms.py")}
        return {**meta, "arm": arm.name, "answers": _digest(arm.answers), "test": sorted(self.test.hashes),
                "seed": seed, "budgets": budgets, "time": self.time, "gap_cap": self.gap_cap,
                "train_config": file_digest(self.config.train_config), "code": code,
                "environment": {**environment(), "base_model": self.config.base_model}}

    def meta(self, budgets: list[float], common: float, recorded: dict[str, Recorded]) -> dict[str, Any]:
        cfg = self.config
        return {**cfg.to_meta(), "kind": "compare", "baseline": self.baseline, "db": self.db,
                "strategies": [arm.name for arm in self.arms], "budgets": budgets, "area_cost": common,
                "arms": {arm.name: {"source": arm.source, "answers": len(arm.answers),
                                    "time_source": recorded[arm.name].time_source,
                                    "total": vars(recorded[arm.name].total)} for arm in self.arms},
                "test": {"source": self.test.source, "sentences": len(self.test),
                         "kind": "gold file" if self.test.gold is not None else "answers"},
                "checks": self.checks.to_dict(), "gap_cap": self.gap_cap, "split_seed": SPLIT_SEED}


def _digest(answers: Sequence[Task]) -> str:
    import hashlib

    digest = hashlib.sha1()
    for task in answers:
        digest.update(srsly.json_dumps(task, sort_keys=True).encode())
    return digest.hexdigest()


def with_identity_labels(config: ExperimentConfig) -> ExperimentConfig:
    """The label map with every compared label mapped to itself unless mapped already (new labels)."""
    label_map = {**{label: label for label in config.labels}, **config.label_map}
    return replace(config, label_map=label_map)


def prepare(out_dir: Path, *, arms: str, test: str, config: ExperimentConfig, db_dir: str | None,
            baseline: str | None = None) -> Compare:
    """Load the arms and the test set, run the checks (refusing leaks), and set up the run."""
    db = get_db(db_dir)
    arm_list = load_arms(parse_pairs(arms), db)
    chosen = baseline or arm_list[0].name
    if chosen not in [arm.name for arm in arm_list]:
        raise ConfigError(f"--baseline {chosen!r} is not an arm; choose from: "
                          f"{', '.join(arm.name for arm in arm_list)}")
    base = load_model(config.base_model)
    held_out = load_test(test, db, base, labels=config.labels)
    checks = check_inputs(arm_list, held_out, config.labels)
    out_dir.mkdir(parents=True, exist_ok=True)
    srsly.write_json(out_dir / CHECKS, checks.to_dict())
    return Compare(with_identity_labels(config), arm_list, held_out, base, out_dir, chosen, checks,
                   db=str(db.path))



def compare_datasets(arms: Sequence[str], *, config: ExperimentConfig, db_dir: str | None, out_dir: Path,
                     test: str | None = None) -> tuple[Compare, str]:
    """`al-ner compare`: the arms (NAME:DATASET) checked and set up against a held-out test set.

    Without `test`, the test set is the real full-span control answers the arms' sessions
    recorded (`full_span_controls`), when there are MIN_CONTROLS of them: each arm is then
    compared without those sentences. Otherwise a NoTestSetError gives the one command that
    annotates a test set. Returns the job (its runs go to OUT/results) and where the test came from.
    """
    pairs = parse_pairs(",".join(arms))
    about = f"test set {test}"
    if not test:
        test, pairs, about = control_test(pairs, get_db(db_dir), out_dir / DATA, config, db_dir=db_dir)
    spec = ",".join(f"{name}:{value}" for name, value in pairs)
    return prepare(out_dir / RESULTS_DIR, arms=spec, test=test, config=config, db_dir=db_dir), about


def control_test(pairs: list[tuple[str, str]], db: Database, out: Path, config: ExperimentConfig, *,
                 db_dir: str | None = None) -> tuple[str, list[tuple[str, str]], str]:
    """The arms' control answers as a test file and the arms without those sentences, as JSONL files."""
    answers = {name: read_answers(value, db, name=name) for name, value in pairs}
    controls = {_text_hash(t): t for a in answers.values() for t in full_span_controls(a)}
    if len(controls) < MIN_CONTROLS:
        raise NoTestSetError(
            f"the arms' sessions hold {len(controls)} real full-span control answers, fewer than the "
            f"{MIN_CONTROLS} a test set needs (controls of binary sessions don't count: the browser drew "
            f"them as binary questions); annotate a test set in random order, excluding both arms: "
            f"{test_set_command(pairs, db, config, db_dir)}, then pass --test {pairs[0][1]}_test")
    out.mkdir(parents=True, exist_ok=True)
    srsly.write_jsonl(out / "control_test.jsonl", controls.values())
    for name, _ in pairs:
        srsly.write_jsonl(out / f"{name}.jsonl", [t for t in answers[name] if _text_hash(t) not in controls])
    about = (f"test set: the {len(controls)} control answers of the arms' sessions (random sentences set "
             f"aside before any strategy chose), left out of every arm ({out / 'control_test.jsonl'})")
    return str(out / "control_test.jsonl"), [(name, str(out / f"{name}.jsonl")) for name, _ in pairs], about


def _text_hash(task: Task) -> int:
    """The input hash of a task's text (how the checks match sentences across datasets)."""
    return input_hash({TEXT: task[TEXT]})


def test_set_command(pairs: Sequence[tuple[str, str]], db: Database, config: ExperimentConfig,
                     db_dir: str | None = None) -> str:
    """The command that annotates a test set for these arms: random order, none of their sentences,
    saved in the database compare reads (`--db` when compare was given one)."""
    sources = Counter(record["source"] for _, value in pairs if _is_name(value)
                      for record in db.get_sessions(value) if record.get("source"))
    source = sources.most_common(1)[0][0] if sources else "SOURCE"
    return (f"al-ner ner.manual {pairs[0][1]}_test {config.base_model} {source} --label "
            f"{','.join(config.labels)} --order random --exclude {','.join(value for _, value in pairs)}"
            + (f" --db {db_dir}" if db_dir else ""))


def _is_name(value: str) -> bool:
    try:
        check_name(value)
    except DatasetError:
        return False
    return True
