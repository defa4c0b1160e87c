"""Annotated datasets to compare, made without a person (`al-ner experiment demo POOL DB_DIR`).

The gold annotator answers the real recipes (`ner.manual --order random`, `ner.teach`, ... as the
experiment's strategies define them) over a pool of gold sentences, one session per dataset, so
`compare` and `diagnose` have something to read out of the box: the embedded news corpus in a
minute, or a CoNLL-2003 pool ("random 1,000 vs ner.teach 1,000"). Real users bring their own
datasets (al-ner db-in) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacy.util import fix_random_seed

from ...controller import run_recipe
from ...errors import ConfigError
from ...storage import get_db
from ..data.config import ExperimentConfig
from ..data.corpus import read_iob, write_tasks
from .spacy_steps import recipe_args

POOL_TASKS = "pool.jsonl"


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

