"""How much annotation an answer set cost: sentences, tokens, decisions and estimated seconds.

The one definition of each (the gold annotator counts its own answers with it too).

The estimate is a deliberately simple linear model, one per interface:

    seconds = per_sentence * sentences + per_token * tokens + per_decision * decisions

- **answers**: answered questions (what a budget counted before al-ner had cost units).
- **sentences**: distinct sentences the annotator was shown (by `_input_hash`); a sentence asked
  about again in binary mode is not counted twice.
- **tokens**: tokens of those distinct sentences (what had to be read); for a subsequence
  question (`meta["asked"] = [start, end]`), only the tokens of the asked range.
- **decisions**: binary (`ner.teach`): one per answered question (accept/reject/ignore);
  manual (`ner.manual`, `ner.correct`): one per answered sentence (submit) plus one per span in the
  answer (each entity marked or confirmed).

The default rates are assumptions, not measurements (about 240 words a minute of reading, a couple
of seconds to mark a span, a second for a yes/no); change them in the experiment config.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .constants import (ACCEPT, ANSWER, ASKED, END, INPUT_HASH, LABEL, META, SPANS, START, TEXT, TIMESTAMP,
                        TOKENS, VIEW_NER_MANUAL)
from .errors import ConfigError
from .stream.validate import answer_view
from .types import Task

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

    def to_dict(self) -> dict[str, dict[str, float]]:
        return {BINARY: vars(self.binary).copy(), MANUAL: vars(self.manual).copy()}

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


UNITS = ("answers", "sentences", "tokens", "minutes")
DEFAULT_UNIT = "tokens"


def check_unit(unit: str) -> str:
    """`unit` if it is a budget unit, else a ConfigError listing them."""
    if unit not in UNITS:
        raise ConfigError(f"unknown budget unit {unit!r}; choose one of: {', '.join(UNITS)}")
    return unit


@dataclass(frozen=True)
class Cost:
    """What a set of answers cost the annotator."""

    sentences: int
    tokens: int
    decisions: int
    est_seconds: float
    answers: int = 0

    def in_unit(self, unit: str) -> float:
        """This cost in a budget unit (minutes from the estimated seconds)."""
        check_unit(unit)
        if unit == "minutes":
            return self.est_seconds / 60.0
        return float(getattr(self, unit))


def answer_mode(task: Task) -> str:
    """'manual' for full-span answers (view ner_manual, or a review of one), else 'binary'."""
    return MANUAL if answer_view(task) == VIEW_NER_MANUAL else BINARY


class CostMeter:
    """The running cost of a session's answers, and what a question would add if answered.

    `add` counts an answer; `projected` is the cost of the answers plus a lower bound for
    questions handed out but not answered yet (their tokens if the sentence is new, one
    decision each). A budget stops handing out questions once the projection reaches it,
    so a session ends with the first answer that reaches the budget, not a batch later.
    """

    def __init__(self, model: CostModel, answers: Iterable[Task] = ()) -> None:
        self.model = model
        self._seen: set[object] = set()
        self.cost = Cost(0, 0, 0, 0.0, 0)
        for task in answers:
            self.add(task)

    def add(self, task: Task) -> None:
        """Count one answered task."""
        self.cost = _plus(self.cost, self._cost_of(task, answered=True))
        self._seen.add(_sentence_key(task))

    def projected(self, questions: Iterable[Task]) -> Cost:
        """The cost so far plus the least that answering `questions` would add."""
        seen = set(self._seen)
        total = self.cost
        for task in questions:
            total = _plus(total, self._cost_of(task, answered=False, seen=seen))
            seen.add(_sentence_key(task))
        return total

    def _cost_of(self, task: Task, *, answered: bool, seen: set[object] | None = None) -> Cost:
        mode = answer_mode(task)
        new = _sentence_key(task) not in (self._seen if seen is None else seen)
        tokens = tokens_read(task) if new else 0
        taken = decisions(task) if answered else 1
        seconds = self.model.seconds(mode, sentences=int(new), tokens=tokens, decisions=taken)
        return Cost(int(new), tokens, taken, seconds, 1)


def annotation_cost(answers: Iterable[Task], model: CostModel) -> Cost:
    """Count answers, sentences, tokens and decisions in `answers` and estimate the seconds spent."""
    return CostMeter(model, answers).cost


def _plus(a: Cost, b: Cost) -> Cost:
    return Cost(a.sentences + b.sentences, a.tokens + b.tokens, a.decisions + b.decisions,
                a.est_seconds + b.est_seconds, a.answers + b.answers)


def _sentence_key(task: Task) -> object:
    return task.get(INPUT_HASH, task.get(TEXT))


def decisions(answer: Task, *, proposed: Iterable[dict[str, Any]] | None = None) -> int:
    """The decisions an answer took: one (accept, reject, ignore, submit, a choice), plus, for an
    accepted full-span answer, one per span the annotator acted on.

    proposed: the spans the question came with (pre-highlighted), when known: then each span added
    or removed counts and a kept one doesn't. Unknown (an answer read back from a dataset): each
    span of the answer counts, marked or confirmed.
    """
    if answer_mode(answer) != MANUAL or answer.get(ANSWER) != ACCEPT:
        return 1
    spans = answer.get(SPANS) or []
    if proposed is None:
        return 1 + len(spans)
    return 1 + len({_span_key(s) for s in spans} ^ {_span_key(s) for s in proposed})


def _span_key(span: dict[str, Any]) -> tuple[Any, Any, Any]:
    return span.get(START), span.get(END), span.get(LABEL)


def tokens_read(task: Task) -> int:
    """Tokens the annotator had to read: the asked range of a subsequence question, else all."""
    asked = task.get(META, {}).get(ASKED)
    if isinstance(asked, (list, tuple)) and len(asked) == 2:
        return max(0, int(asked[1]) - int(asked[0]))
    tokens = task.get(TOKENS)
    return len(tokens) if tokens else len(str(task.get(TEXT, "")).split())


class CostBudget:
    """A session budget (`al_ner.types.Budget`): questions until the cost reaches `target`.

    The meter starts from the run's earlier answers, so `target` is the cumulative cost of a
    checkpoint, not the cost of this session alone.
    """

    def __init__(self, meter: CostMeter, *, unit: str, target: float) -> None:
        self.meter = meter
        self.unit = check_unit(unit)
        self.target = target

    def allows(self, open_questions: Sequence[Task]) -> bool:
        return self.meter.projected(open_questions).in_unit(self.unit) < self.target

    def add(self, answers: Sequence[Task]) -> None:
        for task in answers:
            self.meter.add(task)


# ---------------------------------------------------------------- cost of answers that already exist

TIME_SOURCES = ("auto", "timestamps", "model")
GAP_CAP = 300.0  # seconds: a longer pause between two answers (a coffee break) counts as this much
MIN_SECONDS_PER_ANSWER = 0.5  # below this the timestamps can't be a person's (simulated answers)


def timestamp_seconds(answers: Sequence[Task], *, cap: float = GAP_CAP) -> list[float] | None:
    """Cumulative annotation seconds at each answer from its `_timestamp`, in answer order.

    Each gap between consecutive answers counts up to `cap` seconds (negative gaps, from
    interleaved sessions, count 0). Prodigy stamps a batch of answers at once, so most gaps
    are 0 and the batch's time sits in the gap before it. None if an answer has no timestamp.
    """
    stamps = [float(s) for s in (task.get(TIMESTAMP) for task in answers)
              if isinstance(s, (int, float)) and not isinstance(s, bool)]
    if not stamps or len(stamps) < len(answers):
        return None
    out, total = [0.0], 0.0
    for before, after in zip(stamps, stamps[1:]):
        total += min(max(after - before, 0.0), cap)
        out.append(total)
    return out


def answer_costs(answers: Sequence[Task], model: CostModel, *, time: str = "auto",
                 cap: float = GAP_CAP) -> tuple[list[Cost], str]:
    """The cumulative cost after each answer, and where its seconds came from.

    time: "timestamps" (the answers' own `_timestamp`s, gaps capped at `cap`), "model" (the
    cost model's estimate) or "auto": timestamps when every answer has one and they account for
    at least MIN_SECONDS_PER_ANSWER per answer, else the model.
    """
    if time not in TIME_SOURCES:
        raise ConfigError(f"unknown time source {time!r}; choose one of: {', '.join(TIME_SOURCES)}")
    meter, costs = CostMeter(model), []
    for task in answers:
        meter.add(task)
        costs.append(meter.cost)
    seconds = timestamp_seconds(answers, cap=cap) if time != "model" else None
    if time == "timestamps" and seconds is None:
        raise ConfigError("time='timestamps' but some answers have no '_timestamp'; use time='model'")
    if seconds is None or (time == "auto" and seconds[-1] < MIN_SECONDS_PER_ANSWER * len(answers)):
        return costs, "model"
    return [replace(cost, est_seconds=s) for cost, s in zip(costs, seconds)], "timestamps"
