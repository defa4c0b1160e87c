"""The results folder's layout: its file names, the results rows and the per-document counts.

An experiment (or compare) writes OUT_DIR/results.jsonl (one row per strategy x seed x budget x
evaluation set x label), OUT_DIR/meta.json, OUT_DIR/counts.npz, and per run
OUT_DIR/runs/STRATEGY/seedN/{results.jsonl,counts.npz,sessions.json,run.json,db/}; a prepared corpus folder
holds pool.iob, dev.iob and test.iob.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import srsly

from ...errors import InputError

POOL_GOLD = "pool.iob"
DEV_GOLD = "dev.iob"
TEST_GOLD = "test.iob"
RESULTS = "results.jsonl"
META = "meta.json"
COUNTS = "counts.npz"
RUN_RECORD = "run.json"
# what a run's live checks said at each checkpoint (the stopping rule's kappa between this model and
# the one before on a fixed stop set, the control estimate, the adaptive strategy's arms): per run
# runs/STRATEGY/seedN/sessions.json, for the whole experiment OUT_DIR/sessions.jsonl
SESSIONS = "sessions.json"
# each evaluation sentence's document, per evaluation set, when the corpus marks documents (the
# bootstrap then resamples documents): OUT_DIR/documents.json
DOCUMENTS = "documents.json"
SESSIONS_ALL = "sessions.jsonl"
DATASET = "answers"  # the dataset a run's answers go to in its own database (runs/.../db)

BASE = "base"  # the strategy name of the base model's zero-shot rows (budget 0)
TEST = "test"
ANNOTATION_DEV = "annotation_dev"
UNBIASED_DEV = "unbiased_dev"
EVAL_SETS = (TEST, ANNOTATION_DEV, UNBIASED_DEV)
EVAL_SET_TITLES = {TEST: "held-out test", ANNOTATION_DEV: "annotation dev split",
                   UNBIASED_DEV: "unbiased dev"}


@dataclass(frozen=True)
class Row:
    """Scores of one model on one evaluation set and label, with what its training data cost.

    budget is the checkpoint (a cumulative cost in `unit`); `cost` is the cost the run actually
    reached there (at least the budget unless the pool ran out: then `reached` is False).
    base_f is the base model's F1 on the same evaluation set and label (for the annotation dev
    split that set differs per run and checkpoint), so f - base_f is the change fine-tuning
    made. n_gold counts the gold entities of the label in the evaluation set, n_docs its
    sentences.
    """

    strategy: str
    seed: int
    budget: float
    eval_set: str
    label: str
    f: float
    p: float
    r: float
    n_gold: int
    base_f: float
    sentences: int
    tokens: int
    decisions: int
    est_seconds: float
    unit: str = "answers"
    answers: int = 0
    cost: float = 0.0
    reached: bool = True
    n_docs: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready values (scores to 6 places, seconds to 0.1)."""
        data = asdict(self)
        for key in ("f", "p", "r", "base_f"):
            data[key] = round(data[key], 6)
        data["est_seconds"] = round(data["est_seconds"], 1)
        data["cost"] = round(data["cost"], 3)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Row:
        names = {f.name for f in fields(cls)}
        required = {f.name for f in fields(cls) if f.default is MISSING}
        missing = required - set(data)
        if missing:
            raise InputError(f"results row lacks {sorted(missing)}; rerun the experiment to rewrite it")
        return cls(**{k: data[k] for k in names if k in data})


def row_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The rows as lines of results JSONL."""
    return (srsly.json_dumps(row.to_dict()) + "\n" for row in rows)


def write_rows(path: str | Path, rows: Iterable[Row], *, append: bool = False) -> None:
    with Path(path).open("a" if append else "w", encoding="utf-8") as file:
        file.writelines(row_lines(rows))


def read_rows(path: str | Path) -> list[Row]:
    path = Path(path)
    if not path.is_file():
        raise InputError("results file not found; run the experiment first", path=str(path))
    return [Row.from_dict(data) for data in srsly.read_jsonl(path)]


Key = tuple[str, float, str, str]  # strategy, budget, eval_set, label


def by_seed(rows: Iterable[Row]) -> dict[Key, dict[int, Row]]:
    """Rows grouped by (strategy, budget, eval_set, label), then keyed by seed."""
    grouped: dict[Key, dict[int, Row]] = defaultdict(dict)
    for row in rows:
        grouped[(row.strategy, row.budget, row.eval_set, row.label)][row.seed] = row
    return dict(grouped)


def ordered(values: Iterable[Any], preferred: Iterable[Any] = ()) -> list[Any]:
    """Distinct values, those in `preferred` first in its order, then the rest sorted."""
    values = set(values)
    first = [v for v in preferred if v in values]
    return first + sorted(values - set(first), key=str)


def budget_key(budget: float) -> str:
    """A checkpoint as text: 300, 12.5."""
    return str(int(budget)) if float(budget).is_integer() else f"{budget:g}"


def counts_key(budget: float, eval_set: str, label: str, model: str = "model") -> str:
    """Where a model's per-document counts live in a run's counts.npz."""
    return f"{budget_key(budget)}|{eval_set}|{label}|{model}"


def save_counts(path: Path, counts: dict[str, np.ndarray]) -> None:
    """Write per-document counts (documents x 3 int32 arrays) as one compressed .npz."""
    arrays: dict[str, Any] = {key: np.asarray(value, dtype=np.int32) for key, value in counts.items()}
    np.savez_compressed(path, **arrays)


def load_counts(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {key: data[key] for key in data.files}
