"""When to stop annotating: stabilizing predictions beside the control answers' F1 estimate.

Stabilizing predictions (Bloodgood & Vijay-Shanker 2009, "A method for stopping active learning
based on stabilizing predictions and the need for user-adjustable stopping", CoNLL): keep a
fixed set of unlabelled sentences (the stop set, a seeded sample of the source), predict it with
each successive model, and measure Cohen's kappa between successive models' predictions; once
the mean of the last three kappas reaches 0.99 the model has stopped changing. For NER the
predictions are the tokens' BIO tags of the annotated labels.

The rule says "you can stop" only when the control answers agree: they give an interval for the
model's F1 (enough gold entities for one) and the model is not worse than the base model on
them. The first without the second would stop a model that stopped learning while broken.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from ..constants import INPUT_HASH
from ..scoring.docs import task_doc
from ..sorters.util import check_int, check_number
from ..stream.hashing import input_hash
from ..training.base_model import ner_pipes, predict_entities
from ..types import Stream, Task
from .maths import Span
from .monitor import WORSE, describe

KAPPA = 0.99  # Bloodgood & Vijay-Shanker's threshold
LAST = 3  # ... over the mean of the last three comparisons
OUTSIDE = "O"


def bio_tags(length: int, spans: Iterable[Span], labels: Iterable[str]) -> list[str]:
    """BIO tags of a sentence of `length` tokens from its (start, end, label) spans of `labels`."""
    tags = [OUTSIDE] * length
    wanted = set(labels)
    for start, end, label in spans:
        if label in wanted and 0 <= start < end <= length:
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    return tags


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa between two labelings of the same items (1.0 when they agree on a single class)."""
    if len(a) != len(b):
        raise ValueError(f"kappa needs two labelings of the same items, got {len(a)} and {len(b)}")
    if not a:
        return 1.0
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    classes = set(a) | set(b)
    expected = sum((list(a).count(c) / n) * (list(b).count(c) / n) for c in classes)
    if expected >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


Predictions = dict[int, list[Span]]  # input hash -> predicted spans of one stop-set sentence


def agreement(before: Mapping[int, Sequence[Span]], after: Mapping[int, Sequence[Span]],
              lengths: Mapping[int, int], labels: Sequence[str]) -> tuple[float, int]:
    """Kappa over the tokens of the sentences both predictions cover, and how many there are."""
    common = [h for h in after if h in before and h in lengths]
    a = [tag for h in common for tag in bio_tags(lengths[h], before[h], labels)]
    b = [tag for h in common for tag in bio_tags(lengths[h], after[h], labels)]
    return cohen_kappa(a, b), len(common)


def says_stop(kappas: Sequence[float], *, threshold: float = KAPPA, last: int = LAST) -> bool:
    """Whether the mean of the last `last` kappas reaches `threshold` (needs that many)."""
    return len(kappas) >= last and sum(kappas[-last:]) / last >= threshold


def control_says_stop(health: Mapping[str, Any] | None) -> bool:
    """The control answers give an interval for the model's F1 and it is not worse than the base."""
    if not health or not health.get("n"):
        return False
    return health["f1"].get("low") is not None and health.get("warning") != WORSE


@dataclass
class StopSet:
    """A seeded sample of the source (each sentence kept with chance `share`, at most `size`)."""

    share: float = 0.25
    size: int = 200
    seed: int = 0
    tasks: list[Task] = field(default_factory=list)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        check_number("stop set share", self.share, low=0.0, high=1.0)
        check_int("stop set size", self.size, minimum=1)
        self.rng = random.Random(self.seed)

    def watch(self, stream: Iterable[Task]) -> Stream:
        """Every task of `stream`, unchanged, keeping the sample as they pass (never removed)."""
        return self._watch(stream)

    def _watch(self, stream: Iterable[Task]) -> Iterator[Task]:
        for task in stream:
            if len(self.tasks) < self.size and self.rng.random() < self.share:
                self.tasks.append(task)
            yield task


