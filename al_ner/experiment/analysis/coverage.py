"""Does the live health check tell the truth? Its control intervals against the held-out F1.

A strategy with `control` logs, per annotation session (one per round), the health check's F1
estimate from that session's control answers (DB/.sessions/answers.jsonl of each run). Round k
asks its questions with the model trained at checkpoint k - 1 (the base model in round 0), so
that model's held-out test F1 (and unbiased dev F1) is what the interval should cover. The
control sample comes from the pool (the source's distribution); the held-out test is another
sample (CoNLL's test set is a later period), so a gap between them is a finding, not a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...storage import Database
from ..data.layout import BASE, DATASET, TEST, UNBIASED_DEV, Row


@dataclass(frozen=True)
class Cell:
    """One session's control estimate and the held-out F1 of the model it measured."""

    strategy: str
    seed: int
    round: int
    n: int
    f1: float
    low: float | None
    high: float | None
    test_f1: float
    dev_f1: float | None

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None

    def covers(self, value: float | None) -> bool:
        return value is not None and self.has_interval and self.low <= value <= self.high  # type: ignore[operator]


@dataclass(frozen=True)
class Coverage:
    """How often the intervals covered the held-out test F1 (and the unbiased dev F1)."""

    cells: list[Cell]

    @property
    def measured(self) -> list[Cell]:
        return [c for c in self.cells if c.has_interval]

    def rate(self, on: str = TEST) -> float | None:
        cells = self.measured
        if not cells:
            return None
        hits = [c.covers(c.test_f1 if on == TEST else c.dev_f1) for c in cells]
        return sum(hits) / len(hits)

    def mean_width(self) -> float | None:
        widths = [c.high - c.low for c in self.measured if c.high is not None and c.low is not None]
        return sum(widths) / len(widths) if widths else None

    def mean_gap(self) -> float | None:
        """Mean control estimate minus held-out test F1 (positive: the control slice is easier)."""
        return sum(c.f1 - c.test_f1 for c in self.cells) / len(self.cells) if self.cells else None


def coverage(results_dir: Path, rows: Sequence[Row], *, label: str, budgets: Sequence[float]) -> Coverage:
    """Every logged session of every run under `results_dir`, matched with its model's rows."""
    cells: list[Cell] = []
    for run in sorted((results_dir / "runs").glob("*/seed*")):
        strategy, seed = run.parent.name, int(run.name[len("seed"):])
        for round_no, record in enumerate(Database(run / "db").get_sessions(DATASET)):
            cell = _cell(strategy, seed, round_no, record, rows, label, budgets)
            if cell is not None:
                cells.append(cell)
    return Coverage(cells)


def _cell(strategy: str, seed: int, round_no: int, record: dict, rows: Sequence[Row], label: str,
          budgets: Sequence[float]) -> Cell | None:
    health = record.get("health") or {}
    if not health.get("n") or round_no > len(budgets):
        return None
    model = (BASE, 0) if round_no == 0 else (strategy, seed)
    budget = 0 if round_no == 0 else budgets[round_no - 1]
    test, dev = (_f1(rows, *model, budget, eval_set, label) for eval_set in (TEST, UNBIASED_DEV))
    if test is None:
        return None
    f1 = health["f1"]
    return Cell(strategy, seed, round_no, int(health["n"]), float(f1["value"]), f1.get("low"),
                f1.get("high"), test, dev)


def _f1(rows: Iterable[Row], strategy: str, seed: int, budget: float, eval_set: str,
        label: str) -> float | None:
    for row in rows:
        if (row.strategy == strategy and row.budget == budget and row.eval_set == eval_set
                and row.label == label and (strategy == BASE or row.seed == seed)):
            return row.f
    return None
