"""How annotations become training data decides everything: measure it on CoNLL-2003.

Fine-tunes en_core_web_md's NER for a few epochs on 1,000 random CoNLL train sentences whose ORG
answers are converted in different ways, and scores each model on CoNLL test (label-mapped):

  base            en_core_web_md as is
  manual/O        full ORG answers, every other token O
  manual/missing  full ORG answers, other tokens missing + "not ORG" incorrect spans
  manual/missing-nonneg   ... without the incorrect spans (plain missing)
  manual/model    full ORG answers, other tokens get md's own non-ORG entities (pseudo-rehearsal)
  binary/missing  accept/reject of md's own ORG predictions; rejects as incorrect spans
  binary/model    the same, other tokens from md's predictions
  binary/nokey    binary/missing with the NER's incorrect_spans_key left unset (control)

Usage: python bench/conversion.py [--n 1000] [--epochs 5] [--only NAME,NAME] [--out DIR]
       [--results docs/results/conversion.json]
Prints one line per run and writes results.json to --out; --results also writes the results file
(data plus the table README.md and docs/training.md quote).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from al_ner.models import load_model
from al_ner.stream import read_conll, words_to_task
from al_ner.training import (ONTONOTES_TO_CONLL, ConversionStats, EvalSet, answers_to_docs,
                             base_predictor, evaluate, train)
from al_ner.training.convert import NEGATIVE_LEN

CONLL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "conll2003"
CONFIG = Path(__file__).resolve().parents[1] / "configs" / "ner_finetune.cfg"
LABEL = "ORG"


def read_iob(path: Path) -> list[tuple[list[str], list[tuple[int, int, str]]]]:
    """Sentences of a CoNLL file: words and (start, end exclusive, label) token spans."""
    return [([t["text"] for t in task["tokens"]],
             [(s["token_start"], s["token_end"] + 1, s["label"]) for s in task["spans"]])
            for task in read_conll(path)]


def make_task(words: list[str], spans: list[tuple[int, int, str]], view: str, answer: str) -> dict:
    task = words_to_task(words, [(start, end - 1, label) for start, end, label in spans], {})
    del task["meta"]
    return {**task, "_view_id": view, "answer": answer}


def manual_tasks(sample) -> list[dict]:
    return [make_task(w, [s for s in spans if s[2] == LABEL], "ner_manual", "accept")
            for w, spans in sample]


def binary_tasks(nlp, sample) -> list[dict]:
    """md proposes its own ORG entities; the gold annotator accepts exact matches, rejects the rest."""
    eval_set = EvalSet(tuple(tuple(w) for w, _ in sample), tuple(tuple([True] * len(w)) for w, _ in sample),
                       tuple(() for _ in sample))
    predicted = base_predictor(nlp)(eval_set.docs(nlp))
    tasks = []
    for (words, gold), pred in zip(sample, predicted):
        gold_org = {s for s in gold if s[2] == LABEL}
        for span in pred:
            if span[2] == LABEL:
                answer = "accept" if span in gold_org else "reject"
                tasks.append(make_task(words, [span], "ner", answer))
    return tasks


def write(docs, path: Path) -> None:
    db = DocBin()
    for doc in docs:
        db.add(doc)
    db.to_disk(path)


def run(name: str, tasks, fill: str, nlp, test: EvalSet, dev_tasks, work: Path, epochs: int,
        negative_len: int, key: str | None) -> dict:
    stats = ConversionStats()
    predict = base_predictor(nlp) if fill == "model" else None
    t0 = time.time()
    docs = _convert(nlp, tasks, fill, predict, stats, negative_len)
    dev = _convert(nlp, dev_tasks, fill, predict, ConversionStats(), negative_len)
    out = work / name.replace("/", "_")
    out.mkdir(parents=True, exist_ok=True)
    write(docs, out / "train.spacy")
    write(dev, out / "dev.spacy")
    t1 = time.time()
    overrides = {"paths.train": str(out / "train.spacy"), "paths.dev": str(out / "dev.spacy"),
                 "training.max_epochs": epochs, "training.eval_frequency": 10_000}
    if key is None:
        overrides["initialize.after_init"] = None
    result = train(CONFIG, out / "model", overrides=overrides, base_model="en_core_web_md")
    t2 = time.time()
    trained = spacy.load(result.last)
    scores = evaluate(trained, test, label_map=ONTONOTES_TO_CONLL)
    t3 = time.time()
    return {"name": name, "fill": fill, "docs": len(docs), "stats": stats.to_dict(),
            "scores": scores, "seconds": {"convert": t1 - t0, "train": t2 - t1, "evaluate": t3 - t2}}


def _convert(nlp, tasks, fill, predict, stats, negative_len):
    return answers_to_docs(nlp, tasks, labels=[LABEL], fill=fill, predict=predict,
                           negative_len=negative_len, stats=stats)


def line(result: dict) -> str:
    labels = result["scores"]["labels"]
    f = {k: labels[k]["f"] for k in ("ORG", "PER", "LOC")}
    secs = result.get("seconds", {})
    return (f"{result['name']:<26} ORG F1 {f['ORG']:.3f}  PER F1 {f['PER']:.3f}  LOC F1 {f['LOC']:.3f}  "
            f"(P {labels['ORG']['p']:.3f} R {labels['ORG']['r']:.3f}; docs {result.get('docs', '-')}; "
            f"train {secs.get('train', 0):.0f}s, eval {secs.get('evaluate', 0):.0f}s)")


RUNS = {  # name: (answers, fill, negative_len, incorrect_spans_key)
    "manual/O": ("manual", "O", 0, "incorrect_spans"),
    "manual/missing": ("manual", "missing", NEGATIVE_LEN, "incorrect_spans"),
    "manual/missing-noneg": ("manual", "missing", 0, "incorrect_spans"),
    "manual/model": ("manual", "model", 0, "incorrect_spans"),
    "binary/missing": ("binary", "missing", 0, "incorrect_spans"),
    "binary/model": ("binary", "model", 0, "incorrect_spans"),
    "binary/nokey": ("binary", "missing", 0, None),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default="")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=None, help="write the docs results file here")
    args = parser.parse_args()
    spacy.util.fix_random_seed(args.seed)
    nlp = load_model("en_core_web_md")
    train_sents = read_iob(CONLL / "train.txt")
    valid_sents = read_iob(CONLL / "valid.txt")
    test_sents = read_iob(CONLL / "test.txt")
    test = EvalSet(tuple(tuple(w) for w, _ in test_sents),
                   tuple(tuple([True] * (len(w) - 1) + [False]) for w, _ in test_sents),
                   tuple(tuple(s) for _, s in test_sents))
    rng = random.Random(args.seed)
    sample = rng.sample(train_sents, args.n)
    dev_sample = rng.sample(valid_sents, 200)
    answers = {"manual": (manual_tasks(sample), manual_tasks(dev_sample)),
               "binary": (binary_tasks(nlp, sample), binary_tasks(nlp, dev_sample))}
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="al_ner_bench_"))
    results = []
    t0 = time.time()
    base = {"name": "base", "scores": evaluate(nlp, test, label_map=ONTONOTES_TO_CONLL),
            "seconds": {"evaluate": time.time() - t0}}
    print(line(base), flush=True)
    results.append(base)
    only = [n for n in args.only.split(",") if n] or list(RUNS)
    for name in only:
        kind, fill, negative_len, key = RUNS[name]
        tasks, dev_tasks = answers[kind]
        result = run(name, tasks, fill, nlp, test, dev_tasks, out_dir, args.epochs, negative_len, key)
        result["tasks"] = len(tasks)
        print(line(result), flush=True)
        results.append(result)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2))
    if args.results is not None:
        args.results.write_text(json.dumps(results_document(results, args), indent=2) + "\n")
    print(f"results: {out_dir / 'results.json'}", file=sys.stderr)
    return 0


DESCRIPTIONS = {
    "base": "base en_core_web_md (zero-shot)",
    "manual/O": "manual / `O`: other tokens are \"no entity\"",
    "manual/missing": "manual / `missing` + \"not ORG\" incorrect spans",
    "manual/missing-noneg": "manual / plain missing: no negative evidence",
    "manual/model": "manual / `model` (default): the base model's own predictions for the other labels",
    "binary/missing": "binary / `missing` (rejects as incorrect spans)",
    "binary/model": "binary / `model`",
    "binary/nokey": "binary / `missing`, incorrect-spans key unset (rejects ignored)",
}


def results_document(results: list[dict], args: argparse.Namespace) -> dict:
    """The docs results file: every run's scores and the table rendered from them."""
    data = {"n": args.n, "epochs": args.epochs, "seed": args.seed,
            "runs": [{"name": r["name"], "scores": r["scores"]["labels"], "micro": r["scores"]["micro"],
                      "docs": r.get("docs"), "tasks": r.get("tasks"), "seconds": r.get("seconds", {})}
                     for r in results]}
    return {"name": "conversion", "generated_by": "python bench/conversion.py --results docs/results/conversion.json",
            "data": data, "snippets": {"table": render_table(data)}}


def render_table(data: dict) -> str:
    lines = ["| answers / fill | ORG P | ORG R | ORG F1 | PER F1 | LOC F1 | micro F1 |",
             "|---|---|---|---|---|---|---|"]
    for run in data["runs"]:
        s = run["scores"]
        lines.append(f"| {DESCRIPTIONS.get(run['name'], run['name'])} | {s['ORG']['p']:.3f} | {s['ORG']['r']:.3f} | "
                     f"{s['ORG']['f']:.3f} | {s['PER']['f']:.3f} | {s['LOC']['f']:.3f} | {run['micro']['f']:.3f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
