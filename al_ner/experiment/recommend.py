"""python -m al_ner.experiment.recommend RESULTS_DIR REPORT_DIR OUT_DIR: which strategy to use.

Reads an experiment's rows and per-sentence counts (RESULTS_DIR, simulate's output) and its
analysis (REPORT_DIR/results.json, the report's), and writes OUT_DIR/results.json: the
recommended default, chosen on the UNBIASED DEV set only (the held-out test is never used to
choose), the issue-9 targets checked on the held-out test, the token share at which each
strategy matches random's F1 at its last checkpoint, the strategy x checkpoint table of
differences from random, and the health check's coverage in simulation. Every figure README.md
and docs/ quote about this comes from that file's snippets. Nothing here changes the report's
statistics: the comparisons are the analysis's own (`analysis.Analyser`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import srsly
import typer

from ._cli import run, say
from .analysis import Analyser, Analysis, Comparison, RunData, budget_text, setup_of
from .config import RANDOM
from .coverage import Coverage, coverage
from .reporting import interval, table, verdict_cell
from .results import TEST, UNBIASED_DEV, read_rows
from .runner import META, RESULTS
from .stats import HURTS, Estimate, estimate

BINARY_RECIPE = "ner.teach"


@dataclass(frozen=True)
class Share:
    """The tokens a strategy's mean test curve needs to reach random's F1 at its last checkpoint."""

    strategy: str
    tokens: float | None  # None: not reached within the budget
    share: float | None


def dev_areas(analyser: Analyser, strategies: Sequence[str], label: str) -> dict[str, Estimate]:
    """Each strategy's area under its UNBIASED DEV curve minus random's, paired by seed."""
    out = {}
    for strategy in strategies:
        seeds = sorted({r.seed for r in analyser.data.rows if r.strategy == strategy}
                       & {r.seed for r in analyser.data.rows if r.strategy == RANDOM})
        if strategy == RANDOM or not seeds:
            continue
        diffs = [analyser.curve_area(strategy, s, UNBIASED_DEV, label)
                 - analyser.curve_area(RANDOM, s, UNBIASED_DEV, label) for s in seeds]
        n_docs = analyser.resampler(UNBIASED_DEV, label).n_docs
        out[strategy] = estimate(analyser.seeds.mean(diffs), n_seeds=len(seeds), n_docs=n_docs)
    return out


def recommended(areas: dict[str, Estimate], unbiased: Sequence[Comparison]) -> str | None:
    """The best unbiased-dev area among strategies never significantly worse than random on it."""
    hurt = {c.strategy for c in unbiased if c.estimate.verdict == HURTS}
    safe = {name: e for name, e in areas.items() if name not in hurt}
    return max(safe, key=lambda name: safe[name].mean) if safe else None


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


# ---------------------------------------------------------------- rendering


def delta_table(analysis: Analysis, label: str) -> str:
    """Strategy x checkpoint: held-out F1 minus random's with its Holm-level interval (bold: significant)."""
    cells = {(c.strategy, c.budget): c for c in analysis.checkpoints if c.label == label}
    body = []
    for strategy in analysis.strategies:
        if strategy == RANDOM:
            continue
        row = [strategy]
        for budget in analysis.budgets:
            c = cells.get((strategy, budget))
            text = "–" if c is None else interval(c.estimate)
            row.append(f"**{text}**" if c is not None and verdict_cell(c.estimate).startswith("**") else text)
        body.append(row)
    unit = analysis.setup.get("unit", "tokens")
    return table(["strategy", *(f"{budget_text(b)} {unit}" for b in analysis.budgets)], body)


def area_table(analysis: Analysis, areas: dict[str, Estimate], label: str) -> str:
    """The primary endpoint on the held-out test next to the same on the unbiased dev set."""
    test = {c.strategy: c for c in analysis.headline if c.label == label}
    body = [[name, interval(areas[name]), interval(test[name].estimate) if name in test else "–",
             test[name].estimate.verdict if name in test else "–"]
            for name in sorted(areas, key=lambda n: -areas[n].mean)]
    return table(["strategy", "area vs random, unbiased dev (chooses)", "area vs random, held-out test (Holm)",
                  "test verdict"], body)


