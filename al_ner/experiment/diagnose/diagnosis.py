"""A diagnosis as plain data: each arm against its reference, the held-out errors, the dev split
and forgetting sections, and the likely causes (ranked by `causes.likely_causes`, run by
`run.diagnose`, rendered by render.diagnosis)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .evidence import Evidence
from .profile import Measure
from .questions import QuestionShapes
from .shift import ShiftTest

@dataclass
class ArmDiagnosis:
    arm: str
    reference: str
    n_sentences: int
    n_reference: int
    bias: list[Measure]
    label_mix: dict[str, tuple[float, float]]  # label -> (arm share, reference share) of predicted entities
    shift: ShiftTest | None
    evidence: Evidence
    questions: QuestionShapes | None = None  # binary questions longer than any span the model predicts


@dataclass(frozen=True)
class Cause:
    """A likely cause: what, its number, how strong the evidence is, and what to try."""

    arm: str
    title: str
    number: str
    strength: float  # 0..1, see diagnose_report for how each is scaled
    significant: bool
    advice: str
    kind: str = ""  # RECALL or PRECISION: the held-out error this cause would produce; "" either
    fit: str = ""  # "fits" / "argues against": what the arm's held-out errors say of it ("" unknown)


RECALL, PRECISION = "recall", "precision"


@dataclass(frozen=True)
class Errors:
    """Held-out precision and recall of one strategy at its largest checkpoint (mean over seeds)."""

    strategy: str
    label: str
    budget: float
    p: float
    r: float
    base_p: float
    base_r: float


@dataclass
class Diagnosis:
    setup: dict[str, Any]
    arms: list[ArmDiagnosis]
    reference_evidence: Evidence | None
    dev_vs_test: list[dict[str, Any]] = field(default_factory=list)
    forgetting: list[dict[str, Any]] = field(default_factory=list)
    base_recall: dict[str, float] = field(default_factory=dict)
    errors: list[Errors] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def held_out_errors(rows: Sequence[Any], labels: Sequence[str], *, upto: float | None = None) -> list[Errors]:
    """Per strategy and label, mean held-out precision and recall at its largest checkpoint.

    rows: results rows (`results.Row`) of a compare or an experiment, base rows included.
    upto: only checkpoints up to this cost (compare's equal-cost end), so arms compare at equal cost.
    """
    base = {r.label: r for r in rows if r.strategy == "base" and r.eval_set == "test"}
    groups: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        if (r.strategy != "base" and r.eval_set == "test" and r.label in labels and r.label in base
                and (upto is None or r.budget <= upto)):
            groups.setdefault((r.strategy, r.label), []).append(r)
    out = []
    for (strategy, label), found in groups.items():
        last = max(r.budget for r in found)
        at = [r for r in found if r.budget == last]
        out.append(Errors(strategy, label, last, float(np.mean([r.p for r in at])),
                          float(np.mean([r.r for r in at])), base[label].p, base[label].r))
    return out


def _last(items: Sequence[Any], key: Any) -> list[Any]:
    """The item at each group's largest budget (a strategy's own full set)."""
    best: dict[Any, Any] = {}
    for item in items:
        k = key(item)
        if k not in best or item.budget > best[k].budget:
            best[k] = item
    return list(best.values())


def _interval(e: Any) -> dict[str, Any]:
    return {"mean": e.mean, "low": e.low, "high": e.high, "verdict": e.verdict, "n_docs": e.n_docs}


def dev_rows(analysis: Any) -> list[dict[str, Any]]:
    """Per strategy and label, at its last checkpoint: dev-split change, held-out change, gap, story."""
    return [{"strategy": c.strategy, "label": c.label, "budget": c.budget, "dev": _interval(c.dev),
             "test": _interval(c.test), "gap": _interval(c.gap), "story": c.story}
            for c in _last(analysis.dev_checks, lambda c: (c.strategy, c.label))]


def forgetting_rows(analysis: Any) -> list[dict[str, Any]]:
    """Per strategy and label nobody annotated, at its last checkpoint: F1 change from the base model."""
    return [{"strategy": c.strategy, "label": c.label, "budget": c.budget, "change": _interval(c.estimate),
             "direction": c.estimate.direction}
            for c in _last(analysis.forgetting, lambda c: (c.strategy, c.label))]
