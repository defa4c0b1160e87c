"""Benchmark: what ner.teach asks, with each decoding of the entity probabilities.

Usage: python bench/teach_questions.py [--conll PATH] [--model NAME] [--n 1000] [--label ORG]
       [--seeds 3] [--out docs/results/teach_questions.json]

Runs `ner.teach` on the first N sentences of a CoNLL file, answered by the gold annotator from
the same file, with updates on (the recipe path a user takes), once per decoding (spaCy's beam,
as before; the lattice, now), conversion (fill, constrained) and seed. Run from a checkout of an
earlier revision (whose ner.teach has no --decoding) it measures that revision's ner.teach, as
the "before" rows (--before). Reports per cell:
questions, accept rate, the share of questions of >= 4 and >= 6 tokens and the longest, the
gold's own span lengths, and how often the decoding's best parse of the wanted labels equals
the greedy parse of the model in the loop, measured on every batch the scorer reads.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any

import srsly
from spacy.util import fix_random_seed

import al_ner
from al_ner.controller import run_recipe
from al_ner.scoring import beam as _beam
from al_ner.storage import get_db
from al_ner.stream import read_conll

SHARED = Path(os.environ.get("AL_NER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CONLL = SHARED / "corpora" / "conll2003" / "test.txt"
CELLS = [("spacy-beam", "fill"), ("lattice", "fill"), ("lattice", "constrained")]
BEFORE = [("before", "fill"), ("before", "constrained")]  # an earlier revision's ner.teach as it was


class AgreementProbe:
    """Wraps BeamNER.entity_probs: per doc, does the decoding's best parse equal the greedy one?"""

    def __init__(self) -> None:
        self.same = self.docs = 0
        self._original = _beam.BeamNER.entity_probs

    def __enter__(self) -> AgreementProbe:
        probe, original = self, self._original

        def entity_probs(beam: _beam.BeamNER, docs: list) -> list:
            probs = original(beam, docs)
            probe.count(beam, docs)
            return probs
        _beam.BeamNER.entity_probs = entity_probs  # type: ignore[method-assign]
        return self

    def __exit__(self, *_exc: object) -> None:
        _beam.BeamNER.entity_probs = self._original  # type: ignore[method-assign]

    def count(self, beam: _beam.BeamNER, docs: list) -> None:
        wanted = set(beam.labels)
        if getattr(beam, "decoding", "spacy-beam") == "spacy-beam":
            best = [sorted(max(parses, key=lambda p: p[0])[1]) if parses else []
                    for parses in beam.parses(docs)]
        else:
            from al_ner.scoring._lattice import lattices

            best = [[e for e in lattice.best()[1] if e[2] in wanted]
                    for lattice in lattices(beam.ner, docs, max_len=beam.max_len)]
        greedy = beam.predicted([doc.copy() for doc in docs])
        self.docs += len(docs)
        self.same += sum(sorted(b) == sorted(g) for b, g in zip(best, greedy))


def run_cell(pool: Path, gold: Path, model: str, label: str, decoding: str, conversion: str,
             seed: int) -> dict[str, Any]:
    """One ner.teach session; its questions' statistics and the agreement of best and greedy parse."""
    options = {} if decoding == "before" else {"decoding": decoding}
    with tempfile.TemporaryDirectory() as db, AgreementProbe() as probe:
        fix_random_seed(seed)
        run_recipe("ner.teach", annotator="gold", db=db, batch_size=10, dataset="teach",
                   annotator_options={"gold": str(gold), "gold_loader": "jsonl", "seed": seed},
                   spacy_model=model, source=str(pool), label=label, loader="jsonl",
                   unsegmented=True, conversion=conversion, seed=seed, **options)
        answers = get_db(db).get_answers("teach")
    lengths = [a["spans"][0]["token_end"] - a["spans"][0]["token_start"] + 1
               for a in answers if a.get("spans")]
    return {"decoding": decoding, "conversion": conversion, "seed": seed, "revision": revision(),
            "questions": len(lengths), "accepted": sum(a["answer"] == "accept" for a in answers),
            "ge4": sum(n >= 4 for n in lengths), "ge6": sum(n >= 6 for n in lengths),
            "longest": max(lengths, default=0), "docs": probe.docs, "agree": probe.same,
            "examples": [a["spans"][0]["text"] for a in answers
                         if a.get("spans") and a["spans"][0]["token_end"] - a["spans"][0]["token_start"] >= 5][:5]}


def revision() -> str:
    """The git revision of the al_ner this process imports (+dirty when its tree has changes)."""
    repo = Path(al_ner.__file__).resolve().parents[1]
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "al_ner", "recipes"],
                           capture_output=True, text=True).stdout.strip()
    return head.stdout.strip() + ("+dirty" if dirty else "")


