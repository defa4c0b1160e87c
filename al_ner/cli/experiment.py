"""al-ner experiment ...: the experiment's steps (project.yml calls them). Each command parses its
flags, calls one step of al_ner.experiment (which returns data) and prints what it did."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import srsly
import typer

from ..cost import GAP_CAP
from ..experiment.data.layout import META, RESULTS
from ._app import DB_OPTION_HELP, app, say

HELP = "Experiments: simulate manual vs active annotation, or compare real annotation runs, at equal cost."
experiment_app = typer.Typer(name="experiment", no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                             help=HELP)
app.add_typer(experiment_app, name="experiment", short_help=HELP)


def _bar(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="ckpt", dynamic_ncols=True)


@experiment_app.command("prepare")
def prepare_cli(
    spec: Annotated[Path, typer.Argument(help="Corpus spec (corpora/news.json, corpora/conll2003.json), or one "
                                              "labeled corpus file (.iob/.conll/.txt: CoNLL columns, IOB1 or "
                                              "IOB2) to split by document")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write pool.iob, dev.iob, test.iob, splits.json")],
    path: Annotated[Optional[str], typer.Option(help="Folder with the split files (overrides the spec)")] = None,
    datasets_id: Annotated[Optional[str], typer.Option(help="Read this Hugging Face datasets id instead")] = None,
    dev_size: Annotated[int, typer.Option(help="Draw the unbiased dev set from the pool (0: use the spec's dev)")] = 0,
    pool_size: Annotated[int, typer.Option(help="Keep a random subset of the pool (0: all)")] = 0,
    test_share: Annotated[float, typer.Option(help="One corpus file: share of its sentences in test (whole documents)")] = 0.2,
    dev_share: Annotated[float, typer.Option(help="One corpus file: share of its sentences in dev (whole documents)")] = 0.1,
    seed: Annotated[int, typer.Option(help="Seed for drawing dev, the documents of each split and the pool subset")] = 0,
) -> None:
    """Read a labeled corpus and write its splits, with no sentence shared by hash.

    Given one corpus file, its documents (-DOCSTART- lines, before or after each document) are
    split at random into test, dev and pool, and the files keep the document ids, so the
    report's bootstrap resamples documents.
    """
    from ..experiment.data.gold_corpus import GOLD_SUFFIXES, load_spec
    from ..experiment.data.splits import prepare_corpus, prepare_file

    if spec.suffix in GOLD_SUFFIXES:
        summary = prepare_file(spec, out_dir, test_share=test_share, dev_share=dev_share,
                               pool_size=pool_size or None, seed=seed)
    else:
        summary = prepare_corpus(load_spec(spec), out_dir, path=path, datasets_id=datasets_id or None,
                                 dev_size=dev_size, pool_size=pool_size or None, seed=seed)
    sizes = ", ".join(f"{k} {v}" for k, v in summary["sizes"].items())
    docs = summary.get("documents") or {}
    sizes += f" sentences ({', '.join(f'{k} {v}' for k, v in docs.items())} documents)" if any(docs.values()) \
        else " sentences"
    dropped = ", ".join(f"{k} {v}" for k, v in summary["removed"].items() if v) or "nothing"
    say(f"✔ {summary['corpus']} -> {out_dir}: {sizes}; dropped: {dropped}")


@experiment_app.command("simulate")
def simulate_cli(
    corpus_dir: Annotated[Path, typer.Argument(help="Prepared corpus (al-ner experiment prepare)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write results.jsonl, meta.json and the runs")],
    config: Annotated[Optional[Path], typer.Option(help="Experiment config, e.g. configs/experiment/news.cfg")] = None,
    base_model: Annotated[Optional[str], typer.Option(help="Base pipeline, e.g. en_core_web_sm")] = None,
    labels: Annotated[Optional[str], typer.Option(help="Labels to annotate (the model's names), comma-separated")] = None,
    strategies: Annotated[Optional[str], typer.Option(help="random,active-full,active-binary")] = None,
    budget_unit: Annotated[Optional[str], typer.Option(help="Unit of the checkpoints: answers, sentences, tokens or minutes")] = None,
    budgets: Annotated[Optional[str], typer.Option(help="Checkpoints of cumulative cost in the budget unit, e.g. 1500,3500,7000,14000")] = None,
    seeds: Annotated[Optional[int], typer.Option(help="Number of seeds (0..N-1)")] = None,
    pool_share: Annotated[Optional[float], typer.Option(help="Share of the pool each seed draws (its own sample)")] = None,
    noise: Annotated[Optional[float], typer.Option(help="Chance that the annotator gets a decision wrong")] = None,
    fill: Annotated[Optional[str], typer.Option(help="Labels nobody annotated: missing, O or model")] = None,
    max_epochs: Annotated[Optional[int], typer.Option(help="Epochs per fine-tune")] = None,
    dev_share: Annotated[Optional[float], typer.Option(help="Share of each run's answers held out as its dev split")] = None,
    backend: Annotated[str, typer.Option(help="Where the runs compute: local (one after the other here) or ray (one Ray task each)")] = "local",
    address: Annotated[Optional[str], typer.Option(envvar="RAY_ADDRESS", help="With --backend ray: the cluster, e.g. 10.0.0.1:6379 (default: $RAY_ADDRESS, else the local cluster or a new one)")] = None,
    cpus_per_run: Annotated[float, typer.Option(help="With --backend ray: CPUs each run reserves")] = 1.0,
    gpus_per_run: Annotated[float, typer.Option(help="With --backend ray: GPUs each run reserves (for steps that use one)")] = 0.0,
    scored_pool: Annotated[Optional[Path], typer.Option(help="al-ner score's output for the corpus's pool.iob (base model, labels): strategies with pre_scored = true rank by it while the base model asks")] = None,
) -> None:
    """Simulate annotation with each strategy through the recipes, fine-tune at each budget, score."""
    from ..experiment.data.config import load_config
    from ..experiment.run.simulate import simulation

    cfg = load_config(config, base_model=base_model, labels=labels, strategies=strategies,
                      budget_unit=budget_unit, budgets=budgets, seeds=seeds, pool_share=pool_share,
                      noise=noise, fill=fill, max_epochs=max_epochs, dev_share=dev_share)
    experiment = simulation(cfg, corpus_dir, out_dir, backend=backend, address=address or None,
                            cpus_per_run=cpus_per_run, gpus_per_run=gpus_per_run, scored_pool=scored_pool,
                            progress=_bar)
    say(f"ℹ {cfg.base_model}, labels {','.join(cfg.labels)}: {len(cfg.strategies)} strategies x "
        f"{len(cfg.seeds)} seeds x {len(cfg.budgets)} checkpoints in {cfg.budget_unit}, backend {backend}")
    rows = experiment.run()
    meta = srsly.read_json(out_dir / META)
    stages = ", ".join(f"{k} {v:.0f}s" for k, v in experiment.timer.seconds.items())
    say(f"✔ {len(rows)} rows -> {out_dir / RESULTS}; {meta['runs_reused']} of {meta['runs']} runs reused; "
        f"compute {stages}")


@experiment_app.command("report")
def report_cli(
    results_dir: Annotated[Path, typer.Argument(help="Folder with results.jsonl and meta.json (simulate's output)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write report.md, results.json and plots/")],
    splits: Annotated[Optional[Path], typer.Option(help="splits.json of the prepared corpus (sizes for the report)")] = None,
    title: Annotated[str, typer.Option(help="Report title")] = "",
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates")] = 2000,
    diagnose_corpus: Annotated[Optional[Path], typer.Option(help="The prepared corpus (corpus/news): add a diagnosis section, each strategy's seed-0 answers against random's")] = None,
) -> None:
    """Write the Markdown report (verdict, tables, intervals), the results file and the plots."""
    from ..experiment.render.report import write_report

    written = write_report(results_dir, out_dir, splits=splits, title=title, bootstrap=bootstrap,
                           diagnose_corpus=diagnose_corpus)
    say(f"✔ {written.report}, {written.results} and {len(written.plots)} plots")


@experiment_app.command("recommend")
def recommend_cli(
    results_dir: Annotated[Path, typer.Argument(help="simulate's output (results.jsonl, meta.json, runs/)")],
    report_dir: Annotated[Path, typer.Argument(help="The report's folder (results.json)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write results.json")],
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates")] = 2000,
) -> None:
    """Choose a default on the unbiased dev set; check the targets; the health check's coverage."""
    from ..experiment.render.recommend import write_recommendation

    document = write_recommendation(results_dir, report_dir, out_dir, bootstrap=bootstrap)
    say(f"✔ {out_dir / 'results.json'}: recommended {document['data']['recommended']}")


