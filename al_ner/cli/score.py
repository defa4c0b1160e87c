"""score: a thin wrapper around al_ner.scoring.pool.score_pool."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..backends import BACKENDS
from ..scoring.pool import score_pool, write_scored
from ..stream.loaders import loader_help
from ._app import app, split_names


@app.command("score")
def score_cli(
    source: Annotated[str, typer.Argument(help="Source, as the recipes read it: .jsonl/.csv/.txt/.conll "
                                               "file, '-' for stdin, dataset:NAME, or a datasets id/dir")],
    model: Annotated[str, typer.Argument(help="spaCy pipeline whose NER scores the sentences")],
    label: Annotated[str, typer.Option("--label", "-l", help="Label(s) the uncertainty is about")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scored sentences as JSONL ('-': stdout)")],
    loader: Annotated[Optional[str], typer.Option(help=loader_help())] = None,
    unsegmented: Annotated[bool, typer.Option("--unsegmented", "-U",
                                              help="Don't split texts into sentences")] = False,
    batch_size: Annotated[int, typer.Option(help="Sentences per NER batch")] = 64,
    backend: Annotated[str, typer.Option(help=f"Where to score: {' or '.join(BACKENDS)} "
                                              "(Ray Data actors)")] = "local",
    address: Annotated[Optional[str], typer.Option(
        envvar="RAY_ADDRESS", help="With --backend ray: the cluster (default: $RAY_ADDRESS, else a local one)")
    ] = None,
    workers: Annotated[Optional[int], typer.Option(help="With --backend ray: actors, each loading the "
                                                   "model once (default: one per CPU)")] = None,
) -> None:
    """Write each sentence of SOURCE with the NER's uncertainty about it (meta.score), for --pre-scored."""
    start = time.perf_counter()
    lines = score_pool(source, model, labels=split_names(label), loader=loader, unsegmented=unsegmented,
                       batch_size=batch_size, backend=backend, address=address or None, workers=workers)
    if str(out) == "-":
        count = 0
        for count, line in enumerate(lines, start=1):
            sys.stdout.write(line + "\n")
        where = "stdout"
    else:
        count, where = write_scored(out, lines), str(out)
    seconds = time.perf_counter() - start
    rate = count / max(seconds, 1e-9)
    typer.echo(f"✔ {count} sentences scored -> {where} in {seconds:.1f}s ({rate:.0f}/s, backend {backend})",
               err=True)
