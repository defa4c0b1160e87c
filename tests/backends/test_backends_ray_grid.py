"""The experiment grid on Ray: the same rows as local, resuming, and a worker killed midway.

A tiny grid (3 strategies x 2 seeds x 2 checkpoints, one epoch) on the embedded news corpus with
en_core_web_sm, on a 2-CPU Ray cluster of the test's own on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from functools import partial
from pathlib import Path

import pytest
import srsly

from al_ner.errors import BackendError
from al_ner.experiment.data.config import load_config
from al_ner.experiment.run.runner import Experiment
from al_ner.experiment.run.spacy_steps import SpacySteps

pytestmark = [pytest.mark.model, pytest.mark.slow]

NEWS = Path(__file__).resolve().parents[2] / "corpora" / "news"
RUN_FILES = ("results.jsonl", "counts.npz", "db/answers.jsonl")


def grid():
    return load_config(None, strategies="random,active-full,active-binary", budgets="100,200", seeds=2,
                       max_epochs=1)


def ray_experiment(out: Path, address: str, **options) -> Experiment:
    from al_ner.experiment.run.ray_backend import RayBackend

    cfg = grid()
    backend = RayBackend(partial(SpacySteps, cfg, NEWS), address=address, **options)
    return Experiment(cfg, NEWS, out, SpacySteps(cfg, NEWS), backend=backend)


def run_files(out: Path) -> dict[str, object]:
    """Every run's results and counts (bytes) and answers (all but session, annotator id and time), by path."""
    return {str(path.relative_to(out)): _contents(path) for name in RUN_FILES
            for path in sorted((out / "runs").glob(f"*/seed*/{name}"))}


def _contents(path: Path) -> object:
    if path.name != "answers.jsonl":
        return path.read_bytes()
    return [{k: v for k, v in answer.items() if k not in ("_session_id", "_annotator_id", "_timestamp")}
            for answer in srsly.read_jsonl(path)]


@pytest.fixture(scope="module")
def local(tmp_path_factory, nlp_sm) -> Path:
    out = tmp_path_factory.mktemp("local")
    cfg = grid()
    Experiment(cfg, NEWS, out, SpacySteps(cfg, NEWS)).run()
    return out


class Killer(threading.Thread):
    """Once a run has answers on disk, SIGKILL the worker process running it (once)."""

    def __init__(self, cluster, out: Path) -> None:
        super().__init__(daemon=True)
        self.cluster, self.out, self.killed = cluster, out, ""
        self.start()

    def run(self) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            for answers in (self.out / "runs").glob("*/seed*/db/answers.jsonl"):
                strategy, seed = answers.parts[-4], answers.parts[-3].removeprefix("seed")
                name = f"al-ner {strategy} seed {seed}"  # the task's name is the worker's title
                for pid in self.cluster.workers_running(name):
                    os.kill(pid, signal.SIGKILL)
                    self.killed = name
                    return
            time.sleep(0.05)


def test_ray_gives_the_rows_local_gives_and_reuses_finished_runs(tmp_path: Path, local: Path,
                                                                  ray_cluster) -> None:
    out = tmp_path / "ray"
    ray_experiment(out, ray_cluster.address).run()
    assert (out / "results.jsonl").read_bytes() == (local / "results.jsonl").read_bytes()
    assert run_files(out) == run_files(local) and len(run_files(out)) == 3 * 2 * len(RUN_FILES)
    again = ray_experiment(out, ray_cluster.address)
    again.run()
    meta = srsly.read_json(out / "meta.json")
    assert (meta["runs"], meta["runs_reused"]) == (6, 6)


def test_a_worker_killed_midrun_is_retried_and_the_rows_stay_the_same(tmp_path: Path, local: Path,
                                                                       ray_cluster) -> None:
    out = tmp_path / "ray"
    killer = Killer(ray_cluster, out)
    ray_experiment(out, ray_cluster.address, retries=1).run()
    killer.join()
    assert killer.killed
    assert (out / "results.jsonl").read_bytes() == (local / "results.jsonl").read_bytes()
    assert run_files(out) == run_files(local)


def test_without_retries_a_lost_run_fails_and_the_rerun_finishes_only_it(tmp_path: Path, local: Path,
                                                                         ray_cluster) -> None:
    out = tmp_path / "ray"
    killer = Killer(ray_cluster, out)
    with pytest.raises(BackendError, match="1 of 6 runs were lost .*finish the missing runs only"):
        ray_experiment(out, ray_cluster.address, retries=0).run()
    killer.join()
    lost = killer.killed.removeprefix("al-ner ")
    finished = {f"{p.parts[-3]} seed {p.parts[-2].removeprefix('seed')}"
                for p in (out / "runs").glob("*/seed*/run.json")}
    assert len(finished) == 5 and lost not in finished  # the other runs are saved
    ray_experiment(out, ray_cluster.address).run()
    meta = srsly.read_json(out / "meta.json")
    assert (meta["runs"], meta["runs_reused"]) == (6, 5)
    assert (out / "results.jsonl").read_bytes() == (local / "results.jsonl").read_bytes()
    assert run_files(out) == run_files(local)
