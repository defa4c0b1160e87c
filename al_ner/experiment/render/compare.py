"""The compare report: report.md, results.json, diagnosis.json and the plots of compare's output folder.

The same Analysis, tables, intervals and plots as the simulated experiment's report
(`analysis.analyse`, `render.markdown`, `render.plots`), with what is particular to real runs: the checks made before
training, the arms' sources, and how checkpoints of equal cost were cut from runs that happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import srsly

from ..analysis.analyse import Analysis, budget_text
from ..analysis.stats import METHOD
from ..data.layout import ANNOTATION_DEV, TEST
from ..diagnose.diagnosis import Diagnosis
from ..diagnose.run import DiagnoseSpec, compare_analysis, run_diagnosis
from .diagnosis import causes_list, render_diagnosis
from .markdown import (UNIT_WORDS, base_table, cost_table, diff_table, dev_table, f1_table, forgetting_table,
                       headline, snippets, table, unit_of)
from .plots import plot_all
from .report import DIAGNOSIS_JSON, REPORT_MD, RESULTS_JSON, Written

TOP_CAUSES = 5  # the causes README and docs quote


def render_compare(analysis: Analysis, diagnosis: Diagnosis | None = None) -> str:
    """The whole compare report as Markdown."""
    s = analysis.setup
    parts = [f"# Your annotation runs compared: {s.get('title', 'compare report')}", unit_line(analysis),
             "## Verdict (held-out test, primary endpoint)", headline(analysis), checks_section(s),
             setup_section(analysis)]
    for label in analysis.annotated:
        parts += [f1_table(analysis, TEST, label), diff_table(analysis.checkpoints, analysis, label, TEST),
                  dev_table(analysis, label), f1_table(analysis, ANNOTATION_DEV, label)]
    parts += [forgetting_table(analysis), cost_table(analysis), base_table(analysis), _plots(s)]
    if diagnosis is not None:
        parts.append(render_diagnosis(diagnosis, level=2))
    parts.append(method_section(analysis))
    return "\n\n".join(part for part in parts if part) + "\n"


def unit_line(analysis: Analysis) -> str:
    unit, s = unit_of(analysis), analysis.setup
    return (f"**Checkpoints are in {unit}** ({UNIT_WORDS.get(unit, unit)}): each arm was cut, in the order it "
            f"was annotated, where its cumulative cost reached each checkpoint: 25/50/75/100 % of the cheapest "
            f"arm's cost ({budget_text(s['area_cost'])} {unit}, equal cost for every arm) and each dearer arm's own "
            "full cost. The verdict's area runs up to the cost every arm reached; the cost table gives every "
            "other measure of cost.")


def checks_section(setup: dict[str, Any]) -> str:
    checks = setup.get("checks", {})
    body = [[name, str(a["answers"]), str(a["sentences"]), ", ".join(f"{k} {v}" for k, v in a["kinds"].items()),
             "; ".join(f"{label}: " + ", ".join(f"{k} {v}" for k, v in c.items()) for label, c in a["spans"].items())]
            for name, a in checks.get("arms", {}).items()]
    test = setup.get("test", {})
    lines = [f"- Held-out test `{test.get('source', '?')}` ({test.get('kind', '?')}, {checks.get('test_sentences', '?')} "
             "sentences) shares no sentence with any arm (by Prodigy input hash); otherwise compare refuses to run.",
             f"- Drawn in random order? **{checks.get('test_order', '?')}**: {checks.get('test_order_detail', '')}."]
    lines += [f"- ⚠ {w}" for w in checks.get("warnings", [])]
    return ("## Checks\n\n" + "\n".join(lines) + "\n\n"
            + table(["arm", "answers", "sentences", "answer kinds", "spans by label and answer"], body))


def setup_section(analysis: Analysis) -> str:
    s = analysis.setup
    arms = "; ".join(f"`{name}` = {info['source']} ({info['answers']} answers, time from {info['time_source']})"
                     for name, info in s.get("arms", {}).items())
    env = s.get("environment", {})
    lines = [f"- arms: {arms}; baseline `{s.get('baseline')}`",
             f"- base model: {s.get('base_model', '?')}; annotated: {', '.join(analysis.annotated)}; evaluated: "
             f"{', '.join(analysis.labels)}",
             f"- checkpoints: {' / '.join(budget_text(b) for b in analysis.budgets)} {unit_of(analysis)}; training "
             f"seeds: {len(s.get('seeds', []))} ({', '.join(map(str, s.get('seeds', [])))}): a seed varies the "
             "fine-tune only (the arm's answers and its dev split are one run each)",
             f"- training: `{s.get('train_config')}`, {s.get('max_epochs')} epochs, the `{s.get('checkpoint')}` "
             f"model; labels nobody annotated filled with `{s.get('fill')}` (never in evaluation); each arm's dev "
             f"split: {s.get('dev_share')} of its sentences, by hash",
             f"- cost model for minutes without usable timestamps: {s.get('cost_model', '?')}; timestamp gaps "
             f"capped at {s.get('gap_cap', '?')} s",
             f"- runs: {s.get('runs', 0)} arm × seed runs ({s.get('runs_reused', 0)} reused); compute "
             f"{s.get('compute_seconds', 0.0) / 60:.1f} min, this invocation {s.get('wall_seconds', 0.0) / 60:.1f} min",
             f"- code: al-ner {env.get('al_ner', '?')} (git {str(s.get('git_revision') or 'n/a')[:12]}), spaCy "
             f"{env.get('spacy', '?')}"]
    return "## Setup\n\n" + "\n".join(lines)


def _plots(setup: dict[str, Any]) -> str:
    plots = setup.get("plots", [])
    return ("## Plots\n\n" + "\n\n".join(f"![{p}]({p})" for p in plots)) if plots else ""


def method_section(analysis: Analysis) -> str:
    return ("## How to read this\n\n"
            f"- Uncertainty: {METHOD}. Here the seeds are training seeds (each arm is one annotation run, so "
            "seeds alone can't say how much the annotation itself varies): the test sentences' bootstrap, shared "
            "by every model, carries most of the interval. Percentile intervals; two-sided p-values; α = 0.05.\n"
            "- Verdicts: \"helps\" / \"hurts\" only where the interval excludes 0 at its (Holm-corrected) level; "
            "otherwise \"can't tell\", with the smallest difference the data could have detected.\n"
            "- Equal cost: each arm is cut at the same cumulative cost in the budget unit, in the order it was "
            "annotated; the area (the primary endpoint) is the mean held-out F1 from the base model at cost 0 "
            "to the cheapest arm's full cost.\n"
            "- The held-out test never overlaps an arm; each arm's dev split is a share of its own answers and "
            "carries its selection bias. Evaluation sets hold only what annotators or gold files said.\n")


def results_document(analysis: Analysis, diagnosis: Diagnosis | None, *, name: str) -> dict[str, Any]:
    pieces = {**snippets(analysis), "unit": unit_line(analysis), "checks": checks_section(analysis.setup)}
    if diagnosis is not None:
        pieces["causes"] = causes_list(diagnosis.causes)
        pieces["causes_top"] = causes_list(diagnosis.causes[:TOP_CAUSES])
    return {"name": name, "kind": "compare", "generated_by": "al-ner experiment compare-report",
            "data": analysis.to_dict(), "diagnosis": diagnosis.to_dict() if diagnosis else None,
            "snippets": pieces}


def write_compare_report(results_dir: Path, out_dir: Path, *, title: str = "", bootstrap: int = 2000,
                         diagnose: bool = True) -> Written:
    """Write the compare report (verdict, checks, tables, intervals, diagnosis) and its plots.

    diagnose: add the diagnosis section (loads the base model).
    """
    analysis, rows = compare_analysis(results_dir, n_boot=bootstrap)
    s = analysis.setup
    s["title"] = title or f"{' vs '.join(s['strategies'])}, {s.get('base_model', '')}"
    plots = plot_all(analysis, out_dir / "plots")
    s["plots"] = [str(p.relative_to(out_dir)) for p in plots]
    diagnosis = (run_diagnosis(DiagnoseSpec.from_results(results_dir), analysis=analysis, rows=rows)
                 if diagnose else None)
    (out_dir / REPORT_MD).write_text(render_compare(analysis, diagnosis), encoding="utf8")
    srsly.write_json(out_dir / RESULTS_JSON, results_document(analysis, diagnosis, name=out_dir.name))
    if diagnosis is not None:
        srsly.write_json(out_dir / DIAGNOSIS_JSON, diagnosis.to_dict())
    return Written(out_dir / REPORT_MD, out_dir / RESULTS_JSON, plots)