@dataclass
class StoppingMonitor:
    """Predicts the stop set with the model in the loop whenever it has learnt `every` answers."""

    nlp: Language
    labels: list[str]
    stop_set: StopSet
    learns: bool  # whether the model in the loop changes during the session
    every: int = 50
    kappas: list[float] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    last: Predictions | None = None
    digest: str = ""
    answered: int = 0
    _checked_at: int = -1

    def restore(self, record: Mapping[str, Any]) -> None:
        """Continue from the previous session's stopping record (its kappas and last predictions)."""
        self.kappas = [float(k) for k in record.get("kappas") or []]
        self.last = {int(h): [tuple(s) for s in spans]  # type: ignore[misc]
                     for h, spans in (record.get("predictions") or {}).items()}
        self.digest = str(record.get("digest") or "")

    def update(self, answers: Sequence[Task]) -> None:
        """Count answers; after `every` of them (or the first batch) check the model again."""
        self.answered += len(answers)
        first = self._checked_at < 0
        if first or (self.learns and self.answered - self._checked_at >= self.every):
            self.check()

    def check(self) -> None:
        """Predict the stop set now and compare with the last predictions of another model."""
        if not self.stop_set.tasks:
            return
        self._checked_at = self.answered
        digest = model_digest(self.nlp)
        now, lengths = self.predict()
        if self.last is not None and digest != self.digest:
            kappa, n = agreement(self.last, now, lengths, self.labels)
            self.kappas.append(kappa)
            self.checks.append({"answers": self.answered, "kappa": round(kappa, 5), "sentences": n})
        if digest != self.digest or self.last is None:
            self.last, self.digest = now, digest

    def predict(self) -> tuple[Predictions, dict[int, int]]:
        docs = [task_doc(self.nlp, task) for task in self.stop_set.tasks]
        hashes = [int(task.get(INPUT_HASH) or input_hash(task)) for task in self.stop_set.tasks]
        spans = predict_entities(self.nlp, docs)
        return ({h: [s for s in ents if s[2] in self.labels] for h, ents in zip(hashes, spans)},
                {h: len(doc) for h, doc in zip(hashes, docs)})

    def status(self, health: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What the rule says now, JSON-ready (for the progress data and the session log).

        health: the control answers' estimate (None: the session asks no control questions).
        """
        stable, control = says_stop(self.kappas), control_says_stop(health)
        return {"kappas": [round(k, 4) for k in self.kappas[-LAST:]], "comparisons": len(self.kappas),
                "stop_set": len(self.stop_set.tasks), "stable": stable, "control": control,
                "stop": stable and control, "learns": self.learns, "threshold": KAPPA,
                "control_questions": health is not None}

    def record(self) -> dict[str, Any]:
        """What the next session of the dataset continues from."""
        predictions = {str(h): [list(s) for s in spans] for h, spans in (self.last or {}).items()}
        return {"kappas": [round(k, 6) for k in self.kappas], "checks": self.checks,
                "predictions": predictions, "digest": self.digest}


def model_digest(nlp: Language) -> str:
    """A digest of the NER's weights (and what it listens to): equal digests, the same model."""
    digest = hashlib.sha1()
    for name in ner_pipes(nlp):
        digest.update(nlp.get_pipe(name).model.to_bytes())
    return digest.hexdigest()


def describe_stopping(status: Mapping[str, Any] | None) -> str:
    """One line for the terminal summary and the web header: what the stopping rule says."""
    if not status:
        return ""
    kappas = ", ".join(f"{k:.3f}" for k in status.get("kappas") or [])
    seen = (f"κ {kappas} between successive models on {status['stop_set']} stop-set sentences"
            if kappas else f"no two models compared yet on the {status['stop_set']} stop-set sentences")
    if status.get("stop"):
        return f"you can stop: predictions have stabilized ({seen}) and the control answers agree"
    why = []
    if not status.get("stable"):
        why.append(f"predictions still change (needs a mean κ ≥ {status['threshold']} over the last "
                   f"{LAST} comparisons; {seen})")
        if not status.get("learns"):
            why.append("the model doesn't learn in this session: train it and annotate on with the "
                       "trained model")
    if not status.get("control_questions"):
        why.append("no control questions to say how good the model is (pass --control 0.1)")
    elif not status.get("control"):
        why.append("the control answers don't yet give an F1 interval, or the model is worse than "
                   "the base model on them")
    return "not yet: " + "; ".join(why)


def describe_arms(shares: Mapping[str, float] | None) -> str:
    """The adaptive strategy's chances of asking the next question, per arm."""
    if not shares:
        return ""
    parts = ", ".join(f"{name.removeprefix('al_ner.').removesuffix('.v1')} {p:.0%}"
                      for name, p in sorted(shares.items(), key=lambda item: -item[1]))
    return f"adaptive strategy, chances of asking next: {parts}"


def describe_session(health: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(mark, line) for the terminal summary: the control estimate, the stopping rule, the arms.

    mark: "⚠" for a warning, "✔" when you can stop, else "ℹ".
    """
    if not health:
        return []
    lines = []
    if health.get("n") is not None:
        lines.append(("⚠" if health.get("warning") else "ℹ", describe(dict(health))))
    stopping = health.get("stopping")
    if stopping:
        mark = "✔" if stopping.get("stop") else "ℹ"
        lines.append((mark, "stopping rule: " + describe_stopping(stopping)))
    if health.get("arms"):
        lines.append(("ℹ", describe_arms(health["arms"])))
    return lines
