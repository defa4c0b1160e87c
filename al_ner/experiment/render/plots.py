"""Learning curves as PNGs, drawn from an Analysis: F1 against cost, per evaluation set and label."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from ..analysis.analyse import Analysis, Curve, Point  # noqa: E402
from ..data.layout import ANNOTATION_DEV, EVAL_SET_TITLES, TEST  # noqa: E402

AXES = (("cost", None), ("sentences", "annotated sentences"), ("minutes", "estimated annotation minutes"))
OFFSET = 0.012  # horizontal nudge per strategy, as a share of the axis, so error bars don't hide each other
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d", "8", "H")


def plot_all(analysis: Analysis, out_dir: str | Path) -> list[Path]:
    """One PNG per evaluation set and label that has a curve; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for curve in analysis.curves:
        if curve.eval_set != TEST and curve.label not in analysis.annotated:
            continue
        path = out_dir / f"f1_{curve.eval_set}_{curve.label}.png"
        plot_curve(analysis, curve, path)
        paths.append(path)
    return paths


def plot_curve(analysis: Analysis, curve: Curve, path: Path) -> None:
    """F1 against the budget unit, sentences and estimated minutes, saved as a PNG."""
    fig = draw_curve(analysis, curve)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def draw_curve(analysis: Analysis, curve: Curve) -> plt.Figure:
    """F1 against the budget unit, sentences and estimated minutes: mean over seeds, 95 %
    intervals in [0, 1]; every strategy its own colour and marker, the legend beside the plots."""
    unit = str(analysis.setup["unit"])
    styles = arm_styles(analysis.strategies)
    fig, axes = plt.subplots(1, len(AXES), figsize=(15, 4.2), sharey=True)
    for ax, (field, title) in zip(axes, AXES):
        span = max((_x(p, field) for p in curve.points), default=1.0) or 1.0
        for i, strategy in enumerate(analysis.strategies):
            points = [p for p in curve.points if p.strategy == strategy]
            _draw(ax, points, field, (i - (len(analysis.strategies) - 1) / 2) * OFFSET * span, strategy,
                  styles[strategy])
        _reference(ax, analysis, curve)
        ax.set_xlabel(title or f"{unit} (the budget unit)")
        ax.set_ylim(0.0, 1.0)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(f"{curve.label} F1")
    fig.suptitle(f"{curve.label} F1 on the {EVAL_SET_TITLES[curve.eval_set]} (95 % intervals over seeds "
                 "and sentences; hollow: not every seed reached the checkpoint)")
    fig.tight_layout()
    fig.legend(*axes[0].get_legend_handles_labels(), fontsize=8, loc="upper left",
               bbox_to_anchor=(1.0, 0.93), bbox_transform=fig.transFigure)
    return fig


def arm_styles(strategies: list[str]) -> dict[str, dict[str, str]]:
    """A colour and a marker per strategy, no two alike (tab20's dark shades first, then its
    light ones; markers cycle separately, so colour and marker pairs stay distinct)."""
    palette = plt.get_cmap("tab20").colors
    colours = [palette[i] for i in (*range(0, 20, 2), *range(1, 20, 2))]
    return {name: {"color": matplotlib.colors.to_hex(colours[i % len(colours)]),
                   "marker": MARKERS[i % len(MARKERS)]} for i, name in enumerate(strategies)}


def _x(point: Point, field: str) -> float:
    return float(getattr(point.cost, field))


def _draw(ax: plt.Axes, points: list[Point], field: str, offset: float, label: str,
          style: dict[str, str]) -> None:
    if not points:
        return
    xs = [_x(p, field) + offset for p in points]
    ys = [p.f.mean for p in points]
    low = [max(0.0, p.f.mean - max(0.0, p.f.low)) for p in points]
    high = [max(0.0, min(1.0, p.f.high) - p.f.mean) for p in points]
    line = ax.errorbar(xs, ys, yerr=[low, high], capsize=3, label=label, **style)
    short = [(x, y) for x, y, p in zip(xs, ys, points) if p.cost.reached < p.cost.seeds]
    if short:
        short_x, short_y = zip(*short)
        ax.scatter(short_x, short_y, s=80, facecolors="white", edgecolors=line[0].get_color(), zorder=3)


def _reference(ax: plt.Axes, analysis: Analysis, curve: Curve) -> None:
    base = analysis.base.get(curve.eval_set, {}).get(curve.label)
    if base is not None:
        ax.axhline(base, color="grey", linestyle="--", label="base model (zero-shot)")
    elif curve.eval_set == ANNOTATION_DEV:
        ax.text(0.02, 0.02, "each run's own dev split: not comparable across strategies", fontsize=7,
                transform=ax.transAxes, color="grey")
