"""Prodigy's `PatternMatcher` (prodigy.models.matcher) as a face of al-ner's
(al_ner.stream.patterns): patterns from a JSONL file or a list, called on a stream to yield
(score, task) pairs, `update` from the answers to score the patterns.

A face for recipes written for Prodigy: nothing in al-ner imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..constants import LABEL, META, SPANS, TEXT, TOKENS
from ..errors import ConfigError
from ..stream.hashing import set_hash
from ..stream.patterns import PATTERN_KEY, Pattern, check_pattern, pattern_text, read_patterns
from ..stream.patterns import PatternMatcher as Matcher
from ..stream.docs import doc_tokens
from ..stream.validate import validate_task
from ..types import ScoredStream, Task

__all__ = ["PatternMatcher"]


class PatternMatcher:
    """Finds pattern matches in tasks: one (score, task) per match, or per task with
    combine_matches (all its matches as spans); all_examples also yields tasks without one."""

    def __init__(self, nlp: Language, label_span: bool = True, label_task: bool = False,
                 combine_matches: bool = False, all_examples: bool = False,
                 filter_labels: Sequence[str] | None = None, task_hash_keys: Sequence[str] | None = None,
                 prior_correct: float = 2.0, prior_incorrect: float = 2.0) -> None:
        if not label_span:
            raise ConfigError("PatternMatcher(label_span=False): al-ner's spans always carry their "
                              "label; leave label_span at True")
        self.nlp = nlp
        self.label_task = label_task
        self.combine_matches = combine_matches
        self.all_examples = all_examples
        self.filter_labels = list(filter_labels) if filter_labels else None
        self.task_hash_keys = tuple(task_hash_keys) if task_hash_keys else None
        self.priors = (prior_correct, prior_incorrect)
        self.patterns: list[Pattern] = []
        self.matcher = self._build()

    def from_disk(self, path: str | Path) -> PatternMatcher:
        """Add the patterns of a JSONL file (one {"label", "pattern"} object a line)."""
        self.patterns += read_patterns(path)
        self.matcher = self._build()
        return self

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> PatternMatcher:
        """Add patterns given as dicts ({"label": "ORG", "pattern": "Acme"} or token patterns)."""
        self.patterns += [check_pattern(p, "patterns", n) for n, p in enumerate(patterns, 1)]
        self.matcher = self._build()
        return self

    def _build(self) -> Matcher:
        correct, incorrect = self.priors
        return Matcher(self.nlp, self.patterns, labels=self.filter_labels, prior_correct=correct,
                       prior_incorrect=incorrect)

    def __call__(self, stream: Iterable[Task]) -> ScoredStream:
        for n, task in enumerate(stream, 1):
            validate_task(task, where=f"task {n}")
            yield from self._pairs(task)

    def _pairs(self, task: Task) -> list[tuple[float, Task]]:
        tokens = task.get(TOKENS) or doc_tokens(self.nlp.make_doc(task[TEXT]))
        tokenized = {**task, TOKENS: tokens}
        found = self.matcher.spans(tokenized)
        if not found:
            return [(0.0, task)] if self.all_examples else []
        groups = [found] if self.combine_matches else [[match] for match in found]
        return [self._question(task, group) for group in groups]

    def _question(self, task: Task, group: list[tuple[dict[str, Any], Pattern]]) -> tuple[float, Task]:
        score = max(self.matcher.score(pattern) for _, pattern in group)
        patterns = [pattern_text(pattern) for _, pattern in group]
        meta = {**task.get(META, {}), PATTERN_KEY: patterns[0] if len(patterns) == 1 else patterns,
                "score": score}
        question = {**task, SPANS: [span for span, _ in group], META: meta}
        if self.label_task:
            question[LABEL] = group[0][1][LABEL]
        if self.task_hash_keys:
            question = set_hash(question, task_keys=self.task_hash_keys, overwrite=True)
        return score, question

    def update(self, examples: Iterable[Task]) -> float:
        """Count the answers to the patterns' proposals (their scores move); loss 0."""
        self.matcher.update(examples)
        return 0.0