@experiment_app.command("demo")
def demo_cli(
    pool: Annotated[Path, typer.Argument(help="Gold sentences to annotate (IOB), e.g. corpus/news/pool.iob")],
    db_dir: Annotated[Path, typer.Argument(help="Database directory to write the datasets to")],
    datasets: Annotated[str, typer.Option(help="DATASET:STRATEGY pairs, e.g. news_manual:random,news_teach:active-binary")],
    answers: Annotated[int, typer.Option(help="Answers per dataset (fewer if the pool runs out)")] = 200,
    config: Annotated[Optional[Path], typer.Option(help="Experiment config with the strategies and label map")] = None,
    base_model: Annotated[Optional[str], typer.Option(help="Pipeline the recipes load")] = None,
    labels: Annotated[Optional[str], typer.Option(help="Labels to annotate (the model's names)")] = None,
    seed: Annotated[int, typer.Option(help="Seed of random order and of the annotator")] = 0,
) -> None:
    """Answer the recipes with the gold annotator: one dataset per strategy."""
    from ..experiment.data.config import load_config, parse_pairs
    from ..experiment.run.demo import build_demo

    cfg = load_config(config, base_model=base_model, labels=labels)
    done = build_demo(pool, db_dir, config=cfg, datasets=parse_pairs(datasets, what="datasets"),
                      answers=answers, seed=seed)
    for dataset, info in done.items():
        ran_out = " (the pool ran out)" if info["exhausted"] else ""
        say(f"✔ {dataset}: {info['answers']} answers with {info['recipe']}{ran_out} -> {db_dir}")


