"""Keep rates of the streaming sorters on seeded synthetic score streams (no model needed).

Usage: python bench/keep_rates.py [--n 20000] [--seed 1] [--out docs/results/sorter_keep_rates.json]

Runs prefer_uncertain and prefer_high_scores with each algorithm ("ema": moving mean + 1 sd,
the default; "mean": the v1 rule; "probability": chance = priority, floor 0.05), all at their
default settings, over five streams of --n scores, and records the share of tasks each lets
through, overall and per quarter of the stream:

- uniform: U[0, 1]
- normal: N(0.5, 0.1) (for prefer_high_scores, "ema" should keep P(Z >= 1) = 15.9 %)
- near 0: Beta(0.5, 20), mean 0.024 (a label the model almost never predicts)
- near 0 and 1: 85 % Beta(0.5, 20), 15 % 1 - Beta(0.5, 20), like an NER beam's span scores
- drifting: sigmoid(z), z ~ N(0, s) with s growing from 0.5 to 8 (a model growing confident)

Writes the JSON results file (data plus the Markdown table rendered from it, which
docs/sorters.md quotes) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from al_ner.sorters import prefer_high_scores, prefer_uncertain

OUT = Path(__file__).resolve().parents[1] / "docs" / "results" / "sorter_keep_rates.json"
N, SEED = 20_000, 1
SORTERS: dict[str, Callable[..., Iterator[dict]]] = {
    "prefer_uncertain": prefer_uncertain, "prefer_high_scores": prefer_high_scores}
ORDER = ("ema", "mean", "probability")  # table columns: the default first, then what it replaces
STREAMS = {
    "uniform": "U[0, 1]",
    "normal": "N(0.5, 0.1)",
    "near_0": "Beta(0.5, 20): mean 0.024",
    "near_0_and_1": "85 % Beta(0.5, 20), 15 % 1 - Beta(0.5, 20): like NER beam span scores",
    "drifting": "sigmoid(N(0, s)), s rising linearly from 0.5 to 8: a model growing confident",
}
QUARTER_ROWS = ("drifting",)  # streams whose first and last quarters get rows of their own


def make_scores(stream: str, n: int, seed: int) -> list[float]:
    """`n` scores of `stream`, from an RNG of its own (seeded by seed and name)."""
    rng = random.Random(f"{seed}:{stream}")
    if stream == "uniform":
        return [rng.random() for _ in range(n)]
    if stream == "normal":
        return [rng.gauss(0.5, 0.1) for _ in range(n)]
    if stream == "near_0":
        return [rng.betavariate(0.5, 20) for _ in range(n)]
    if stream == "near_0_and_1":
        return [_near_0_or_1(rng) for _ in range(n)]
    return [_sigmoid(rng.gauss(0.0, 0.5 + 7.5 * i / max(1, n - 1))) for i in range(n)]


def _near_0_or_1(rng: random.Random) -> float:
    low = rng.betavariate(0.5, 20)
    return 1.0 - low if rng.random() < 0.15 else low


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def keep_flags(sort: Callable[..., Iterator[dict]], scores: list[float],
               algorithm: str) -> list[bool]:
    """For each score, whether `sort` (default settings but `algorithm`) lets its task through."""
    kept = {task["meta"]["i"] for task in
            sort(((score, {"meta": {"i": i}}) for i, score in enumerate(scores)),
                 algorithm=algorithm)}
    return [i in kept for i in range(len(scores))]


def summarise(flags: list[bool]) -> dict[str, Any]:
    """Kept count, overall rate and the rate in each quarter of the stream."""
    size = len(flags) // 4
    quarters = [flags[q * size:(q + 1) * size] for q in range(4)]
    return {"kept": sum(flags), "rate": round(sum(flags) / len(flags), 4),
            "quarters": [round(sum(part) / len(part), 4) for part in quarters]}


def measure(n: int, seed: int) -> dict[str, Any]:
    """The results' `data`: settings, stream descriptions and rates[stream][sorter][algorithm]."""
    rates: dict[str, Any] = {}
    for stream in STREAMS:
        scores = make_scores(stream, n, seed)
        rates[stream] = {name: {algorithm: summarise(keep_flags(sort, scores, algorithm))
                                for algorithm in ORDER}
                         for name, sort in SORTERS.items()}
    return {"n": n, "seed": seed, "python": platform.python_version(),
            "settings": "defaults: alpha 0.1, k 1.0 (ema), patience 32 (mean), floor 0.05 and "
                        "seed 0 (probability)",
            "streams": STREAMS, "quarter_rows": list(QUARTER_ROWS), "rates": rates}


def render_table(data: dict[str, Any]) -> str:
    """The Markdown table of keep rates (per cent of tasks let through) rendered from `data`."""
    lines = ["| stream | sorter | ema (mean + 1 sd) | mean (v1 \"ema\") | probability |",
             "|---|---|---:|---:|---:|"]
    for stream, by_sorter in data["rates"].items():
        parts: list[tuple[str, int | None]] = [("", None)]
        if stream in data["quarter_rows"]:
            parts += [(", first quarter", 0), (", last quarter", 3)]
        for label, quarter in parts:
            for sorter, by_algorithm in by_sorter.items():
                cells = [_percent(by_algorithm[a], quarter) for a in ORDER]
                lines.append(f"| {stream.replace('_', ' ')}{label} | `{sorter}` | "
                             + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _percent(summary: dict[str, Any], quarter: int | None) -> str:
    rate = summary["rate"] if quarter is None else summary["quarters"][quarter]
    return f"{100 * rate:.1f} %"


def results(n: int, seed: int) -> dict[str, Any]:
    """The whole results file: name, how it was made, data and the rendered table."""
    data = measure(n, seed)
    flags = (f" --n {n}" if n != N else "") + (f" --seed {seed}" if seed != SEED else "")
    return {"name": "sorter_keep_rates", "generated_by": f"python bench/keep_rates.py{flags}",
            "data": data,
            "snippets": {"table": render_table(data)}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=N)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    out = results(args.n, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf8")
    print(out["snippets"]["table"], end="")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
