"""The simulated annotator: answers every question from gold data, like a careful person would."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable
from typing import Any

from ..constants import (ACCEPT, ANSWER, ASKED, END, IGNORE, INPUT_HASH, LABEL, META, OPTIONS,
                         REJECT, SELECTED, SPANS, START, TEXT, TOKENS, VIEW_CHOICE, VIEW_ID,
                         VIEW_NER_MANUAL)
from ..cost import decisions, tokens_read
from ..errors import AnswerError, ConfigError
from ..registry import annotators
from ..stream.validate import token_bounds
from ..types import Task

Span = tuple[int, int, str]
_SEP = "\n\n"


class GoldIndex:
    """Gold spans by text; a sentence cut from a gold text is found by searching inside it."""

    def __init__(self, gold: Iterable[Task], *, label_map: dict[str, str] | None = None) -> None:
        label_map = label_map or {}
        self._by_text: dict[str, list[Span]] = {}
        for task in gold:
            spans = [(s[START], s[END], label_map.get(s[LABEL], s[LABEL])) for s in task.get(SPANS, [])]
            self._by_text.setdefault(task[TEXT], spans)
        self._texts = list(self._by_text)
        self._joined = _SEP.join(self._texts)
        self._offsets = _offsets(self._texts)

    def __len__(self) -> int:
        return len(self._by_text)

    def spans(self, text: str) -> list[Span] | None:
        """Gold spans of `text` (offsets into `text`), or None when the gold doesn't have it."""
        if text in self._by_text:
            return self._by_text[text]
        at = self._joined.find(text)
        if at < 0:
            return None
        i = bisect.bisect_right(self._offsets, at) - 1
        base = at - self._offsets[i]
        end = base + len(text)
        return [(s - base, e - base, label) for s, e, label in self._by_text[self._texts[i]]
                if s >= base and e <= end]


def _offsets(texts: list[str]) -> list[int]:
    offsets, at = [], 0
    for text in texts:
        offsets.append(at)
        at += len(text) + len(_SEP)
    return offsets


class GoldAnnotator:
    """Answers binary questions (accept exactly the gold spans) and manual ones (the gold spans).

    `noise` is the chance that one decision is wrong: a binary answer is flipped, a gold span of a
    manual answer is left out. Counts sentences, tokens and decisions for the cost model.
    """

    def __init__(self, index: GoldIndex, *, labels: Iterable[str] = (), noise: float = 0.0,
                 seed: int = 0) -> None:
        if not 0.0 <= noise < 1.0:
            raise ConfigError(f"noise must be in [0, 1), got {noise}")
        self.index = index
        self.labels = set(labels)
        self.noise = noise
        self._rng = random.Random(seed)
        self._inputs: set[int] = set()
        self.refusals: list[str] = []  # why answers were refused, in order
        self.stats: dict[str, int] = {"questions": 0, "sentences": 0, "tokens": 0,
                                      "decisions": 0, "spans": 0, "unknown": 0, "flipped": 0,
                                      "refused": 0, "not_in_gold": 0}

    def __call__(self, controller: Any) -> None:
        """Answer every question the controller hands out, one batch at a time."""
        while True:
            questions = controller.get_questions()
            if not questions:
                return
            self._give(controller, [self.answer(task) for task in questions])

    def _give(self, controller: Any, answers: list[Task]) -> None:
        """Save the batch; if the recipe refuses an answer (validate_answer), save the others
        one by one and count the refused ones (they stay unanswered)."""
        try:
            controller.receive_answers(answers)
        except AnswerError:
            for answer in answers:
                try:
                    controller.receive_answers([answer])
                except AnswerError as err:
                    self.stats["refused"] += 1
                    self.refusals.append(str(err))

    def answer(self, task: Task) -> Task:
        """A copy of `task` with the gold answer."""
        gold = self.index.spans(task[TEXT])
        self._count(task)
        if gold is None:
            self.stats["unknown"] += 1
            self.stats["not_in_gold"] += 1
            return {**task, ANSWER: IGNORE}
        if task.get(VIEW_ID) == VIEW_NER_MANUAL:
            return self._manual(task, gold)
        if task.get(VIEW_ID) == VIEW_CHOICE:
            return self._choice(task, gold)
        return self._binary(task, gold)

    def _labels_ok(self, label: str) -> bool:
        return not self.labels or label in self.labels

    def _binary(self, task: Task, gold: list[Span]) -> Task:
        if not task.get(SPANS):
            self.stats["unknown"] += 1  # no span proposed: nothing to judge
            return {**task, ANSWER: IGNORE}
        span = task[SPANS][0]
        correct = (span[START], span[END], span[LABEL]) in set(gold)
        if self._rng.random() < self.noise:
            correct = not correct
            self.stats["flipped"] += 1
        return self._decided({**task, ANSWER: ACCEPT if correct else REJECT})

    def _manual(self, task: Task, gold: list[Span]) -> Task:
        kept = [s for s in gold if self._labels_ok(s[2])]
        region = _asked_chars(task)
        if region is not None:
            kept = _in_region(task, kept, region)
        if self.noise:
            dropped = [s for s in kept if self._rng.random() < self.noise]
            self.stats["flipped"] += len(dropped)
            kept = [s for s in kept if s not in dropped]
        spans = [_span(task, s) for s in kept]
        proposed = task.get(SPANS, [])
        if region is not None:  # outside the asked range the model's entities stand
            spans += [dict(s) for s in _outside(proposed, kept, region)]
        self.stats["spans"] += len(spans)
        return self._decided({**task, SPANS: sorted(spans, key=lambda s: s[START]), ANSWER: ACCEPT},
                             proposed=proposed)

    def _choice(self, task: Task, gold: list[Span]) -> Task:
        """The option whose spans are closest to the gold (F1); ignore on a tie."""
        wanted = {s for s in gold if self._labels_ok(s[2])}
        scored = sorted(((_f1(option.get(SPANS) or [], wanted), option.get("id"))
                         for option in task.get(OPTIONS) or []), reverse=True)
        if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
            return self._decided({**task, ANSWER: IGNORE})
        return self._decided({**task, ANSWER: ACCEPT, SELECTED: [scored[0][1]]})

    def _decided(self, answer: Task, *, proposed: list[dict[str, Any]] | None = None) -> Task:
        """Count the decisions `answer` took, by the cost model's definition (cost.decisions)."""
        self.stats["decisions"] += decisions(answer, proposed=proposed)
        return answer

    def _count(self, task: Task) -> None:
        self.stats["questions"] += 1
        if task.get(INPUT_HASH) not in self._inputs:
            self._inputs.add(task.get(INPUT_HASH))  # type: ignore[arg-type]
            self.stats["sentences"] += 1
            self.stats["tokens"] += tokens_read(task)


