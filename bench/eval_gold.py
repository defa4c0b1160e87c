"""What evaluation gold built from answers is worth: the base models scored on a dev split two ways.

Usage: python bench/eval_gold.py [--n 1000] [--seed 0] [--out docs/results/eval_gold.json]

Takes N random CoNLL valid sentences and two kinds of ORG answers for them: complete ones
(ner_manual, the gold ORG spans) and binary ones (en_core_web_md's own ORG proposals, accepted
when exactly gold). For each, a dev split is built

  with the training fill: what data-to-spacy wrote before (fill="model": the base model's own
      predictions for the labels nobody annotated), scored as it was: complete gold on every
      label, rejected spans ignored (missing tokens, spaCy's rule);
  from the answers alone: what it writes now (convert.eval_docs), scored on the annotated labels;

and en_core_web_sm and en_core_web_md are evaluated on both. Writes a results file (data plus the
table docs/training.md quotes) with --out, and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

from al_ner.models import load_model
from al_ner.stream import read_conll
from al_ner.training import ConversionStats, base_predictor, evaluate, merge_answers
from al_ner.training.convert import eval_docs, groups_to_docs
from al_ner.training.evaluate import eval_set_from_docs

SHARED = Path(os.environ.get("AL_NER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
VALID = SHARED / "corpora" / "conll2003" / "valid.txt"
LABEL = "ORG"
Task = dict[str, Any]


def answers(sample: list[Task], md: Any) -> dict[str, list[Task]]:
    """Complete ORG answers, and md's ORG proposals judged against gold, for the same sentences."""
    manual = [{**task, "spans": [s for s in task["spans"] if s["label"] == LABEL], "_view_id": "ner_manual",
               "answer": "accept"} for task in sample]
    docs = [md.make_doc(task["text"]) for task in sample]
    proposed = base_predictor(md)(docs)
    binary = []
    for task, doc, spans in zip(sample, docs, proposed):
        gold = {(s["start"], s["end"]) for s in task["spans"] if s["label"] == LABEL}
        for start, end, label in spans:
            if label == LABEL:
                span = doc[start:end]
                binary.append({"text": task["text"], "_view_id": "ner", "spans": [
                    {"start": span.start_char, "end": span.end_char, "label": LABEL}],
                    "answer": "accept" if (span.start_char, span.end_char) in gold else "reject"})
    return {"manual": manual, "binary": binary}


def scores(model: Any, tasks: list[Task], fill_model: Any) -> dict[str, dict[str, float]]:
    """The model's ORG P/R/F and micro F on the dev split built each way."""
    groups = merge_answers(tasks)
    filled = groups_to_docs(fill_model, groups, labels=[LABEL], fill="model", predict=base_predictor(fill_model),
                            stats=ConversionStats())
    clean = eval_docs(fill_model, groups, labels=[LABEL], stats=ConversionStats())
    out = {}
    # before: the training conversion, read as complete gold, rejected spans not scored (spaCy's rule)
    before = replace(eval_set_from_docs(filled), incorrect=())
    for name, gold in (("with_fill", before), ("from_answers", eval_set_from_docs(clean, annotated=[LABEL]))):
        result = evaluate(model, gold)
        org = result["labels"].get(LABEL, {"p": 0.0, "r": 0.0, "f": 0.0})
        out[name] = {"p": org["p"], "r": org["r"], "f": org["f"], "micro_f": result["micro"]["f"],
                     "labels_scored": len(result["labels"])}
    return out


def measure(n: int, seed: int) -> dict[str, Any]:
    sample = random.Random(seed).sample(list(read_conll(VALID)), n)
    md = load_model("en_core_web_md")
    models = {"en_core_web_sm": load_model("en_core_web_sm"), "en_core_web_md": md}
    kinds = answers(sample, md)
    rows = [{"answers": kind, "model": name, "n_tasks": len(tasks), **scores(model, tasks, md)}
            for kind, tasks in kinds.items() for name, model in models.items()]
    return {"n": n, "seed": seed, "source": "CoNLL-2003 valid.txt", "rows": rows}


def render_table(data: dict[str, Any]) -> str:
    def prf(s: dict[str, float]) -> str:
        return f"{s['p']:.3f} / {s['r']:.3f} / {s['f']:.3f}"
    lines = ["| answers, base model | ORG P / R / F, with the training fill | from the answers alone "
             "| micro F, with the fill (labels scored) | from the answers (labels scored) |",
             "|---|---|---|---|---|"]
    for row in data["rows"]:
        fill, clean = row["with_fill"], row["from_answers"]
        lines.append(f"| {row['answers']} ({row['n_tasks']:,} answers), {row['model']} | {prf(fill)} | "
                     f"{prf(clean)} | {fill['micro_f']:.3f} ({fill['labels_scored']}) | "
                     f"{clean['micro_f']:.3f} ({clean['labels_scored']}) |")
    return "\n".join(lines) + "\n"


def results(data: dict[str, Any]) -> dict[str, Any]:
    return {"name": "eval_gold", "generated_by": "python bench/eval_gold.py --out docs/results/eval_gold.json",
            "data": data, "snippets": {"table": render_table(data)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = results(measure(args.n, args.seed))
    if args.out is not None:
        args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf8")
    print(out["snippets"]["table"], end="")


if __name__ == "__main__":
    main()
