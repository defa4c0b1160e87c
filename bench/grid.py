"""Benchmark: the same small experiment grid with the local backend and with Ray at 2 workers.

Usage: python bench/grid.py [--strategies random,active-full,active-binary] [--seeds 2]
       [--budgets 100,200,300] [--max-epochs 2] [--workers 2] [--model en_core_web_sm]

Runs the grid (strategies x seeds runs on the embedded news corpus) once with `local` (one run
after the other in this process) and once on a Ray cluster of --workers CPUs started here for
it, each into a fresh folder. The Ray time includes starting the workers and loading the model
in each; starting the cluster is timed apart (a real cluster is started once). It checks that
both wrote the same results.jsonl, prints the load average before and after (other work on the
machine slows both), and, last, `ratio: X.XX` = local wall-clock / ray wall-clock.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from al_ner.experiment.config import ExperimentConfig, load_config
from al_ner.experiment.ray_backend import RayBackend
from al_ner.experiment.runner import Backend, Experiment
from al_ner.experiment.spacy_steps import SpacySteps

NEWS = Path(__file__).resolve().parents[1] / "corpora" / "news"


def timed_run(cfg: ExperimentConfig, out: Path, backend: Backend | None) -> float:
    """Wall seconds of Experiment.run() into `out` (the base model loads before the clock starts)."""
    steps = SpacySteps(cfg, NEWS)
    start = time.perf_counter()
    Experiment(cfg, NEWS, out, steps, backend=backend).run()
    return time.perf_counter() - start


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategies", default="random,active-full,active-binary")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--budgets", default="100,200,300")
    parser.add_argument("--max-epochs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default="en_core_web_sm")
    args = parser.parse_args(list(argv) if argv is not None else None)
    import ray

    cfg = load_config(None, base_model=args.model, strategies=args.strategies, budgets=args.budgets,
                      seeds=args.seeds, max_epochs=args.max_epochs)
    runs = len(cfg.strategies) * len(cfg.seeds)
    print(f"grid: {runs} runs ({args.strategies} x {args.seeds} seeds), budgets {args.budgets} tokens, "
          f"{args.max_epochs} epochs, {args.model}, news corpus; {os.cpu_count()} CPUs")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        local = timed_run(cfg, Path(tmp) / "local", None)
        start = time.perf_counter()
        ray.init(address="local", num_cpus=args.workers, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
        started = time.perf_counter() - start
        try:
            remote = timed_run(cfg, Path(tmp) / "ray", RayBackend(partial(SpacySteps, cfg, NEWS)))
        finally:
            ray.shutdown()
        same = (Path(tmp) / "local" / "results.jsonl").read_bytes() == (Path(tmp) / "ray" / "results.jsonl").read_bytes()
    print(f"local: {local:.1f}s ({local / runs:.1f}s a run)")
    print(f"ray, {args.workers} workers: {remote:.1f}s (cluster start {started:.1f}s, not included)")
    print(f"identical results.jsonl: {same}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"ratio: {local / remote:.2f}")


if __name__ == "__main__":
    main()
