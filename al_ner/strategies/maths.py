"""Query-strategy maths as tiny pure functions over arrays: scores, similarities, selections.

Scores are "higher = ask first". Nothing here knows about tasks, Docs or spaCy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy.stats import rankdata

from ..scoring.maths import get_reducer, uncertainty

ParseProbs = Sequence[float]


def top_n(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the `n` highest scores, best first; ties keep their input order."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return [int(i) for i in order[:n]]


def span_uncertainty(probs: Iterable[float], reduce: str = "max") -> float:
    """A sentence's entity uncertainty: 1 - 2|p - 0.5| per candidate span, reduced (0.0 for none)."""
    return get_reducer(reduce)(uncertainty(p) for p in probs)


def parse_entropy(probs: ParseProbs) -> float:
    """Shannon entropy (nats) of a distribution over parses, renormalized to sum to 1.

    0.0 when one parse holds all the mass (or there are none).
    """
    p = np.asarray(probs, dtype=float)
    p = p[p > 0]
    if p.size < 2:
        return 0.0
    p = p / p.sum()
    return float(-(p * np.log(p)).sum())


def mnlp(best: float, length: int) -> float:
    """Maximum normalized log-probability (Shen et al. 2018): log P(best parse) / length.

    At most 0; the lower, the less sure the model is about its best analysis. 0.0 for an
    empty sentence or a certain one.
    """
    if length < 1 or best >= 1.0:
        return 0.0
    return math.log(max(best, 1e-300)) / length


def grouped(parses: Sequence[tuple[float, tuple]]) -> list[float]:
    """The probabilities of the distinct analyses among `parses` (equal ones summed), in order."""
    totals: dict[tuple, float] = {}
    for p, ents in parses:
        key = tuple(sorted(ents))
        totals[key] = totals.get(key, 0.0) + p
    return list(totals.values())


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    x = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def cosine_similarities(vectors: np.ndarray) -> np.ndarray:
    """The n x n matrix of cosine similarities between rows (0 for zero rows)."""
    unit = normalize_rows(vectors)
    return unit @ unit.T


def density(similarities: np.ndarray, beta: float = 1.0) -> np.ndarray:
    """Each item's mean similarity to the others, clipped at 0, to the power `beta`.

    The representativeness term of information density (Settles & Craven 2008). 1.0 for
    every item of a one-item pool.
    """
    n = similarities.shape[0]
    if n < 2:
        return np.ones(n)
    mean = (similarities.sum(axis=1) - np.diag(similarities)) / (n - 1)
    return np.clip(mean, 0.0, None) ** beta


def kcenter_greedy(vectors: np.ndarray, n: int) -> list[int]:
    """k-center greedy (Sener & Savarese 2018) over unit-length rows: `n` indices, in order.

    Starts from the row nearest the mean (the most central) and then always takes the row
    farthest from everything taken so far, so each question covers ground the earlier ones
    did not. Ties go to the earlier row.
    """
    unit = normalize_rows(vectors)
    if not len(unit):
        return []
    centre = unit.mean(axis=0)
    first = int(np.argmin(((unit - centre) ** 2).sum(axis=1)))
    chosen, nearest = [first], ((unit - unit[first]) ** 2).sum(axis=1)
    for _ in range(min(n, len(unit)) - 1):
        nearest[chosen] = -1.0
        pick = int(np.argmax(nearest))
        chosen.append(pick)
        nearest = np.minimum(nearest, ((unit - unit[pick]) ** 2).sum(axis=1))
    return chosen


def mmr(relevance: np.ndarray, similarities: np.ndarray, n: int, lam: float) -> list[int]:
    """Maximal marginal relevance: `n` indices, each maximizing lam * rel - (1 - lam) * max sim.

    rel is scaled to [0, 1] by rank, so scores of any scale combine with cosine similarities.
    The first pick is the most relevant item.
    """
    rel = rank_scores(relevance)
    chosen: list[int] = []
    closest = np.full(len(rel), -np.inf)
    for _ in range(min(n, len(rel))):
        value = lam * rel - (1.0 - lam) * np.where(np.isinf(closest), 0.0, closest)
        value[chosen] = -np.inf
        pick = int(np.argmax(value))
        chosen.append(pick)
        closest = np.maximum(closest, similarities[pick])
    return chosen


def rank_scores(scores: np.ndarray) -> np.ndarray:
    """Scores as ranks scaled to [0, 1] (ties share the average rank; one item gets 1.0)."""
    values = np.asarray(scores, dtype=float)
    if values.size < 2:
        return np.ones(values.size)
    return (rankdata(values) - 1.0) / (values.size - 1)


def weighted_ranks(columns: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """The weighted mean of each column's rank scores: a hybrid score in [0, 1]."""
    total = float(sum(weights))
    mixed = sum(w * rank_scores(c) for c, w in zip(columns, weights))
    return np.asarray(mixed, dtype=float) / total


def epsilon_mix(ranked: Sequence[int], n: int, epsilon: float, rng: np.random.Generator,
                size: int) -> list[int]:
    """`n` of `size` items: mostly `ranked`'s first, each slot random with chance `epsilon`.

    A random slot takes an item drawn uniformly from those not chosen yet, so about an
    epsilon share of the picks explore and the rest exploit the ranking, in ranking order
    (once `ranked` runs out, the remaining slots are random too).
    """
    chosen: list[int] = []
    taken: set[int] = set()
    queue = iter(ranked)
    for _ in range(min(n, size)):
        explore = rng.random() < epsilon
        pick = None if explore else next((i for i in queue if i not in taken), None)
        if pick is None:
            pick = int(rng.choice([i for i in range(size) if i not in taken]))
        chosen.append(pick)
        taken.add(pick)
    return chosen


def uncertain_region(length: int, probs: Mapping[tuple[int, int, str], float],
                     keep_whole: Sequence[tuple[int, int, str]], *, threshold: float,
                     context: int) -> tuple[int, int]:
    """The token range [start, end) of a sentence worth asking (Radmard et al. 2021).

    From the first to the last token covered by a candidate entity whose uncertainty
    1 - 2|p - 0.5| is at least `threshold`, `context` tokens more on each side, widened until
    no span of `keep_whole` (the model's own entities) is cut. The whole sentence when no
    candidate is that uncertain: asking nothing would make the sentence free.
    """
    marked = [(s, e) for (s, e, _label), p in probs.items() if uncertainty(p) >= threshold]
    if not marked or length < 1:
        return 0, max(0, length)
    start = max(0, min(s for s, _ in marked) - context)
    end = min(length, max(e for _, e in marked) + context)
    changed = True
    while changed:
        changed = False
        for s, e, _label in keep_whole:
            if s < end and e > start and (s < start or e > end):
                start, end, changed = min(start, s), max(end, e), True
    return start, end


def bandit_probabilities(scores: np.ndarray, *, gamma: float, floor: float = 0.0,
                         floored: int = 0) -> np.ndarray:
    """EXP3's arm probabilities: (1 - gamma) softmax(scores) + gamma / K (Auer et al. 2002).

    Arm `floored` then gets at least `floor` (the others shrink in proportion), so one arm,
    random, is never asked less than that share.
    """
    s = np.asarray(scores, dtype=float)
    w = np.exp(s - s.max())
    p = (1.0 - gamma) * w / w.sum() + gamma / len(s)
    if p[floored] < floor:
        rest = np.delete(np.arange(len(s)), floored)
        p[rest] *= (1.0 - floor) / p[rest].sum() if p[rest].sum() > 0 else 0.0
        p[floored] = floor
    return p / p.sum()
