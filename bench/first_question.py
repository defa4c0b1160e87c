"""Benchmark: seconds from starting ner.manual to its first question, source order vs random order.

Usage: python bench/first_question.py [--csv PATH] [--model NAME] [--copies 1,10] [--repeats 3]
       [--out docs/results/bench_first_question.json]

Loads the model once (its load time is not counted: the recipe gets the loaded pipeline), then
for the ag_news test CSV (7,600 rows) and for the same rows repeated (--copies 10: 76,000 rows)
builds `ner.manual DATASET MODEL SOURCE --label ORG --order source|random` and asks its
controller for the first question, best of --repeats interleaved runs, in wall-clock and in
process-CPU seconds (the benchmark machine is shared: its wall clock mostly measures the other
processes, and the recipe runs single-threaded, so CPU time is the wall time of an idle machine).
The last line, `ratio: X.XX`, is random order's CPU time over source order's on the largest
source. With --out, the figures also go to a results file (data plus the sentence the docs quote).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from al_ner.controller import Controller
from al_ner.models import load_model
from al_ner.storage import get_db

# ../shared/corpora beside the checkout, as the tests expect it (AL_NER_SHARED to move it)
SHARED = Path(os.environ.get("AL_NER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
AG_NEWS = SHARED / "corpora" / "ag_news" / "test.csv"
ORDERS = ("source", "random")


def first_question_seconds(nlp: Any, source: Path, order: str, db_dir: Path) -> tuple[float, float]:
    """(wall, CPU) seconds from calling the ner.manual recipe to holding its first question."""
    import al_ner.recipes.ner_manual as ner_manual

    ner_manual.load_model = lambda name, **_: nlp  # the model is loaded once, outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    components = ner_manual.ner_manual("bench", "loaded", str(source), "ORG", order=order, seed=0)
    questions = Controller(components, get_db(db_dir), batch_size=1).get_questions(1)
    seconds = time.perf_counter() - wall, time.process_time() - cpu
    if not questions:
        raise SystemExit(f"no question from {source}")
    return seconds


def repeated_csv(csv: Path, copies: int, directory: Path) -> Path:
    """`csv`'s rows `copies` times over, in a file of their own."""
    if copies == 1:
        return csv
    path = directory / f"ag_news_x{copies}.csv"
    rows = csv.read_bytes()
    path.write_bytes(rows * copies)
    return path


def measure(nlp: Any, csv: Path, copies: list[int], repeats: int) -> list[dict[str, Any]]:
    """Per source size: rows and the best wall and CPU seconds to the first question per order."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in copies:
            source = repeated_csv(csv, n, Path(tmp))
            rows = sum(1 for line in source.open("rb") if line.strip())
            runs: dict[str, list[tuple[float, float]]] = {order: [] for order in ORDERS}
            for run in range(repeats):
                for order in ORDERS:
                    db_dir = Path(tmp) / f"db-{n}-{order}-{run}"
                    runs[order].append(first_question_seconds(nlp, source, order, db_dir))
            out.append({"rows": rows, **{f"{order}_{kind}": min(r[i] for r in runs[order])
                                         for order in ORDERS for i, kind in enumerate(("wall", "cpu"))}})
    return out


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=AG_NEWS)
    parser.add_argument("--model", default="en_core_web_md")
    parser.add_argument("--copies", default="1,10", help="source sizes, in copies of the CSV")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write a results file (JSON) here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.csv.is_file():
        raise SystemExit(f"ag_news test.csv not found at {args.csv} (set AL_NER_SHARED or --csv)")

    nlp = load_model(args.model)
    sizes = measure(nlp, args.csv, [int(n) for n in args.copies.split(",")], args.repeats)
    for size in sizes:
        print(f"{size['rows']:>7,} rows: first question {size['source_cpu']:.2f} s CPU in source "
              f"order, {size['random_cpu']:.2f} s in random order ({size['source_wall']:.2f} and "
              f"{size['random_wall']:.2f} s wall; best of {args.repeats})")
    data = {"model": args.model, "repeats": args.repeats, "sizes": sizes,
            "machine": platform.machine(), "cpus": os.cpu_count()}
    if args.out is not None:
        args.out.write_text(json.dumps(results(data), indent=2) + "\n", encoding="utf8")
    largest = sizes[-1]
    print(f"ratio: {largest['random_cpu'] / largest['source_cpu']:.2f}")


def results(data: dict[str, Any]) -> dict[str, Any]:
    """The results file: the measurements and the sentence the docs quote, rendered from them."""
    return {"name": "bench_first_question",
            "generated_by": "python bench/first_question.py --out docs/results/bench_first_question.json",
            "data": data, "snippets": {"summary": render_summary(data)}}


def render_summary(d: dict[str, Any]) -> str:
    sizes = "; ".join(f"{s['rows']:,} rows: {s['source_cpu']:.2f} s in source order, "
                      f"{s['random_cpu']:.2f} s in random order ({s['source_wall']:.2f} and "
                      f"{s['random_wall']:.2f} s wall)" for s in d["sizes"])
    return (f"CPU seconds from starting `ner.manual … --label ORG` on the ag_news test CSV to its "
            f"first question, the model ({d['model']}) already loaded ({d['cpus']} shared cores, "
            f"best of {d['repeats']} runs): {sizes}.")


if __name__ == "__main__":
    main()
