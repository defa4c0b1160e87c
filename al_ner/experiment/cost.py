"""How much annotation an answer set cost: sentences, tokens, decisions and estimated seconds.

The estimate is a deliberately simple linear model, one per interface:

    seconds = per_sentence * sentences + per_token * tokens + per_decision * decisions

- **sentences**: distinct sentences the annotator was shown (by `_input_hash`); a sentence asked
  about again in binary mode is not counted twice.
- **tokens**: tokens of those distinct sentences (what had to be read).
- **decisions**: binary (`ner.teach`): one per answered question (accept/reject/ignore);
  manual (`ner.manual`, `ner.correct`): one per answered sentence (submit) plus one per span in the
  answer (each entity marked or confirmed).

The default rates are assumptions, not measurements (about 240 words a minute of reading, a couple
of seconds to mark a span, a second for a yes/no); change them in the experiment config.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..constants import ACCEPT, ANSWER, INPUT_HASH, SPANS, TEXT, TOKENS, VIEW_ID, VIEW_NER_MANUAL
from ..errors import ConfigError
from ..types import Task

BINARY = "binary"
MANUAL = "manual"


@dataclass(frozen=True)
class Rates:
    """Seconds per sentence read, per token read and per decision."""

    per_sentence: float
    per_token: float
    per_decision: float

    def __post_init__(self) -> None:
        for name in ("per_sentence", "per_token", "per_decision"):
            if getattr(self, name) < 0:
                raise ConfigError(f"cost rate '{name}' must be >= 0, got {getattr(self, name)}")


@dataclass(frozen=True)
class CostModel:
    """One set of rates for binary questions and one for manual (full-span) answers."""

    binary: Rates = Rates(per_sentence=1.0, per_token=0.15, per_decision=1.0)
    manual: Rates = Rates(per_sentence=1.5, per_token=0.25, per_decision=2.0)

    def seconds(self, mode: str, *, sentences: int, tokens: int, decisions: int) -> float:
        rates = self._rates(mode)
        return (rates.per_sentence * sentences + rates.per_token * tokens
                + rates.per_decision * decisions)

    def _rates(self, mode: str) -> Rates:
        if mode == BINARY:
            return self.binary
        if mode == MANUAL:
            return self.manual
        raise ConfigError(f"unknown annotation mode '{mode}'; choose one of: {BINARY}, {MANUAL}")

    @classmethod
    def from_dict(cls, config: dict[str, dict[str, float]] | None) -> CostModel:
        """Build from {"binary": {...rates}, "manual": {...rates}}; missing parts keep the defaults."""
        config = config or {}
        unknown = set(config) - {BINARY, MANUAL}
        if unknown:
            raise ConfigError(f"unknown cost section(s) {sorted(unknown)}; use: {BINARY}, {MANUAL}")
        default = cls()
        parts = {mode: Rates(**{**vars(default._rates(mode)), **dict(config.get(mode, {}))})
                 for mode in (BINARY, MANUAL)}
        return cls(**parts)


@dataclass(frozen=True)
class Cost:
    """What a set of answers cost the annotator."""

    sentences: int
    tokens: int
    decisions: int
    est_seconds: float


def answer_mode(task: Task) -> str:
    """'manual' for full-span answers (view ner_manual), else 'binary'."""
    return MANUAL if task.get(VIEW_ID) == VIEW_NER_MANUAL else BINARY


def annotation_cost(answers: Iterable[Task], model: CostModel) -> Cost:
    """Count sentences, tokens and decisions in `answers` and estimate the seconds spent."""
    seen: set[object] = set()
    sentences = tokens = decisions = 0
    seconds = 0.0
    for task in answers:
        mode = answer_mode(task)
        new_sentence = task.get(INPUT_HASH, task.get(TEXT)) not in seen
        seen.add(task.get(INPUT_HASH, task.get(TEXT)))
        n_tokens = _n_tokens(task) if new_sentence else 0
        n_decisions = 1 + len(task.get(SPANS) or []) if mode == MANUAL and _answered(task) else 1
        sentences += int(new_sentence)
        tokens += n_tokens
        decisions += n_decisions
        seconds += model.seconds(mode, sentences=int(new_sentence), tokens=n_tokens,
                                 decisions=n_decisions)
    return Cost(sentences, tokens, decisions, seconds)


def _answered(task: Task) -> bool:
    return task.get(ANSWER) == ACCEPT


def _n_tokens(task: Task) -> int:
    tokens = task.get(TOKENS)
    return len(tokens) if tokens else len(str(task.get(TEXT, "")).split())
