"""Benchmark: the ner.teach stream (beam scoring + prefer_uncertain) against plain nlp.pipe.

Usage: python bench/scoring.py [--conll PATH] [--model NAME] [--n 2000] [--label ORG]
       [--repeats 3] [--out docs/results/bench_scoring.json]

Loads the model once, reads the first N CoNLL sentences, then times in one process
(a) nlp.pipe with tok2vec + ner and (b) EntityScorer(beam 16) + prefer_uncertain consumed to
the end, best of --repeats interleaved runs each. Also times the first question from a
100,000-line text source. Throughputs are given in wall-clock and in process-CPU time; the
last line, `ratio: X.XX` (teach stream / nlp.pipe throughput), uses CPU time because the
benchmark machine is shared and wall time there mostly measures the other processes (both
contenders run single-threaded, so CPU time is the wall time of an idle machine). With --out,
the figures also go to a results file (data plus the sentence README.md quotes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterable
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from spacy.language import Language

from al_ner.models import load_model
from al_ner.scoring import EntityScorer
from al_ner.sorters import prefer_uncertain
from al_ner.stream import read_conll, read_txt

# ../shared/corpora beside the checkout, as the tests expect it (AL_NER_SHARED to move it)
SHARED = Path(os.environ.get("AL_NER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CONLL = SHARED / "corpora" / "conll2003" / "test.txt"
Task = dict[str, Any]


Timing = tuple[float, float]  # (wall seconds, process CPU seconds)


def timed(func: Callable[[], Any]) -> tuple[Timing, Any]:
    """Run `func`, returning its (wall, CPU) seconds and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return (time.perf_counter() - wall, time.process_time() - cpu), result


def run_pipe(nlp: Language, tasks: list[Task]) -> int:
    """Plain nlp.pipe with only tok2vec and ner enabled; returns the number of docs."""
    disable = [name for name in nlp.pipe_names if name not in ("tok2vec", "ner")]
    return sum(1 for _doc in nlp.pipe((task["text"] for task in tasks), disable=disable))


def run_teach(nlp: Language, tasks: list[Task], label: str) -> int:
    """The ner.teach stream consumed to the end; returns the number of questions."""
    stream = prefer_uncertain(EntityScorer(nlp, [label], beam_width=16)(iter(tasks)))
    return sum(1 for _task in stream)


def time_first_question(nlp: Language, tasks: list[Task], label: str, lines: int) -> float:
    """Seconds from opening a `lines`-line text file to the first ner.teach question."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "source.txt"
        texts = (task["text"] for task in cycle(tasks))
        path.write_text("\n".join(islice(texts, lines)) + "\n", encoding="utf8")
        start = time.perf_counter()
        stream = prefer_uncertain(EntityScorer(nlp, [label], beam_width=16)(read_txt(path)))
        next(stream)
        return time.perf_counter() - start


def rates(n: int, runs: list[Timing]) -> tuple[float, float]:
    """Best (wall, CPU) throughput in items/s over `runs`."""
    return n / min(run[0] for run in runs), n / min(run[1] for run in runs)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conll", type=Path, default=CONLL)
    parser.add_argument("--model", default="en_core_web_md")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--label", default="ORG")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write a results file (JSON) here")
    args = parser.parse_args(list(argv) if argv is not None else None)

    nlp = load_model(args.model)
    tasks = list(islice(read_conll(args.conll), args.n))
    n = len(tasks)
    run_pipe(nlp, tasks)  # warm-up: fills the vocab and allocates, for both contenders
    pipe_runs: list[Timing] = []
    teach_runs: list[Timing] = []
    asked = 0
    for _ in range(args.repeats):
        pipe_runs.append(timed(lambda: run_pipe(nlp, tasks))[0])
        timing, asked = timed(lambda: run_teach(nlp, tasks, args.label))
        teach_runs.append(timing)
    first = time_first_question(nlp, tasks, args.label, 100_000)
    (pipe_wall, pipe_cpu), (teach_wall, teach_cpu) = rates(n, pipe_runs), rates(n, teach_runs)
    print(f"model: {args.model}, sentences: {n}, label: {args.label}, best of {args.repeats} "
          "interleaved runs")
    print(f"nlp.pipe (tok2vec+ner): {pipe_wall:,.0f} sentences/s wall, {pipe_cpu:,.0f} CPU "
          f"(wall runs: {_runs(pipe_runs)})")
    print(f"ner.teach stream (beam 16, {args.label}, prefer_uncertain): {teach_wall:,.0f} "
          f"sentences/s wall, {teach_cpu:,.0f} CPU, {asked} questions "
          f"(wall runs: {_runs(teach_runs)})")
    print(f"first question from a 100,000-line text source: {first * 1000:.0f} ms")
    data = {"model": args.model, "sentences": n, "label": args.label, "repeats": args.repeats,
            "pipe_wall": pipe_wall, "pipe_cpu": pipe_cpu, "teach_wall": teach_wall, "teach_cpu": teach_cpu,
            "questions": asked, "first_question_ms": first * 1000, "machine": platform.machine(),
            "cpus": os.cpu_count()}
    if args.out is not None:
        args.out.write_text(json.dumps(results(data), indent=2) + "\n", encoding="utf8")
    print(f"wall-clock ratio: {teach_wall / pipe_wall:.2f}")
    print(f"ratio: {teach_cpu / pipe_cpu:.2f}")


def results(data: dict[str, Any]) -> dict[str, Any]:
    """The results file: the measurements and the sentence README.md quotes, rendered from them."""
    return {"name": "bench_scoring", "generated_by": "python bench/scoring.py --out docs/results/bench_scoring.json",
            "data": data, "snippets": {"summary": render_summary(data)}}


def render_summary(d: dict[str, Any]) -> str:
    return (f"Measured with {d['model']} on {d['sentences']:,} CoNLL sentences ({d['cpus']} cores, best of "
            f"{d['repeats']} interleaved runs): `nlp.pipe` {d['pipe_cpu']:,.0f} sentences/s and the teach "
            f"stream {d['teach_cpu']:,.0f}/s by CPU time ({d['pipe_wall']:,.0f} and {d['teach_wall']:,.0f} by "
            f"wall clock; {d['questions']:,} questions from {d['sentences']:,} sentences), **ratio: "
            f"{d['teach_cpu'] / d['pipe_cpu']:.2f}**; the first question from a 100,000-line source arrives "
            f"{d['first_question_ms']:,.0f} ms after the model is loaded.")


def _runs(runs: list[Timing]) -> str:
    return ", ".join(f"{wall:.2f}s" for wall, _cpu in runs)


if __name__ == "__main__":
    main()