@experiment_app.command("compare")
def compare_cli(
    out_dir: Annotated[Path, typer.Argument(help="Where to write results.jsonl, meta.json, checks.json and runs/")],
    arms: Annotated[str, typer.Option(help="NAME:DATASET pairs (a dataset or a Prodigy JSONL export), e.g. manual:org_manual,active:org_teach")],
    test: Annotated[str, typer.Option(help="Held-out test: a dataset, a JSONL export or a gold .iob/.conll file")],
    db: Annotated[Optional[str], typer.Option(help=DB_OPTION_HELP)] = None,
    baseline: Annotated[Optional[str], typer.Option(help="The arm the others are compared with (default: the first)")] = None,
    config: Annotated[Optional[Path], typer.Option(help="Experiment config (training, label map, cost model)")] = None,
    base_model: Annotated[Optional[str], typer.Option(help="Base pipeline, e.g. en_core_web_md")] = None,
    labels: Annotated[Optional[str], typer.Option(help="Labels the arms annotate (the model's names)")] = None,
    budget_unit: Annotated[Optional[str], typer.Option(help="Cost unit of the checkpoints: answers, sentences, tokens or minutes")] = None,
    seeds: Annotated[Optional[int], typer.Option(help="Training seeds per checkpoint")] = None,
    max_epochs: Annotated[Optional[int], typer.Option(help="Epochs per fine-tune")] = None,
    dev_share: Annotated[Optional[float], typer.Option(help="Share of each arm's answers held out as its dev split")] = None,
    fill: Annotated[Optional[str], typer.Option(help="Labels nobody annotated: model, missing or O")] = None,
    time_source: Annotated[str, typer.Option("--time", help="Minutes from auto, timestamps or model")] = "auto",
    gap_cap: Annotated[float, typer.Option(help="Longest pause between two answers counted as annotation time (s)")] = GAP_CAP,
    backend: Annotated[str, typer.Option(help="Where the arm x seed runs compute: local (one after the other here) or ray (one Ray task each)")] = "local",
    address: Annotated[Optional[str], typer.Option(envvar="RAY_ADDRESS", help="With --backend ray: the cluster, e.g. 10.0.0.1:6379 (default: $RAY_ADDRESS, else the local cluster or a new one)")] = None,
    cpus_per_run: Annotated[float, typer.Option(help="With --backend ray: CPUs each run reserves")] = 1.0,
) -> None:
    """Check the arms and the test set, then fine-tune and score every arm at equal cost."""
    from ..experiment.data.config import load_config
    from ..experiment.run.compare import prepare
    from ..experiment.run.simulate import backend_factory

    runs_on = backend_factory(backend, address=address or None, cpus_per_run=cpus_per_run)
    cfg = load_config(config, base_model=base_model, labels=labels, budget_unit=budget_unit, seeds=seeds,
                      max_epochs=max_epochs, dev_share=dev_share, fill=fill)
    job = prepare(out_dir, arms=arms, test=test, config=cfg, db_dir=db, baseline=baseline)
    job.time, job.gap_cap, job.progress, job.backend = time_source, gap_cap, _bar, runs_on
    for warning in job.checks.warnings:
        say(f"⚠ {warning}")
    sizes = ", ".join(f"{a.name} {s.answers} answers ({s.sentences} sentences)"
                      for a, s in zip(job.arms, job.checks.arms.values()))
    say(f"ℹ {sizes}; test {len(job.test)} sentences, no overlap with any arm")
    rows = job.run()
    stages = ", ".join(f"{k} {v:.0f}s" for k, v in job.timer.seconds.items())
    say(f"✔ {len(rows)} rows -> {out_dir / RESULTS}; compute {stages}")


@experiment_app.command("compare-report")
def compare_report_cli(
    results_dir: Annotated[Path, typer.Argument(help="compare's output folder (results.jsonl, meta.json, runs/)")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write report.md, results.json, diagnosis.json and plots/")],
    title: Annotated[str, typer.Option(help="Report title")] = "",
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates")] = 2000,
    diagnose: Annotated[bool, typer.Option(help="Add the diagnosis section (loads the base model)")] = True,
) -> None:
    """Write the compare report (verdict, checks, tables, intervals, diagnosis) and its plots."""
    from ..experiment.render.compare import write_compare_report

    written = write_compare_report(results_dir, out_dir, title=title, bootstrap=bootstrap, diagnose=diagnose)
    say(f"✔ {written.report}, {written.results} and {len(written.plots)} plots")
