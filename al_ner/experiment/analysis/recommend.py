"""Which strategy to use: the figures behind the recommendation (render.recommend writes them out).

The recommended default is chosen on the UNBIASED DEV set only (the held-out test is never used to
choose), and random is a candidate: a strategy is recommended only when its area over random's
there has its Holm-corrected interval above zero; otherwise the answer is random. The issue-9 targets are checked on the held-out test: the token share at which each
strategy matches random's F1 at its last checkpoint, and the binary strategies against random at
equal estimated minutes. Nothing here changes the report's statistics: the comparisons are the
analysis's own (`analyse.Analyser`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..data.config import RANDOM
from ..data.layout import TEST, UNBIASED_DEV
from .analyse import Analyser, Analysis, Comparison
from .stats import HELPS, HURTS, Estimate, estimate, holm

BINARY_RECIPE = "ner.teach"


@dataclass(frozen=True)
class Share:
    """The tokens a strategy's mean test curve needs to reach random's F1 at its last checkpoint."""

    strategy: str
    tokens: float | None  # None: not reached within the budget
    share: float | None


def dev_areas(analyser: Analyser, strategies: Sequence[str], label: str) -> dict[str, Estimate]:
    """Each strategy's area under its UNBIASED DEV curve minus random's, paired by seed.

    One Holm family: each interval is drawn at the level Holm's method tests it at.
    """
    raw = {}
    for strategy in strategies:
        seeds = sorted({r.seed for r in analyser.data.rows if r.strategy == strategy}
                       & {r.seed for r in analyser.data.rows if r.strategy == RANDOM})
        if strategy == RANDOM or not seeds:
            continue
        diffs = [analyser.curve_area(strategy, s, UNBIASED_DEV, label)
                 - analyser.curve_area(RANDOM, s, UNBIASED_DEV, label) for s in seeds]
        raw[strategy] = (analyser.seeds.mean(diffs), len(seeds))
    if not raw:
        return {}
    n_docs = analyser.resampler(UNBIASED_DEV, label).n_docs
    plain = [estimate(rep, n_seeds=n, n_docs=n_docs).p for rep, n in raw.values()]
    adjusted, levels = holm(plain)
    return {name: estimate(rep, n_seeds=n, n_docs=n_docs, level=level, p_adjusted=p)
            for (name, (rep, n)), p, level in zip(raw.items(), adjusted, levels)}


def recommended(areas: dict[str, Estimate], unbiased: Sequence[Comparison]) -> str:
    """The strategy to use: random unless one beats it on the unbiased dev set.

    A strategy qualifies when its area over random's there has its Holm-corrected interval above
    zero and it is at no checkpoint significantly worse than random there; the qualified one with
    the largest area wins. Random is the answer when none qualifies.
    """
    hurt = {c.strategy for c in unbiased if c.estimate.verdict == HURTS}
    better = {name: e for name, e in areas.items() if e.verdict == HELPS and name not in hurt}
    return max(better, key=lambda name: better[name].mean) if better else RANDOM


def token_shares(analysis: Analysis, label: str) -> tuple[float, float, list[Share]]:
    """Random's F1 and tokens at its last checkpoint, and each strategy's share of those tokens."""
    curve = analysis.curve(TEST, label)
    points = [p for p in curve.points if p.strategy == RANDOM] if curve else []
    if not points:
        return 0.0, 0.0, []
    last = max(points, key=lambda p: p.budget)
    target, tokens = last.f.mean, last.cost.tokens
    base = analysis.base.get(TEST, {}).get(label, 0.0)
    shares = []
    for strategy in analysis.strategies:
        mine = sorted((p for p in curve.points if p.strategy == strategy), key=lambda p: p.budget)  # type: ignore[union-attr]
        reached = first_reaching([(0.0, base)] + [(p.cost.tokens, p.f.mean) for p in mine], target)
        shares.append(Share(strategy, reached, None if reached is None else reached / tokens))
    return target, tokens, shares


def first_reaching(curve: Sequence[tuple[float, float]], target: float) -> float | None:
    """The first x at which the piecewise-linear curve through (x, y) reaches `target`."""
    for (x0, y0), (x1, y1) in zip(curve, curve[1:]):
        if y0 >= target:
            return x0
        if y1 >= target:
            return x0 + (x1 - x0) * (target - y0) / (y1 - y0)
    return None


def binary_at_equal_minutes(analysis: Analysis, label: str) -> list[tuple[str, float, float, float]]:
    """(strategy, checkpoint, its mean F1, random's mean F1 at the same estimated minutes).

    Random's value is interpolated on its mean curve against estimated minutes (the runs were
    paired at equal tokens, not minutes: this is a point comparison without an interval).
    """
    curve = analysis.curve(TEST, label)
    if curve is None:
        return []
    defs = analysis.setup.get("strategy_defs", {})
    random = [(0.0, analysis.base.get(TEST, {}).get(label, 0.0))] + sorted(
        (p.cost.minutes, p.f.mean) for p in curve.points if p.strategy == RANDOM)
    out = []
    for p in curve.points:
        if defs.get(p.strategy, {}).get("recipe") == BINARY_RECIPE:
            out.append((p.strategy, p.budget, p.f.mean, interpolate(random, p.cost.minutes)))
    return out


def interpolate(curve: Sequence[tuple[float, float]], x: float) -> float:
    """y at x on the piecewise-linear curve (held flat past its ends)."""
    if x <= curve[0][0]:
        return curve[0][1]
    for (x0, y0), (x1, y1) in zip(curve, curve[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y1
    return curve[-1][1]
