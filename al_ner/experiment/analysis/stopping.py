"""Where the stopping rule said stop, against where the held-out curve had levelled off; the arms.

From the runner's per-checkpoint records (sessions.jsonl: the kappa between successive models on
the stop set, the control estimate, the adaptive strategy's arms) and the held-out rows. A run's
plateau is the first checkpoint whose held-out F1 is within one point (PLATEAU) of the F1 at its
last checkpoint: where annotating more stopped paying, as far as the run can tell.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly

from ..data.layout import SESSIONS_ALL, TEST, Row

PLATEAU = 0.01


@dataclass(frozen=True)
class StopPoint:
    """One run: the stopping rule's kappas per checkpoint, where it said stop, and the plateau.

    stable_at: the first checkpoint at which predictions had stabilized (mean kappa of the last
    three >= 0.99); stop_at: the first at which the control answers agreed too (None for a run
    without control questions, or never); f_at_stable: the held-out F1 there.
    """

    strategy: str
    seed: int
    budgets: list[float]
    kappas: list[float]
    stable_at: float | None
    stop_at: float | None
    controls: bool
    plateau_at: float | None
    final_f: float
    f_at_stable: float | None


@dataclass(frozen=True)
class ArmShares:
    """The adaptive strategy's questions per arm in the round that ended at `budget` (mean over seeds)."""

    strategy: str
    budget: float
    asked: dict[str, float]  # arm -> share of the round's questions
    chances: dict[str, float]  # arm -> chance of asking the next question at the round's end
    seeds: int


def read_sessions(results_dir: Path | None) -> list[dict[str, Any]]:
    """The runner's per-checkpoint records, or none (results written before it kept them)."""
    path = results_dir / SESSIONS_ALL if results_dir is not None else None
    return list(srsly.read_jsonl(path)) if path is not None and path.is_file() else []


def stop_points(sessions: Iterable[Mapping[str, Any]], rows: Sequence[Row], label: str) -> list[StopPoint]:
    """Every run with kappas: where the rule said stop, and where its held-out curve levelled off."""
    by_run: dict[tuple[str, int], list[Mapping[str, Any]]] = defaultdict(list)
    for entry in sessions:
        if "kappa" in entry:
            by_run[(entry["strategy"], entry["seed"])].append(entry)
    f1 = {(r.strategy, r.seed, r.budget): r.f for r in rows if r.eval_set == TEST and r.label == label}
    return [_stop_point(strategy, seed, sorted(entries, key=lambda e: e["budget"]), f1)
            for (strategy, seed), entries in sorted(by_run.items())]


def _stop_point(strategy: str, seed: int, entries: list[Mapping[str, Any]],
                f1: Mapping[tuple[str, int, float], float]) -> StopPoint:
    budgets = [float(e["budget"]) for e in entries]
    curve = [f1.get((strategy, seed, b)) for b in budgets]
    known = [(b, f) for b, f in zip(budgets, curve) if f is not None]
    final = known[-1][1] if known else 0.0
    stable = next((b for b, e in zip(budgets, entries) if e.get("stable")), None)
    controls = any("control" in e for e in entries)
    stop = next((b for b, e in zip(budgets, entries) if e.get("stable") and (e.get("control") or {}).get("ok")),
                None)
    plateau = next((b for b, f in known if f >= final - PLATEAU), None)
    return StopPoint(strategy, seed, budgets, [float(e["kappa"]) for e in entries], stable, stop, controls,
                     plateau, final, f1.get((strategy, seed, stable)) if stable is not None else None)


def arm_shares(sessions: Iterable[Mapping[str, Any]]) -> list[ArmShares]:
    """Per adaptive strategy and checkpoint, the share of each arm's questions and its chance at the end."""
    grouped: dict[tuple[str, float], list[Mapping[str, Any]]] = defaultdict(list)
    for entry in sessions:
        if entry.get("arms"):
            grouped[(entry["strategy"], float(entry["budget"]))].append(entry["arms"])
    out = []
    for (strategy, budget), arms in sorted(grouped.items()):
        asked = _mean([_shares(a.get("asked") or {}) for a in arms])
        out.append(ArmShares(strategy, budget, asked, _mean([a.get("probabilities") or {} for a in arms]), len(arms)))
    return out


def _shares(asked: Mapping[str, int]) -> dict[str, float]:
    total = sum(asked.values())
    return {arm: n / total for arm, n in asked.items()} if total else {}


def _mean(dicts: Sequence[Mapping[str, float]]) -> dict[str, float]:
    keys = sorted({key for d in dicts for key in d})
    return {key: round(statistics.fmean(d.get(key, 0.0) for d in dicts), 4) for key in keys} if dicts else {}
