"""python -m al_ner.experiment.report RESULTS_DIR OUT_DIR: report.md and learning-curve PNGs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import srsly
import typer

from ._cli import run, say
from .plots import plot_all
from .reporting import render_report
from .results import read_rows
from .runner import META, RESULTS


def report_cli(
    results_dir: Annotated[Path, typer.Argument(help="Folder with results.jsonl and meta.json (simulate's output)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write report.md and plots/")],
    splits: Annotated[Optional[Path], typer.Option(help="splits.json of the prepared corpus (sizes for the report)")] = None,
    title: Annotated[str, typer.Option(help="Report title")] = "",
) -> None:
    """Write the Markdown report (tables, CIs, verdicts) and the plots."""
    rows = read_rows(results_dir / RESULTS)
    meta = srsly.read_json(results_dir / META) if (results_dir / META).is_file() else {}
    if splits is not None and splits.is_file():
        info = srsly.read_json(splits)
        meta.update(corpus=info.get("corpus"), pool_size=info["sizes"].get("pool"),
                    dev_size=info["sizes"].get("dev"), test_size=info["sizes"].get("test"))
    meta["title"] = title or f"{meta.get('corpus', 'experiment')}, {meta.get('base_model', '')}"
    plots = plot_all(rows, out_dir / "plots", annotated=meta.get("labels", []))
    meta["plots"] = [str(p.relative_to(out_dir)) for p in plots]
    (out_dir / "report.md").write_text(render_report(rows, meta), encoding="utf8")
    say(f"✔ {out_dir / 'report.md'} and {len(plots)} plots")


if __name__ == "__main__":
    run(report_cli)
