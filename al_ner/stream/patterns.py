"""Match patterns in Prodigy's JSONL format, with spaCy's matchers underneath.

One pattern a line: a token pattern ``{"label": "ORG", "pattern": [{"lower": "acme"}]}``
(spaCy's `Matcher`) or a phrase pattern ``{"label": "ORG", "pattern": "Acme Corp"}``
(spaCy's `PhraseMatcher`, exact text); an optional ``"id"`` names it. Manual recipes
pre-highlight the matches (`add_pattern_spans`); ner.teach proposes them beside the model's
(`PatternMatcher.propose`, `combine`), each with its pattern in the task's meta and a score that
its answers so far move (accepted / answered, smoothed).
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..constants import ACCEPT, ANSWER, END, LABEL, META, REJECT, SPANS, START, TEXT, TOKENS
from ..errors import ConfigError, InputError
from ..types import ScoredStream, Stream, Task
from .docs import task_doc
from .validate import check_spans

PATTERN_KEY = "pattern"  # meta key of a proposal: the pattern that matched, as written
Pattern = dict[str, Any]


def read_patterns(path: str | Path) -> list[Pattern]:
    """The patterns of a JSONL file, each checked; InputError names the line and the fix."""
    file = Path(path)
    if not file.is_file():
        raise InputError("patterns file not found; pass a JSONL file of {label, pattern} lines",
                         path=str(path))
    patterns = []
    for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            patterns.append(_pattern(line, str(path), n))
    if not patterns:
        raise InputError("no patterns in the file; write one {label, pattern} object a line",
                         path=str(path))
    return patterns


def _pattern(line: str, path: str, n: int) -> Pattern:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg} at column {err.colno}); write one pattern "
                         "object a line", path=path, line=n) from None
    return check_pattern(value, path, n)


def check_pattern(value: Any, path: str, n: int) -> Pattern:
    """`value` as a checked pattern that knows where it came from (InputError if it isn't one)."""
    if not isinstance(value, dict) or not isinstance(value.get(LABEL), str) or not value[LABEL].strip():
        raise InputError("a pattern needs a 'label' string, e.g. {\"label\": \"ORG\", \"pattern\": "
                         "\"Acme\"}", path=path, line=n)
    body = value.get(PATTERN_KEY)
    token = isinstance(body, list) and body and all(isinstance(t, dict) for t in body)
    if not (token or (isinstance(body, str) and body.strip())):
        raise InputError(f"'pattern' must be a phrase (a string) or a list of token objects, got "
                         f"{body!r}", path=path, line=n)
    return {**value, "line": n, "source": path}


def pattern_text(pattern: Pattern) -> str:
    """The pattern as written, for the task's meta."""
    body = pattern[PATTERN_KEY]
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)


