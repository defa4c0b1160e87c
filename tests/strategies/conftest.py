"""A stand-in for strategies.Window: fixed model outputs, no spaCy (the mock of the interface)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest


@dataclass
class FakeWindow:
    """What a strategy may read from a window, as fixed arrays; counts what it read."""

    entity_probs: list[dict]
    parses: list[list[tuple[float, tuple]]]
    vectors: np.ndarray
    lengths: np.ndarray
    tasks: list[dict] = field(default_factory=list)

    @property
    def normalized_entity_probs(self) -> list[dict]:
        return self.entity_probs

    def __len__(self) -> int:
        return len(self.entity_probs)


def fake_window(n: int, seed: int = 0) -> FakeWindow:
    """n sentences with varied probabilities, parse distributions and vectors."""
    rng = np.random.default_rng(seed)
    probs = [{(0, 1, "ORG"): float(p)} for p in rng.uniform(0, 1, n)]
    parses = []
    for i in range(n):
        weights = rng.dirichlet(np.ones(1 + i % 4))
        parses.append([(float(w) * 0.9, ((j, j + 1, "ORG"),)) for j, w in enumerate(weights)])
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    return FakeWindow(probs, parses, vectors, rng.integers(3, 30, n),
                      [{"text": f"sentence {i}"} for i in range(n)])


@pytest.fixture
def window() -> FakeWindow:
    return fake_window(40)
