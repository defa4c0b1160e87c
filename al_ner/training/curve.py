"""train-curve: train on growing shares of the training data; does the last share still help?

The shares are nested (each holds the one before it, in one seeded order of the training
docs) and every model is scored on the same dev set, so the curve shows the data, not the draw.
The spaCy work sits behind `CurveSteps`; tests use a fake.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from spacy.tokens import DocBin
from spacy.vocab import Vocab

from ..errors import ConfigError, DatasetError

SHARES = (0.25, 0.5, 0.75, 1.0)


class CurveSteps(Protocol):
    """Train one model on a train file and score a model on the dev file."""

    def train(self, train_path: Path, dev_path: Path, out_dir: Path) -> Path: ...

    def score(self, model: Path, dev_path: Path) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class CurvePoint:
    """One share: how many training docs, and the dev scores (micro F, F per label)."""

    share: float
    docs: int
    f: float
    labels: dict[str, float]


@dataclass(frozen=True)
class Curve:
    points: list[CurvePoint]

    @property
    def last_gain(self) -> float | None:
        """Micro F of the whole data minus that of the share before it."""
        return self.points[-1].f - self.points[-2].f if len(self.points) > 1 else None

    @property
    def still_helps(self) -> bool | None:
        """Whether the last share improved F (Prodigy's rule of thumb: then more data of the
        same kind will likely help)."""
        gain = self.last_gain
        return None if gain is None else gain > 0


def check_shares(shares: Sequence[float]) -> list[float]:
    """Increasing shares in (0, 1], the last 1.0."""
    values = list(shares)
    if not values or any(not 0 < s <= 1 for s in values) or values != sorted(set(values)):
        raise ConfigError(f"shares must increase within (0, 1], e.g. 0.25,0.5,0.75,1; got {values}")
    if values[-1] != 1.0:
        values.append(1.0)
    return values


def train_curve(train_path: Path, dev_path: Path, out_dir: Path, steps: CurveSteps, *,
                shares: Sequence[float] = SHARES, seed: int = 0) -> Curve:
    """Train on each share of `train_path`'s docs (nested, in a seeded order); score on dev."""
    docs = list(DocBin().from_disk(train_path).get_docs(Vocab()))
    if not docs:
        raise DatasetError(f"{train_path} holds no training docs; annotate more or check --ner")
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    points = []
    for share in check_shares(shares):
        count = max(1, math.ceil(len(docs) * share))
        subset = out_dir / f"train-{round(share * 100)}.spacy"
        DocBin(docs=[docs[i] for i in order[:count]], store_user_data=False).to_disk(subset)
        model = steps.train(subset, dev_path, out_dir / f"model-{round(share * 100)}")
        scores = steps.score(model, dev_path)
        points.append(CurvePoint(share, count, float(scores["micro"]["f"]),
                                 {label: float(s["f"]) for label, s in scores["labels"].items()}))
    return Curve(points)


class SpacyCurveSteps:
    """The real steps: al-ner's `train` from a config, `evaluate` on the dev gold."""

    def __init__(self, config: Path, *, base_model: str, overrides: Mapping[str, Any] | None = None,
                 labels: Sequence[str] | None = None, use_gpu: int = -1) -> None:
        self.config = config
        self.base_model = base_model
        self.overrides = dict(overrides or {})
        self.labels = list(labels) if labels else None
        self.use_gpu = use_gpu

    def train(self, train_path: Path, dev_path: Path, out_dir: Path) -> Path:
        from .train import train

        settings = {**self.overrides, "paths.train": str(train_path), "paths.dev": str(dev_path)}
        result = train(self.config, out_dir, overrides=settings, base_model=self.base_model,
                       use_gpu=self.use_gpu, labels=self.labels)
        return result.best or result.last

    def score(self, model: Path, dev_path: Path) -> Mapping[str, Any]:
        from ..models import load_model
        from .evaluate import evaluate, read_eval_docbin

        nlp = load_model(str(model))
        return evaluate(nlp, read_eval_docbin(dev_path, nlp.vocab), labels=self.labels)