class PatternMatcher:
    """spaCy's Matcher and PhraseMatcher over the patterns; finds spans in tokenized tasks."""

    def __init__(self, nlp: Language, patterns: Sequence[Pattern], *,
                 labels: Iterable[str] | None = None, prior_correct: float = 1.0,
                 prior_incorrect: float = 1.0) -> None:
        wanted = set(labels) if labels is not None else None
        self.nlp = nlp
        self.priors = (prior_correct, prior_incorrect)
        self.patterns = [p for p in patterns if wanted is None or p[LABEL] in wanted]
        self.labels = sorted({p[LABEL] for p in self.patterns})
        self.answers: dict[str, Counter[str]] = {}
        self._tokens = Matcher(nlp.vocab, validate=True)
        self._phrases = PhraseMatcher(nlp.vocab)
        for i, pattern in enumerate(self.patterns):
            self._add(str(i), pattern)

    def _add(self, key: str, pattern: Pattern) -> None:
        body = pattern[PATTERN_KEY]
        try:
            if isinstance(body, str):
                self._phrases.add(key, [self.nlp.make_doc(body)])
            else:
                self._tokens.add(key, [body])
        except (MatchPatternError, ValueError) as err:
            first = str(err).strip().splitlines()[-1][:120]
            raise InputError(f"spaCy can't use this pattern ({first}); see spaCy's Matcher "
                             "token attributes", path=pattern.get("source"),
                             line=pattern.get("line")) from None

    def matches(self, task: Task) -> list[tuple[Span, Pattern]]:
        """Longest non-overlapping matches in the task's tokens, with the pattern of each."""
        doc = _doc(self.nlp, task)
        found = [(Span(doc, s, e, label=self.patterns[int(self.nlp.vocab.strings[k])][LABEL]),
                  int(self.nlp.vocab.strings[k]))
                 for matcher in (self._tokens, self._phrases) if len(matcher) for k, s, e in matcher(doc)]
        kept = {(span.start, span.end) for span in filter_spans([span for span, _ in found])}
        best: dict[tuple[int, int], tuple[Span, Pattern]] = {}
        for span, i in found:
            if (span.start, span.end) in kept:
                best.setdefault((span.start, span.end), (span, self.patterns[i]))
        return [best[key] for key in sorted(best)]

    def score(self, pattern: Pattern) -> float:
        """The share of this pattern's proposals accepted so far, smoothed by the priors (as
        many accepts and rejects assumed before any answer: 0.5 at first when they are equal)."""
        counts = self.answers.get(pattern_text(pattern), Counter())
        correct, incorrect = self.priors
        return (counts[ACCEPT] + correct) / (counts[ACCEPT] + counts[REJECT] + correct + incorrect)

    def spans(self, task: Task) -> list[tuple[dict[str, Any], Pattern]]:
        """The task's matches as span dicts (offsets, token indices, label, text), with their pattern."""
        return [(_span(task, span), pattern) for span, pattern in self.matches(task)]

    def propose(self, task: Task) -> list[tuple[float, Task]]:
        """One binary question per match: the task with that span, the pattern in its meta."""
        out = []
        for span, pattern in self.spans(task):
            score = self.score(pattern)
            meta = {**task.get(META, {}), PATTERN_KEY: pattern_text(pattern), "score": score}
            out.append((score, {**task, SPANS: [span], META: meta}))
        return out

    def update(self, answers: Iterable[Task]) -> None:
        """Count each pattern proposal's answer (the recipe's update calls this)."""
        for answer in answers:
            pattern = (answer.get(META) or {}).get(PATTERN_KEY)
            if isinstance(pattern, str) and answer.get(ANSWER) in (ACCEPT, REJECT):
                self.answers.setdefault(pattern, Counter())[answer[ANSWER]] += 1


def _doc(nlp: Language, task: Task) -> Doc:
    if not task.get(TOKENS):
        raise ConfigError("patterns match on tokens: add_tokens before matching")
    return task_doc(nlp, task)


def _span(task: Task, span: Span) -> dict[str, Any]:
    tokens = task[TOKENS]
    start, end = tokens[span.start][START], tokens[span.end - 1][END]
    return {START: start, END: end, "token_start": span.start, "token_end": span.end - 1,
            LABEL: span.label_, "text": task[TEXT][start:end]}


def add_pattern_spans(matcher: PatternMatcher, stream: Iterable[Task]) -> Stream:
    """Pre-highlight pattern matches (for the manual views) where no span is already."""
    for task in stream:
        spans = list(task.get(SPANS) or [])
        taken = {i for s in spans if "token_start" in s for i in range(s["token_start"], s["token_end"] + 1)}
        for span, _ in matcher.matches(task):
            if not taken.intersection(range(span.start, span.end)):
                spans.append(_span(task, span))
                taken.update(range(span.start, span.end))
        if len(spans) != len(task.get(SPANS) or []):
            spans = check_spans(sorted(spans, key=lambda s: s[START]), task[TEXT], tokens=task[TOKENS])
            task = {**task, SPANS: spans}
        yield task


def combine(score: Callable[[Iterable[Task]], ScoredStream],
            propose: Callable[[Task], Iterable[tuple[float, Task]]],
            stream: Iterable[Task]) -> ScoredStream:
    """The model's (score, task) pairs with the proposals of a second one beside them (a
    PatternMatcher's `propose`): those of every task the model has read come just before the
    model's next pair."""
    pending: deque[tuple[float, Task]] = deque()

    def tap(tasks: Iterable[Task]) -> Iterator[Task]:
        for task in tasks:
            pending.extend(propose(task))
            yield task

    for pair in score(tap(stream)):
        while pending:
            yield pending.popleft()
        yield pair
    yield from pending
