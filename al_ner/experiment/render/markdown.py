"""The Markdown report, rendered from an Analysis: verdict first, then the tables behind it.

Only rendering happens here; every number comes from `analysis`. `snippets` are the pieces
README.md and docs/ quote (through docs/results/*.json), rendered by the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..analysis.analyse import (DEV_CANT_TELL, NEITHER, OVERSTATES, REVERSES, SAME, UNCONFIRMED,
                                UNDERSTATES, Analysis, Comparison, budget_text)
from ..analysis.stats import ALPHA, CANT_TELL, HELPS, HURTS, IDENTICAL, METHOD, MIN_DOCS, POWER, TOO_FEW, Estimate
from ..data.layout import ANNOTATION_DEV, EVAL_SET_TITLES, TEST, UNBIASED_DEV

UNIT_WORDS = {"answers": "answered questions", "sentences": "annotated sentences",
              "tokens": "tokens read", "minutes": "estimated minutes"}


def render_report(analysis: Analysis) -> str:
    """The whole report as Markdown."""
    setup = analysis.setup
    parts = [f"# Manual vs active learning: {setup.get('title', 'experiment report')}",
             unit_line(analysis), "## Verdict (held-out test, primary endpoint)", headline(analysis),
             _setup(analysis)]
    for label in analysis.annotated:
        parts += [f1_table(analysis, TEST, label), diff_table(analysis.checkpoints, analysis, label, TEST),
                  dev_table(analysis, label), diff_table(analysis.unbiased, analysis, label, UNBIASED_DEV),
                  f1_table(analysis, ANNOTATION_DEV, label)]
    from .stopping import arms_table, stopping_section  # they render with this module's tables

    parts += [forgetting_table(analysis), cost_table(analysis), base_table(analysis),
              stopping_section(analysis), arms_table(analysis), plots_section(setup),
              _method(analysis)]
    return "\n\n".join(part for part in parts if part) + "\n"


def snippets(analysis: Analysis) -> dict[str, str]:
    """The pieces other documents quote, by name."""
    from .stopping import arms_table, stopping_section

    label = analysis.annotated[0] if analysis.annotated else ""
    out = {"unit": unit_line(analysis), "headline": headline(analysis), "runtime": runtime(analysis),
           "test_table": f1_table(analysis, TEST, label, title=False),
           "diff_table": diff_table(analysis.checkpoints, analysis, label, TEST, title=False),
           "dev_table": dev_table(analysis, label, title=False),
           "forgetting_table": forgetting_table(analysis, title=False),
           "cost_table": cost_table(analysis, title=False)}
    if analysis.stopping:  # results written before the runner recorded the live checks have none
        out["stopping"] = stopping_section(analysis, title=False)
    if analysis.arms:
        out["arms"] = arms_table(analysis, title=False)
    return out


# ---------------------------------------------------------------- numbers and cells


def f3(value: float) -> str:
    return f"{value:.3f}"


def signed(value: float) -> str:
    return f"{value:+.3f}"


def interval(e: Estimate, *, sign: bool = True) -> str:
    """'+0.012 [−0.004, +0.027]' (clipped to [0, 1] for an F1 itself), or the reason there is none."""
    if e.verdict == TOO_FEW:
        return f"too few sentences (n={e.n_docs})"
    if e.verdict == IDENTICAL:
        return f"{(signed if sign else f3)(e.mean)} (the same on every sentence)"
    fmt = signed if sign else f3
    low, high = (e.low, e.high) if sign else (max(0.0, e.low), min(1.0, e.high))
    return f"{fmt(e.mean)} [{fmt(low)}, {fmt(high)}]"


def verdict_cell(e: Estimate) -> str:
    word = e.verdict
    return f"**{word}**" if word in (HELPS, HURTS) else word


def p_cell(e: Estimate) -> str:
    p = e.p if e.p_adjusted is None else e.p_adjusted
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def table(header: Sequence[str], body: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def baseline_of(analysis: Analysis) -> str:
    """What the other strategies are compared with (random in the simulated experiment)."""
    return str(analysis.setup.get("baseline", "random"))


def unit_of(analysis: Analysis) -> str:
    return str(analysis.setup["unit"])


def checkpoints_text(analysis: Analysis) -> str:
    return " / ".join(budget_text(b) for b in analysis.budgets) + f" {unit_of(analysis)}"


def _title(text: str, show: bool) -> str:
    return f"### {text}\n\n" if show else ""


# ---------------------------------------------------------------- sections


def unit_line(analysis: Analysis) -> str:
    unit = unit_of(analysis)
    return (f"**Budgets are in {unit}** ({UNIT_WORDS.get(unit, unit)}): every strategy annotated until its "
            f"cumulative cost reached each checkpoint ({checkpoints_text(analysis)}), so strategies are "
            "compared at equal cost. The cost table gives every other measure of cost per checkpoint.")


def headline(analysis: Analysis) -> str:
    """One line per active strategy and annotated label: the primary endpoint with its interval."""
    baseline = baseline_of(analysis)
    if not analysis.headline:
        return f"- No active strategy shares seeds with `{baseline}`, so there is nothing to compare."
    lines = [_headline_line(analysis, c) for c in analysis.headline]
    n = len(analysis.headline)
    end = analysis.setup.get("area_cost") or analysis.budgets[-1]
    lines.append(f"- Area = mean held-out F1 over the budget (normalized area under F1 against {unit_of(analysis)} "
                 f"from the base model at 0 to {budget_text(end)}), strategy minus {baseline}, "
                 f"paired by seed; intervals and p-values from a {METHOD}, Holm-corrected over these {n} "
                 f"comparison(s).")
    lines += _dev_summary(analysis)
    return "\n".join(lines)


def _headline_line(analysis: Analysis, c: Comparison) -> str:
    e = c.estimate
    seeds = f"{e.n_seeds} seed{'s' if e.n_seeds != 1 else ''} × {e.n_docs:,} test sentences"
    documents = (analysis.setup.get("documents") or {}).get(TEST)
    if documents:
        seeds += f" in {documents:,} documents, drawn whole"
    word = e.verdict
    if e.n_seeds < 2:
        word = f"{CANT_TELL} (one seed: training randomness unmeasured)"
    level = f"{e.level * 100:.1f} %".replace(".0 %", " %")
    line = (f"- **{c.strategy} vs {c.baseline}, {c.label}: {word}**: area {interval(e)} ({level} interval, "
            f"Holm p = {p_cell(e)}; {seeds}). The smallest difference this run could detect "
            f"(power {POWER:.0%}) is ±{e.mde:.3f}.")
    return line + (f" Note: {c.note}." if c.note else "")


def _dev_summary(analysis: Analysis) -> list[str]:
    counts: dict[str, int] = {}
    for check in analysis.dev_checks:
        counts[check.story] = counts.get(check.story, 0) + 1
    if not counts:
        return []
    order = (REVERSES, OVERSTATES, UNCONFIRMED, UNDERSTATES, SAME, DEV_CANT_TELL, NEITHER, TOO_FEW)
    parts = [f"{story}: {counts[story]}" for story in order if story in counts]
    return [f"- The annotation dev split (each run's own held-out answers) against the held-out test, "
            f"over {len(analysis.dev_checks)} strategy × checkpoint cells: " + "; ".join(parts) + "."]


def runtime(analysis: Analysis) -> str:
    setup = analysis.setup
    compute = setup.get("compute_seconds", 0.0) / 60
    stages = ", ".join(f"{k} {v / 60:.1f}" for k, v in setup.get("stage_seconds", {}).items())
    return (f"{setup.get('runs', 0)} runs ({setup.get('runs_reused', 0)} reused from earlier invocations); "
            f"compute {compute:.1f} min in all ({stages} min), of which this invocation "
            f"{setup.get('wall_seconds', 0.0) / 60:.1f} min wall time.")


def _setup(analysis: Analysis) -> str:
    s = analysis.setup
    defs = s.get("strategy_defs", {})
    strategies = "; ".join(f"`{name}` = {_describe_strategy(defs.get(name, {}))}" for name in analysis.strategies)
    lines = [f"- corpus: {s.get('corpus', '?')} (pool {s.get('pool_size', '?')} sentences, unbiased dev "
             f"{s.get('dev_size', '?')}, held-out test {s.get('test_size', '?')})",
             f"- base model: {s.get('base_model', '?')}; annotated: {', '.join(analysis.annotated)}; "
             f"evaluated: {', '.join(analysis.labels)}",
             f"- strategies: {strategies}",
             f"- checkpoints: {checkpoints_text(analysis)}; seeds: {len(s.get('seeds', []))} "
             f"({', '.join(map(str, s.get('seeds', [])))}). A seed decides the run's own sample of "
             f"{s.get('pool_share', 1.0):.0%} of the pool and its order, random's order, the annotator's "
             "noise and the training seed",
             f"- label noise {s.get('noise', 0.0)}; labels nobody annotated filled with "
             f"`{s.get('fill', '?')}` in training (never in evaluation); annotation dev share {s.get('dev_share', '?')}",
             f"- cost model (est. seconds): {s.get('cost_model', '?')}",
             f"- runs: {runtime(analysis)}",
             f"- code: al-ner {s.get('environment', {}).get('al_ner', '?')} "
             f"(code digest {str(s.get('environment', {}).get('al_ner_code', '?'))[:12]}, git "
             f"{str(s.get('git_revision') or 'n/a')[:12]}), spaCy {s.get('environment', {}).get('spacy', '?')}, "
             f"{s.get('environment', {}).get('base_model_version', '')}"]
    return "## Setup\n\n" + "\n".join(lines)


def _describe_strategy(definition: dict[str, Any]) -> str:
    if not definition:
        return "?"
    args = " ".join(f"--{k} {v}" for k, v in definition.items() if k not in ("recipe", "rounds"))
    rounds = ", in rounds" if definition.get("rounds") else ""
    return f"`{definition['recipe']}{(' ' + args) if args else ''}`{rounds}"


def f1_table(analysis: Analysis, eval_set: str, label: str, *, title: bool = True) -> str:
    curve = analysis.curve(eval_set, label)
    if curve is None:
        return ""
    head = _title(f"{label} F1 on the {EVAL_SET_TITLES[eval_set]} (mean over seeds, 95 % interval)", title)
    base = analysis.base.get(eval_set, {}).get(label)
    if eval_set == ANNOTATION_DEV:
        head += ("Each run's own held-out share of its answers, as a user would split them; different for "
                 "every run, so not comparable across strategies. ")
    elif base is not None:
        head += f"Base model zero-shot: {f3(base)}. "
    head += "† = not every seed reached this checkpoint (pool exhausted).\n\n"
    body = []
    for strategy in analysis.strategies:
        cells = []
        for budget in analysis.budgets:
            point = next((p for p in curve.points if p.strategy == strategy and p.budget == budget), None)
            cells.append("–" if point is None else interval(point.f, sign=False)
                         + ("†" if point.cost.reached < point.cost.seeds else ""))
        body.append([strategy, *cells])
    return head + table(["strategy", *(budget_text(b) for b in analysis.budgets)], body)


def diff_table(family: Sequence[Comparison], analysis: Analysis, label: str, eval_set: str, *,
               title: bool = True) -> str:
    rows = [c for c in family if c.label == label]
    if not rows:
        return ""
    head = _title(f"{label} F1 minus {baseline_of(analysis)}'s on the {EVAL_SET_TITLES[eval_set]}, per checkpoint", title)
    head += (f"Paired by seed; Holm-corrected over the {len(family)} comparisons of this table (each interval "
             "at the level Holm's step-down method tests it at).\n\n")
    body = [[c.strategy, budget_text(c.budget), interval(c.estimate), f"{c.estimate.level * 100:.2f} %",
             p_cell(c.estimate), verdict_cell(c.estimate), c.note or ""] for c in rows]
    return head + table(["strategy", unit_of(analysis), "difference", "level", "Holm p", "verdict", "note"], body)


def dev_table(analysis: Analysis, label: str, *, title: bool = True) -> str:
    checks = [c for c in analysis.dev_checks if c.label == label]
    if not checks:
        return ""
    head = _title(f"Does the annotation dev split tell the truth? ({label} F1 change from the base model)",
                  title)
    head += ("Each cell: fine-tuned F1 minus the base model's F1 on the same sentences, mean over seeds with "
             f"a 95 % interval (uncorrected); the gap is the dev change minus the held-out change. Dev splits "
             f"under {MIN_DOCS} sentences are too few to tell.\n\n")
    body = [[c.strategy, budget_text(c.budget), interval(c.dev), interval(c.test), interval(c.gap),
             f"**{c.story}**" if c.story in (REVERSES, OVERSTATES, UNCONFIRMED) else c.story] for c in checks]
    return head + table(["strategy", unit_of(analysis), "annotation dev", "held-out test", "gap", "story"], body)


def forgetting_table(analysis: Analysis, *, title: bool = True) -> str:
    if not analysis.forgetting:
        return ""
    head = _title("Labels nobody annotated: F1 change from the base model on the held-out test", title)
    head += "Negative: the fine-tuned model forgot what the base model knew (95 % intervals, uncorrected).\n\n"
    body = []
    for label in dict.fromkeys(c.label for c in analysis.forgetting):
        for strategy in analysis.strategies:
            cells = {c.budget: c for c in analysis.forgetting if c.label == label and c.strategy == strategy}
            body.append([label, strategy] + [interval(cells[b].estimate) if b in cells else "–"
                                             for b in analysis.budgets])
    return head + table(["label", "strategy", *(budget_text(b) for b in analysis.budgets)], body)


def cost_table(analysis: Analysis, *, title: bool = True) -> str:
    curve = next((c for c in analysis.curves if c.eval_set == TEST), None)
    if curve is None:
        return ""
    head = _title("What the annotations cost (mean over seeds)", title)
    head += (f"Checkpoints in {unit_of(analysis)}; the cost each strategy actually reached is in the "
             f"`{unit_of(analysis)}` column (the last answer may pass the checkpoint).\n\n")
    body = [[p.strategy, budget_text(p.budget), f"{p.cost.answers:,.0f}", f"{p.cost.sentences:,.0f}",
             f"{p.cost.tokens:,.0f}", f"{p.cost.decisions:,.0f}", f"{p.cost.minutes:,.1f}",
             f"{p.cost.reached} of {p.cost.seeds}"] for p in curve.points]
    return head + table(["strategy", "checkpoint", "answers", "sentences", "tokens", "decisions",
                         "est. minutes", "reached"], body)


def base_table(analysis: Analysis) -> str:
    sets = [s for s in (TEST, UNBIASED_DEV) if analysis.base.get(s)]
    if not sets:
        return ""
    body = [[label] + [f3(analysis.base[s][label]) if label in analysis.base[s] else "–" for s in sets]
            for label in analysis.labels]
    return "### Base model zero-shot F1\n\n" + table(["label", *(EVAL_SET_TITLES[s] for s in sets)], body)


def plots_section(setup: dict[str, Any]) -> str:
    plots = setup.get("plots", [])
    return ("## Plots\n\n" + "\n\n".join(f"![{p}]({p})" for p in plots)) if plots else ""


def _method(analysis: Analysis) -> str:
    return ("## How to read this\n\n"
            f"- Uncertainty: {METHOD}. Each replicate draws the seeds again (deviations rescaled by "
            "√(n/(n−1)) so few seeds aren't overconfident) and the evaluation sentences again, the same "
            "sentences for every seed and model, so the test set's own sampling error stays in the interval. "
            f"Percentile intervals; two-sided p-values; α = {ALPHA}.\n"
            "- Verdicts: \"helps\" / \"hurts\" only where the interval excludes 0 at its (Holm-corrected) "
            "level; otherwise \"can't tell\", with the smallest difference the run could have detected "
            f"(80 % power: (z₁₋α/2 + z₀.₈) × standard error). One seed gives no verdict; splits under "
            f"{MIN_DOCS} sentences are too few; models that agree on every sentence show no difference. "
            "p-values can't go below one replicate in the number drawn.\n"
            "- The primary endpoint is the area: one number per run, so a strategy can't \"win\" by one lucky "
            "checkpoint. Per-checkpoint differences are one Holm family per table.\n"
            "- The held-out test was never shown to the annotator nor used for selection; the unbiased dev set "
            "was drawn before any selection; the annotation dev split is a share of each run's own answers "
            "(a sentence keeps its side as the run grows) and is biased toward what the strategy picked. "
            "Evaluation sets hold only what annotators or the gold corpus said: no pseudo-labels.\n"
            "- Every checkpoint is a fresh fine-tune of the base model on all answers so far; active strategies "
            "pick each round's questions with the model trained at the previous checkpoint.\n"
            "- Dev split stories: *same story* (both significant, same direction), *overstates/understates the "
            "gain* (same direction, gap significant), *reverses* (significant in opposite directions), "
            "*claims what the held-out test can't confirm*, *can't tell* (the dev split can't), *neither can "
            "tell*, *too few sentences*.\n")
