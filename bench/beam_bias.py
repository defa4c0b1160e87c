"""Benchmark: why spaCy's beam disagrees with the greedy parse, measured on CoNLL sentences.

Usage: python bench/beam_bias.py [--conll PATH] [--model NAME] [--n 300]
       [--out docs/results/beam_bias.json]

For the first N sentences, with the model's NER alone: (1) the best parse of spaCy's beam
(`beam_parse` + `get_beam_parses`, width 16) and of the lattice (Viterbi) against the greedy
parse, over all labels and for ORG, with the ORG spans' mean and longest length; (2) along the
greedy path, the log-partition of the valid moves' raw scores (what spaCy's beam adds to a
parse's score besides the move's log-probability) inside and outside entities; (3) the two
parses of the first sentence, summed raw score against log-probability.
"""

from __future__ import annotations

import _baseline  # noqa: I001  (first: single-threaded BLAS before numpy loads)

import argparse
import json
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from al_ner.models import load_model
from al_ner.scoring._lattice import lattices
from al_ner.stream import read_conll

Ents = list[tuple[int, int, str]]


def walk(nlp: Language, doc: Doc, moves: list[int] | None = None) -> dict[str, Any]:
    """Follow `moves` (default: greedy) step by step: raw scores, log-probabilities, log-partitions."""
    ner = nlp.get_pipe("ner")
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    state, step = ner.moves.init_batch([doc])[0], ner.model.predict([doc])
    taken, raw, logp, inside, outside = [], 0.0, 0.0, [], []
    while not state.is_final():
        scores = step.predict([state])[0].astype(np.float64)
        valid = np.array([ner.moves.is_valid(state, name) for name in names])
        move = int(np.argmax(np.where(valid, scores, -np.inf))) if moves is None else moves[len(taken)]
        log_z = float(np.log(np.exp(scores[valid] - scores[valid].max()).sum()) + scores[valid].max())
        (inside if state.entity_is_open() else outside).append(log_z)
        raw, logp = raw + scores[move], logp + scores[move] - log_z
        taken.append(move)
        ner.moves.apply_transition(state, names[move])
    step.clear_memory()
    return {"moves": taken, "raw": raw, "logp": logp, "inside": inside, "outside": outside}


def best_parses(nlp: Language, docs: list[Doc]) -> tuple[list[Ents], list[Ents], list[list[int]]]:
    ner = nlp.get_pipe("ner")
    beam_best, lattice_best, histories = [], [], []
    for start in range(0, len(docs), 64):
        batch = [doc.copy() for doc in docs[start:start + 64]]
        for beam in ner.beam_parse(batch, beam_width=16, beam_density=0.0001):
            beam_best.append(sorted(ner.moves.get_beam_parses(beam)[0][1]))
            histories.append(list(beam.histories[0]))
        lattice_best += [lattice.best()[1] for lattice in lattices(ner, batch)]
    return beam_best, lattice_best, histories


def agreement(parses: list[Ents], greedy: list[Ents], label: str | None = None) -> int:
    keep = (lambda ents: [e for e in ents if e[2] == label]) if label else (lambda ents: ents)
    return sum(keep(a) == keep(b) for a, b in zip(parses, greedy))


def lengths(parses: list[Ents], label: str) -> dict[str, float]:
    spans = [e - s for ents in parses for s, e, lab in ents if lab == label]
    return {"mean": float(np.mean(spans)) if spans else 0.0, "longest": max(spans, default=0)}


def measure(nlp: Language, docs: list[Doc], label: str) -> dict[str, Any]:
    ner = nlp.get_pipe("ner")
    greedy = [sorted((e.start, e.end, e.label_) for e in d.ents) for d in ner.pipe([d.copy() for d in docs])]
    beam, lattice, histories = best_parses(nlp, docs)
    walks = [walk(nlp, doc.copy()) for doc in docs]
    first_beam = walk(nlp, docs[0].copy(), histories[0])
    return {"sentences": len(docs), "label": label,
            "agree": {name: {"all": agreement(p, greedy), label: agreement(p, greedy, label)}
                      for name, p in (("spacy-beam", beam), ("lattice", lattice))},
            "lengths": {name: lengths(p, label) for name, p in
                        (("greedy", greedy), ("spacy-beam", beam), ("lattice", lattice))},
            "log_z": {"inside": float(np.mean([z for w in walks for z in w["inside"]])),
                      "outside": float(np.mean([z for w in walks for z in w["outside"]]))},
            "example": {"text": docs[0].text, "greedy": greedy[0], "spacy_beam": beam[0],
                        "greedy_raw": walks[0]["raw"], "greedy_logp": walks[0]["logp"],
                        "beam_raw": first_beam["raw"], "beam_logp": first_beam["logp"]}}


def render(d: dict[str, Any]) -> str:
    n, label, ex = d["sentences"], d["label"], d["example"]
    rows = [f"| best parse of | = greedy parse, all labels | = greedy parse, {label} | {label} spans: mean "
            "length, longest |", "|---|---|---|---|"]
    for name in ("spacy-beam", "lattice"):
        a, ln = d["agree"][name], d["lengths"][name]
        rows.append(f"| {name} | {a['all']} of {n} | {a[label]} of {n} | {ln['mean']:.1f}, {ln['longest']} |")
    g = d["lengths"]["greedy"]
    rows.append(f"| (greedy) | | | {g['mean']:.1f}, {g['longest']} |")
    return ("\n".join(rows) + f"\n\nAlong the greedy path, the log-partition of the valid moves' raw scores "
            f"averages {d['log_z']['inside']:.1f} inside an entity and {d['log_z']['outside']:.1f} outside "
            f"({d['model']}, first {n} CoNLL test sentences). On \"{ex['text'].strip()}\" the greedy parse is "
            f"{ex['greedy']} (raw sum {ex['greedy_raw']:.1f}, log-probability {ex['greedy_logp']:.2f}); "
            f"spaCy's beam ranks first {ex['spacy_beam']} (raw sum {ex['beam_raw']:.1f}, log-probability "
            f"{ex['beam_logp']:.2f}).")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conll", type=Path, default=_baseline.CONLL)
    parser.add_argument("--model", default="en_core_web_md")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--label", default="ORG")
    parser.add_argument("--out", type=Path, default=None, help="write a results file (JSON) here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    nlp = load_model(args.model)
    docs = [Doc(nlp.vocab, words=[t["text"] for t in task["tokens"]])
            for task in islice(read_conll(args.conll), args.n)]
    data = {"model": args.model, **measure(nlp, docs, args.label)}
    table = render(data)
    print(table)
    if args.out is not None:
        args.out.write_text(json.dumps({"name": "beam_bias", "generated_by": "python bench/beam_bias.py --out "
                                        "docs/results/beam_bias.json", "data": data,
                                        "snippets": {"table": table}}, indent=2, default=list) + "\n",
                            encoding="utf8")


if __name__ == "__main__":
    main()