def share_table(target: float, tokens: float, shares: Sequence[Share]) -> str:
    body = [[s.strategy, "not reached" if s.tokens is None else f"{s.tokens:,.0f}",
             "–" if s.share is None else f"{s.share:.0%}"] for s in shares]
    head = (f"Tokens each strategy's mean held-out curve needs to reach random's ORG F1 at its last "
            f"checkpoint ({target:.3f}, {tokens:,.0f} tokens), linear between checkpoints.\n\n")
    return head + table(["strategy", "tokens", "share of random's"], body)


def coverage_text(cov: Coverage) -> str:
    rate, dev, width, gap = cov.rate(TEST), cov.rate(UNBIASED_DEV), cov.mean_width(), cov.mean_gap()
    if rate is None:
        return "No control estimates with an interval were logged."
    n, total = len(cov.measured), len(cov.cells)
    by: dict[str, list] = {}
    for c in cov.measured:
        by.setdefault(c.strategy, []).append(c.covers(c.test_f1))
    parts = ", ".join(f"{name} {sum(hits)}/{len(hits)}" for name, hits in sorted(by.items()))
    return (f"The health check's 95 % intervals (one per annotation session, from that session's control "
            f"answers) covered the held-out test F1 of the model that was annotating in {rate:.0%} of "
            f"{n} sessions ({parts}); the unbiased dev F1 in {dev:.0%}. Mean interval width {width:.2f}; "
            f"control estimate minus test F1 {gap:+.3f} on average over {total} sessions.")


def targets_text(analysis: Analysis, label: str, choice: str | None, shares: Sequence[Share],
                 minutes: Sequence[tuple[str, float, float, float]]) -> str:
    share = {s.strategy: s for s in shares}
    best = min((s for s in shares if s.share is not None and s.strategy != RANDOM),
               key=lambda s: s.share, default=None)  # type: ignore[arg-type, return-value]
    lines = []
    if choice is not None and choice in share:
        lines.append(_share_line(share[choice], "the recommended default, chosen on the unbiased dev set"))
    lines.append(_share_line(best, "best strategy on the held-out test: picked on the set that "
                                   "reports it, so optimistic"))
    own = share.get(RANDOM)
    if own is not None and own.share is not None and own.share < 1.0:
        lines.append(f"  (random's own mean curve first reaches that F1 at {own.share:.0%} of its tokens: "
                     "its curve is not monotone, so shares near that are within noise.)")
    lines.append(_never_worse_line(analysis, label, choice))
    lines += _binary_lines(analysis, label, minutes)
    return "\n".join(lines)


def _share_line(s: Share | None, who: str) -> str:
    if s is None:
        return f"- ≤ 50 % of random's tokens to match random at its last checkpoint ({who}): no strategy reached it."
    verdict = "met" if s.share is not None and s.share <= 0.5 else "**missed**"
    return (f"- ≤ 50 % of random's tokens to match random at its last checkpoint (`{s.strategy}`, {who}): "
            f"{verdict}, {'not reached' if s.share is None else f'{s.share:.0%}'} of random's tokens.")


def _never_worse_line(analysis: Analysis, label: str, choice: str | None) -> str:
    if choice is None:
        return "- Recommended default never significantly worse than random: no strategy qualified."
    worse = [budget_text(c.budget) for c in analysis.checkpoints
             if c.strategy == choice and c.label == label and c.estimate.verdict == HURTS]
    return (f"- Recommended default `{choice}` never significantly worse than random on the held-out test: "
            + ("met (no checkpoint)." if not worse else f"**missed** at {', '.join(worse)}."))


