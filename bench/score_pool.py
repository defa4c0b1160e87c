"""Benchmark: pool scoring (al-ner score) throughput, local vs Ray Data actors, and what grows with the pool.

Usage: python bench/score_pool.py [--sizes 1000,4000,16000] [--model en_core_web_sm] [--label ORG]
       [--workers 2] [--conll PATH]

Builds pools of --sizes sentences (CoNLL-2003 train sentences, repeated when a size asks for more;
the news corpus when CoNLL is absent) as pre-split JSONL, then scores each with `score_pool`
(beam 16, batch 64, --unsegmented) locally and on a Ray cluster of --workers CPUs started here
(Ray Data map_batches with --workers actors that each load the pipeline once). Every measurement
runs in a fresh process so its peak RSS is its own; the Ray time includes staging the pool in the
object store and starting the actors. For each size it prints seconds, sentences/s, peak RSS of
the process that runs `score_pool` (for Ray: the driver; each actor holds one pipeline) and the
output's bytes; then a CPU-time estimate of the ratio on an idle machine (other jobs on a shared
machine take the cores the actors need). Last line: `ratio: X.XX` = Ray throughput / local
throughput (wall clock) at the largest size.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from itertools import cycle, islice
from pathlib import Path

from al_ner.experiment.data.corpus import read_iob
from al_ner.scoring import score_pool, write_scored

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AL_NER_SHARED", REPO.parent / "shared"))
CONLL = SHARED / "corpora" / "conll2003" / "train.txt"


def sentences(conll: Path) -> list[str]:
    path = conll if conll.is_file() else REPO / "corpora" / "news" / "pool.iob"
    return [sentence.text for sentence in read_iob(path)]


def write_pool(path: Path, texts: list[str], size: int) -> None:
    lines = (json.dumps({"text": text, "meta": {"i": i}}) for i, text in enumerate(islice(cycle(texts), size)))
    path.write_text("\n".join(lines) + "\n", encoding="utf8")


def measure(pool: Path, out: Path, model: str, label: str, backend: str, address: str | None,
            workers: int) -> dict[str, float]:
    """One scoring of `pool` in this process: seconds, sentences, output bytes, peak RSS."""
    start = time.perf_counter()
    count = write_scored(out, score_pool(str(pool), model, labels=[label], unsegmented=True, backend=backend,
                                         address=address, workers=workers))
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": seconds, "sentences": count, "bytes": out.stat().st_size,
            "rss_mib": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime}


class ActorCPU(threading.Thread):
    """Samples the CPU seconds of this machine's Ray Data actor processes until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.seen: dict[int, float] = {}
        self.done = threading.Event()
        self.start()

    def run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.done.wait(0.1):
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    if not (stat.parent / "cmdline").read_bytes().startswith(b"ray::MapWorker"):
                        continue
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seen[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick

    def stop(self) -> float:
        """Their CPU seconds in all (up to the last sample, 0.1 s before each ended)."""
        self.done.set()
        self.join()
        return sum(self.seen.values())


def in_child(args: argparse.Namespace, pool: Path, out: Path, backend: str, address: str | None) -> dict:
    command = [sys.executable, __file__, "--child", backend, "--pool", str(pool), "--out", str(out),
               "--model", args.model, "--label", args.label, "--workers", str(args.workers)]
    if address:
        command += ["--address", address]
    env = {**os.environ, "RAY_AUTH_MODE": "token"}  # the local cluster's token is in ~/.ray/auth_token
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows(args: argparse.Namespace, address: str, tmp: Path) -> Iterator[tuple[int, dict, dict]]:
    texts = sentences(args.conll)
    for size in (int(s) for s in args.sizes.split(",")):
        pool = tmp / f"pool{size}.jsonl"
        write_pool(pool, texts, size)
        local = in_child(args, pool, tmp / "local.jsonl", "local", None)
        sampler = ActorCPU()
        remote = in_child(args, pool, tmp / "ray.jsonl", "ray", address)
        actors = sampler.stop()
        same = (tmp / "local.jsonl").read_bytes() == (tmp / "ray.jsonl").read_bytes()
        yield size, local, {**remote, "same": same, "input_mib": pool.stat().st_size / 2**20, "actors_cpu": actors}


def report(size: int, name: str, m: dict) -> str:
    rate = m["sentences"] / m["seconds"]
    return (f"{size:>7} {name:<6} {m['seconds']:7.1f}s {rate:7.0f}/s  peak RSS {m['rss_mib']:6.0f} MiB  "
            f"output {m['bytes'] / 2**20:6.1f} MiB ({m['bytes'] / m['sentences']:.0f} B/sentence)")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,16000")
    parser.add_argument("--model", default="en_core_web_sm")
    parser.add_argument("--label", default="ORG")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--conll", type=Path, default=CONLL)
    parser.add_argument("--child", choices=["local", "ray"], help=argparse.SUPPRESS)
    parser.add_argument("--pool", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    parser.add_argument("--results", type=Path, default=None, help="write a docs results file (JSON) here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.child:
        print(json.dumps(measure(args.pool, args.out, args.model, args.label, args.child, args.address,
                                 args.workers)))
        return
    import ray

    ray.init(address="local", num_cpus=args.workers, include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)
    address = ray.get_runtime_context().gcs_address
    load_before = os.getloadavg()[0]
    print(f"{args.model}, label {args.label}, beam 16, batch 64; Ray Data with {args.workers} actors; "
          f"{os.cpu_count()} CPUs, load average {load_before:.2f}")
    results, sizes = [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size, local, remote in rows(args, address, Path(tmp)):
                print(report(size, "local", local))
                print(report(size, "ray", remote) + f"  identical: {remote['same']}, "
                      f"staged in the object store {remote['input_mib']:.1f} MiB")
                results.append((local, remote))
                sizes.append(size)
    finally:
        ray.shutdown()
    local, remote = results[-1]
    # With a core each and nothing else running, wall time ~ CPU time: local takes its CPU time,
    # ray the driver's plus one actor's share (they score side by side).
    idle = local["cpu"] / (remote["cpu"] + remote["actors_cpu"] / args.workers)
    print(f"largest pool: local {local['cpu']:.1f}s CPU; ray driver {remote['cpu']:.1f}s CPU, actors "
          f"{remote['actors_cpu']:.1f}s CPU in all")
    print(f"load average after: {os.getloadavg()[0]:.2f}; CPU-time estimate of the ratio on an idle "
          f"machine: {idle:.2f}")
    print(f"ratio: {(remote['sentences'] / remote['seconds']) / (local['sentences'] / local['seconds']):.2f}")
    if args.results is not None:
        data = {"model": args.model, "label": args.label, "workers": args.workers, "cpus": os.cpu_count(),
                "load_before": load_before, "load_after": os.getloadavg()[0], "idle_estimate": idle,
                "sizes": [{"size": size, "local": local, "ray": remote}
                          for size, (local, remote) in zip(sizes, results)]}
        args.results.write_text(json.dumps(results_document(data), indent=2) + "\n", encoding="utf8")


def results_document(data: dict) -> dict:
    """The docs results file: the measurements and the table docs/ray.md quotes."""
    return {"name": "bench_score_pool",
            "generated_by": "python bench/score_pool.py --results docs/results/bench_score_pool.json",
            "data": data, "snippets": {"table": render_table(data), "summary": render_summary(data)}}


def render_table(d: dict) -> str:
    lines = ["| sentences | local | Ray (" + str(d["workers"]) + " actors) | peak RSS, local / Ray driver "
             "| output | staged in the object store | identical |", "|---|---|---|---|---|---|---|"]
    for row in d["sizes"]:
        local, ray = row["local"], row["ray"]
        lines.append(f"| {row['size']:,} | {local['seconds']:.1f} s, {local['sentences'] / local['seconds']:,.0f}/s | "
                     f"{ray['seconds']:.1f} s, {ray['sentences'] / ray['seconds']:,.0f}/s | "
                     f"{local['rss_mib']:,.0f} / {ray['rss_mib']:,.0f} MiB | {local['bytes'] / 2**20:.1f} MiB | "
                     f"{ray['input_mib']:.1f} MiB | {ray['same']} |")
    return "\n".join(lines) + "\n"


def render_summary(d: dict) -> str:
    last = d["sizes"][-1]
    local, ray = last["local"], last["ray"]
    ratio = (ray["sentences"] / ray["seconds"]) / (local["sentences"] / local["seconds"])
    return (f"{d['model']}, label {d['label']}, on {d['cpus']} CPUs, load average {d['load_before']:.2f} before "
            f"and {d['load_after']:.2f} after: at {last['size']:,} sentences **ratio: {ratio:.2f}** (Ray / local "
            f"throughput, wall clock); CPU-time estimate on an idle machine {d['idle_estimate']:.2f}.")


if __name__ == "__main__":
    main()
