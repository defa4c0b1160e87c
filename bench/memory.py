"""Benchmark: memory while streaming a million lines, and the ner.teach stream's memory over time.

Usage: python bench/memory.py [--lines 1000000] [--model en_core_web_md] [--teach-lines 20000]
       [--out docs/results/bench_memory.json]

(a) get_stream over a generated JSONL of --lines lines, RSS sampled every 10% of the way;
    (a') + add_tokens, where spaCy's own vocab grows with every new word; (a'') the loader +
    filter_duplicates, whose set of seen hashes grows by one int per distinct input;
(b) the full ner.teach stream (EntityScorer beam 16 + prefer_uncertain, --model) over the first
    --teach-lines lines of the same file: RSS sampled every 10%.
Prints the samples and, last, `rss growth: X.XX` (last sample / first sample of (a)); flat is ~1.
With --out, also writes a results file (the samples and the sentence README.md quotes).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from al_ner import EntityScorer, add_tokens, filter_duplicates, get_stream, load_model, prefer_uncertain

WORDS = ("Acme", "Corp", "said", "on", "Monday", "that", "its", "profit", "rose", "in", "Boston",
         "after", "talks", "with", "Globex", "and", "the", "union", "ended")


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_lines(path: Path, n: int) -> None:
    with path.open("w", encoding="utf8") as f:
        for i in range(n):
            words = [WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(8 + i % 17)]
            f.write(json.dumps({"text": " ".join(words) + f" number {i} ."}) + "\n")


def sample(stream: Iterator, total: int, label: str) -> list[float]:
    step, samples, start = max(1, total // 10), [], time.perf_counter()
    for i, _ in enumerate(stream, 1):
        if i % step == 0:
            samples.append(rss_mib())
            print(f"  {label}: {i:>9,} tasks  rss {samples[-1]:7.1f} MiB  {time.perf_counter() - start:6.1f} s")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--model", default="en_core_web_md")
    parser.add_argument("--teach-lines", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    data: dict = {"lines": args.lines, "model": args.model, "teach_lines": args.teach_lines}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "lines.jsonl"
        write_lines(source, args.lines)
        blank = load_model("blank:en")
        print(f"(a) the JSONL loader over {args.lines:,} lines")
        flat = data["loader"] = sample(get_stream(str(source)), args.lines, "loader")
        print("(a') + add_tokens (blank:en): every line has a new word, so spaCy's vocab grows")
        data["tokens"] = sample(add_tokens(blank, get_stream(str(source))), args.lines, "tokens")
        data["strings"] = len(blank.vocab.strings)
        print(f"     strings in the vocab afterwards: {data['strings']:,}")
        print("(a'') + filter_duplicates (keeps one 32-bit hash per distinct input)")
        stream = filter_duplicates(get_stream(str(source)), by_input=True)
        data["dedup"] = sample(stream, args.lines, "dedup")
        nlp = load_model(args.model)
        print(f"(b) ner.teach stream ({args.model}, beam 16) over {args.teach_lines:,} lines")
        teach = prefer_uncertain(EntityScorer(nlp, ["ORG"])(
            add_tokens(nlp, islice(get_stream(str(source)), args.teach_lines))))
        data["teach"] = sample(islice(teach, args.teach_lines // 4), args.teach_lines // 4, "teach questions")
        data["questions"] = args.teach_lines // 4
    if args.out is not None:
        args.out.write_text(json.dumps(results(data), indent=2) + "\n", encoding="utf8")
    print(f"rss growth (loader): {flat[-1] / flat[0]:.2f}")


def results(data: dict) -> dict:
    """The results file: the RSS samples and the sentences README.md quotes, rendered from them."""
    return {"name": "bench_memory", "generated_by": "python bench/memory.py --out docs/results/bench_memory.json",
            "data": data, "snippets": {"summary": render_summary(data)}}


def render_summary(d: dict) -> str:
    loader, tokens, dedup, teach = d["loader"], d["tokens"], d["dedup"], d["teach"]
    low, high = f"{min(loader):,.0f}", f"{max(loader):,.0f}"
    return (f"Streaming a generated {d['lines']:,}-line JSONL, the loader alone stays at "
            f"{low if low == high else low + '–' + high} MiB RSS from the first tenth to the last "
            f"(growth {loader[-1] / loader[0]:.2f}). "
            f"Two things do grow, by design: `add_tokens` adds every new word to spaCy's vocab (this file has "
            f"a new word on every line: {d['strings']:,} strings, {tokens[-1]:,.0f} MiB at the end), and "
            f"`filter_duplicates` keeps one hash per distinct input ({dedup[0]:,.0f} → {dedup[-1]:,.0f} MiB). "
            f"The ner.teach stream over {d['model']} stays at {min(teach):,.0f}–{max(teach):,.0f} MiB across "
            f"{len(teach)} samples of {d['questions']:,} questions.")


if __name__ == "__main__":
    main()
