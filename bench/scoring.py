"""Benchmark: the ner.teach stream (entity probabilities + prefer_uncertain) against the NER-only pass.

Usage: python bench/scoring.py [--conll PATH] [--model NAME] [--n 2000] [--label ORG]
       [--repeats 3] [--out docs/results/bench_scoring.json]

Loads the model once, reads the first N CoNLL sentences, then times in one process, best of
--repeats interleaved runs each, in process CPU time with single-threaded BLAS (bench/_baseline):
(a) the baseline, the NER-only greedy pass; (b) the ner.teach stream as it runs now
(EntityScorer with the lattice + prefer_uncertain) consumed to the end; (c) the same stream
with spaCy's beam of 16, as before. It also splits (b) into where the time goes (the NER's
tok2vec and feature precomputation, which the greedy pass does too; scoring the lattice and its
forward pass; the candidate tasks; the sorter) and times the first question from a
100,000-line text source. The last line, `ratio: X.XX`, is (b)'s throughput over (a)'s.
"""

from __future__ import annotations

import _baseline  # noqa: I001  (first: single-threaded BLAS before numpy loads)

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Iterable
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from al_ner.models import load_model
from al_ner.scoring import EntityScorer
from al_ner.scoring._lattice import lattices
from al_ner.sorters import prefer_uncertain
from al_ner.stream import read_conll, read_txt

Task = dict[str, Any]


def run_teach(nlp: Language, tasks: list[Task], label: str, decoding: str = "lattice") -> int:
    """The ner.teach stream consumed to the end; returns the number of questions."""
    return sum(1 for _task in prefer_uncertain(EntityScorer(nlp, [label], decoding=decoding)(iter(tasks))))


def run_candidates(nlp: Language, tasks: list[Task], label: str) -> int:
    """The scorer alone: every candidate task, no sorter."""
    return sum(1 for _pair in EntityScorer(nlp, [label])(iter(tasks)))


def run_features(nlp: Language, docs: list[Doc]) -> int:
    """The NER's tok2vec and feature precomputation, 64 docs at a time (the greedy pass does it too)."""
    ner = nlp.get_pipe("ner")
    for start in range(0, len(docs), 64):
        ner.model.predict(docs[start:start + 64]).clear_memory()
    return len(docs)


def run_lattices(nlp: Language, docs: list[Doc]) -> int:
    ner = nlp.get_pipe("ner")
    return sum(len(lattices(ner, docs[start:start + 64])) for start in range(0, len(docs), 64))


def time_first_question(nlp: Language, tasks: list[Task], label: str, lines: int) -> float:
    """Seconds from opening a `lines`-line text file to the first ner.teach question."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "source.txt"
        path.write_text("\n".join(islice((t["text"] for t in cycle(tasks)), lines)) + "\n", encoding="utf8")
        start = time.perf_counter()
        next(prefer_uncertain(EntityScorer(nlp, [label])(read_txt(path))))
        return time.perf_counter() - start


def measure(nlp: Language, tasks: list[Task], label: str, repeats: int) -> dict[str, Any]:
    texts = [task["text"] for task in tasks]
    docs = [Doc(nlp.vocab, words=[t["text"] for t in task["tokens"]]) for task in tasks]
    contenders = {"baseline": lambda: _baseline.ner_pass(nlp, texts),
                  "teach": lambda: run_teach(nlp, tasks, label),
                  "teach_spacy_beam": lambda: run_teach(nlp, tasks, label, "spacy-beam"),
                  "features": lambda: run_features(nlp, docs),
                  "lattices": lambda: run_lattices(nlp, docs),
                  "candidates": lambda: run_candidates(nlp, tasks, label)}
    best: dict[str, float] = {}
    out: dict[str, Any] = {}
    contenders["baseline"]()  # warm-up: vocab and allocations, for every contender
    for _ in range(repeats):
        for name, run in contenders.items():
            seconds, out[name] = _baseline.cpu_seconds(run)
            best[name] = min(best.get(name, seconds), seconds)
    return {"cpu_seconds": best, "questions": out["teach"], "questions_spacy_beam": out["teach_spacy_beam"]}


def render_summary(d: dict[str, Any]) -> str:
    s, n = d["cpu_seconds"], d["sentences"]
    share = {"the NER's tok2vec and features (as in the greedy pass)": s["features"],
             "scoring the lattice and its forward pass": s["lattices"] - s["features"],
             "candidate tasks (copies, spans, hashes)": s["candidates"] - s["lattices"],
             "the sorter": s["teach"] - s["candidates"]}
    where = "; ".join(f"{name} {max(0.0, seconds) / s['teach']:.0%}" for name, seconds in share.items())
    return (f"Measured with {d['model']} on {n:,} CoNLL sentences ({d['cpus']} cores, single-threaded BLAS, "
            f"best of {d['repeats']} interleaved runs, CPU time): the baseline, {_baseline.BASELINE}, "
            f"{n / s['baseline']:,.0f} sentences/s; the ner.teach stream {n / s['teach']:,.0f}/s "
            f"({d['questions']:,} questions), **ratio: {s['baseline'] / s['teach']:.2f}**; with spaCy's beam "
            f"of 16 as before, {n / s['teach_spacy_beam']:,.0f}/s ({d['questions_spacy_beam']:,} questions), "
            f"ratio {s['baseline'] / s['teach_spacy_beam']:.2f}. Where the teach stream's time goes: {where}. "
            f"The first question from a 100,000-line source arrives {d['first_question_ms']:,.0f} ms after "
            "the model is loaded.")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conll", type=Path, default=_baseline.CONLL)
    parser.add_argument("--model", default="en_core_web_md")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--label", default="ORG")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write a results file (JSON) here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    nlp = load_model(args.model)
    tasks = list(islice(read_conll(args.conll), args.n))
    data = {"model": args.model, "sentences": len(tasks), "label": args.label, "repeats": args.repeats,
            **measure(nlp, tasks, args.label, args.repeats),
            "first_question_ms": 1000 * time_first_question(nlp, tasks, args.label, 100_000),
            "machine": platform.machine(), "cpus": os.cpu_count(), "blas_threads": os.environ["OPENBLAS_NUM_THREADS"]}
    summary = render_summary(data)
    print(summary)
    if args.out is not None:
        args.out.write_text(json.dumps({"name": "bench_scoring", "generated_by": "python bench/scoring.py --out "
                                        "docs/results/bench_scoring.json", "data": data,
                                        "snippets": {"summary": summary}}, indent=2) + "\n", encoding="utf8")
    cpu = data["cpu_seconds"]
    print(f"ratio: {cpu['baseline'] / cpu['teach']:.2f}")


if __name__ == "__main__":
    main()