def gold_lengths(tasks: Iterable[dict[str, Any]], label: str) -> dict[str, int]:
    lengths = [s["token_end"] - s["token_start"] + 1 for t in tasks for s in t.get("spans", [])
               if s["label"] == label]
    return {"spans": len(lengths), "ge4": sum(n >= 4 for n in lengths),
            "ge6": sum(n >= 6 for n in lengths), "longest": max(lengths, default=0)}


def summary(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (decoding, conversion): the runs pooled, with the spread over seeds."""
    out = []
    for decoding, conversion in BEFORE + CELLS:
        cell = [r for r in runs if r["decoding"] == decoding and r["conversion"] == conversion]
        if not cell:
            continue
        total = {key: sum(r[key] for r in cell) for key in ("questions", "accepted", "ge4", "ge6", "docs", "agree")}
        out.append({"decoding": decoding, "conversion": conversion, "seeds": len(cell), **total,
                    "revision": cell[0]["revision"],
                    "longest": max(r["longest"] for r in cell),
                    "agree_share": total["agree"] / total["docs"],
                    "ge6_share": total["ge6"] / max(1, total["questions"]),
                    "ge4_share": total["ge4"] / max(1, total["questions"]),
                    "accept_share": total["accepted"] / max(1, total["questions"]),
                    "ge6_share_by_seed": [r["ge6"] / max(1, r["questions"]) for r in cell],
                    "agree_share_by_seed": [r["agree"] / max(1, r["docs"]) for r in cell]})
    return out


def render(data: dict[str, Any]) -> str:
    rows = ["| decoding | binary answers become | questions | accepted | >= 4 tokens | >= 6 tokens "
            "| longest | best parse = greedy |", "|---|---|---|---|---|---|---|---|"]
    for c in data["cells"]:
        spread = statistics.pstdev(c["ge6_share_by_seed"]) if len(c["ge6_share_by_seed"]) > 1 else 0.0
        name = f"before: {c['revision']}'s" if c["decoding"] == "before" else c["decoding"]
        rows.append(f"| {name} | {c['conversion']} | {c['questions']:,} | "
                    f"{c['accept_share']:.0%} | {c['ge4_share']:.1%} | {c['ge6_share']:.1%} "
                    f"(sd over seeds {spread:.1%}) | {c['longest']} | {c['agree_share']:.1%} |")
    g = data["gold"]
    rows.append("\nBefore: the revision's own ner.teach (spaCy's beam; a rejected span's tokens left "
                "missing by the fill). spacy-beam: spaCy's beam with today's fill (rejected spans O).")
    rows.append(f"\nGold {data['label']} spans in these {data['sentences']:,} sentences: {g['spans']:,}; "
                f"{g['ge4']} of >= 4 tokens, {g['ge6']} of >= 6, the longest {g['longest']}. "
                f"{data['model']}, ner.teach with the gold annotator and updates on, "
                f"{data['seeds']} seeds per row (questions pooled).")
    return "\n".join(rows)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conll", type=Path, default=CONLL)
    parser.add_argument("--model", default="en_core_web_md")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--label", default="ORG")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="write a results file (JSON) here")
    parser.add_argument("--before", type=Path, default=None,
                        help="measure this checkout's ner.teach as it is (an earlier revision) and add its rows "
                        "to the results file --out, which this revision's run wrote")
    args = parser.parse_args(list(argv) if argv is not None else None)
    tasks = list(islice(read_conll(args.conll), args.n))
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        pool, gold = Path(tmp) / "pool.jsonl", Path(tmp) / "gold.jsonl"
        srsly.write_jsonl(pool, [{"text": t["text"], "tokens": t["tokens"]} for t in tasks])
        srsly.write_jsonl(gold, [{**t, "spans": [s for s in t.get("spans", []) if s["label"] == args.label]}
                                 for t in tasks])
        for seed in range(args.seeds):
            for decoding, conversion in (BEFORE if args.before else CELLS):
                runs.append(run_cell(pool, gold, args.model, args.label, decoding, conversion, seed))
                print(json.dumps({k: v for k, v in runs[-1].items() if k != "examples"}), flush=True)
    if args.before:
        runs += [r for r in json.loads(args.before.read_text())["data"]["runs"] if r["decoding"] != "before"]
    data = {"model": args.model, "label": args.label, "sentences": len(tasks), "seeds": args.seeds,
            "gold": gold_lengths(tasks, args.label), "cells": summary(runs), "runs": runs}
    table = render(data)
    print(table)
    if args.out is not None:
        results = {"name": "teach_questions", "generated_by": "python bench/teach_questions.py --out "
                   "docs/results/teach_questions.json", "data": data, "snippets": {"table": table}}
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf8")


if __name__ == "__main__":
    main()
