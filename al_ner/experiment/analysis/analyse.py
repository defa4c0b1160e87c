"""The comparisons of an experiment as plain data: what the report, the plots and docs/results show.

Everything here is computed from the results rows and the per-sentence counts the runner wrote;
nothing is rendered. The primary endpoint per active strategy and annotated label is the
normalized area under its held-out learning curve (F1 against cost, from the base model at cost
0 to the last checkpoint) minus random's, paired by seed; the per-checkpoint differences form
one Holm-corrected family. See `stats` for how the uncertainty is computed.
"""

from __future__ import annotations

import statistics
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import srsly

from ...errors import InputError
from ..data.config import RANDOM
from ..data.layout import (ANNOTATION_DEV, BASE, COUNTS, DOCUMENTS, TEST, UNBIASED_DEV, Row, budget_key,
                           counts_key, load_counts, ordered)
from .stopping import ArmShares, StopPoint, arm_shares, read_sessions, stop_points
from .stats import (ALPHA, BETTER, CANT_TELL, HELPS, HURTS, IDENTICAL, TOO_FEW, WORSE, DocResampler, Estimate,
                    Replicates, SeedResampler, estimate, holm)

STRATEGY_ORDER = (RANDOM, "active-full", "active-binary")
AREA = "area"  # the `budget` of a comparison of whole curves (the primary endpoint)

# what the annotation dev split says, against the held-out test
SAME = "same story"
OVERSTATES = "overstates the gain"
UNDERSTATES = "understates the gain"
REVERSES = "reverses"
UNCONFIRMED = "claims what the held-out test can't confirm"
DEV_CANT_TELL = "can't tell"
NEITHER = "neither can tell"


@dataclass(frozen=True)
class CostSummary:
    """Mean cost over the seeds at one checkpoint, and how many of them reached it."""

    answers: float
    sentences: float
    tokens: float
    decisions: float
    minutes: float
    cost: float
    reached: int
    seeds: int


@dataclass(frozen=True)
class Point:
    """One strategy at one checkpoint: mean F1 over seeds with its interval, and the cost."""

    strategy: str
    budget: float
    f: Estimate
    cost: CostSummary


@dataclass(frozen=True)
class Curve:
    eval_set: str
    label: str
    points: list[Point]


@dataclass(frozen=True)
class Comparison:
    """`strategy` minus `baseline` (random, or the base model) on one set and label.

    budget: a checkpoint, or AREA for the normalized area under the whole curve.
    note: what to know before reading it (checkpoints not reached, ...).
    """

    strategy: str
    baseline: str
    eval_set: str
    label: str
    budget: float | str
    estimate: Estimate
    note: str = ""


@dataclass(frozen=True)
class DevCheck:
    """The F1 change from the base model on a run's own dev split against the held-out test's."""

    strategy: str
    label: str
    budget: float
    dev: Estimate
    test: Estimate
    gap: Estimate
    story: str


