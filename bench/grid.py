"""Benchmark: the same small experiment grid with the local backend and with Ray at 2 workers.

Usage: python bench/grid.py [--strategies random,active-full,active-binary] [--seeds 2]
       [--budgets 150,300,500,700] [--max-epochs 5] [--workers 2] [--model en_core_web_sm]

Runs the grid (strategies x seeds runs on the embedded news corpus, the `all` workflow's settings
at 2 seeds) once with `local` (one run
after the other in this process) and once on a Ray cluster of --workers CPUs started here for
it, each into a fresh folder. The Ray time includes starting the workers and loading the model
in each; starting the cluster is timed apart (a real cluster is started once). It checks that
both wrote the same results.jsonl, prints the load average before and after (other work on the
machine slows both, Ray's two workers more: they need both cores), a CPU-time estimate of the
ratio on an idle machine, and, last, `ratio: X.XX` = local wall-clock / ray wall-clock.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from al_ner.experiment.data.config import ExperimentConfig, load_config
from al_ner.experiment.run.ray_backend import RayBackend
from al_ner.experiment.run.runner import Backend, Experiment
from al_ner.experiment.run.spacy_steps import SpacySteps

NEWS = Path(__file__).resolve().parents[1] / "corpora" / "news"


def timed_run(cfg: ExperimentConfig, out: Path, backend: Backend | None) -> tuple[float, float]:
    """Wall and this process's CPU seconds of Experiment.run() into `out` (model loaded before)."""
    steps = SpacySteps(cfg, NEWS)
    wall, cpu = time.perf_counter(), time.process_time()
    Experiment(cfg, NEWS, out, steps, backend=backend).run()
    return time.perf_counter() - wall, time.process_time() - cpu


def worker_cpu_seconds() -> list[float]:
    """CPU seconds of each Ray worker process below this one (they run the runs), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    seconds, todo = [], [os.getpid()]
    while todo:
        for pid in children.get(todo.pop(), []):
            todo.append(pid)
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if title.startswith("ray::") and "Agent" not in title:  # workers, not Ray's own agents
                seconds.append((int(fields[11]) + int(fields[12])) / tick)
    return sorted(seconds, reverse=True)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategies", default="random,active-full,active-binary")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--budgets", default="150,300,500,700")
    parser.add_argument("--max-epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default="en_core_web_sm")
    parser.add_argument("--results", type=Path, default=None, help="write a docs results file (JSON) here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    import ray

    cfg = load_config(None, base_model=args.model, strategies=args.strategies, budgets=args.budgets,
                      seeds=args.seeds, max_epochs=args.max_epochs)
    runs = len(cfg.strategies) * len(cfg.seeds)
    print(f"grid: {runs} runs ({args.strategies} x {args.seeds} seeds), budgets {args.budgets} tokens, "
          f"{args.max_epochs} epochs, {args.model}, news corpus; {os.cpu_count()} CPUs")
    load_before = os.getloadavg()[0]
    print(f"load average before: {load_before:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        local, local_cpu = timed_run(cfg, Path(tmp) / "local", None)
        start = time.perf_counter()
        ray.init(address="local", num_cpus=args.workers, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
        started = time.perf_counter() - start
        try:
            remote, driver_cpu = timed_run(cfg, Path(tmp) / "ray", RayBackend(partial(SpacySteps, cfg, NEWS)))
            workers = worker_cpu_seconds()
        finally:
            ray.shutdown()
        results = [(Path(tmp) / name / "results.jsonl").read_bytes() for name in ("local", "ray")]
    print(f"local: {local:.1f}s wall, {local_cpu:.1f}s CPU ({local / runs:.1f}s a run)")
    print(f"ray, {args.workers} workers: {remote:.1f}s wall (cluster start {started:.1f}s, not included); "
          f"driver {driver_cpu:.1f}s CPU, workers {', '.join(f'{s:.1f}' for s in workers)}s CPU")
    # With a core each and nothing else running, wall time ~ CPU time: local takes its CPU time,
    # ray the driver's plus its busiest worker's (the workers run side by side).
    idle = local_cpu / (driver_cpu + (workers[0] if workers else 0.0))
    print(f"identical results.jsonl: {results[0] == results[1]}")
    print(f"load average after: {os.getloadavg()[0]:.2f}; CPU-time estimate of the ratio on an idle "
          f"machine: {idle:.2f}")
    print(f"ratio: {local / remote:.2f}")
    if args.results is not None:
        data = {"runs": runs, "strategies": args.strategies, "seeds": args.seeds, "budgets": args.budgets,
                "max_epochs": args.max_epochs, "model": args.model, "workers": args.workers,
                "cpus": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg()[0],
                "local_wall": local, "local_cpu": local_cpu, "ray_wall": remote, "ray_start": started,
                "driver_cpu": driver_cpu, "workers_cpu": workers, "identical": results[0] == results[1],
                "idle_estimate": idle}
        args.results.write_text(json.dumps(results_document(data), indent=2) + "\n", encoding="utf8")


def results_document(data: dict) -> dict:
    """The docs results file: the measurements and the sentence docs/ray.md quotes."""
    return {"name": "bench_grid", "generated_by": "python bench/grid.py --results docs/results/bench_grid.json",
            "data": data, "snippets": {"summary": render_summary(data)}}


def render_summary(d: dict) -> str:
    return (f"{d['runs']} runs ({d['strategies']} × {d['seeds']} seeds, checkpoints {d['budgets']} tokens, "
            f"{d['max_epochs']} epochs, {d['model']}, news corpus) on {d['cpus']} CPUs, load average "
            f"{d['load_before']:.2f} before and {d['load_after']:.2f} after: local {d['local_wall']:.1f} s wall "
            f"({d['local_cpu']:.1f} s CPU), Ray with {d['workers']} workers {d['ray_wall']:.1f} s wall (cluster "
            f"start {d['ray_start']:.1f} s not included); identical results.jsonl: {d['identical']}. "
            f"**ratio: {d['local_wall'] / d['ray_wall']:.2f}** by wall clock; CPU-time estimate on an idle "
            f"machine {d['idle_estimate']:.2f}.")


if __name__ == "__main__":
    main()
