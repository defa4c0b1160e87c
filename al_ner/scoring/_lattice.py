"""Exact entity probabilities under the NER's own model, from a lattice over its states.

spaCy's NER (`TransitionBasedParser`, state type "ner") scores the moves of a step from three
tokens only: the next token B(0), the first token of the open entity E(0) and, inside an
entity, the token before B(0) (`StateC.set_context_tokens`). So the scores of a step depend on
(position, start of the open entity or none) and nothing else of the history: the parser is a
semi-Markov model whose states fit in a lattice of n x K nodes (K: the longest entity
considered). Each node's moves are scored once with spaCy's own step model (`state2vec`, then
`vec2scores`) and turned into probabilities over the moves valid there (spaCy's BILUO rules as
`ner.pyx` states them for a doc without preset entities), exactly as the greedy parser chooses
among them.

Because the model is locally normalized, the probability of being outside any entity before
token i (`alpha`) takes one forward pass, and an entity's probability is
alpha[start] x P(its moves | outside at start): no backward pass, nothing pruned (within K).
Viterbi over the same lattice gives the most probable parse. docs/teach.md explains why
spaCy's `beam_parse` can't give these probabilities for greedily trained pipelines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc

from ..errors import ConfigError

EntKey = tuple[int, int, str]  # token start, token end (exclusive), label
DEFAULT_MAX_LEN = 16  # longest entity scored; longer ones keep their mass out of every parse


@dataclass(frozen=True)
class Moves:
    """A NER's move classes by action, one column per entity label."""

    labels: tuple[str, ...]
    begin: np.ndarray
    inside: np.ndarray
    last: np.ndarray
    unit: np.ndarray
    out: int

    @classmethod
    def of(cls, ner: EntityRecognizer) -> Moves:
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        index = {name: i for i, name in enumerate(names)}
        labels = tuple(sorted({name[2:] for name in names if len(name) > 2}))
        cols = {a: np.array([index[f"{a}-{label}"] for label in labels], dtype=int) for a in "BILU"}
        return cls(labels, cols["B"], cols["I"], cols["L"], cols["U"], index["O"])


@dataclass
class Lattice:
    """One doc's lattice: its entities' log-probabilities from their start, and alpha.

    span[s, d - 1, j]: log P(entity (s, s + d, labels[j]) | outside before s), -inf if impossible.
    out[s]: log P(O at s | outside before s). alpha[s]: P(outside before s); alpha[n] is the
    probability of a parse with no entity longer than K (1.0 up to rounding, in practice).
    """

    labels: tuple[str, ...]
    alpha: np.ndarray
    span: np.ndarray
    out: np.ndarray

    def probs(self, labels: Sequence[str], *, min_prob: float = 0.0) -> dict[EntKey, float]:
        """Each entity of `labels` whose probability is at least `min_prob` (> 0), with it."""
        wanted = [j for j, label in enumerate(self.labels) if label in set(labels)]
        p = self.alpha[:-1, None, None] * np.exp(self.span[:, :, wanted])
        s, d, j = np.nonzero(p >= max(min_prob, 1e-12))
        return {(int(a), int(a + b + 1), self.labels[wanted[c]]): float(p[a, b, c])
                for a, b, c in zip(s, d, j)}

    def best(self) -> tuple[float, list[EntKey]]:
        """The most probable parse (Viterbi): its log-probability and its entities."""
        n, k = self.span.shape[:2]
        top = self.span.max(axis=2)
        arg = self.span.argmax(axis=2)
        score, back = np.full(n + 1, -np.inf), [(0, -1)] * (n + 1)
        score[0] = 0.0
        for e in range(1, n + 1):
            score[e], back[e] = score[e - 1] + self.out[e - 1], (e - 1, -1)
            for d in range(1, min(k, e) + 1):
                if score[e - d] + top[e - d, d - 1] > score[e]:
                    score[e], back[e] = score[e - d] + top[e - d, d - 1], (e - d, int(arg[e - d, d - 1]))
        ents, e = [], n
        while e > 0:
            s, j = back[e]
            if j >= 0:
                ents.append((s, e, self.labels[j]))
            e = s
        return float(score[n]), sorted(ents)


