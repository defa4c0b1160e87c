"""The recommendation written out: OUT_DIR/results.json with its data and the snippets README.md
and docs/ quote (the recommended default, the targets, the difference and area tables, the health
check's coverage)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import srsly

from ..analysis.analyse import Analyser, Analysis, RunData, budget_text, setup_of
from ..analysis.coverage import Coverage, coverage
from ..analysis.recommend import Share, binary_at_equal_minutes, dev_areas, recommended, token_shares
from ..analysis.stats import HURTS, Estimate
from ..data.config import RANDOM
from ..data.layout import META, RESULTS, TEST, UNBIASED_DEV, read_rows
from .markdown import interval, table, verdict_cell


def write_recommendation(results_dir: Path, report_dir: Path, out_dir: Path, *,
                         bootstrap: int = 2000) -> dict[str, Any]:
    """Choose a default on the unbiased dev set; check the targets; the health check's coverage.

    Reads simulate's output (RESULTS_DIR) and the report's analysis (REPORT_DIR/results.json);
    writes OUT_DIR/results.json and returns what it wrote.
    """
    rows = read_rows(results_dir / RESULTS)
    meta = srsly.read_json(results_dir / META)
    analysis = Analysis.from_dict(srsly.read_json(report_dir / "results.json")["data"])
    label = analysis.annotated[0]
    analyser = Analyser(RunData(rows, results_dir), setup_of(meta, rows), n_boot=bootstrap)
    data = summarize(analysis, analyser, label, coverage(results_dir, rows, label=label,
                                                         budgets=analysis.budgets))
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {"name": out_dir.name, "kind": "recommendation", "generated_by": "al-ner experiment recommend",
                **data}
    srsly.write_json(out_dir / "results.json", document)
    return document

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


def recommendation_text(choice: str, areas: dict[str, Estimate], analysis: Analysis) -> str:
    """What to use and why, in one paragraph."""
    if choice == RANDOM:
        return (f"Recommended: **`{RANDOM}`** (`{command(analysis, RANDOM)}`): no strategy's area over random "
                "on the unbiased dev set has its Holm-corrected interval above 0 without being "
                "significantly behind random at a checkpoint there: none has shown it beats random on "
                f"this data. {_best(areas)}")
    test = next((c.estimate for c in analysis.headline if c.strategy == choice), None)
    return (f"Recommended default: **`{choice}`** (`{command(analysis, choice)}`): its area over random on the "
            f"unbiased dev set is {interval(areas[choice])}, Holm-corrected interval above 0, the largest of "
            "the strategies that beat random there and are never significantly behind it; on the held-out "
            f"test its area over random is {interval(test) if test else '–'} ({test.verdict if test else '–'}).")


def command(analysis: Analysis, strategy: str) -> str:
    """The recipe and arguments a strategy of the experiment ran."""
    defs = analysis.setup.get("strategy_defs", {}).get(strategy, {})
    args = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in defs.items()
                    if k not in ("recipe", "rounds", "first_round"))
    return f"{defs.get('recipe', '?')} {args}".strip()


def _best(areas: dict[str, Estimate]) -> str:
    if not areas:
        return "No strategy besides random ran."
    ranked = sorted(areas, key=lambda name: -areas[name].mean)
    return "Areas over random there: " + "; ".join(
        f"`{name}` {interval(areas[name])} ({areas[name].verdict})" for name in ranked) + "."


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


def targets_text(analysis: Analysis, label: str, choice: str, shares: Sequence[Share],
                 minutes: Sequence[tuple[str, float, float, float]]) -> str:
    share = {s.strategy: s for s in shares}
    best = min((s for s in shares if s.share is not None and s.strategy != RANDOM),
               key=lambda s: s.share, default=None)  # type: ignore[arg-type, return-value]
    lines = []
    if choice != RANDOM and choice in share:
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


def _never_worse_line(analysis: Analysis, label: str, choice: str) -> str:
    if choice == RANDOM:
        return "- Recommended default never significantly worse than random: met, it is random (no strategy beat it)."
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
