"""The live health check: F1 on the control questions, against the base model on the same ones.

Control questions are a random sample of the source, answered as full spans. Each one stores
what the model in the loop predicted when it was asked (`meta["predicted"]`) and what the base
model predicts (`meta["base_predicted"]`), so every control answer is scored before the model
learned from it: the estimate is unbiased for the source's distribution (prequential, like a
held-out set that arrives one sentence at a time). It describes the model over the session so
far, not only the latest weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..constants import ACCEPT, ANSWER, CONTROL, LABEL, META, SPANS, TOKEN_END, TOKEN_START
from ..types import Task
from .maths import Interval, Span, diff_interval, f1_interval, span_counts

PREDICTED = "predicted"  # meta: the model's entities when the question was asked [[start, end, label]]
BASE_PREDICTED = "base_predicted"  # meta: the base model's entities on the same tokens
WORSE = "worse"


@dataclass(frozen=True)
class Health:
    """What the control answers say so far."""

    n: int
    f1: Interval
    base_f1: Interval
    diff: Interval
    level: float
    warning: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class HealthMonitor:
    """Collects control answers (as an `update` callback) and estimates F1 from them."""

    def __init__(self, labels: Sequence[str], *, level: float = 0.95, n_boot: int = 1000,
                 seed: int = 0) -> None:
        self.labels = set(labels)
        self.level, self.n_boot, self.seed = level, n_boot, seed
        self.model: list[tuple[int, int, int]] = []
        self.base: list[tuple[int, int, int]] = []
        self._cached: Health | None = None

    def update(self, answers: Iterable[Task]) -> None:
        """Count the accepted control answers among `answers` (others are ignored)."""
        for task in answers:
            if not is_control(task) or task.get(ANSWER) != ACCEPT:
                continue
            gold = self._wanted(answer_spans(task))
            meta = task.get(META, {})
            self.model.append(span_counts(self._wanted(_spans(meta.get(PREDICTED))), gold))
            self.base.append(span_counts(self._wanted(_spans(meta.get(BASE_PREDICTED))), gold))
            self._cached = None

    def _wanted(self, spans: Iterable[Span]) -> list[Span]:
        return [span for span in spans if span[2] in self.labels]

    def health(self) -> Health:
        """The estimate from every control answer so far (no intervals under MIN_GOLD gold entities)."""
        if self._cached is None:
            self._cached = estimate(np.array(self.model).reshape(-1, 3),
                                    np.array(self.base).reshape(-1, 3), level=self.level,
                                    n_boot=self.n_boot, seed=self.seed)
        return self._cached

    def progress(self) -> dict[str, Any]:
        """The estimate as JSON-ready data, for the controller's progress and the web header."""
        return self.health().to_dict()


def estimate(model: np.ndarray, base: np.ndarray, *, level: float = 0.95, n_boot: int = 1000,
             seed: int = 0) -> Health:
    """Health from per-sentence counts of the model and the base model on the same sentences."""
    f1 = f1_interval(model, level=level, n_boot=n_boot, seed=seed)
    base_f1 = f1_interval(base, level=level, n_boot=n_boot, seed=seed)
    diff = diff_interval(model, base, level=level, n_boot=n_boot, seed=seed)
    warning = WORSE if diff.high is not None and diff.high < 0 else ""
    return Health(len(model), f1, base_f1, diff, level, warning)


def is_control(task: Task) -> bool:
    return bool(task.get(META, {}).get(CONTROL))


def answer_spans(task: Task) -> list[Span]:
    """The answer's spans in token offsets (end exclusive); spans without them are skipped."""
    out = []
    for span in task.get(SPANS) or []:
        start, end = span.get(TOKEN_START), span.get(TOKEN_END)
        if isinstance(start, int) and isinstance(end, int):
            out.append((start, end + 1, str(span.get(LABEL))))
    return out


def _spans(raw: Any) -> list[Span]:
    return [(int(s), int(e), str(label)) for s, e, label in raw or []]


def describe(health: dict[str, Any] | None) -> str:
    """One line for the terminal summary: the estimate, the base model's, and any warning."""
    if not health or not health.get("n"):
        return "health check: no control answers yet"
    f1, base, diff = health["f1"], health["base_f1"], health["diff"]
    level = f"{health['level']:.0%}"
    line = (f"health check ({health['n']} control answers): F1 {_cell(f1)}, base model "
            f"{_cell(base)}, difference {_cell(diff, signed=True)} ({level} intervals)")
    if health.get("warning") == WORSE:
        line += "; WARNING: the model is worse than the base model on the control questions"
    return line


def _cell(interval: dict[str, Any], *, signed: bool = False) -> str:
    fmt = "{:+.3f}" if signed else "{:.3f}"
    if interval.get("low") is None:
        return fmt.format(interval["value"]) + " [too few to tell]"
    return (fmt.format(interval["value"]) + " [" + fmt.format(interval["low"]) + ", "
            + fmt.format(interval["high"]) + "]")
