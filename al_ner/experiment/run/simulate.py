"""The simulate step: every strategy x seed x budget of an experiment, on the local or the Ray backend."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from ...backends import RAY, check_backend, import_ray
from ..data.config import ExperimentConfig
from .runner import BackendFactory, Experiment, Progress, Silent


def simulation(config: ExperimentConfig, corpus_dir: Path, out_dir: Path, *, backend: str = "local",
               address: str | None = None, cpus_per_run: float = 1.0, gpus_per_run: float = 0.0,
               scored_pool: Path | None = None,
               progress: Callable[[int], Progress] = lambda total: Silent()) -> Experiment:
    """The experiment that annotates with each strategy through the recipes, fine-tunes at each budget
    and scores, ready to `run()`: the backend is checked (Ray installed?) before the base model loads."""
    from .spacy_steps import SpacySteps

    make_backend = backend_factory(backend, address=address, cpus_per_run=cpus_per_run,
                                   gpus_per_run=gpus_per_run)
    runs_on = make_backend(partial(SpacySteps, config, corpus_dir)) if make_backend else None
    return Experiment(config, corpus_dir, out_dir, SpacySteps(config, corpus_dir), backend=runs_on,
                      scored_pool=scored_pool, progress=progress)


def backend_factory(backend: str, *, address: str | None = None, cpus_per_run: float = 1.0,
                    gpus_per_run: float = 0.0) -> BackendFactory | None:
    """What builds the backend from a steps factory: None for local (the caller's own steps, here), a
    RayBackend for ray. Checks the name, and that Ray is installed, before any model loads."""
    check_backend(backend)
    if backend != RAY:
        return None
    import_ray()
    from .ray_backend import RayBackend

    return partial(RayBackend, address=address, cpus_per_run=cpus_per_run, gpus_per_run=gpus_per_run)
