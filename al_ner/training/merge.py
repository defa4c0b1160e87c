"""Merge answered tasks: each session's last answer per question, grouped by input, with a tally
of what dropped out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..constants import (ANSWER, IGNORE, INPUT_HASH, REJECT, TASK_HASH, VIEW_ID, VIEW_NER,
                         VIEW_NER_MANUAL)
from ..errors import InvalidTaskError
from ..storage import answer_key
from ..stream.hashing import set_hash
from ..stream.validate import answer_view, textcat_problem
from ..types import Task

# Why a task or a span was left out; the keys of ConversionStats.skipped.
SKIP_REASONS = {
    "unanswered": "task has no 'answer'",
    "ignored": "answered 'ignore'",
    "rejected_manual": "a rejected full-span (ner_manual) answer says nothing about the spans",
    "unknown_view": "'_view_id' is neither 'ner' nor 'ner_manual' (nor a review of either)",
    "misaligned_span": "span offsets don't fall on token boundaries",
    "span_not_an_object": "span is not a {start, end, label} object",
    "span_without_offsets": "span has neither token nor character offsets",
    "span_out_of_range": "span offsets lie outside the text",
    "label_not_requested": "span label is not one of the labels being trained",
    "overlapping_span": "accepted span overlaps a later accepted span (the later answer wins)",
    "no_tokens": "text is empty",
    "in_eval_set": "input is in the evaluation datasets, so it stays out of training",
}


@dataclass
class ConversionStats:
    """What went in, what came out, and why anything was skipped (never silently)."""

    tasks: int = 0
    inputs: int = 0
    docs: int = 0
    entities: int = 0
    incorrect_spans: int = 0
    complete_docs: int = 0
    constrained_docs: int = 0  # converted by constrained decoding (training/constrained.py)
    constrained_fallback: int = 0  # asked for it, but no beam parse agreed: converted by `fill`
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def skip(self, reason: str, detail: str = "") -> None:
        """Count one skipped task or span, keeping the first example of each reason."""
        self.skipped[reason] += 1
        if detail and reason not in self.examples:
            self.examples[reason] = detail

    def to_dict(self) -> dict[str, object]:
        return {"tasks": self.tasks, "inputs": self.inputs, "docs": self.docs,
                "entities": self.entities, "incorrect_spans": self.incorrect_spans,
                "complete_docs": self.complete_docs, "constrained_docs": self.constrained_docs,
                "constrained_fallback": self.constrained_fallback, "skipped": dict(self.skipped),
                "skip_examples": dict(self.examples)}

    def messages(self) -> list[str]:
        """One line per skip reason: count, meaning and the first example."""
        return skip_messages(self.skipped, self.examples)


def skip_messages(skipped: Mapping[str, int], examples: Mapping[str, str]) -> list[str]:
    """One line per skip reason (as in ConversionStats.to_dict()): count, meaning, first example."""
    lines = []
    for reason, count in sorted(skipped.items()):
        example = f" (e.g. {examples[reason]})" if reason in examples else ""
        lines.append(f"{count} skipped, {reason}: {SKIP_REASONS.get(reason, reason)}{example}")
    return lines


def is_manual(task: Task) -> bool:
    """True for a full-span answer (ner_manual, or a review of one), False for a binary one (ner)."""
    return answer_view(task) == VIEW_NER_MANUAL


def merge_answers(tasks: Iterable[Task], *, stats: ConversionStats | None = None) -> list[list[Task]]:
    """Group answered tasks by input, keeping each session's last answer per `_task_hash`
    (an undo supersedes; several annotators' answers are each kept, as in Prodigy).

    Ignored answers and rejected manual answers drop out (counted in `stats`). Groups come in
    the order their input was first answered; tasks within a group in answer order. Prodigy's
    `review` output counts as the reviewed answer in its own interface. A text-classification
    answer raises InvalidTaskError: it would otherwise become a "no entity" document.
    """
    stats = stats if stats is not None else ConversionStats()
    latest: dict[tuple[str, int], Task] = {}
    for task in tasks:
        stats.tasks += 1
        if ANSWER not in task:
            stats.skip("unanswered", _describe(task))
            continue
        problem = textcat_problem(task)
        if problem is not None:
            raise InvalidTaskError(f"{_describe(task)}: {problem}")
        task = set_hash(task)
        latest.pop(answer_key(task), None)  # re-insert so the order is that of the last answer
        latest[answer_key(task)] = task
    groups: dict[int, list[Task]] = {}
    for task in latest.values():
        if _keep(task, stats):
            groups.setdefault(task[INPUT_HASH], []).append(task)
    stats.inputs += len(groups)
    return list(groups.values())


def _keep(task: Task, stats: ConversionStats) -> bool:
    answer = task[ANSWER]
    if answer == IGNORE:
        stats.skip("ignored", _describe(task))
        return False
    if answer == REJECT and is_manual(task):
        stats.skip("rejected_manual", _describe(task))
        return False
    if answer_view(task) not in (VIEW_NER, VIEW_NER_MANUAL, None):
        stats.skip("unknown_view", f"_view_id={task.get(VIEW_ID)!r}")
        return False
    return True


def _describe(task: Task) -> str:
    text = str(task.get("text", ""))
    short = text if len(text) <= 40 else text[:37] + "..."
    return f"_task_hash={task.get(TASK_HASH)} {short!r}"
