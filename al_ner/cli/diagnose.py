"""al-ner diagnose: why might an annotation run have hurt? Parses flags and prints; experiment.diagnose does the work."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import srsly
import typer

from ._app import DB_OPTION_HELP, app, split_names


@app.command("diagnose")
def diagnose_cli(
    results: Annotated[Path | None, typer.Option(
        "--results", help="A compare output folder: arms, test set and settings from its meta.json, and "
        "the dev-split and forgetting numbers from its results", show_default=False)] = None,
    arms: Annotated[str | None, typer.Option(
        "--arms", help="NAME:DATASET pairs (datasets or Prodigy JSONL exports), e.g. manual:org_manual,active:org_teach",
        show_default=False)] = None,
    test: Annotated[str | None, typer.Option(
        "--test", help="Held-out test: a dataset, a JSONL export or a gold .iob/.conll file", show_default=False)] = None,
    reference: Annotated[str | None, typer.Option(
        "--reference", help="The random sample to compare with: an arm (default: the first), 'test', or a "
        "pool file to sample from", show_default=False)] = None,
    base_model: Annotated[str | None, typer.Option("--base-model", help="Base pipeline (default en_core_web_md)",
                                                   show_default=False)] = None,
    label: Annotated[str | None, typer.Option("--label", help="Labels the arms annotate (model names)",
                                              show_default=False)] = None,
    fill: Annotated[str | None, typer.Option("--fill", help="The training fill: model, missing or O",
                                             show_default=False)] = None,
    db: Annotated[str | None, typer.Option("--db", help=DB_OPTION_HELP, show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write the diagnosis as Markdown here (and as JSON beside it)", show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every resample")] = 0,
) -> None:
    """Put a number on every usual suspect of an arm that hurt, and rank the likely causes."""
    from ..errors import ConfigError
    from ..experiment.render.diagnosis import render_diagnosis
    from ..experiment.diagnose.run import DiagnoseSpec, compare_analysis, run_diagnosis

    overrides = {"arms": arms, "test": test, "reference": reference, "base_model": base_model,
                 "labels": tuple(split_names(label)) if label else None, "fill": fill, "db": db, "seed": seed}
    rows: list = []
    if results is not None:
        spec = DiagnoseSpec.from_results(results, **overrides)
        analysis, rows = compare_analysis(results)
    elif arms and test:
        spec = DiagnoseSpec(arms=arms, test=test, base_model=base_model or "en_core_web_md",
                            labels=tuple(split_names(label or "")), reference=reference or "", fill=fill or "model",
                            db=db, seed=seed)
        analysis = None
    else:
        raise ConfigError("pass --results DIR (a compare output folder), or --arms and --test")
    if not spec.labels:
        raise ConfigError("no labels to diagnose; pass --label ORG (the labels the arms annotate)")
    diagnosis = run_diagnosis(spec, analysis=analysis, rows=rows)
    text = render_diagnosis(diagnosis, level=1)
    if out is None:
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf8")
    srsly.write_json(out.with_suffix(".json"), diagnosis.to_dict())
    top = diagnosis.causes[0] if diagnosis.causes else None
    typer.echo(f"✔ {out} and {out.with_suffix('.json')}" + (f"; first cause: {top.arm}: {top.title}" if top else ""))
