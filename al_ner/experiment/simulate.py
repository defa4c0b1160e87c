"""python -m al_ner.experiment.simulate CORPUS_DIR OUT_DIR: run every strategy x seed x budget."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import srsly
import typer

from ..backends import RAY, check_backend
from ._cli import run, say
from .config import ExperimentConfig, load_config
from .runner import META, RESULTS, Backend, Experiment


def simulate_cli(
    corpus_dir: Annotated[Path, typer.Argument(help="Prepared corpus (python -m al_ner.experiment.prepare)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write results.jsonl, meta.json and the runs")],
    config: Annotated[Optional[Path], typer.Option(help="Experiment config, e.g. configs/experiment/news.cfg")] = None,
    base_model: Annotated[Optional[str], typer.Option(help="Base pipeline, e.g. en_core_web_sm")] = None,
    labels: Annotated[Optional[str], typer.Option(help="Labels to annotate (the model's names), comma-separated")] = None,
    strategies: Annotated[Optional[str], typer.Option(help="random,active-full,active-binary")] = None,
    budget_unit: Annotated[Optional[str], typer.Option(help="Unit of the checkpoints: answers, sentences, tokens or minutes")] = None,
    budgets: Annotated[Optional[str], typer.Option(help="Checkpoints of cumulative cost in the budget unit, e.g. 1500,3500,7000,14000")] = None,
    seeds: Annotated[Optional[int], typer.Option(help="Number of seeds (0..N-1)")] = None,
    pool_share: Annotated[Optional[float], typer.Option(help="Share of the pool each seed draws (its own sample)")] = None,
    noise: Annotated[Optional[float], typer.Option(help="Chance that the annotator gets a decision wrong")] = None,
    fill: Annotated[Optional[str], typer.Option(help="Labels nobody annotated: missing, O or model")] = None,
    max_epochs: Annotated[Optional[int], typer.Option(help="Epochs per fine-tune")] = None,
    dev_share: Annotated[Optional[float], typer.Option(help="Share of each run's answers held out as its dev split")] = None,
    backend: Annotated[str, typer.Option(help="Where the runs compute: local (one after the other here) or ray (one Ray task each)")] = "local",
    address: Annotated[Optional[str], typer.Option(envvar="RAY_ADDRESS", help="With --backend ray: the cluster, e.g. 10.0.0.1:6379 (default: $RAY_ADDRESS, else the local cluster or a new one)")] = None,
    cpus_per_run: Annotated[float, typer.Option(help="With --backend ray: CPUs each run reserves")] = 1.0,
    gpus_per_run: Annotated[float, typer.Option(help="With --backend ray: GPUs each run reserves (for steps that use one)")] = 0.0,
    scored_pool: Annotated[Optional[Path], typer.Option(help="al-ner score's output for the corpus's pool.iob (base model, labels): strategies with pre_scored = true rank by it while the base model asks")] = None,
) -> None:
    """Simulate annotation with each strategy through the recipes, fine-tune at each budget, score."""
    from tqdm import tqdm

    from .spacy_steps import SpacySteps

    check_backend(backend)
    cfg = load_config(config, base_model=base_model, labels=labels, strategies=strategies,
                      budget_unit=budget_unit, budgets=budgets, seeds=seeds, pool_share=pool_share,
                      noise=noise, fill=fill, max_epochs=max_epochs, dev_share=dev_share)
    runs_on = ray_backend(cfg, corpus_dir, address or None, cpus_per_run, gpus_per_run) if backend == RAY else None
    say(f"ℹ {cfg.base_model}, labels {','.join(cfg.labels)}: {len(cfg.strategies)} strategies x "
        f"{len(cfg.seeds)} seeds x {len(cfg.budgets)} checkpoints in {cfg.budget_unit}, backend {backend}")
    experiment = Experiment(cfg, corpus_dir, out_dir, SpacySteps(cfg, corpus_dir), backend=runs_on,
                            scored_pool=scored_pool,
                            progress=lambda total: tqdm(total=total, file=sys.stderr, unit="ckpt",
                                                        dynamic_ncols=True))
    rows = experiment.run()
    meta = srsly.read_json(out_dir / META)
    stages = ", ".join(f"{k} {v:.0f}s" for k, v in experiment.timer.seconds.items())
    say(f"✔ {len(rows)} rows -> {out_dir / RESULTS}; {meta['runs_reused']} of {meta['runs']} runs reused; "
        f"compute {stages}")


def ray_backend(cfg: ExperimentConfig, corpus_dir: Path, address: str | None, cpus_per_run: float,
                gpus_per_run: float) -> Backend:
    """Ray tasks whose workers build their own SpacySteps (checks that Ray is installed)."""
    from .ray_backend import RayBackend
    from .spacy_steps import SpacySteps

    return RayBackend(partial(SpacySteps, cfg, corpus_dir), address=address, cpus_per_run=cpus_per_run,
                      gpus_per_run=gpus_per_run)


if __name__ == "__main__":
    run(simulate_cli)
