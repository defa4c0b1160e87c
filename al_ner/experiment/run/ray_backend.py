"""The ray backend of the experiment: each strategy x seed run is one Ray task.

A task declares its CPUs (and GPUs, if any) so Ray places as many runs at once as the cluster
holds. Each worker process builds its own `Steps` once per experiment (loading the base model
once) and calls the same per-run function the local backend calls, in the driver's working
directory: the same job gives the same rows wherever it runs. The driver keeps the bookkeeping
(reuse, row order, meta.json); a worker writes only its run's folder, whose run.json is written
last, so a run lost with its worker is simply missing and the next run of the experiment redoes
it alone.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...backends import import_ray, ray_session
from ...errors import AlNerError, BackendError, ConfigError
from .runner import Progress, RunFn, RunJob, RunResult, Silent, Steps

_STEPS: dict[str, Steps] = {}  # this worker process's steps, keyed by the experiment's factory


@dataclass
class RayBackend:
    """Runs as Ray tasks on the cluster at `address` (None: $RAY_ADDRESS, else a local one).

    `make_steps` is pickled to the workers and called once per worker process. `retries` is how
    often Ray runs a task again when its worker dies (a run restarts from scratch).
    """

    make_steps: Callable[[], Steps]
    address: str | None = None
    cpus_per_run: float = 1.0
    gpus_per_run: float = 0.0
    retries: int = 3

    def __post_init__(self) -> None:
        import_ray()  # without Ray: the one line saying how to install it, before any model loads
        if not self.cpus_per_run > 0 or self.gpus_per_run < 0 or self.retries < 0:
            raise ConfigError(f"a ray run needs cpus_per_run > 0, gpus_per_run >= 0 and retries >= 0, got "
                              f"{self.cpus_per_run}, {self.gpus_per_run} and {self.retries}")

    def map_runs(self, fn: RunFn, jobs: Sequence[RunJob], bar: Progress) -> list[RunResult]:
        with ray_session(self.address) as ray:
            factory = ray.put(self.make_steps)
            task = ray.remote(num_cpus=self.cpus_per_run, num_gpus=self.gpus_per_run, max_retries=self.retries,
                              retry_exceptions=False)(run_on_worker)
            cwd = os.getcwd()
            refs = [task.options(name=f"al-ner {job.name}").remote([factory], fn, job, cwd) for job in jobs]
            return _gather(ray, refs, jobs, bar)


def run_on_worker(factory: list[Any], fn: RunFn, job: RunJob, cwd: str) -> RunResult:
    """On a worker: move to the driver's directory, get this process's steps, run the job."""
    if not Path(cwd, job.source).is_file():
        raise BackendError(f"{job.name}: {Path(cwd, job.source)} is not on {socket.gethostname()}; every "
                           "node needs the experiment's folders at the same paths (a shared filesystem)")
    os.chdir(cwd)  # relative paths in the config and the job mean what they mean on the driver
    key = factory[0].hex()
    if key not in _STEPS:
        import ray

        _STEPS.clear()  # one experiment's model at a time in a long-lived worker
        _STEPS[key] = ray.get(factory[0])()
    return fn(_STEPS[key], job, Silent())


def _gather(ray: Any, refs: list[Any], jobs: Sequence[RunJob], bar: Progress) -> list[RunResult]:
    """Results in job order as they finish; after all have ended, the first user error or the lost runs."""
    where = {ref: i for i, ref in enumerate(refs)}
    results: list[RunResult | None] = [None] * len(refs)
    user_errors: list[AlNerError] = []
    lost: list[str] = []
    pending = list(refs)
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        job = jobs[where[ready[0]]]
        try:
            results[where[ready[0]]] = ray.get(ready[0])
        except ray.exceptions.RayTaskError as err:
            if not isinstance(err.cause, AlNerError):
                raise  # a bug in a run: its remote traceback, as the local backend would show it
            user_errors.append(err.cause)
        except ray.exceptions.RayError as err:  # the worker or its node died, ran out of memory, ...
            lost.append(f"{job.name}: {type(err).__name__}")
        bar.update(len(job.config.budgets))
        bar.set_postfix_str(f"{job.name}: done")
    if user_errors:
        raise user_errors[0]
    if lost:
        raise BackendError(f"{len(lost)} of {len(jobs)} runs were lost ({'; '.join(lost)}); the others are "
                           "saved: run the experiment again to finish the missing runs only")
    return [result for result in results if result is not None]
