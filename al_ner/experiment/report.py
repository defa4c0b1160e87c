"""python -m al_ner.experiment.report RESULTS_DIR OUT_DIR: report.md, results.json and the plots."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import srsly
import typer

from ._cli import run, say
from .analysis import analyse
from .plots import plot_all
from .reporting import render_report, snippets
from .results import read_rows
from .runner import META, RESULTS

RESULTS_JSON = "results.json"


def report_cli(
    results_dir: Annotated[Path, typer.Argument(help="Folder with results.jsonl and meta.json (simulate's output)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write report.md, results.json and plots/")],
    splits: Annotated[Optional[Path], typer.Option(help="splits.json of the prepared corpus (sizes for the report)")] = None,
    title: Annotated[str, typer.Option(help="Report title")] = "",
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates")] = 2000,
    diagnose_corpus: Annotated[Optional[Path], typer.Option(help="The prepared corpus (corpus/news): add a diagnosis section, each strategy's seed-0 answers against random's")] = None,
) -> None:
    """Write the Markdown report (verdict, tables, intervals), the results file and the plots."""
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
        from .diagnose_report import render_diagnosis
        from .diagnose_run import DiagnoseSpec, run_diagnosis

        diagnosis = run_diagnosis(DiagnoseSpec.from_experiment(results_dir, diagnose_corpus), analysis=analysis,
                                  rows=rows)
        text += "\n" + render_diagnosis(diagnosis, level=2) + "\n"
        srsly.write_json(out_dir / "diagnosis.json", diagnosis.to_dict())
    (out_dir / "report.md").write_text(text, encoding="utf8")
    srsly.write_json(out_dir / RESULTS_JSON, results_document(analysis, name=out_dir.name))
    say(f"✔ {out_dir / 'report.md'}, {out_dir / RESULTS_JSON} and {len(plots)} plots")


def results_document(analysis, *, name: str) -> dict:
    """What docs/results/<name>.json holds: the analysis and the snippets rendered from it."""
    return {"name": name, "kind": "experiment", "generated_by": "python -m al_ner.experiment.report",
            "data": analysis.to_dict(), "snippets": snippets(analysis)}


if __name__ == "__main__":
    run(report_cli)