def _binary_lines(analysis: Analysis, label: str, minutes: Sequence[tuple[str, float, float, float]]) -> list[str]:
    lines = []
    for name in dict.fromkeys(m[0] for m in minutes):
        below = [budget_text(c.budget) for c in analysis.dev_checks
                 if c.strategy == name and c.label == label and c.test.verdict == HURTS]
        cells = [m for m in minutes if m[0] == name]
        behind = [f"{budget_text(b)}: {f:.3f} vs {r:.3f}" for _n, b, f, r in cells if f < r]
        lines.append(f"- `{name}`: below the base model on the held-out test "
                     + (f"at {', '.join(below)}" if below else "at no checkpoint")
                     + "; behind random at equal estimated minutes (means, random interpolated; "
                     "no interval: the runs were paired at equal tokens) "
                     + (f"at {'; '.join(behind)}" if behind else "at no checkpoint") + ".")
    return lines


def recommendation_text(choice: str | None, areas: dict[str, Estimate], analysis: Analysis) -> str:
    if choice is None:
        return "No strategy was both ahead of and never significantly behind random on the unbiased dev set."
    defs = analysis.setup.get("strategy_defs", {}).get(choice, {})
    args = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in defs.items() if k not in ("recipe", "rounds"))
    test = next((c.estimate for c in analysis.headline if c.strategy == choice), None)
    return (f"Recommended default: **`{choice}`** (`{defs.get('recipe', '?')} {args}`), the largest area "
            f"over random on the unbiased dev set ({interval(areas[choice])}) among the strategies never "
            f"significantly worse than random there; on the held-out test its area over random is "
            f"{interval(test) if test else '–'} ({test.verdict if test else '–'}).")


def recommend_cli(
    results_dir: Annotated[Path, typer.Argument(help="simulate's output (results.jsonl, meta.json, runs/)")],
    report_dir: Annotated[Path, typer.Argument(help="The report's folder (results.json)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write results.json")],
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates")] = 2000,
) -> None:
    """Choose a default on the unbiased dev set; check the targets; the health check's coverage."""
    rows = read_rows(results_dir / RESULTS)
    meta = srsly.read_json(results_dir / META)
    analysis = Analysis.from_dict(srsly.read_json(report_dir / "results.json")["data"])
    label = analysis.annotated[0]
    analyser = Analyser(RunData(rows, results_dir), setup_of(meta, rows), n_boot=bootstrap)
    data = summarize(analysis, analyser, label, coverage(results_dir, rows, label=label,
                                                         budgets=analysis.budgets))
    out_dir.mkdir(parents=True, exist_ok=True)
    srsly.write_json(out_dir / "results.json", {"name": out_dir.name, "kind": "recommendation",
                                                "generated_by": "python -m al_ner.experiment.recommend",
                                                **data})
    say(f"✔ {out_dir / 'results.json'}: recommended {data['data']['recommended']}")


def summarize(analysis: Analysis, analyser: Analyser, label: str, cov: Coverage) -> dict[str, Any]:
    """The recommendation's data and its snippets."""
    areas = dev_areas(analyser, analysis.strategies, label)
    choice = recommended(areas, [c for c in analysis.unbiased if c.label == label])
    target, tokens, shares = token_shares(analysis, label)
    minutes = binary_at_equal_minutes(analysis, label)
    data = {"recommended": choice, "dev_areas": {k: v.to_dict() for k, v in areas.items()},
            "random_target": {"f1": target, "tokens": tokens},
            "shares": [vars(s) for s in shares], "binary_minutes": minutes,
            "coverage": {"test": cov.rate(TEST), "unbiased_dev": cov.rate(UNBIASED_DEV),
                         "sessions": len(cov.measured), "cells": [vars(c) for c in cov.cells]}}
    snippets = {"recommendation": recommendation_text(choice, areas, analysis),
                "targets": targets_text(analysis, label, choice, shares, minutes),
                "delta_table": delta_table(analysis, label), "area_table": area_table(analysis, areas, label),
                "share_table": share_table(target, tokens, shares), "coverage": coverage_text(cov)}
    return {"data": data, "snippets": snippets}


if __name__ == "__main__":
    run(recommend_cli)
