"""python -m al_ner.experiment.demo POOL DB_DIR: annotated datasets to compare, made without a person.

The gold annotator answers the real recipes (`ner.manual --order random`, `ner.teach`, ... as the
experiment's strategies define them) over a pool of gold sentences, one session per dataset, so
`compare` and `diagnose` have something to read out of the box: the embedded news corpus in a
minute, or a CoNLL-2003 pool ("random 1,000 vs ner.teach 1,000"). Real users bring their own
datasets (al-ner db-in) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from spacy.util import fix_random_seed

from ..controller import run_recipe
from ..errors import ConfigError
from ..storage import get_db
from ._cli import run, say
from .config import ExperimentConfig, load_config
from .corpus import read_iob, write_tasks
from .spacy_steps import recipe_args

POOL_TASKS = "pool.jsonl"


def parse_pairs(spec: str, *, what: str = "arms") -> list[tuple[str, str]]:
    """'manual:org_manual,active:org_teach' -> [("manual", "org_manual"), ("active", "org_teach")]."""
    pairs = []
    for item in (part.strip() for part in spec.split(",") if part.strip()):
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise ConfigError(f"can't read {item!r} in --{what}; write NAME:VALUE pairs separated by "
                              "commas, e.g. manual:org_manual,active:org_teach")
        pairs.append((name.strip(), value.strip()))
    names = [name for name, _ in pairs]
    if not pairs or len(set(names)) != len(names):
        raise ConfigError(f"--{what} needs at least one NAME:VALUE pair and distinct names, got {spec!r}")
    return pairs


def build_demo(pool: Path, db_dir: Path, *, config: ExperimentConfig,
               datasets: Sequence[tuple[str, str]], answers: int, seed: int = 0) -> dict[str, Any]:
    """Annotate `answers` answers per dataset with its strategy's recipe; return what each session did.

    datasets: (dataset name, strategy name) pairs; an existing dataset of that name is replaced.
    The pool's tasks keep their position in `meta.i`, so the answers show the order they were drawn in.
    """
    if answers < 1:
        raise ConfigError(f"--answers must be at least 1, got {answers}")
    db = get_db(db_dir)
    tasks = db_dir / POOL_TASKS
    db_dir.mkdir(parents=True, exist_ok=True)
    write_tasks(tasks, read_iob(pool))
    done = {}
    for dataset, name in datasets:
        strategy = config.strategy(name)
        if db.exists(dataset):
            db.drop(dataset)
        fix_random_seed(seed)  # ner.teach's online update draws dropout from the global RNGs
        options = {"gold": str(pool), "gold_loader": "conll", "noise": config.noise, "seed": seed,
                   "label_map": config.gold_to_model()}
        report = run_recipe(strategy.recipe, annotator="gold", annotator_options=options, db=db,
                            limit=answers, batch_size=config.batch_size, dataset=dataset,
                            spacy_model=config.base_model, source=str(tasks), label=",".join(config.labels),
                            loader="jsonl", unsegmented=True,
                            **recipe_args(strategy, seed=seed, window=config.window))
        done[dataset] = {"strategy": name, "recipe": strategy.recipe, "answers": report.answered,
                         "counts": report.counts, "exhausted": report.exhausted}
    return done


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
    cfg = load_config(config, base_model=base_model, labels=labels)
    done = build_demo(pool, db_dir, config=cfg, datasets=parse_pairs(datasets, what="datasets"),
                      answers=answers, seed=seed)
    for dataset, info in done.items():
        ran_out = " (the pool ran out)" if info["exhausted"] else ""
        say(f"✔ {dataset}: {info['answers']} answers with {info['recipe']}{ran_out} -> {db_dir}")


if __name__ == "__main__":
    run(demo_cli)