def _asked_chars(task: Task) -> tuple[int, int] | None:
    """The character range of a subsequence question's asked tokens, or None for a whole sentence."""
    asked, tokens = task.get(META, {}).get(ASKED), task.get(TOKENS)
    if not asked or not tokens:
        return None
    return tokens[asked[0]][START], tokens[asked[1] - 1][END]


def _in_region(task: Task, gold: list[Span], region: tuple[int, int]) -> list[Span]:
    """The gold spans a person asked about `region` marks: every one touching it, whole."""
    return [s for s in gold if s[0] < region[1] and s[1] > region[0]]


def _outside(proposed: list[dict], kept: list[Span], region: tuple[int, int]) -> list[dict]:
    """Pre-highlighted spans outside the asked range that no marked span overlaps."""
    return [s for s in proposed if (s[END] <= region[0] or s[START] >= region[1])
            and not any(k[0] < s[END] and s[START] < k[1] for k in kept)]


def _f1(spans: list[dict], gold: set[Span]) -> float:
    found = {(s[START], s[END], s[LABEL]) for s in spans}
    tp = len(found & gold)
    return 2 * tp / (len(found) + len(gold)) if found or gold else 1.0


def _span(task: Task, span: Span) -> dict[str, Any]:
    start, end, label = span
    out: dict[str, Any] = {START: start, END: end, LABEL: label, TEXT: task[TEXT][start:end]}
    tokens = task.get(TOKENS)
    if tokens:
        starts, ends = token_bounds(tokens)
        if start in starts and end in ends:
            out.update(token_start=starts[start], token_end=ends[end])
    return out


def load_gold(source: str, *, loader: str | None = None,
              label_map: dict[str, str] | None = None) -> GoldIndex:
    """Read gold tasks (text + spans) with any al-ner loader and index them."""
    from ..stream.loaders import get_stream

    return GoldIndex(get_stream(source, loader=loader), label_map=label_map)


@annotators("al_ner.gold.v1")
def make_gold_annotator(*, gold: str | None = None, gold_loader: str | None = None,
                        labels: Iterable[str] = (), noise: float = 0.0, seed: int = 0,
                        label_map: dict[str, str] | None = None) -> GoldAnnotator:
    """The simulated annotator over the gold file `gold` (e.g. a CoNLL file with gold_loader='conll')."""
    if not gold:
        raise ConfigError("the gold annotator needs gold data: pass --gold FILE (and --gold-loader)")
    return GoldAnnotator(load_gold(gold, loader=gold_loader, label_map=label_map),
                         labels=labels, noise=noise, seed=seed)
