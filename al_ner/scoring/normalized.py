"""A beam search over spaCy's NER whose parse scores are log-probabilities.

spaCy's `beam_parse` sums the NER's raw output scores along each parse. A NER trained greedily
(en_core_web_*) never learned to make those sums comparable across parses: its training
softmax runs over the moves valid at each step only, so an invalid move's score means nothing
and raw sums can favour odd parses (a PERSON span over ten tokens). Here each step's scores are
turned into log-probabilities over the moves that can be valid (a BILUO move per token: inside
an entity of label L only I-L and L-L; outside it B-*, U-* and O; no B-/I- on the last token)
before the beam adds them, so a parse's score is log P(parse) under the NER's own local model.
The beam still applies spaCy's exact validity (preset entities included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.pipeline import EntityRecognizer
from spacy.pipeline._parser_internals._beam_utils import BeamBatch
from spacy.tokens import Doc

MASKED = -1.0e4  # log-score of a move that can't be valid (the beam never takes it anyway)


@dataclass(frozen=True)
class MoveTable:
    """Per move class of a NER: its action (B, I, L, U, O) and label id (-1 for none)."""

    action: np.ndarray  # one of "BILUO" per class
    label: np.ndarray

    @classmethod
    def of(cls, ner: EntityRecognizer) -> MoveTable:
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        labels = sorted({n[2:] for n in names if len(n) > 2})
        action = np.array([n[0] for n in names])
        label = np.array([labels.index(n[2:]) if len(n) > 2 else -1 for n in names])
        return cls(action, label)

    def mask(self, open_label: int, last: bool) -> np.ndarray:
        """Moves that can be valid inside an entity of `open_label` (-1: outside), at the last token or not."""
        if open_label >= 0:
            inside = (self.label == open_label) & ((self.action == "L") | ((self.action == "I") & (not last)))
            return inside
        ok = (self.action == "U") | (self.action == "O") | ((self.action == "B") & (not last))
        return ok & ((self.label >= 0) | (self.action == "O"))


def normalized_beams(ner: EntityRecognizer, docs: Sequence[Doc], *, beam_width: int,
                     beam_density: float) -> list:
    """Beam-parse `docs` (preset entities respected); each parse's score is its log-probability."""
    ner._ensure_labels_are_added(docs)
    masks = MaskRows(MoveTable.of(ner))
    batch = BeamBatch(ner.moves, ner.moves.init_batch(list(docs)), None, beam_width,
                      density=beam_density)
    model = ner.model.predict(list(docs))
    lengths = [len(doc) for doc in docs]
    while not batch.is_done:
        states, rows = _unfinished(batch, lengths, masks)
        if not states:
            break
        batch.advance(log_probs(model.predict(states), np.array(rows)))
    model.clear_memory()
    return list(batch)


class MaskRows:
    """The mask row for a state, by the label of its open entity and whether it is at the last token."""

    def __init__(self, table: MoveTable) -> None:
        self.table = table
        self._rows: dict[tuple[int, bool], np.ndarray] = {}

    def __call__(self, last_move: int | None, at_last_token: bool) -> np.ndarray:
        table = self.table
        inside = last_move is not None and table.action[last_move] in ("B", "I")
        key = (int(table.label[last_move]) if inside else -1, at_last_token)  # type: ignore[index]
        if key not in self._rows:
            self._rows[key] = table.mask(*key)
        return self._rows[key]


def _unfinished(batch: BeamBatch, lengths: Sequence[int], masks: MaskRows) -> tuple[list, list]:
    """The unfinished states in the order BeamBatch scores them, and each one's mask row."""
    states, rows, everything, at = [], [], batch.get_states(), 0
    for beam, length in zip(batch, lengths):
        histories = beam.histories
        for i in range(len(beam.scores)):  # Beam.size isn't visible from Python
            state = everything[at]
            at += 1
            if not state.is_final():
                states.append(state)
                rows.append(masks(histories[i][-1] if histories[i] else None, state.B(0) == length - 1))
    return states, rows


def log_probs(scores: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax over the masked-in moves; masked-out moves get MASKED."""
    x = np.where(masks, np.asarray(scores, dtype=np.float64), -np.inf)
    top = x.max(axis=1, keepdims=True)
    out = x - top - np.log(np.exp(x - top).sum(axis=1, keepdims=True))
    return np.ascontiguousarray(np.where(masks, out, MASKED), dtype=np.float32)
