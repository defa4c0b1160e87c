"""ner.eval-ab: which of two pipelines gets the entities right? Blind A/B of their outputs."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.util import minibatch

from al_ner.constants import ACCEPT, ANSWER, OPTIONS, SELECTED, SPANS, VIEW_CHOICE
from al_ner.models import check_labels, load_model
from al_ner.predict import add_model_spans
from al_ner.recipe import recipe
from al_ner.types import Components, Stream, Task

from ._shared import (Dataset, Labels, Loader, Model, Seed, Source, TextColumn, Unsegmented,
                      load_sentences, source_progress, split_labels)

MAPPING = "mapping"  # option id -> "A" or "B" (which pipeline); not shown, saved with the answer
INSTRUCTIONS = ("Two analyses of the same text, in random order: choose the one whose entities "
                "are better (1 or 2). Ignore when they are equally good or equally bad.")


@recipe("ner.eval-ab")
def ner_eval_ab(dataset: Dataset, before_model: Model, after_model: Model, source: Source,
                label: Labels, loader: Loader = None, text_column: TextColumn = None,
                unsegmented: Unsegmented = False, seed: Seed = 0) -> Components:
    """Compare two pipelines blind: for each sentence where they differ, choose the better output."""
    labels = split_labels(label)
    a, b = load_model(before_model), load_model(after_model)
    for nlp, name in ((a, before_model), (b, after_model)):
        check_labels(nlp, labels, name=name)
    progress = source_progress(source, loader=loader, text_column=text_column, exact=False)
    stream = load_sentences(a, source, loader=loader, unsegmented=unsegmented, invalid=None,
                            text_column=text_column, progress=progress)
    names = {"A": before_model, "B": after_model}
    return {"dataset": dataset, "view_id": VIEW_CHOICE, "labels": labels,
            "stream": blind_pairs(a, b, stream, labels=labels, seed=seed),
            "progress": progress, "instructions": INSTRUCTIONS, "exclude_by": "input",
            "on_exit": lambda ctrl: ab_lines(ab_result(_answers(ctrl)), names),
            "config": {"before": before_model, "after": after_model, "seed": seed}}


def blind_pairs(a: Language, b: Language, stream: Iterable[Task], *, labels: list[str],
                seed: int, batch_size: int = 64) -> Stream:
    """A choice task per sentence where the pipelines' entities differ, options in random order."""
    rng = random.Random(seed)
    for batch in minibatch(stream, size=batch_size):
        pairs = zip(add_model_spans(a, batch, labels=labels), add_model_spans(b, batch, labels=labels))
        for with_a, with_b in pairs:
            if _key(with_a) != _key(with_b):
                yield _choice(with_a, with_b, ["A", "B"] if rng.random() < 0.5 else ["B", "A"])


def _choice(with_a: Task, with_b: Task, order: list[str]) -> Task:
    by_model = {"A": with_a[SPANS], "B": with_b[SPANS]}
    task = {k: v for k, v in with_a.items() if k != SPANS}
    return {**task, OPTIONS: [{"id": i + 1, SPANS: by_model[m]} for i, m in enumerate(order)],
            MAPPING: {str(i + 1): m for i, m in enumerate(order)}}


def _answers(controller: Any) -> list[Task]:
    db, dataset = controller.db, controller.dataset
    return db.get_answers(dataset) if db.exists(dataset) else []


def _key(task: Task) -> list[tuple[int, int, str]]:
    return sorted((s["start"], s["end"], s["label"]) for s in task.get(SPANS) or [])


def ab_result(answers: Iterable[Task]) -> Counter[str]:
    """Wins per pipeline ("A": before, "B": after) and the questions left undecided ("none")."""
    wins: Counter[str] = Counter()
    for answer in answers:
        chosen = answer.get(SELECTED) if answer.get(ANSWER) == ACCEPT else None
        mapping = answer.get(MAPPING) or {}
        if isinstance(chosen, list) and len(chosen) == 1 and str(chosen[0]) in mapping:
            wins[mapping[str(chosen[0])]] += 1
        else:
            wins["none"] += 1
    return wins


def ab_lines(wins: Counter[str], names: dict[str, str]) -> list[str]:
    """The A/B result in words (what the CLI prints when the session ends)."""
    decided = wins["A"] + wins["B"]
    lines = [f"A/B: before ({names['A']}) chosen {wins['A']} times, after ({names['B']}) "
             f"{wins['B']} times, {wins['none']} undecided"]
    if decided:
        better = "after" if wins["B"] > wins["A"] else "before" if wins["A"] > wins["B"] else None
        share = max(wins["A"], wins["B"]) / decided
        lines.append(f"the {better} pipeline is preferred in {share:.0%} of {decided} decided "
                     "questions" if better else f"no preference over {decided} decided questions")
    return lines