def check_max_len(max_len: int) -> int:
    """`max_len` if it is an integer >= 1, else a ConfigError."""
    if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1:
        raise ConfigError(f"'max_len' (the longest entity scored, in tokens) must be an integer "
                          f">= 1, got {max_len!r}")
    return max_len


def lattices(ner: EntityRecognizer, docs: Sequence[Doc], *,
             max_len: int = DEFAULT_MAX_LEN) -> list[Lattice]:
    """Score every lattice node of `docs` with the NER's current weights; one Lattice per doc."""
    docs = list(docs)
    k = check_max_len(max_len)
    if not docs or not sum(len(doc) for doc in docs):
        return [_empty(Moves.of(ner), len(doc), k) for doc in docs]
    ner._ensure_labels_are_added(docs)
    moves = Moves.of(ner)
    grid = Grid.of(docs, k)
    step = ner.model.predict(docs)
    try:
        scores = _scores(step, grid.ids())
        seen = np.asarray(step._class_mask) != 0
    finally:
        step.clear_memory()
    t = len(grid.doc_of)
    out, begin, unit = _outside(scores[:t], moves, seen, grid)
    stay, close = _inside(scores[t:], moves, seen, grid)
    span = _spans(begin, unit, stay, close)
    alpha = _forward(grid, np.exp(out), np.exp(span).sum(axis=2))
    return [Lattice(moves.labels, alpha[b, : n + 1], span[o:o + n], out[o:o + n])
            for b, (o, n) in enumerate(zip(grid.offsets, grid.lengths))]


@dataclass
class Grid:
    """The lattice nodes of a batch: outside nodes (one per token t) and inside nodes (t, d):
    token t + d inside an entity that started at token t (d = 1 .. K - 1), within t's doc."""

    lengths: np.ndarray
    offsets: np.ndarray
    doc_of: np.ndarray  # per token: its doc's index
    rest: np.ndarray  # per token: how many tokens of its doc follow it
    can_start: np.ndarray  # per token: B/U allowed (not whitespace)
    goes_on: np.ndarray  # per token: I/B allowed (a next token, not a sentence start)
    inside: np.ndarray  # [T, K - 1]: whether node (t, d) exists
    k: int

    @classmethod
    def of(cls, docs: Sequence[Doc], k: int) -> Grid:
        lengths = np.array([len(doc) for doc in docs])
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
        doc_of = np.repeat(np.arange(len(docs)), lengths)
        rest = np.concatenate([np.arange(n - 1, -1, -1) for n in lengths]).astype(int)
        can_start = np.array([not tok.is_space for doc in docs for tok in doc], dtype=bool)
        goes_on = np.array([i + 1 < len(doc) and doc[i + 1].is_sent_start is not True
                            for doc in docs for i in range(len(doc))], dtype=bool)
        inside = np.arange(1, k)[None, :] <= rest[:, None]
        return cls(lengths, offsets, doc_of, rest, can_start, goes_on, inside, k)

    def ids(self) -> np.ndarray:
        """Each node's context tokens (B0, E0, B0 - 1) as the step model reads them."""
        t = np.arange(len(self.doc_of))
        outside = np.stack([t, -np.ones_like(t), -np.ones_like(t)], axis=1)
        start, col = np.nonzero(self.inside)  # node (start, d = col + 1)
        inside = np.stack([start + col + 1, start, start + col], axis=1)
        return np.ascontiguousarray(np.concatenate([outside, inside]), dtype="i")


def _scores(step: object, ids: np.ndarray) -> np.ndarray:
    vector, _ = step.state2vec(ids, False)  # type: ignore[attr-defined]
    upper = step.vec2scores  # type: ignore[attr-defined]
    return np.asarray(upper.predict(vector) if upper is not None else vector, dtype=np.float64)


