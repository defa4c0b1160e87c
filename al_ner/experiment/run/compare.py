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
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.language import Language

from ...errors import ConfigError
from ...models import load_model
from ...storage import get_db
from ...types import Task
from ..analysis.evaluation import AnswerSet, score_answers
from ..data.config import ExperimentConfig, load_config, parse_pairs
from ..data.cost import GAP_CAP, Cost, answer_costs
from ..data.layout import (ANNOTATION_DEV, COUNTS, META, RESULTS, RUN_RECORD, TEST, Row, budget_key, counts_key,
                           read_rows, save_counts, write_rows)
from ..data.provenance import environment, file_digest, git_revision
from ..data.splits import split_answers
from .arms import Arm, Checks, HeldOut, check_inputs, load_arms, load_test
from .runner import (Progress, Scores, Timer, _finished, Silent, base_rows, checkpoint_counts,
                     checkpoint_rows)
from .spacy_steps import train_model

SHARES = (0.25, 0.5, 0.75, 1.0)
CHECKS = "checks.json"
SPLIT_SEED = 0  # one dev split per arm, as a user holds out once; seeds vary the training only


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


@dataclass
class ArmCosts:
    costs: list[Cost]
    time_source: str

    @property
    def total(self) -> Cost:
        return self.costs[-1]


@dataclass
class Compare:
    """Train and score every arm x training seed x checkpoint; write the experiment's layout."""

    config: ExperimentConfig
    arms: list[Arm]
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

    def run(self) -> list[Row]:
        start = time.perf_counter()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        costs = {arm.name: self.arm_costs(arm) for arm in self.arms}
        unit = self.config.budget_unit
        budgets, common = cost_checkpoints({k: c.total.in_unit(unit) for k, c in costs.items()}, unit=unit)
        with self.timer.stage("evaluate"):
            base_test = self.test.score(self.base, label_map=self.config.label_map)
        rows = base_rows({TEST: base_test})
        save_counts(self.out_dir / COUNTS, {counts_key(0, TEST, label, "base"): s.counts
                                            for label, s in base_test.items() if s.counts is not None})
        bar = self.progress(len(self.arms) * len(self.config.seeds) * len(budgets))
        try:
            reused = 0
            for arm in self.arms:
                for seed in self.config.seeds:
                    arm_rows, was_reused = self.run_arm(arm, seed, budgets, costs[arm.name], base_test, bar)
                    rows += arm_rows
                    reused += was_reused
        finally:
            bar.close()
        write_rows(self.out_dir / RESULTS, rows)
        srsly.write_json(self.out_dir / META, self.meta(budgets, common, costs, reused, time.perf_counter() - start))
        return rows

    def arm_costs(self, arm: Arm) -> ArmCosts:
        costs, source = answer_costs(arm.answers, self.config.cost, time=self.time, cap=self.gap_cap)
        return ArmCosts(costs, source)

    def run_arm(self, arm: Arm, seed: int, budgets: list[float], costs: ArmCosts,
                base_test: dict[str, Any], bar: Progress) -> tuple[list[Row], bool]:
        """Every checkpoint of one arm and training seed, or the stored ones of an identical run."""
        run_dir = self.out_dir / "runs" / arm.name / f"seed{seed}"
        settings = self.run_settings(arm, seed, budgets)
        if _finished(run_dir, settings) is not None:
            bar.update(len(budgets))
            return read_rows(run_dir / RESULTS), True
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        rows: list[Row] = []
        counts: dict[str, Any] = {}
        sides: dict[int, bool] = {}
        last = 0
        for budget in budgets:
            n = prefix_length(costs.costs, self.config.budget_unit, budget)
            if n == last:  # the arm ran out at an earlier checkpoint: that one stands for the rest
                bar.update(1)
                continue
            last = n
            bar.set_postfix_str(f"{arm.name} seed {seed} {self.config.budget_unit} {budget_key(budget)}")
            scores, base = self.checkpoint(arm, seed, budget, list(arm.answers[:n]), sides, run_dir, base_test)
            rows += checkpoint_rows(arm.name, seed, budget, self.config.budget_unit, scores, base,
                                    costs.costs[n - 1])
            counts.update(checkpoint_counts(budget, scores, base))
            bar.update(1)
        write_rows(run_dir / RESULTS, rows)
        save_counts(run_dir / COUNTS, counts)
        srsly.write_json(run_dir / RUN_RECORD, {"settings": settings, "git_revision": git_revision()})
        return rows, False

    def checkpoint(self, arm: Arm, seed: int, budget: float, answers: list[Task], sides: dict[int, bool],
                   run_dir: Path, base_test: dict[str, Any]) -> tuple[Scores, Scores]:
        """Fine-tune on the prefix's train part; scores of the model and of the base model."""
        cfg = self.config
        train, dev = split_answers(answers, share=cfg.dev_share, seed=SPLIT_SEED, at_least_one=True,
                                   sides=sides)
        work = run_dir / f"budget{budget_key(budget)}"
        with self.timer.stage("train"):
            model_dir = train_model(cfg, self.base, train, dev, work, seed=seed)
        with self.timer.stage("evaluate"):
            nlp = spacy.load(model_dir)
            scores: Scores = {TEST: self.test.score(nlp, label_map=cfg.label_map)}
            base: Scores = {TEST: base_test}
            if dev:
                dev_set = AnswerSet.of(self.base, dev)
                scores[ANNOTATION_DEV] = score_answers(nlp, dev_set, labels=cfg.labels, label_map=cfg.label_map)
                base[ANNOTATION_DEV] = score_answers(self.base, dev_set, labels=cfg.labels,
                                                     label_map=cfg.label_map)
        if not cfg.keep_models:
            shutil.rmtree(work, ignore_errors=True)
        return scores, base

    def run_settings(self, arm: Arm, seed: int, budgets: list[float]) -> dict[str, Any]:
        """What decides one arm x seed's rows: its answers, the test set, the config and the code."""
        meta = {k: v for k, v in self.config.to_meta().items() if k not in ("seeds", "strategies")}
        code = {name: file_digest(Path(__file__).with_name(name)) for name in ("compare.py", "arms.py")}
        return {**meta, "arm": arm.name, "answers": _digest(arm.answers), "test": sorted(self.test.hashes),
                "seed": seed, "budgets": budgets, "time": self.time, "gap_cap": self.gap_cap,
                "train_config": file_digest(self.config.train_config), "code": code,
                "environment": {**environment(), "base_model": self.config.base_model}}

    def meta(self, budgets: list[float], common: float, costs: dict[str, ArmCosts], reused: int,
             wall: float) -> dict[str, Any]:
        cfg = self.config
        return {**cfg.to_meta(), "kind": "compare", "baseline": self.baseline, "db": self.db,
                "strategies": [arm.name for arm in self.arms], "budgets": budgets, "area_cost": common,
                "arms": {arm.name: {"source": arm.source, "answers": len(arm.answers),
                                    "time_source": costs[arm.name].time_source,
                                    "total": vars(costs[arm.name].total)} for arm in self.arms},
                "test": {"source": self.test.source, "sentences": len(self.test),
                         "kind": "gold file" if self.test.gold is not None else "answers"},
                "checks": self.checks.to_dict(), "gap_cap": self.gap_cap, "split_seed": SPLIT_SEED,
                "wall_seconds": wall, "stage_seconds": dict(self.timer.seconds),
                "compute_seconds": sum(self.timer.seconds.values()),
                "runs": len(self.arms) * len(cfg.seeds), "runs_reused": reused,
                "environment": {**environment(), "base_model": cfg.base_model}, "git_revision": git_revision()}


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

