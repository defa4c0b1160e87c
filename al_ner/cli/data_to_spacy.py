"""data-to-spacy: answers in the database -> train.spacy / dev.spacy for `al-ner train` or `spacy train`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..models import load_model
from ..storage import get_db
from ..training import DEFAULT_FILL, FILLS, data_to_spacy
from ..training.corpus import dev_warnings
from ..training.merge import skip_messages
from . import train as _train  # noqa: F401  (registers `train` and `evaluate` on the app)
from ._app import DB_OPTION_HELP, app, split_names


@app.command("data-to-spacy")
def data_to_spacy_cli(
    output_dir: Annotated[Path, typer.Argument(help="Directory for train.spacy, dev.spacy, stats.json")],
    ner: Annotated[str, typer.Option("--ner", help="NER dataset(s), comma-separated")],
    db: Annotated[str | None, typer.Option("--db", help=DB_OPTION_HELP, show_default=False)] = None,
    eval_split: Annotated[float, typer.Option(
        "--eval-split", help="Share of inputs held out for dev (split by input hash)")] = 0.2,
    eval_ner: Annotated[str, typer.Option(
        "--eval-ner", help="Dataset(s) for dev instead of a split; their inputs leave training")] = "",
    base_model: Annotated[str, typer.Option(
        "--base-model", help="Pipeline whose tokenizer/vocab (and NER, for --fill model) is used")
    ] = "en_core_web_md",
    label: Annotated[str, typer.Option(
        "--label", help="Labels answers are complete for (default: every answered label)")] = "",
    fill: Annotated[str, typer.Option(
        "--fill", help=f"Tokens outside the answers: {', '.join(FILLS)}")] = DEFAULT_FILL,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the train/dev split")] = 0,
    conversion: Annotated[str | None, typer.Option(
        "--conversion", help="Inputs with only binary answers: fill (as --fill) or constrained (the "
        "base NER's best beam analysis agreeing with every accept and reject); default: as the "
        "answers ask (ner.teach --conversion), else fill", show_default=False)] = None,
) -> None:
    """Convert NER answers (accept, reject, manual) to spaCy's binary training format."""
    summary = data_to_spacy(output_dir, split_names(ner), db=get_db(db), nlp=load_model(base_model),
                            labels=split_names(label) or None, eval_split=eval_split, seed=seed,
                            fill=fill, eval_datasets=split_names(eval_ner) or None,
                            conversion=conversion)
    for part in ("train", "dev"):
        stats = summary[part]
        typer.echo(f"✔ {part}: {stats['docs']} docs, {stats['entities']} entities, "
                   f"{stats['incorrect_spans']} incorrect spans -> {output_dir / f'{part}.spacy'}")
        for message in skip_messages(stats["skipped"], stats["skip_examples"]):
            typer.echo(f"  ⚠ {message}")
    for warning in dev_warnings(summary):
        typer.echo(f"⚠ {warning}")
    if summary["train"].get("constrained_docs") or summary["train"].get("constrained_fallback"):
        typer.echo(f"  constrained decoding: {summary['train']['constrained_docs']} docs "
                   f"({summary['train']['constrained_fallback']} with no agreeing parse took --fill)")
    if summary["new_labels"]:
        typer.echo(f"  ℹ new label(s) {', '.join(summary['new_labels'])}: the base NER learns them from "
                   "the answers (fill=model keeps its own labels)")
    typer.echo(f"  labels: {', '.join(summary['labels'])}; fill: {fill} (train only: dev.spacy holds "
               f"just what the answers say); stats: {output_dir / 'stats.json'}")

