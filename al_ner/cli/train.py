"""train and evaluate: thin wrappers around al_ner.training.train / evaluate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import srsly
import typer
from spacy.cli._util import parse_config_overrides

from ..errors import ConfigError, InputError
from ..models import load_model
from ..storage import get_db
from ..training import (DEFAULT_CONFIG, DEFAULT_FILL, FILLS, LABEL_MAPS, EvalSet, TrainResult,
                        data_to_spacy, eval_set_from_answers, eval_set_from_tasks)
from ..training import evaluate as evaluate_model
from ..training import train as train_model
from ..training.corpus import dev_warnings, gold_labels_path
from ..training.curve import Curve, SpacyCurveSteps, train_curve
from ..stream.loaders import DATASET_PREFIX, get_stream, infer_loader, looks_like_conll
from ..training.evaluate import NOT_SCORED_REASONS, label_hints, model_labels, read_eval_docbin
from ._app import DB_OPTION_HELP, app, split_names


@app.command("train", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def train_cli(
    ctx: typer.Context,
    output_dir: Annotated[Path, typer.Argument(help="Where model-last and model-best go")],
    config: Annotated[Path, typer.Option("--config", "-c", help="spaCy training config")] = DEFAULT_CONFIG,
    base_model: Annotated[str, typer.Option(
        "--base-model", help="Pipeline the config sources its components from")] = "en_core_web_md",
    gpu_id: Annotated[int, typer.Option("--gpu-id", help="GPU id, -1 for CPU")] = -1,
    label: Annotated[str, typer.Option(
        "--label", help="Labels the dev scores cover, comma-separated (default: those "
                        "data-to-spacy recorded beside paths.dev; without a record, all)")] = "",
) -> None:
    """Fine-tune a pipeline with spaCy; config overrides as extra flags (--paths.train X.spacy)."""
    overrides = parse_config_overrides(ctx.args)
    result = train_model(config, output_dir, overrides=overrides, base_model=base_model,
                         use_gpu=gpu_id, stdout=sys.stdout, labels=split_names(label) or None)
    typer.echo(f"✔ Saved {result.last}" + (f" and {result.best}" if result.best else ""))
    line = best_line(result)
    if line:
        typer.echo(line)


def best_line(result: TrainResult) -> str | None:
    """Which evaluation model-best holds, beside the dev score before training."""
    best, before = result.best_evaluation, result.before_training
    if best is None:
        return None
    line = f"  model-best: epoch {best.epoch}, step {best.step}, dev score {best.score:.3f}"
    if before is not None:
        line += f" (before training: {before.score:.3f})"
    return line


@app.command("train-curve", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def train_curve_cli(
    ctx: typer.Context,
    output_dir: Annotated[Path, typer.Argument(help="Where the corpus, the models and curve.json go")],
    ner: Annotated[str, typer.Option("--ner", help="NER dataset(s), comma-separated")],
    db: Annotated[str | None, typer.Option("--db", help=DB_OPTION_HELP, show_default=False)] = None,
    eval_split: Annotated[float, typer.Option("--eval-split", help="Share of inputs held out for dev")] = 0.2,
    eval_ner: Annotated[str, typer.Option("--eval-ner", help="Dataset(s) for dev instead of a split")] = "",
    base_model: Annotated[str, typer.Option("--base-model", help="Pipeline to fine-tune")] = "en_core_web_md",
    config: Annotated[Path, typer.Option("--config", "-c", help="spaCy training config")] = DEFAULT_CONFIG,
    label: Annotated[str, typer.Option("--label", help="Labels, comma-separated (default: answered)")] = "",
    fill: Annotated[str, typer.Option("--fill", help=f"Tokens outside the answers: {', '.join(FILLS)}")] = DEFAULT_FILL,
    shares: Annotated[str, typer.Option("--shares", help="Shares of the training data")] = "0.25,0.5,0.75,1",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the split and of the shares' order")] = 0,
) -> None:
    """Train on 25/50/75/100 % of the answers and say whether the last share still helps."""
    overrides = parse_config_overrides(ctx.args)
    summary = data_to_spacy(output_dir / "corpus", split_names(ner), db=get_db(db),
                            nlp=load_model(base_model), labels=split_names(label) or None,
                            eval_split=eval_split, seed=seed, fill=fill,
                            eval_datasets=split_names(eval_ner) or None)
    for warning in dev_warnings(summary):
        typer.echo(f"⚠ {warning}")
    steps = SpacyCurveSteps(config, base_model=base_model, overrides=overrides, labels=summary["labels"])
    curve = train_curve(output_dir / "corpus" / "train.spacy", output_dir / "corpus" / "dev.spacy",
                        output_dir, steps, shares=_shares(shares), seed=seed)
    for line in curve_lines(curve):
        typer.echo(line)
    srsly.write_json(output_dir / "curve.json", [vars(point) for point in curve.points])


def _shares(value: str) -> list[float]:
    try:
        return [float(part) for part in split_names(value)]
    except ValueError:
        raise ConfigError(f"--shares must be numbers like 0.25,0.5,0.75,1, got {value!r}") from None


def curve_lines(curve: Curve) -> list[str]:
    """The curve as a table, then whether the last share helped."""
    lines, before = [], None
    for point in curve.points:
        change = "" if before is None else f"  ({point.f - before:+.3f})"
        lines.append(f"{point.share:>5.0%}  {point.docs:>6} docs  F {point.f:.3f}{change}")
        before = point.f
    gain = curve.last_gain
    if gain is not None and curve.still_helps:
        lines.append(f"✔ The last share improved F by {gain:+.3f}: more annotations like these "
                     "will likely improve the model further.")
    elif gain is not None:
        lines.append(f"⚠ The last share didn't improve F ({gain:+.3f}): more of the same may not "
                     "help; look at other labels, other texts, or the answers' quality.")
    return lines


@app.command("evaluate")
def evaluate_cli(
    model: Annotated[str, typer.Argument(help="Pipeline to score (package name or directory)")],
    data: Annotated[str, typer.Argument(help="Gold data: .spacy, a file the loaders read (.jsonl "
                                             "tasks with spans, .conll/.iob, --loader), or "
                                             "dataset:NAME (answers, as data-to-spacy's dev set)")],
    label_map: Annotated[str, typer.Option(
        "--label-map", help=f"Model -> gold labels: {', '.join(LABEL_MAPS)} or a JSON file")] = "none",
    loader: Annotated[str | None, typer.Option(
        "--loader", help="Loader for non-.spacy data, e.g. conll for CoNLL .txt files", show_default=False)
    ] = None,
    label: Annotated[str, typer.Option(
        "--label", help="Score only these gold labels, comma-separated (default: every label "
                        "the gold set annotates)")] = "",
    output: Annotated[Path | None, typer.Option("--output", help="Write the scores as JSON")] = None,
    db: Annotated[str | None, typer.Option("--db", help=DB_OPTION_HELP, show_default=False)] = None,
) -> None:
    """Per-label precision, recall and F1 of a pipeline's NER on gold data."""
    nlp = load_model(model)
    if data.startswith(DATASET_PREFIX):
        gold, where = read_gold_answers(data, nlp, db=db), f"the answers in {data}"
    else:
        chosen = gold_loader(Path(data), loader)
        if chosen == "conll" and loader is None:
            typer.echo(f"ℹ reading {data} as CoNLL columns (it looks like them; --loader to choose)")
        gold, where = read_gold(Path(data), nlp, loader=chosen), str(gold_labels_path(data))
    mapping = resolve_label_map(label_map)
    scores = evaluate_model(nlp, gold, label_map=mapping, labels=split_names(label) or None)
    for name, prf in [*scores["labels"].items(), ("micro", scores["micro"])]:
        typer.echo(f"{name:<10} P {prf['p']:.3f}  R {prf['r']:.3f}  F {prf['f']:.3f}  "
                   f"(support {prf['support']})")
    for line in label_lines(scores, gold, where):
        typer.echo(line)
    for hint in label_hints(scores, gold, model_labels(nlp), label_map=mapping,
                            requested=bool(split_names(label))):
        typer.echo(f"ℹ {hint}")
    if output is not None:
        srsly.write_json(output, scores)


