"""Constrained decoding: the best analysis in the NER's beam that agrees with every answer.

What Prodigy's ner.silver-to-gold does with binary answers: accepted spans are preset on the
Doc (spaCy's NER never overwrites preset entities, so every parse in the beam keeps them),
the NER beam-parses the rest (scores as log-probabilities, `scoring.normalized`: spaCy's raw
beam scores favour odd parses for a greedily trained NER), and the most probable parse with none of the rejected spans (and,
for a label a full-span answer made complete, no entity of that label the answer didn't mark)
is the training analysis: its entities of every label, and O on every other token. Where no
parse in the beam agrees, the caller falls back to its `fill`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span

from ..models import get_ner
from ..scoring.normalized import normalized_beams
from .base_model import TokenSpan, _copy_ner, same_tokens

CONSTRAINED = "constrained"
CONVERSIONS = ("fill", CONSTRAINED)  # how binary answers become training data
CONVERSION = "conversion"  # meta key: the conversion a recipe asked for its answers
BEAM_WIDTH = 32


@dataclass(frozen=True)
class Constraints:
    """What the answers to one input say: spans that must and must not be entities."""

    accepted: tuple[TokenSpan, ...]
    rejected: frozenset[TokenSpan]
    complete: frozenset[str] = frozenset()  # labels whose every entity is in `accepted`


Decode = Callable[[Sequence[Doc], Sequence[Constraints]], list[list[TokenSpan] | None]]


def consistent(parse: Sequence[TokenSpan], constraints: Constraints) -> bool:
    """Whether a parse agrees with every answer."""
    ents = set(parse)
    if not set(constraints.accepted) <= ents or ents & constraints.rejected:
        return False
    return all(ent in constraints.accepted for ent in ents if ent[2] in constraints.complete)


def best_consistent(parses: Sequence[tuple[float, Sequence[TokenSpan]]],
                    constraints: Constraints) -> list[TokenSpan] | None:
    """The entities of the most probable parse that agrees with the answers, or None."""
    agreeing = [(p, list(ents)) for p, ents in parses if consistent(ents, constraints)]
    if not agreeing:
        return None
    return sorted(max(agreeing, key=lambda item: item[0])[1])


def constrained_decoder(nlp: Language, *, beam_width: int = BEAM_WIDTH, frozen: bool = False) -> Decode:
    """A `Decode` over `nlp`'s NER (frozen: a snapshot of it now, unaffected by later updates)."""
    ner = get_ner(nlp)
    if frozen:
        ner = _copy_ner(nlp, ner)

    def decode(docs: Sequence[Doc], constraints: Sequence[Constraints]) -> list[list[TokenSpan] | None]:
        return decode_with(nlp, ner, docs, constraints, beam_width=beam_width)
    return decode


def decode_with(nlp: Language, ner: EntityRecognizer, docs: Sequence[Doc],
                constraints: Sequence[Constraints], *, beam_width: int) -> list[list[TokenSpan] | None]:
    """Beam-parse copies of `docs` with the accepted spans preset; the best agreeing parse of each."""
    copies = same_tokens(nlp, docs)
    for doc, cons in zip(copies, constraints):
        doc.set_ents([Span(doc, s, e, label=label) for s, e, label in cons.accepted], default="missing")
    beams = normalized_beams(ner, copies, beam_width=beam_width, beam_density=0.0)
    return [best_consistent(list(zip(beam.scores, (ents for _p, ents in ner.moves.get_beam_parses(beam)))),
                            cons) for beam, cons in zip(beams, constraints)]
