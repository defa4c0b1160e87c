"""data-to-spacy: datasets of answers -> train.spacy / dev.spacy, split by input so no input is on both sides.

train.spacy is training data (accepted, rejected, the rest `fill`); dev.spacy is evaluation gold
(only what the answers say, `convert.eval_docs`), with the labels it annotates recorded beside
it in dev.labels.json so that `train` and `evaluate` score those labels alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

import srsly
from spacy.language import Language
from spacy.tokens import DocBin

from ..constants import INPUT_HASH
from ..errors import DatasetError, InputError
from ..models import unknown_labels
from ..types import Task
from .base_model import base_predictor
from .convert import (DEFAULT_FILL, answered_labels, check_conversion, check_fill, eval_docs,
                      groups_to_docs)
from .merge import ConversionStats, merge_answers
from .split import held_out

TRAIN_FILE = "train.spacy"
DEV_FILE = "dev.spacy"
STATS_FILE = "stats.json"
LABELS_FILE = "labels/ner.json"  # the layout of `spacy init labels`, for spacy.read_labels.v1
GOLD_LABELS_SUFFIX = ".labels.json"  # dev.spacy -> dev.labels.json: the labels its gold annotates


class ExampleSource(Protocol):
    """What data-to-spacy reads answers from (al_ner.storage.Database)."""

    def get_examples(self, name: str) -> Iterable[Task]: ...


def split_by_input(hashes: Iterable[int], *, eval_split: float, seed: int) -> set[int]:
    """The input hashes held out for evaluation: each input's side depends on its hash and the
    seed alone (`split.in_dev`), so adding data never moves an input; at least one input when
    there are two or more and eval_split > 0."""
    return held_out(hashes, share=eval_split, seed=seed, at_least_one=True)


def read_datasets(db: ExampleSource, names: Sequence[str]) -> Iterator[Task]:
    """The answers of several datasets, one after the other (later answers win on merge)."""
    if not names:
        raise DatasetError("no dataset given; pass at least one dataset name")
    return chain.from_iterable(db.get_examples(name) for name in names)


def data_to_spacy(output_dir: str | Path, datasets: Sequence[str], *, db: ExampleSource,
                  nlp: Language, labels: Sequence[str] | None = None, eval_split: float = 0.2,
                  seed: int = 0, fill: str = DEFAULT_FILL,
                  eval_datasets: Sequence[str] | None = None,
                  conversion: str | None = None) -> dict[str, Any]:
    """Write train.spacy, dev.spacy (+ dev.labels.json), labels/ner.json and stats.json; return the stats.

    nlp: the base pipeline (its tokenizer/vocab; its NER for fill="model").
    fill: what train.spacy's unanswered tokens become; dev.spacy takes none (evaluation gold).
    eval_datasets: take dev from these instead of a split; their inputs leave training.
    conversion: how inputs with only binary answers are converted: "fill", "constrained" (the
        base NER's best beam analysis agreeing with every answer), or None: as the answers' meta
        asks (ner.teach --conversion), else "fill".
    """
    check_fill(fill)
    check_conversion(conversion)
    train_stats, dev_stats = ConversionStats(), ConversionStats()
    train_groups = merge_answers(read_datasets(db, datasets), stats=train_stats)
    if eval_datasets:
        dev_groups = merge_answers(read_datasets(db, eval_datasets), stats=dev_stats)
        held_out = {group[0][INPUT_HASH] for group in dev_groups}
        train_groups = _drop_held_out(train_groups, held_out, train_stats)
    else:
        train_groups, dev_groups = _split(train_groups, eval_split, seed, train_stats, dev_stats)
    label_list = _labels(nlp, labels, train_groups + dev_groups)
    predict = base_predictor(nlp) if fill == "model" and "ner" in nlp.pipe_names else None
    out = Path(output_dir)
    write_docbin(out / TRAIN_FILE, groups_to_docs(nlp, train_groups, labels=label_list, fill=fill,
                                                  predict=predict, stats=train_stats,
                                                  conversion=conversion))
    dev_docs = eval_docs(nlp, dev_groups, labels=label_list, stats=dev_stats)
    write_docbin(out / DEV_FILE, dev_docs)
    write_gold_labels(out / DEV_FILE, label_list)
    found = Counter(ent.label_ for doc in dev_docs for ent in doc.ents)
    summary = {"labels": label_list, "new_labels": unknown_labels(nlp, label_list), "fill": fill,
               "conversion": conversion or "as answered", "seed": seed, "eval_split": eval_split,
               "datasets": list(datasets), "eval_datasets": list(eval_datasets or []),
               "train": train_stats.to_dict(), "dev": dev_stats.to_dict(),
               "dev_entities": {label: found[label] for label in label_list}}
    (out / LABELS_FILE).parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(out / LABELS_FILE, label_list)
    srsly.write_json(out / STATS_FILE, summary)
    return summary


def _split(groups: list[list[Task]], eval_split: float, seed: int, train_stats: ConversionStats,
           dev_stats: ConversionStats) -> tuple[list[list[Task]], list[list[Task]]]:
    held_out = split_by_input((g[0][INPUT_HASH] for g in groups), eval_split=eval_split, seed=seed)
    dev = [g for g in groups if g[0][INPUT_HASH] in held_out]
    train_stats.inputs -= len(dev)
    dev_stats.inputs += len(dev)
    return [g for g in groups if g[0][INPUT_HASH] not in held_out], dev


def _drop_held_out(groups: list[list[Task]], held_out: set[int],
                   stats: ConversionStats) -> list[list[Task]]:
    kept = [g for g in groups if g[0][INPUT_HASH] not in held_out]
    for _ in range(len(groups) - len(kept)):
        stats.skip("in_eval_set")
    stats.inputs -= len(groups) - len(kept)
    return kept


def _labels(nlp: Language, labels: Sequence[str] | None, groups: list[list[Task]]) -> list[str]:
    """The trained labels; ones the base NER lacks are fine: spaCy's training adds them."""
    chosen = list(labels) if labels else answered_labels(groups)
    if not chosen:
        raise DatasetError("the datasets hold no accepted or rejected spans; nothing to train on")
    return chosen


def dev_warnings(summary: dict[str, Any]) -> list[str]:
    """What the dev set written (a data_to_spacy summary) can't measure, one line each."""
    docs = summary["dev"]["docs"]
    if not docs:
        return ["dev is empty: nothing measures the trained model (train's model-best is then "
                "arbitrary); annotate more inputs, raise --eval-split or pass --eval-ner"]
    missing = [label for label, n in summary.get("dev_entities", {}).items() if not n]
    if not missing:
        return []
    return [f"dev has no {' or '.join(missing)} entity in its {docs} docs: the recall and F of "
            f"{'that label' if len(missing) == 1 else 'those labels'} can't be measured; annotate "
            "more inputs, raise --eval-split or pass --eval-ner"]


def write_docbin(path: Path, docs: Iterable[Any]) -> int:
    """Save `docs` as a DocBin (span groups included); return how many."""
    docbin = DocBin(store_user_data=False)
    for doc in docs:
        docbin.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(docbin)


def gold_labels_path(docbin: str | Path) -> Path:
    """Where the labels an evaluation DocBin annotates are recorded: dev.spacy -> dev.labels.json."""
    return Path(docbin).with_suffix(GOLD_LABELS_SUFFIX)


def write_gold_labels(docbin: str | Path, labels: Sequence[str]) -> Path:
    """Record beside `docbin` that its gold annotates `labels` (and only them)."""
    path = gold_labels_path(docbin)
    srsly.write_json(path, list(labels))
    return path


def read_gold_labels(docbin: str | Path) -> list[str] | None:
    """The labels recorded beside `docbin`, or None when there is no record (complete gold)."""
    path = gold_labels_path(docbin)
    if not path.is_file():
        return None
    labels: Any = srsly.read_json(path)
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise InputError("expected a JSON list of the labels the gold annotates, e.g. [\"ORG\"]",
                         path=str(path))
    return labels
