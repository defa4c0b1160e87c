"""The Markdown report: tables, CIs against the random baseline, and a verdict in plain words."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .results import (ANNOTATION_DEV, BASE, EVAL_SET_TITLES, TEST, UNBIASED_DEV, Key, Row, by_seed,
                      ordered)
from .stats import (HELPS, HURTS, METHOD, NO_DIFFERENCE, UNKNOWN, Interval, mean_interval,
                    overall_verdict, paired_differences)

RANDOM = "random"
STRATEGY_ORDER = (RANDOM, "active-full", "active-binary")


@dataclass
class View:
    """The rows of one experiment, indexed for the tables."""

    rows: list[Row]
    grouped: dict[Key, dict[int, Row]]
    strategies: list[str]
    budgets: list[int]
    labels: list[str]
    annotated: list[str]

    @classmethod
    def of(cls, rows: Sequence[Row], annotated: Sequence[str]) -> View:
        runs = [r for r in rows if r.strategy != BASE]
        return cls(list(rows), by_seed(rows), ordered({r.strategy for r in runs}, STRATEGY_ORDER),
                   sorted({r.budget for r in runs}), ordered({r.label for r in rows}, annotated),
                   [label for label in annotated if any(r.label == label for r in rows)])

    def seeds(self, strategy: str, budget: int, eval_set: str, label: str) -> dict[int, Row]:
        return self.grouped.get((strategy, budget, eval_set, label), {})

    def base(self, eval_set: str, label: str) -> Row | None:
        found = self.seeds(BASE, 0, eval_set, label)
        return next(iter(found.values()), None)


def render_report(rows: Sequence[Row], meta: dict[str, Any]) -> str:
    """The whole report as Markdown. `meta` describes the run (labels, base_model, corpus, ...)."""
    view = View.of(rows, meta.get("labels", []))
    parts = [f"# Manual vs active learning: {meta.get('title', 'experiment report')}",
             _setup(view, meta), _verdicts(view)]
    for label in view.annotated:
        parts += [_f1_table(view, TEST, label), _diff_table(view, TEST, label),
                  _agreement(view, label), _diff_table(view, UNBIASED_DEV, label),
                  _f1_table(view, ANNOTATION_DEV, label)]
    parts += [_cost_table(view), _untouched(view), _base_table(view), _plots(meta), _method(meta)]
    return "\n\n".join(part for part in parts if part) + "\n"


# ---------------------------------------------------------------- numbers and cells


def f3(value: float) -> str:
    return f"{value:.3f}"


def signed(value: float) -> str:
    return f"{value:+.3f}"


def interval_cell(interval: Interval) -> str:
    if interval.low is None or interval.high is None:
        return f"{signed(interval.mean)} (n={interval.n}, no CI)"
    return f"{signed(interval.mean)} [{signed(interval.low)}, {signed(interval.high)}]"


def mean_sd(values: Sequence[float]) -> str:
    if not values:
        return "–"
    if len(values) < 2:
        return f3(values[0])
    return f"{f3(statistics.fmean(values))} ± {f3(statistics.stdev(values))}"


def table(header: Sequence[str], body: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


# ---------------------------------------------------------------- comparisons


def versus_random(view: View, strategy: str, budget: int, eval_set: str, label: str) -> Interval | None:
    """Paired (by seed) F1 difference strategy - random, or None when they share no seed."""
    ours = {s: r.f for s, r in view.seeds(strategy, budget, eval_set, label).items()}
    theirs = {s: r.f for s, r in view.seeds(RANDOM, budget, eval_set, label).items()}
    diffs = paired_differences(ours, theirs)
    return mean_interval(diffs) if diffs else None


def versus_base(view: View, strategy: str, budget: int, eval_set: str, label: str) -> Interval | None:
    """The change fine-tuning made, f - base_f, over seeds (each row carries its own base F1)."""
    found = view.seeds(strategy, budget, eval_set, label)
    return mean_interval([r.f - r.base_f for _, r in sorted(found.items())]) if found else None


def change_word(interval: Interval) -> str:
    return {HELPS: "better than the base model", HURTS: "worse than the base model",
            NO_DIFFERENCE: "no detectable change from the base model",
            UNKNOWN: {1: "better", 0: "unchanged", -1: "worse"}[_sign(interval.mean)]}[interval.verdict]


def _sign(value: float, eps: float = 1e-9) -> int:
    return 0 if abs(value) <= eps else (1 if value > 0 else -1)


# ---------------------------------------------------------------- sections


def _setup(view: View, meta: dict[str, Any]) -> str:
    seeds = sorted({r.seed for r in view.rows if r.strategy != BASE})
    lines = [f"- corpus: {meta.get('corpus', '?')} (pool {meta.get('pool_size', '?')} sentences, "
             f"unbiased dev {meta.get('dev_size', '?')}, held-out test {meta.get('test_size', '?')})",
             f"- base model: {meta.get('base_model', '?')}; annotated label(s): {', '.join(view.annotated)}; "
             f"evaluated labels: {', '.join(view.labels)}",
             f"- strategies: {', '.join(view.strategies)}; budgets (answered tasks): "
             f"{', '.join(map(str, view.budgets))}; seeds: {len(seeds)} ({', '.join(map(str, seeds))})",
             f"- label noise: {meta.get('noise', 0.0)}; labels nobody annotated filled with: "
             f"{meta.get('fill', 'nothing (missing)')}; annotation dev share: {meta.get('dev_share', '?')}"]
    if meta.get("wall_seconds"):
        stages = ", ".join(f"{k} {v / 60:.1f} min" for k, v in meta.get("stage_seconds", {}).items())
        lines.append(f"- wall time: {meta['wall_seconds'] / 60:.1f} min" + (f" ({stages})" if stages else ""))
    return "## Setup\n\n" + "\n".join(lines)


def _verdicts(view: View) -> str:
    lines = []
    for label in view.annotated:
        for strategy in view.strategies:
            if strategy != RANDOM:
                lines.append(_verdict_line(view, strategy, label))
    if not lines:
        lines.append("- No strategy to compare with `random` (or no annotated label).")
    for label in view.annotated:
        misleading, inconclusive = disagreements(view, label)
        if misleading:
            lines.append(f"- **The annotation dev split (cut from each run's own answers) disagrees with the "
                         f"held-out test** on {label} in {len(misleading)} place(s):")
            lines += ["  " + line for line in misleading]
        if inconclusive:
            lines.append(f"- In {len(inconclusive)} place(s) the annotation dev split was too small to tell "
                         f"a change in {label} F1 that the held-out test shows (see below).")
    return "## Verdict (held-out test, against random, 95 % CI)\n\n" + "\n".join(lines)


def _verdict_line(view: View, strategy: str, label: str) -> str:
    found = {b: i for b in view.budgets
             if (i := versus_random(view, strategy, b, TEST, label)) is not None}
    if not found:
        return f"- **{strategy}**: not comparable (no seed in common with random)."
    word = overall_verdict([i.verdict for i in found.values()])
    if word == UNKNOWN:
        detail = "; ".join(f"{b}: {interval_cell(i)}" for b, i in found.items())
        return (f"- **{strategy}**: too few seeds for a confidence interval on held-out {label} F1 "
                f"against random ({detail}).")
    by_verdict: dict[str, list[str]] = {}
    for budget, interval in found.items():
        by_verdict.setdefault(interval.verdict, []).append(f"{budget} ({interval_cell(interval)})")
    parts = [f"{verdict} at {', '.join(items)}" for verdict, items in by_verdict.items()]
    return f"- **{strategy}: {_headline(word, by_verdict, len(found))}** on held-out {label} F1 " \
           f"against random: " + "; ".join(parts) + "."


def _headline(word: str, by_verdict: dict[str, list[str]], n: int) -> str:
    """'hurts at every budget', 'helps at 1 of 4 budgets', 'no detectable difference at any budget'."""
    if word == NO_DIFFERENCE:
        return "no detectable difference at any budget"
    if word in (HELPS, HURTS):
        k = len(by_verdict[word])
        return f"{word} at every budget" if k == n else f"{word} at {k} of {n} budgets"
    return f"mixed: helps at {len(by_verdict[HELPS])}, hurts at {len(by_verdict[HURTS])} of {n} budgets"


def _f1_table(view: View, eval_set: str, label: str) -> str:
    base = view.base(eval_set, label)
    head = f"### {label} F1 on the {EVAL_SET_TITLES[eval_set]} (mean ± sd over seeds)"
    if eval_set == ANNOTATION_DEV:
        head += ("\n\nEach run's own held-out share of its answers, as a user would split them; "
                 "different for every run, so not comparable across strategies.")
    elif base is not None:
        head += f"\n\nBase model zero-shot: {f3(base.f)}."
    body = [[s] + [mean_sd([r.f for r in view.seeds(s, b, eval_set, label).values()])
                   for b in view.budgets] for s in view.strategies]
    return head + "\n\n" + table(["strategy", *map(str, view.budgets)], body)


def _diff_table(view: View, eval_set: str, label: str) -> str:
    others = [s for s in view.strategies if s != RANDOM]
    if RANDOM not in view.strategies or not others:
        return ""
    body = []
    for strategy in others:
        for budget in view.budgets:
            found = versus_random(view, strategy, budget, eval_set, label)
            if found is not None:
                body.append([strategy, str(budget), interval_cell(found), str(found.n), found.verdict])
    head = (f"### {label} F1 minus random's on the {EVAL_SET_TITLES[eval_set]} "
            f"(paired by seed, 95 % t-interval)")
    return head + "\n\n" + table(["strategy", "budget", "difference [95 % CI]", "n", "verdict"], body)


def _agreement(view: View, label: str) -> str:
    body = []
    for strategy, budget, dev, test, gap in _dev_vs_test(view, label):
        body.append([strategy, str(budget), interval_cell(dev), interval_cell(test), interval_cell(gap),
                     "yes" if _same_story(dev, test) else "**no**"])
    if not body:
        return ""
    head = (f"### Does the annotation dev split tell the truth? ({label} F1 change from the base model)\n\n"
            "Each cell is fine-tuned F1 minus the base model's F1 on the same set; the gap is the "
            "annotation dev change minus the held-out change, paired by seed (95 % t-intervals).")
    misleading, inconclusive = disagreements(view, label)
    over = overstatements(view, label)
    found = misleading + inconclusive
    verdict = ("The annotation dev split and the held-out test **disagree**:\n\n" + "\n".join(found)
               if found else "The annotation dev split and the held-out test tell the same story everywhere.")
    if over:
        verdict += ("\n\nWhere they agree in direction, the annotation dev split still overstates the "
                    "gain (gap interval above 0):\n\n" + "\n".join(over))
    return head + "\n\n" + table(["strategy", "budget", "annotation dev", "held-out test", "gap",
                                   "same story"], body) + "\n\n" + verdict


def _dev_vs_test(view: View, label: str) -> list[tuple[str, int, Interval, Interval, Interval]]:
    """Per strategy and budget: change from base on annotation dev, on test, and their gap."""
    out = []
    for strategy in view.strategies:
        for budget in view.budgets:
            dev_rows = view.seeds(strategy, budget, ANNOTATION_DEV, label)
            test_rows = view.seeds(strategy, budget, TEST, label)
            seeds = sorted(set(dev_rows) & set(test_rows))
            if not seeds:
                continue
            dev = [dev_rows[s].f - dev_rows[s].base_f for s in seeds]
            test = [test_rows[s].f - test_rows[s].base_f for s in seeds]
            out.append((strategy, budget, mean_interval(dev), mean_interval(test),
                        mean_interval([d - t for d, t in zip(dev, test)])))
    return out


def disagreements(view: View, label: str) -> tuple[list[str], list[str]]:
    """Plain-words lines for each place the annotation dev split tells a different story.

    Two lists: where the dev split is confident and the held-out test disagrees (misleading),
    and where the dev split can't tell what the held-out test can (inconclusive).
    """
    misleading, inconclusive = [], []
    for strategy, budget, dev, test, _ in _dev_vs_test(view, label):
        if _same_story(dev, test):
            continue
        if dev.verdict == NO_DIFFERENCE:
            inconclusive.append(f"- **{strategy} at {budget}**: the annotation dev split can't tell "
                                f"({interval_cell(dev)}), the held-out test says {change_word(test)} "
                                f"({interval_cell(test)}).")
        else:
            misleading.append(f"- **{strategy} at {budget}**: the annotation dev split says "
                              f"{change_word(dev)} ({interval_cell(dev)}), the held-out test says "
                              f"{change_word(test)} ({interval_cell(test)}).")
    return misleading, inconclusive


def overstatements(view: View, label: str) -> list[str]:
    """Places where both agree in direction but the annotation dev change is reliably larger."""
    return [f"- **{strategy} at {budget}**: overstated by {interval_cell(gap)}."
            for strategy, budget, dev, test, gap in _dev_vs_test(view, label)
            if _same_story(dev, test) and gap.verdict == HELPS and dev.mean > 0]


def _same_story(a: Interval, b: Interval) -> bool:
    """Whether two changes tell the same story: same CI verdict, or same sign without CIs."""
    if UNKNOWN in (a.verdict, b.verdict):
        return _sign(a.mean) == _sign(b.mean)
    return a.verdict == b.verdict


def _cost_table(view: View) -> str:
    body = []
    for strategy in view.strategies:
        for budget in view.budgets:
            found = [r for r in view.rows if r.strategy == strategy and r.budget == budget
                     and r.eval_set == TEST]
            per_seed = {r.seed: r for r in found}.values()
            if per_seed:
                body.append([strategy, str(budget)] + [
                    f"{statistics.fmean(getattr(r, k) for r in per_seed):.0f}"
                    for k in ("sentences", "tokens", "decisions")] + [
                    f"{statistics.fmean(r.est_seconds for r in per_seed) / 60:.1f}"])
    return ("### What the annotations cost (mean over seeds)\n\nA budget counts answered tasks: "
            "sentences for random and active-full, yes/no questions for active-binary.\n\n"
            + table(["strategy", "budget", "sentences", "tokens", "decisions", "est. minutes"], body))


def _untouched(view: View) -> str:
    others = [label for label in view.labels if label not in view.annotated]
    if not others:
        return ""
    body = []
    for label in others:
        for strategy in view.strategies:
            cells = [versus_base(view, strategy, b, TEST, label) for b in view.budgets]
            body.append([label, strategy] + [interval_cell(c) if c else "–" for c in cells])
    return ("### Labels nobody annotated: F1 change from the base model on the held-out test\n\n"
            "Negative numbers mean the fine-tuned model forgot what the base model knew.\n\n"
            + table(["label", "strategy", *map(str, view.budgets)], body))


def _base_table(view: View) -> str:
    sets = [s for s in (TEST, UNBIASED_DEV) if any(view.base(s, label) for label in view.labels)]
    if not sets:
        return ""
    body = [[label] + [f3(b.f) if (b := view.base(s, label)) else "–" for s in sets]
            for label in view.labels]
    return ("### Base model zero-shot F1\n\n"
            + table(["label", *(EVAL_SET_TITLES[s] for s in sets)], body))


def _plots(meta: dict[str, Any]) -> str:
    plots = meta.get("plots", [])
    if not plots:
        return ""
    return "## Plots\n\n" + "\n\n".join(f"![{p}]({p})" for p in plots)


def _method(meta: dict[str, Any]) -> str:
    cost = meta.get("cost_model", "")
    return ("## How to read this\n\n"
            f"- Differences are {METHOD}: for each seed, the strategy's F1 minus random's at the same "
            "budget; the interval is mean ± t(0.975, n−1) · sd/√n, with n the number of seeds. "
            f"\"{HELPS}\" / \"{HURTS}\" means the 95 % interval excludes 0; otherwise "
            f"\"{NO_DIFFERENCE}\". With one seed there is no interval.\n"
            "- The held-out test was never shown to the annotator nor scored for selection; the unbiased "
            "dev set was drawn before any selection; the annotation dev split is a share of each run's "
            "own answers, as a user would hold out, and is biased toward what the strategy picked.\n"
            "- Every budget is a fresh fine-tune of the base model on all answers so far; active strategies "
            "pick each round's sentences with the model trained at the previous budget.\n"
            + (f"- Estimated time: {cost}\n" if cost else ""))
