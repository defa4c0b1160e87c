"""python -m al_ner.experiment.prepare SPEC OUT_DIR: disjoint pool / dev / test files for a run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._cli import run, say
from .corpus import load_spec
from .splits import prepare_corpus


def prepare_cli(
    spec: Annotated[Path, typer.Argument(help="Corpus spec, e.g. corpora/news.json or corpora/conll2003.json")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write pool.iob, dev.iob, test.iob, splits.json")],
    path: Annotated[Optional[str], typer.Option(help="Folder with the split files (overrides the spec)")] = None,
    datasets_id: Annotated[Optional[str], typer.Option(help="Read this Hugging Face datasets id instead")] = None,
    dev_size: Annotated[int, typer.Option(help="Draw the unbiased dev set from the pool (0: use the spec's dev)")] = 0,
    pool_size: Annotated[int, typer.Option(help="Keep a random subset of the pool (0: all)")] = 0,
    seed: Annotated[int, typer.Option(help="Seed for drawing dev and the pool subset")] = 0,
) -> None:
    """Read a labeled corpus and write its splits, with no sentence shared by hash."""
    summary = prepare_corpus(load_spec(spec), out_dir, path=path, datasets_id=datasets_id or None,
                             dev_size=dev_size, pool_size=pool_size or None, seed=seed)
    sizes = ", ".join(f"{k} {v}" for k, v in summary["sizes"].items())
    dropped = ", ".join(f"{k} {v}" for k, v in summary["removed"].items() if v) or "nothing"
    say(f"✔ {summary['corpus']} -> {out_dir}: {sizes} sentences; dropped: {dropped}")


if __name__ == "__main__":
    run(prepare_cli)
