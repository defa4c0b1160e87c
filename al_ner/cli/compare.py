"""al-ner compare manual:DATASET active:DATASET --model M --label L [--test DATASET|FILE]: your verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import srsly
import typer

from ._app import DB_OPTION_HELP, app, say


@app.command("compare")
def compare_cli(
    arms: Annotated[list[str], typer.Argument(help="The annotation runs, NAME:DATASET (or NAME:EXPORT.jsonl), "
                                                   "e.g. manual:org_manual active:org_teach; the first is the baseline")],
    model: Annotated[str, typer.Option("--model", help="Base pipeline the arms fine-tune, e.g. en_core_web_md")],
    label: Annotated[str, typer.Option("--label", "-l", help="Label(s) the arms annotate, comma-separated")],
    test: Annotated[Optional[str], typer.Option(
        help="Held-out test: a dataset, an export or a gold .iob/.conll file (default: the arms' control "
             "answers, when their sessions hold enough)")] = None,
    out: Annotated[Path, typer.Option(help="Where the report (report.md, results.json, plots) and the runs go")] = Path("compare"),
    db: Annotated[Optional[str], typer.Option(help=DB_OPTION_HELP)] = None,
    seeds: Annotated[int, typer.Option(help="Training seeds per checkpoint")] = 3,
    unit: Annotated[str, typer.Option(help="Cost unit of the checkpoints: answers, sentences, tokens or minutes")] = "tokens",
    max_epochs: Annotated[Optional[int], typer.Option(help="Epochs per fine-tune")] = None,
    config: Annotated[Optional[Path], typer.Option(help="Experiment config (training, label map, cost model)")] = None,
    diagnose: Annotated[bool, typer.Option(help="Add the diagnosis (why an arm hurt) to the report")] = True,
) -> None:
    """Did active learning help me? Fine-tune on each of your annotation runs at equal cost and say.

    Each arm is cut at equal cost, fine-tuned with several training seeds and scored on a test set
    no arm saw: the verdict (area over the baseline arm, Holm-corrected interval) is printed, the
    report written. Without --test, the random control questions the arms' sessions asked
    (ner.correct asks one in ten) are the test set, when there are enough real full-span ones.
    """
    from ..experiment.data.config import load_config
    from ..experiment.run.compare import RESULTS_DIR, compare_datasets
    from ..experiment.render.compare import write_compare_report
    from .experiment import _bar

    cfg = load_config(config, base_model=model, labels=label, budget_unit=unit, seeds=seeds, max_epochs=max_epochs)
    job, about = compare_datasets(arms, config=cfg, db_dir=db, out_dir=out, test=test)
    say(f"ℹ {about}")
    for warning in job.checks.warnings:
        say(f"⚠ {warning}")
    job.progress = _bar
    job.run()
    written = write_compare_report(out / RESULTS_DIR, out, diagnose=diagnose)
    typer.echo(srsly.read_json(written.results)["snippets"]["headline"])
    say(f"✔ the report: {written.report} (results {written.results}, {len(written.plots)} plots)")