def label_lines(scores: dict[str, Any], gold: EvalSet, where: str) -> list[str]:
    """Which labels were scored (and, for gold that annotates some labels, `where` says so),
    and each group left out with the reason."""
    lines = [f"scored: {', '.join(scores['labels']) or 'no label'}"]
    if gold.annotated is not None:
        lines[0] += f" (the gold set annotates {', '.join(gold.annotated)}, per {where})"
    for reason, text in NOT_SCORED_REASONS.items():
        left_out = [name for name, why in scores["not_scored"].items() if why == reason]
        if left_out:
            lines.append(f"not scored ({text}): {', '.join(left_out)}")
    return lines


def read_gold_answers(source: str, nlp: Any, *, db: str | None) -> EvalSet:
    """A stored dataset's answers ("dataset:NAME", the source the recipes read) as gold."""
    gold = eval_set_from_answers(nlp, get_stream(source, db=get_db(db)))
    if not gold.annotated:
        raise InputError(f"{source} holds no accepted or rejected spans, so nothing can be "
                         "scored; check the dataset name (al-ner stats NAME)")
    return gold


def resolve_label_map(value: str) -> dict[str, str] | None:
    """A named label map (ontonotes-conll, none) or a JSON file of {model label: gold label}."""
    if value in LABEL_MAPS:
        return LABEL_MAPS[value]
    path = Path(value)
    if not path.is_file():
        raise ConfigError(f"unknown label map {value!r}; use one of {', '.join(LABEL_MAPS)} "
                          "or a JSON file")
    mapping: Any = srsly.read_json(path)
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise InputError("expected a JSON object of model label -> gold label", path=str(path))
    return mapping


def gold_loader(path: Path, loader: str | None) -> str | None:
    """The loader to read gold data with: as given, or, for a .txt file (plain text holds no
    gold), CoNLL when it looks like CoNLL columns; a ConfigError otherwise."""
    if loader is not None or path.suffix == ".spacy" or not path.is_file():
        return loader
    if infer_loader(str(path)) != "txt":
        return None
    if looks_like_conll(path):
        return "conll"
    raise ConfigError(f"{path} reads as plain text, which holds no gold entities; pass gold data "
                      "(.spacy, .jsonl tasks with spans, CoNLL columns) or --loader NAME")


def read_gold(path: Path, nlp: Any, *, loader: str | None = None) -> EvalSet:
    """Gold data as an EvalSet: a DocBin (with the labels recorded beside it), or tasks (with gold
    spans) from the stream loaders; gold without a single entity is refused (nothing to score)."""
    if not path.is_file():
        raise InputError("gold data file not found; pass a .spacy, .jsonl or .conll file", path=str(path))
    if path.suffix == ".spacy" and loader is None:
        return read_eval_docbin(path, nlp.vocab)
    gold = eval_set_from_tasks(nlp, get_stream(str(path), loader=loader))
    if not gold.labels():
        raise InputError(f"no gold entities in {len(gold)} documents read with loader "
                         f"'{loader or infer_loader(str(path))}', so nothing can be scored; check "
                         "the file and --loader (conll for CoNLL columns)", path=str(path))
    return gold
