"""Benchmark: each query strategy's throughput as a ratio to the NER's own greedy forward pass.

Usage: python bench/strategies.py [--conll PATH] [--model NAME] [--n 2000] [--label ORG]
       [--repeats 3] [--window 256] [--keep 0.25] [--out docs/results/strategy_speed.json]

Loads the model once and reads the first N CoNLL sentences. The baseline is the one every bench
uses (bench/_baseline.py): the NER-only greedy pass, with single-threaded BLAS for it and the
contenders. Each contender is consumed to the end, best of --repeats interleaved runs, timed in
process CPU time:

- the ner.teach stream: EntityScorer (the lattice) + prefer_uncertain;
- every registered strategy through `select` (windows of --window sentences, --keep asked),
  scoring and choosing only (no pre-highlighting);

each at al-ner's defaults (the log-probability beam of entropy and MNLP at 0.01), with the beam
pruned at 0.01 (parses below 1 % of the best parse's probability dropped) and not pruned
(0.0001). For the beam strategies it also records how many of the questions chosen so are the
ones chosen at the defaults. Last, the time from opening a 100,000-line source
to the first k-center (diversity) question.

Writes the JSON results file (data plus the Markdown table docs/strategies.md quotes).
"""

from __future__ import annotations

import _baseline  # noqa: I001  (first: single-threaded BLAS before numpy loads)

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

from al_ner import registry
from al_ner.models import load_model
from al_ner.scoring import EntityScorer
from al_ner.sorters import prefer_uncertain
from al_ner.strategies import WindowModel, make_strategy, select
from al_ner.stream import read_conll, read_txt

CONLL = _baseline.CONLL
OUT = Path(__file__).resolve().parents[1] / "docs" / "results" / "strategy_speed.json"
SETTINGS = {"defaults": {"beam_density": 0.0001, "normalized_density": 0.01},
            "pruned": {"beam_density": 0.01, "normalized_density": 0.01},
            "unpruned": {"beam_density": 0.0001, "normalized_density": 0.0001}}
MODEL_FREE = ("al_ner.kcenter.v1", "al_ner.random.v1", "ner.teach stream")  # read no beam
Task = dict[str, Any]


cpu = _baseline.cpu_seconds


def run_pipe(nlp: Language, tasks: list[Task]) -> int:
    return _baseline.ner_pass(nlp, (task["text"] for task in tasks))


def run_teach(nlp: Language, tasks: list[Task], label: str, setting: str) -> list[Task]:
    return list(prefer_uncertain(EntityScorer(nlp, [label])(iter(tasks))))


def run_strategy(nlp: Language, tasks: list[Task], label: str, name: str, setting: str,
                 window: int, keep: float) -> list[Task]:
    model = WindowModel(nlp, [label], beam_width=16, **SETTINGS[setting])
    return list(select(iter(tasks), make_strategy(name), model, window=window, keep=keep))


def first_question(nlp: Language, tasks: list[Task], label: str, window: int) -> float:
    """Seconds from opening a 100,000-line text source to the first k-center question."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "source.txt"
        path.write_text("\n".join(islice((t["text"] for t in cycle(tasks)), 100_000)) + "\n",
                        encoding="utf8")
        start = time.perf_counter()
        stream = select(read_txt(path), make_strategy("kcenter"), WindowModel(nlp, [label]),
                        window=window, keep=0.25)
        next(stream)
        return time.perf_counter() - start


def agreement(a: list[Task], b: list[Task]) -> float:
    """Share of the questions in `a` that `b` asks too (by text)."""
    texts = {t["text"] for t in b}
    return sum(t["text"] in texts for t in a) / len(a) if a else 1.0


def measure(nlp: Language, tasks: list[Task], args: argparse.Namespace) -> dict[str, Any]:
    names = sorted(registry.strategies.get_all())
    contenders: dict[str, Callable[[str], list[Task]]] = {
        "ner.teach stream": lambda s: run_teach(nlp, tasks, args.label, s)}
    for name in names:
        contenders[name] = (lambda s, name=name: run_strategy(nlp, tasks, args.label, name, s,
                                                               args.window, args.keep))
    best: dict[tuple[str, str], float] = {}
    asked: dict[tuple[str, str], list[Task]] = {}
    pipe = float("inf")
    for _ in range(args.repeats):
        pipe = min(pipe, cpu(lambda: run_pipe(nlp, tasks))[0])
        for name, run in contenders.items():
            for setting in (("defaults",) if name in MODEL_FREE else SETTINGS):
                seconds, out = cpu(lambda: run(setting))
                best[name, setting] = min(best.get((name, setting), seconds), seconds)
                asked[name, setting] = out
    rows = [{"contender": name, "setting": s, "ratio": pipe / best[name, s],
             "sentences_per_s": len(tasks) / best[name, s], "questions": len(asked[name, s]),
             "same_questions": agreement(asked[name, s], asked[name, "defaults"])}
            for name, s in best]
    return {"baseline_sentences_per_s": len(tasks) / pipe, "settings": SETTINGS, "rows": rows}


def render(data: dict[str, Any]) -> str:
    by = {(r["contender"], r["setting"]): r for r in data["rows"]}
    lines = ["| contender | ratio, defaults | both beams at 0.01: ratio, same questions | both at 0.0001: "
             "ratio, same questions |", "|---|---|---|---|"]
    for name in dict.fromkeys(r["contender"] for r in data["rows"]):
        cells = [f"{by[name, 'defaults']['ratio']:.2f}"]
        for setting in ("pruned", "unpruned"):
            row = by.get((name, setting))
            cells.append(f"{row['ratio']:.2f}, {row['same_questions']:.0%}" if row else "(no beam)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return (f"Ratio = throughput / the NER-only greedy pass ({data['baseline_sentences_per_s']:,.0f} "
            f"sentences/s), CPU time, {data['model']}, {data['n']} CoNLL test sentences, best of "
            f"{data['repeats']} interleaved runs on {data['machine']}; strategies over windows of "
            f"{data['window']} asking {data['keep']:.0%}, scoring and choosing only, single-threaded BLAS. "
            f"Entity probabilities (entity uncertainty, ner.teach) come from the lattice; the "
            f"log-probability beam (entropy, MNLP, and the entity uncertainty inside density, MMR and "
            f"hybrid) is pruned at 0.01 by default. First "
            f"k-center question from a 100,000-line source: {data['first_question_ms']:.0f} ms after "
            "model load.\n\n" + "\n".join(lines))


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conll", type=Path, default=CONLL)
    parser.add_argument("--model", default="en_core_web_md")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--label", default="ORG")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--window", type=int, default=256)
    parser.add_argument("--keep", type=float, default=0.25)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(list(argv) if argv is not None else None)
    nlp = load_model(args.model)
    tasks = list(islice(read_conll(args.conll), args.n))
    run_pipe(nlp, tasks)  # warm-up: vocab and allocations, for every contender
    data = {"model": args.model, "n": len(tasks), "repeats": args.repeats, "window": args.window,
            "keep": args.keep, "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
            **measure(nlp, tasks, args),
            "first_question_ms": 1000 * first_question(nlp, tasks, args.label, args.window)}
    table = render(data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"name": args.out.stem, "generated_by": "python bench/strategies.py",
                                    "data": data, "snippets": {"table": table}}, indent=2) + "\n",
                        encoding="utf8")
    print(table)


if __name__ == "__main__":
    main()
