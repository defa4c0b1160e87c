"""The experiment's report step: report.md, results.json and the plots of a results folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly

from ..analysis.analyse import Analysis, analyse
from ..data.layout import META, RESULTS, read_rows
from .markdown import render_report, snippets
from .plots import plot_all

RESULTS_JSON = "results.json"
REPORT_MD = "report.md"
DIAGNOSIS_JSON = "diagnosis.json"


@dataclass(frozen=True)
class Written:
    """What a report step wrote: the report, its results file and its plots."""

    report: Path
    results: Path
    plots: list[Path]


def write_report(results_dir: Path, out_dir: Path, *, splits: Path | None = None, title: str = "",
                 bootstrap: int = 2000, diagnose_corpus: Path | None = None) -> Written:
    """Write the Markdown report (verdict, tables, intervals), the results file and the plots.

    splits: the prepared corpus's splits.json (its sizes go into the report); diagnose_corpus: the
    prepared corpus, to add a diagnosis section (each strategy's seed-0 answers against random's).
    """
    rows = read_rows(results_dir / RESULTS)
    meta = srsly.read_json(results_dir / META) if (results_dir / META).is_file() else {}
    if splits is not None and splits.is_file():
        info = srsly.read_json(splits)
        meta.update(corpus=info.get("corpus"), pool_size=info["sizes"].get("pool"),
                    dev_size=info["sizes"].get("dev"), test_size=info["sizes"].get("test"))
    meta["title"] = title or f"{meta.get('corpus', 'experiment')}, {meta.get('base_model', '')}"
    analysis = analyse(rows, meta, results_dir, n_boot=bootstrap)
    plots = plot_all(analysis, out_dir / "plots")
    analysis.setup["plots"] = [str(p.relative_to(out_dir)) for p in plots]
    text = render_report(analysis)
    if diagnose_corpus is not None:
        from ..diagnose.run import DiagnoseSpec, run_diagnosis
        from .diagnosis import render_diagnosis

        diagnosis = run_diagnosis(DiagnoseSpec.from_experiment(results_dir, diagnose_corpus), analysis=analysis,
                                  rows=rows)
        text += "\n" + render_diagnosis(diagnosis, level=2) + "\n"
        srsly.write_json(out_dir / DIAGNOSIS_JSON, diagnosis.to_dict())
    (out_dir / REPORT_MD).write_text(text, encoding="utf8")
    srsly.write_json(out_dir / RESULTS_JSON, results_document(analysis, name=out_dir.name))
    return Written(out_dir / REPORT_MD, out_dir / RESULTS_JSON, plots)


def results_document(analysis: Analysis, *, name: str) -> dict[str, Any]:
    """What docs/results/<name>.json holds: the analysis and the snippets rendered from it."""
    return {"name": name, "kind": "experiment", "generated_by": "al-ner experiment report",
            "data": analysis.to_dict(), "snippets": snippets(analysis)}