@dataclass
class Analysis:
    setup: dict[str, Any]
    base: dict[str, dict[str, float]]
    curves: list[Curve] = field(default_factory=list)
    headline: list[Comparison] = field(default_factory=list)
    checkpoints: list[Comparison] = field(default_factory=list)
    unbiased: list[Comparison] = field(default_factory=list)
    dev_checks: list[DevCheck] = field(default_factory=list)
    forgetting: list[Comparison] = field(default_factory=list)
    stopping: list[StopPoint] = field(default_factory=list)  # runs with the stopping rule's records
    arms: list[ArmShares] = field(default_factory=list)  # the adaptive strategy's arms per checkpoint

    @property
    def strategies(self) -> list[str]:
        return list(self.setup["strategies"])

    @property
    def budgets(self) -> list[float]:
        return list(self.setup["budgets"])

    @property
    def annotated(self) -> list[str]:
        return list(self.setup["annotated"])

    @property
    def labels(self) -> list[str]:
        return list(self.setup["labels"])

    def curve(self, eval_set: str, label: str) -> Curve | None:
        return next((c for c in self.curves if c.eval_set == eval_set and c.label == label), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Analysis:
        def comparisons(items: Iterable[dict]) -> list[Comparison]:
            return [Comparison(**{**c, "estimate": Estimate(**c["estimate"])}) for c in items]
        curves = [Curve(c["eval_set"], c["label"], [Point(p["strategy"], p["budget"], Estimate(**p["f"]),
                                                          CostSummary(**p["cost"])) for p in c["points"]])
                  for c in data["curves"]]
        checks = [DevCheck(**{**d, "dev": Estimate(**d["dev"]), "test": Estimate(**d["test"]),
                              "gap": Estimate(**d["gap"])}) for d in data["dev_checks"]]
        return cls(dict(data["setup"]), {k: dict(v) for k, v in data["base"].items()}, curves,
                   comparisons(data["headline"]), comparisons(data["checkpoints"]),
                   comparisons(data["unbiased"]), checks, comparisons(data["forgetting"]),
                   [StopPoint(**p) for p in data.get("stopping", [])],
                   [ArmShares(**a) for a in data.get("arms", [])])


# ---------------------------------------------------------------- inputs


class RunData:
    """The rows and per-sentence counts of an experiment's output folder, indexed."""

    def __init__(self, rows: Sequence[Row], results_dir: Path | None = None,
                 counts: Mapping[tuple[str, int], Mapping[str, np.ndarray]] | None = None) -> None:
        self.rows = [r for r in rows if r.strategy != BASE]
        self.base_rows = [r for r in rows if r.strategy == BASE]
        self.results_dir = results_dir
        self._counts: dict[tuple[str, int], Mapping[str, np.ndarray]] = dict(counts or {})
        self.index: dict[tuple[str, float, str, str], dict[int, Row]] = defaultdict(dict)
        for row in self.rows:
            self.index[(row.strategy, row.budget, row.eval_set, row.label)][row.seed] = row

    def documents(self, eval_set: str) -> list[str] | None:
        """Each sentence's document in an evaluation set, when the runner recorded them."""
        path = self.results_dir / DOCUMENTS if self.results_dir is not None else None
        if path is None or not path.is_file():
            return None
        docs = srsly.read_json(path).get(eval_set)
        return list(docs) if docs else None

    def counts(self, strategy: str, seed: int) -> Mapping[str, np.ndarray]:
        key = (strategy, seed)
        if key not in self._counts:
            if self.results_dir is None:
                raise KeyError(key)
            folder = self.results_dir if strategy == BASE else self.results_dir / "runs" / strategy / f"seed{seed}"
            if not (folder / COUNTS).is_file():
                raise InputError("per-sentence counts not found (results written before al-ner kept them?); "
                                 "rerun the simulate step", path=str(folder / COUNTS))
            self._counts[key] = load_counts(folder / COUNTS)
        return self._counts[key]

    def seeds(self, strategy: str, budget: float, eval_set: str, label: str) -> dict[int, Row]:
        return self.index.get((strategy, budget, eval_set, label), {})

    def base_f(self, eval_set: str, label: str) -> float | None:
        return next((r.f for r in self.base_rows if r.eval_set == eval_set and r.label == label), None)


class Analyser:
    """Computes an Analysis from RunData; replicates are cached so every comparison shares them."""

    def __init__(self, data: RunData, setup: dict[str, Any], *, n_boot: int = 2000, seed: int = 0) -> None:
        self.data = data
        self.setup = setup
        self.n_boot = n_boot
        self.seed = seed
        self.seeds = SeedResampler(n_boot, seed)
        self.baseline = str(setup.get("baseline", RANDOM))  # what every other strategy is compared with
        self._docs: dict[str, DocResampler] = {}
        self._f1: dict[tuple, Replicates] = {}

    # -- replicates

    def resampler(self, eval_set: str, label: str) -> DocResampler:
        """The evaluation set's bootstrap: its documents where the corpus marks them, else its sentences."""
        if eval_set not in self._docs:
            counts = self.data.counts(BASE, 0)[counts_key(0, eval_set, label, "base")]
            self._docs[eval_set] = DocResampler(len(counts), self.n_boot, _rng(self.seed, eval_set),
                                                groups=self.data.documents(eval_set))
        return self._docs[eval_set]

    def base_f1(self, eval_set: str, label: str) -> Replicates:
        key = (BASE, eval_set, label)
        if key not in self._f1:
            counts = self.data.counts(BASE, 0)[counts_key(0, eval_set, label, "base")]
            self._f1[key] = self.resampler(eval_set, label).f1(counts)
        return self._f1[key]

    def f1(self, strategy: str, seed: int, budget: float, eval_set: str, label: str) -> Replicates:
        key = (strategy, seed, budget, eval_set, label)
        if key not in self._f1:
            counts = self.data.counts(strategy, seed)[counts_key(budget, eval_set, label)]
            self._f1[key] = self.resampler(eval_set, label).f1(counts)
        return self._f1[key]

    def dev_change(self, strategy: str, seed: int, budget: float, label: str) -> tuple[Replicates, int]:
        """Change from the base model on this run's own dev split (its sentences resampled), and its size."""
        counts = self.data.counts(strategy, seed)
        model = counts[counts_key(budget, ANNOTATION_DEV, label)]
        base = counts[counts_key(budget, ANNOTATION_DEV, label, "base")]
        if not len(model):
            return Replicates(0.0, np.zeros(self.n_boot)), 0
        docs = DocResampler(len(model), self.n_boot, _rng(self.seed, strategy, seed, budget_key(budget), label))
        return docs.f1(model) - docs.f1(base), len(model)

    def curve_area(self, strategy: str, seed: int, eval_set: str, label: str) -> Replicates:
        """Normalized area under one run's curve: F1 against the cost reached, base model at cost 0."""
        last = self.setup.get("area_cost") or self.setup["budgets"][-1]
        xs, ys = [0.0], [self.base_f1(eval_set, label)]
        for budget in self.setup["budgets"]:
            row = self.data.seeds(strategy, budget, eval_set, label).get(seed)
            if row is not None:
                xs.append(row.cost)
                ys.append(self.f1(strategy, seed, budget, eval_set, label))
        weights = area_weights(xs, last)
        total = ys[0].scale(weights[0])
        for weight, y in zip(weights[1:], ys[1:]):
            total = total + y.scale(weight)
        return total

    # -- the analysis

    def analyse(self) -> Analysis:
        analysis = Analysis(self.setup, self._base())
        analysis.curves = [self.curve(s, label) for s in (TEST, UNBIASED_DEV, ANNOTATION_DEV)
                           for label in self._labels(s) if self._has(s, label)]
        analysis.headline = self.headline()
        analysis.checkpoints = self.per_checkpoint(TEST)
        analysis.unbiased = self.per_checkpoint(UNBIASED_DEV)
        analysis.dev_checks = [check for label in self.setup["annotated"] for check in self.dev_checks(label)]
        analysis.forgetting = self.forgetting()
        return analysis

    def _labels(self, eval_set: str) -> list[str]:
        return list(self.setup["annotated"] if eval_set == ANNOTATION_DEV else self.setup["labels"])

    def _has(self, eval_set: str, label: str) -> bool:
        return any(r.eval_set == eval_set and r.label == label for r in self.data.rows)

    def _base(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for row in self.data.base_rows:
            out[row.eval_set][row.label] = row.f
        return dict(out)

    def _others(self) -> list[str]:
        return [s for s in self.setup["strategies"] if s != self.baseline]

    def curve(self, eval_set: str, label: str) -> Curve:
        points = []
        for strategy in self.setup["strategies"]:
            for budget in self.setup["budgets"]:
                found = self.data.seeds(strategy, budget, eval_set, label)
                if found:
                    points.append(Point(strategy, budget, self._mean_f(strategy, budget, eval_set, label, found),
                                        cost_summary(found.values(), self.setup)))
        return Curve(eval_set, label, points)

    def _mean_f(self, strategy: str, budget: float, eval_set: str, label: str,
                found: Mapping[int, Row]) -> Estimate:
        if eval_set == ANNOTATION_DEV:
            reps, sizes = [], []
            for seed in sorted(found):
                counts = self.data.counts(strategy, seed)[counts_key(budget, ANNOTATION_DEV, label)]
                sizes.append(len(counts))
                if not len(counts):
                    reps.append(Replicates(0.0, np.zeros(self.n_boot)))
                    continue
                docs = DocResampler(len(counts), self.n_boot, _rng(self.seed, "mean", strategy, seed,
                                                                  budget_key(budget), label))
                reps.append(docs.f1(counts))
            return estimate(self.seeds.mean(reps), n_seeds=len(reps), n_docs=min(sizes))
        reps = [self.f1(strategy, seed, budget, eval_set, label) for seed in sorted(found)]
        return estimate(self.seeds.mean(reps), n_seeds=len(reps),
                        n_docs=self.resampler(eval_set, label).n_docs)

    def headline(self) -> list[Comparison]:
        """The primary endpoint: area difference from random per strategy and annotated label (Holm)."""
        raw = []
        for label in self.setup["annotated"]:
            for strategy in self._others():
                seeds = self._paired_seeds(strategy, TEST, label)
                if seeds:
                    diffs = [self.curve_area(strategy, s, TEST, label) - self.curve_area(self.baseline, s, TEST, label)
                             for s in seeds]
                    raw.append((strategy, label, self.seeds.mean(diffs), len(seeds), self._area_note(strategy, label)))
        return self._family(raw, TEST, lambda item: AREA)

    def _paired_seeds(self, strategy: str, eval_set: str, label: str) -> list[int]:
        def seeds_of(name: str) -> set[int]:
            return {r.seed for r in self.data.rows if r.strategy == name and r.eval_set == eval_set
                    and r.label == label}
        return sorted(seeds_of(strategy) & seeds_of(self.baseline))

    def _area_note(self, strategy: str, label: str) -> str:
        missed = self._missed(strategy, label)
        return (f"pool exhausted before {missed}: the curve is held at its last point" if missed else "")

    def _missed(self, strategy: str, label: str) -> str:
        """'8,000 (2 of 5 seeds)'-style text for checkpoints some seed of `strategy` did not reach."""
        parts = []
        n = len({r.seed for r in self.data.rows if r.strategy == strategy})
        end = self.setup.get("area_cost") or self.setup["budgets"][-1]
        for budget in (b for b in self.setup["budgets"] if b <= end):  # what the area covers
            found = self.data.seeds(strategy, budget, TEST, label)
            short = n - sum(1 for r in found.values() if r.reached)
            if short:
                parts.append(f"{budget_text(budget)} {self.setup['unit']} ({short} of {n} seeds)")
        return ", ".join(parts)

    def per_checkpoint(self, eval_set: str) -> list[Comparison]:
        """Each active strategy minus random at each checkpoint: one Holm family per evaluation set."""
        raw = []
        for label in self.setup["annotated"]:
            for strategy in self._others():
                for budget in self.setup["budgets"]:
                    item = self._checkpoint_diff(strategy, budget, eval_set, label)
                    if item is not None:
                        raw.append(item)
        return self._family(raw, eval_set, lambda item: item[5])

    def _checkpoint_diff(self, strategy: str, budget: float, eval_set: str, label: str) -> tuple | None:
        ours = self.data.seeds(strategy, budget, eval_set, label)
        theirs = self.data.seeds(self.baseline, budget, eval_set, label)
        seeds = sorted(set(ours) & set(theirs))
        if not seeds:
            return None
        diffs = [self.f1(strategy, s, budget, eval_set, label) - self.f1(self.baseline, s, budget, eval_set, label)
                 for s in seeds]
        short = [f"{name} reached {sum(found[s].reached for s in seeds)} of {len(seeds)} seeds"
                 for name, found in ((strategy, ours), (self.baseline, theirs))
                 if not all(found[s].reached for s in seeds)]
        return strategy, label, self.seeds.mean(diffs), len(seeds), "; ".join(short), budget

    def _family(self, raw: list[tuple], eval_set: str, budget_of: Any) -> list[Comparison]:
        if not raw:
            return []
        n_docs = self.resampler(eval_set, raw[0][1]).n_docs
        plain = [estimate(item[2], n_seeds=item[3], n_docs=n_docs) for item in raw]
        adjusted, levels = holm([e.p for e in plain])
        return [Comparison(item[0], self.baseline, eval_set, item[1], budget_of(item),
                           estimate(item[2], n_seeds=item[3], n_docs=n_docs, level=level, p_adjusted=p),
                           item[4])
                for item, p, level in zip(raw, adjusted, levels)]

    def dev_checks(self, label: str) -> list[DevCheck]:
        checks = []
        for strategy in self.setup["strategies"]:
            for budget in self.setup["budgets"]:
                dev_rows = self.data.seeds(strategy, budget, ANNOTATION_DEV, label)
                test_rows = self.data.seeds(strategy, budget, TEST, label)
                seeds = sorted(set(dev_rows) & set(test_rows))
                if seeds:
                    checks.append(self._dev_check(strategy, budget, label, seeds))
        return checks

    def _dev_check(self, strategy: str, budget: float, label: str, seeds: list[int]) -> DevCheck:
        devs, tests, sizes = [], [], []
        for seed in seeds:
            change, size = self.dev_change(strategy, seed, budget, label)
            devs.append(change)
            sizes.append(size)
            tests.append(self.f1(strategy, seed, budget, TEST, label) - self.base_f1(TEST, label))
        n_test = self.resampler(TEST, label).n_docs
        dev = estimate(self.seeds.mean(devs), n_seeds=len(seeds), n_docs=min(sizes))
        test = estimate(self.seeds.mean(tests), n_seeds=len(seeds), n_docs=n_test)
        gap = estimate(self.seeds.mean([d - t for d, t in zip(devs, tests)]), n_seeds=len(seeds),
                       n_docs=min(sizes))
        return DevCheck(strategy, label, budget, dev, test, gap, dev_story(dev, test, gap))

    def forgetting(self) -> list[Comparison]:
        """Labels nobody annotated: each strategy's F1 change from the base model on the held-out test."""
        out = []
        for label in self.setup["labels"]:
            if label in self.setup["annotated"] or self.data.base_f(TEST, label) is None:
                continue
            for strategy in self.setup["strategies"]:
                for budget in self.setup["budgets"]:
                    found = self.data.seeds(strategy, budget, TEST, label)
                    if found:
                        reps = [self.f1(strategy, s, budget, TEST, label) - self.base_f1(TEST, label)
                                for s in sorted(found)]
                        out.append(Comparison(strategy, BASE, TEST, label, budget,
                                              estimate(self.seeds.mean(reps), n_seeds=len(reps),
                                                       n_docs=self.resampler(TEST, label).n_docs)))
        return out


def area_weights(xs: Sequence[float], last: float) -> list[float]:
    """Weights w with sum(w * y) = the area under the piecewise-linear curve through (xs, y), / last.

    The curve runs from xs[0] (the base model, cost 0) to `last`: cut at `last` when a run went
    past it, held flat at its final value when it stopped short (the pool ran out).
    """
    weights = [0.0] * len(xs)
    for i in range(len(xs) - 1):
        x0, x1 = xs[i], xs[i + 1]
        if x0 >= last:
            break
        if x1 <= last:
            weights[i] += (x1 - x0) / 2
            weights[i + 1] += (x1 - x0) / 2
        else:
            t = (last - x0) / (x1 - x0)
            weights[i] += (last - x0) * (2 - t) / 2
            weights[i + 1] += (last - x0) * t / 2
    if xs[-1] < last:
        weights[-1] += last - xs[-1]
    return [w / last for w in weights]


def dev_story(dev: Estimate, test: Estimate, gap: Estimate) -> str:
    """What the annotation dev split says against the held-out test, in a few words."""
    if dev.verdict == TOO_FEW:
        return TOO_FEW
    d, t = dev.direction, test.direction
    d, t = (CANT_TELL if x == IDENTICAL else x for x in (d, t))
    if d == CANT_TELL:
        return NEITHER if t == CANT_TELL else DEV_CANT_TELL
    if t == CANT_TELL:
        return UNCONFIRMED
    if d != t:
        return REVERSES
    if gap.verdict == HELPS and t == BETTER:
        return OVERSTATES
    if gap.verdict == HURTS and t == BETTER:
        return UNDERSTATES
    return SAME


def cost_summary(rows: Iterable[Row], setup: Mapping[str, Any]) -> CostSummary:
    rows = list(rows)
    mean = statistics.fmean
    return CostSummary(mean(r.answers for r in rows), mean(r.sentences for r in rows),
                       mean(r.tokens for r in rows), mean(r.decisions for r in rows),
                       mean(r.est_seconds for r in rows) / 60.0, mean(r.cost for r in rows),
                       sum(r.reached for r in rows), len(rows))


def budget_text(budget: float | str) -> str:
    """1,500 / 12.5 / 'area'."""
    if isinstance(budget, str):
        return budget
    return f"{int(budget):,}" if float(budget).is_integer() else f"{budget:,g}"


def _rng(seed: int, *parts: object) -> np.random.Generator:
    """A generator fixed by `seed` and the names of what it resamples (stable across processes)."""
    return np.random.default_rng([seed, *(zlib.crc32(str(p).encode()) for p in parts)])


def setup_of(meta: Mapping[str, Any], rows: Sequence[Row]) -> dict[str, Any]:
    """The settings the analysis and the report need, from meta.json and the rows."""
    runs = [r for r in rows if r.strategy != BASE]
    annotated = [label for label in meta.get("labels", []) if any(r.label == label for r in runs)]
    labels = ordered({r.label for r in rows}, annotated)
    unit = meta.get("budget_unit") or next((r.unit for r in runs), "answers")
    # meta may name the baseline (default random) and the order of the others (compare's arms)
    preferred = (tuple(dict.fromkeys((meta["baseline"], *meta.get("strategies", ()))))
                 if "baseline" in meta else STRATEGY_ORDER)
    return {**dict(meta), "unit": unit, "annotated": annotated, "labels": labels,
            "strategies": ordered({r.strategy for r in runs}, preferred),
            "budgets": sorted({r.budget for r in runs}),
            "seeds": sorted({r.seed for r in runs}), "alpha": ALPHA}


def analyse(rows: Sequence[Row], meta: Mapping[str, Any], results_dir: Path | None = None, *,
            counts: Mapping[tuple[str, int], Mapping[str, np.ndarray]] | None = None,
            n_boot: int = 2000, seed: int = 0) -> Analysis:
    """The whole analysis of one experiment's rows (counts read from `results_dir` or given), with
    what the live checks said at each checkpoint when the runner recorded it there."""
    analysis = Analyser(RunData(rows, results_dir, counts), setup_of(meta, rows), n_boot=n_boot,
                        seed=seed).analyse()
    documents = {name: n for name in (TEST, UNBIASED_DEV) if (n := _documents(results_dir, name))}
    if documents:  # the bootstrap drew whole documents of these sets
        analysis.setup["documents"] = documents
    sessions = read_sessions(results_dir)
    if sessions and analysis.annotated:
        analysis.stopping = stop_points(sessions, rows, analysis.annotated[0])
        analysis.arms = arm_shares(sessions)
    return analysis


def _documents(results_dir: Path | None, eval_set: str) -> int:
    """How many documents the runner recorded for an evaluation set (0: none, sentences drawn)."""
    return len(set(RunData([], results_dir).documents(eval_set) or []))


__all__ = ["AREA", "Analysis", "Analyser", "Comparison", "CostSummary", "Curve", "DevCheck", "Point",
           "RunData", "analyse", "area_weights", "budget_text", "dev_story", "setup_of",
           "HELPS", "HURTS", "WORSE"]
