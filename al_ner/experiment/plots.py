"""Learning curves as PNGs: F1 against annotated sentences, tokens and estimated time, per eval set and label."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from .reporting import View  # noqa: E402
from .results import ANNOTATION_DEV, EVAL_SET_TITLES, EVAL_SETS, Row  # noqa: E402
from .stats import mean_interval  # noqa: E402

AXES = (("sentences", "annotated sentences"), ("tokens", "annotated tokens"),
        ("est_seconds", "estimated annotation minutes (cost model)"))


def plot_all(rows: Sequence[Row], out_dir: str | Path, *, annotated: Sequence[str]) -> list[Path]:
    """Write one PNG per evaluation set and annotated label; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    view = View.of(rows, annotated)
    paths = []
    for label in view.annotated:
        for eval_set in EVAL_SETS:
            if any(r.eval_set == eval_set and r.label == label for r in view.rows):
                path = out_dir / f"f1_{eval_set}_{label}.png"
                plot_curves(view, eval_set, label, path)
                paths.append(path)
    return paths


def plot_curves(view: View, eval_set: str, label: str, path: Path) -> None:
    """F1 vs sentences, tokens and estimated minutes: mean over seeds, 95 % t-interval error bars."""
    fig, axes = plt.subplots(1, len(AXES), figsize=(15, 4.2), sharey=True)
    for ax, (field, title) in zip(axes, AXES):
        for strategy in view.strategies:
            _curve(ax, view, strategy, eval_set, label, field)
        _reference(ax, view, eval_set, label)
        ax.set_xlabel(title)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(f"{label} F1")
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"{label} F1 on the {EVAL_SET_TITLES[eval_set]} (error bars: 95 % CI over seeds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _curve(ax: plt.Axes, view: View, strategy: str, eval_set: str, label: str, field: str) -> None:
    xs, ys, errs = [], [], []
    for budget in view.budgets:
        found = list(view.seeds(strategy, budget, eval_set, label).values())
        if not found:
            continue
        interval = mean_interval([r.f for r in found])
        scale = 60.0 if field == "est_seconds" else 1.0
        xs.append(statistics.fmean(getattr(r, field) for r in found) / scale)
        ys.append(interval.mean)
        errs.append(0.0 if interval.high is None else interval.high - interval.mean)
    if xs:
        ax.errorbar(xs, ys, yerr=errs, marker="o", capsize=3, label=strategy)


def _reference(ax: plt.Axes, view: View, eval_set: str, label: str) -> None:
    base = view.base(eval_set, label)
    if base is not None:
        ax.axhline(base.f, color="grey", linestyle="--", label="base model (zero-shot)")
        return
    if eval_set == ANNOTATION_DEV:
        values = [r.base_f for r in view.rows if r.eval_set == eval_set and r.label == label]
        if values:
            ax.axhline(statistics.fmean(values), color="grey", linestyle=":",
                       label="base model (mean over runs' dev splits)")