def _outside(rows: np.ndarray, moves: Moves, seen: np.ndarray,
             grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log P(O), log P(B-L), log P(U-L) at each token, outside an entity."""
    valid = np.zeros(rows.shape, dtype=bool)
    valid[:, moves.out] = True
    valid[:, moves.unit] = grid.can_start[:, None]
    valid[:, moves.begin] = (grid.can_start & grid.goes_on)[:, None]
    logp = _log_softmax(rows, valid & seen)
    return logp[:, moves.out], logp[:, moves.begin], logp[:, moves.unit]


def _inside(rows: np.ndarray, moves: Moves, seen: np.ndarray,
            grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """log P(I-L), log P(L-L) per node (t, d) and label: [T, K - 1, labels], -inf where none."""
    start, col = np.nonzero(grid.inside)  # node (start, d = col + 1): token start + col + 1
    shape = (*grid.inside.shape, len(moves.labels))
    ok_i = grid.goes_on[start + col + 1][:, None] & seen[moves.inside][None, :]
    ok_l = np.broadcast_to(seen[moves.last][None, :], ok_i.shape)
    s_i, s_l = rows[:, moves.inside], rows[:, moves.last]
    top = np.maximum(np.where(ok_i, s_i, -np.inf), np.where(ok_l, s_l, -np.inf))
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):  # a node with neither move valid: -inf, never used
        z = top + np.log(np.where(ok_i, np.exp(s_i - top), 0.0) + np.where(ok_l, np.exp(s_l - top), 0.0))
    stay, close = np.full(shape, -np.inf), np.full(shape, -np.inf)
    stay[start, col] = np.where(ok_i, s_i - z, -np.inf)
    close[start, col] = np.where(ok_l, s_l - z, -np.inf)
    return stay, close


def _log_softmax(rows: np.ndarray, valid: np.ndarray) -> np.ndarray:
    x = np.where(valid, rows, -np.inf)
    top = x.max(axis=-1, keepdims=True)
    return np.where(valid, x - top - np.log(np.exp(x - top).sum(axis=-1, keepdims=True)), -np.inf)


def _spans(begin: np.ndarray, unit: np.ndarray, stay: np.ndarray, close: np.ndarray) -> np.ndarray:
    """log P(entity (t, t + d, L) | outside before t): [T, K, labels]."""
    with np.errstate(invalid="ignore"):
        before = np.concatenate([np.zeros_like(stay[:, :1]), np.cumsum(stay, axis=1)[:, :-1]], axis=1)
        longer = begin[:, None, :] + before + close
    return np.concatenate([unit[:, None, :], np.nan_to_num(longer, nan=-np.inf)], axis=1)


def _forward(grid: Grid, p_out: np.ndarray, p_span: np.ndarray) -> np.ndarray:
    """alpha[b, e] = P(outside before token e of doc b), all docs at once: [B, max n + 1]."""
    n_docs, longest, k = len(grid.lengths), int(grid.lengths.max()), grid.k
    pos = np.arange(len(grid.doc_of)) - grid.offsets[grid.doc_of]
    out = np.ones((n_docs, longest))
    out[grid.doc_of, pos] = p_out
    ends = np.zeros((n_docs, longest + k + 1, k))  # ends[b, e, d - 1]: P(span (e - d, e) | outside)
    d = np.arange(1, k + 1)
    ends[grid.doc_of[:, None], pos[:, None] + d[None, :], d[None, :] - 1] = p_span
    alpha = np.zeros((n_docs, longest + 1))
    alpha[:, 0] = 1.0
    for e in range(1, longest + 1):
        back = min(k, e)
        alpha[:, e] = alpha[:, e - 1] * out[:, e - 1] + np.einsum(
            "bd,bd->b", alpha[:, e - back:e][:, ::-1], ends[:, e, :back])
    return alpha


def _empty(moves: Moves, n: int, k: int) -> Lattice:
    return Lattice(moves.labels, np.ones(n + 1), np.full((n, k, len(moves.labels)), -np.inf),
                   np.zeros(n))
