"""review: several annotators' manual answers per input, merged into versions; resolve each."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from al_ner.constants import (ANSWER, IGNORE, INPUT_HASH, META, SPANS, TEXT, TOKENS, VERSIONS,
                              VIEW_ID, VIEW_NER_MANUAL)
from al_ner.recipe import recipe
from al_ner.storage import annotator_of, get_db, latest_answers
from al_ner.types import Components, Stream, Task

from ._shared import Dataset, Datasets, DbDir, OptionalLabels, split_labels, split_names

INSTRUCTIONS = ("The annotators' versions of this text are listed under it, the most common "
                "one pre-filled. Click a version to start from it, fix what is wrong, and accept "
                "the annotation that should be kept.")
_SPAN_KEYS = ("start", "end", "token_start", "token_end", "label")


@recipe("review")
def review(dataset: Dataset, in_sets: Datasets, label: OptionalLabels = None,
           db: DbDir = None) -> Components:
    """Merge several annotators' manual answers per input and resolve them into one (Prodigy's review)."""
    database = get_db(db)
    examples = chain.from_iterable([database.get_examples(name) for name in split_names(in_sets)])
    skipped: list[int] = [0]
    labels = split_labels(label) if label else []
    return {"dataset": dataset, "view_id": VIEW_NER_MANUAL, "labels": labels,
            "stream": review_tasks(examples, skipped=skipped), "exclude_by": "input",
            "instructions": INSTRUCTIONS,
            "on_exit": lambda _: [f"left out {skipped[0]} answers that aren't manual (ner_manual) "
                                  "ones; use ner.silver-to-gold for binary answers"] if skipped[0] else [],
            "config": {"in_sets": split_names(in_sets)}}


def review_tasks(examples: Iterable[Task], *, skipped: list[int] | None = None) -> Stream:
    """One task per input: its versions (distinct answers with the sessions that gave them, the
    most common first and `default`) and the default's spans pre-filled."""
    by_input: dict[int, list[Task]] = {}
    for example in latest_answers(examples):  # each annotator's last answer (an undo's wins)
        if example.get(VIEW_ID) != VIEW_NER_MANUAL or example.get(ANSWER) == IGNORE:
            if skipped is not None and example.get(VIEW_ID) != VIEW_NER_MANUAL:
                skipped[0] += 1
            continue
        by_input.setdefault(example[INPUT_HASH], []).append(example)
    return (_review_task(group) for group in by_input.values())


def _review_task(group: list[Task]) -> Task:
    versions: dict[Any, dict[str, Any]] = {}
    for answer in group:
        spans = [{k: s[k] for k in _SPAN_KEYS if k in s} for s in answer.get(SPANS) or []]
        key = (answer[ANSWER], tuple(sorted((s["start"], s["end"], s["label"]) for s in spans)))
        version = versions.setdefault(key, {ANSWER: answer[ANSWER], SPANS: spans, "sessions": []})
        version["sessions"].append(annotator_of(answer))
    ordered = sorted(versions.values(), key=lambda v: -len(v["sessions"]))
    ordered = [{**v, "default": i == 0} for i, v in enumerate(ordered)]
    first = group[0]
    task = {TEXT: first[TEXT], SPANS: ordered[0][SPANS], VERSIONS: ordered,
            META: {"versions": len(ordered), "sessions": sum(len(v["sessions"]) for v in ordered)}}
    if first.get(TOKENS):
        task[TOKENS] = first[TOKENS]
    return task
