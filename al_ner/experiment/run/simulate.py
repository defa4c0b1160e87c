"""The simulate step: every strategy x seed x budget of an experiment, on the local or the Ray backend."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from ...backends import RAY, check_backend
from ..data.config import ExperimentConfig
from .runner import Backend, Experiment, Progress, Silent


def simulation(config: ExperimentConfig, corpus_dir: Path, out_dir: Path, *, backend: str = "local",
               address: str | None = None, cpus_per_run: float = 1.0, gpus_per_run: float = 0.0,
               scored_pool: Path | None = None,
               progress: Callable[[int], Progress] = lambda total: Silent()) -> Experiment:
    """The experiment that annotates with each strategy through the recipes, fine-tunes at each budget
    and scores, ready to `run()`: the backend is checked (Ray installed?) before the base model loads."""
    from .spacy_steps import SpacySteps

    check_backend(backend)
    runs_on = ray_backend(config, corpus_dir, address, cpus_per_run, gpus_per_run) if backend == RAY else None
    return Experiment(config, corpus_dir, out_dir, SpacySteps(config, corpus_dir), backend=runs_on,
                      scored_pool=scored_pool, progress=progress)


def ray_backend(cfg: ExperimentConfig, corpus_dir: Path, address: str | None, cpus_per_run: float,
                gpus_per_run: float) -> Backend:
    """Ray tasks whose workers build their own SpacySteps (checks that Ray is installed)."""
    from .ray_backend import RayBackend
    from .spacy_steps import SpacySteps

    return RayBackend(partial(SpacySteps, cfg, corpus_dir), address=address, cpus_per_run=cpus_per_run,
                      gpus_per_run=gpus_per_run)
