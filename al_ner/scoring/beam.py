"""Entity probabilities and parses from a spaCy pipeline's NER, one batch of Docs at a time.

Entity probabilities come from the lattice (`_lattice`: exact under the NER's own model, the
default) or, for comparison with earlier results and with Prodigy, from spaCy's beam
(`decoding="spacy-beam"`), whose ranking by summed raw scores favours long entities with a
greedily trained NER (docs/teach.md). Parses come from a beam (`parses`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc

from ..errors import ConfigError
from ..models import check_labels, get_ner
from ._lattice import DEFAULT_MAX_LEN, check_max_len, lattices
from .normalized import normalized_beams

EntKey = tuple[int, int, str]  # token start, token end (exclusive), label
EntProbs = dict[EntKey, float]
Parse = tuple[float, tuple[EntKey, ...]]  # beam probability, entities of the wanted labels
PipeFn = Callable[[Iterable[Doc]], Iterable[Doc]]
LATTICE, SPACY_BEAM = "lattice", "spacy-beam"
DECODINGS = (LATTICE, SPACY_BEAM)
# An entity the model gives less than this chance is not a candidate: the lattice gives every
# possible span some probability, and a question nearly sure to be rejected teaches little.
MIN_PROB = 0.01


@dataclass
class BeamNER:
    """The NER of a pipeline, the components it listens to, and decoding settings.

    Holds no weights of its own: every call reads the pipeline's current weights, so an
    `update` callback that trains `nlp` between batches changes the next batch's scores.
    decoding: where entity probabilities come from, "lattice" (exact, entities up to `max_len`
    tokens with at least `min_prob`) or "spacy-beam" (spaCy's beam of `beam_width`).
    """

    nlp: Language
    labels: list[str]
    beam_width: int
    beam_density: float
    decoding: str = LATTICE
    max_len: int = DEFAULT_MAX_LEN
    min_prob: float = MIN_PROB
    ner: EntityRecognizer = field(init=False)
    upstream: list[tuple[str, PipeFn]] = field(init=False)

    def __post_init__(self) -> None:
        check_beam(self.beam_width, self.beam_density)
        check_decoding(self.decoding)
        check_max_len(self.max_len)
        if not 0.0 <= self.min_prob < 1.0:
            raise ConfigError(f"'min_prob' must be in [0, 1), got {self.min_prob!r}")
        self.ner = get_ner(self.nlp)
        self.labels = check_labels(self.nlp, self.labels) if self.labels else list(self.ner.labels)
        self.upstream = upstream_components(self.nlp, "ner")

    def prepare(self, docs: list[Doc]) -> list[Doc]:
        """Run the components the NER listens to (a shared tok2vec), nothing else."""
        for _name, pipe in self.upstream:
            docs = list(pipe(docs))
        return docs

    def entity_probs(self, docs: Sequence[Doc]) -> list[EntProbs]:
        """Per doc, each candidate entity of the wanted labels with its probability."""
        if self.decoding == SPACY_BEAM:
            return [entity_probs(parses) for parses in self.parses(docs)]
        return [lattice.probs(self.labels, min_prob=self.min_prob)
                for lattice in lattices(self.ner, docs, max_len=self.max_len)]

    def parses(self, docs: Sequence[Doc], *, normalized: bool = False) -> list[list[Parse]]:
        """Per doc, the beam's finished parses: (probability, entities of the wanted labels).

        normalized=False: spaCy's beam, as Prodigy scores spans: a parse's probability is its
        share of the beam (a softmax over summed raw scores), summing to 1 over the parses kept.
        normalized=True: a beam over log-probabilities (`_normalized`): a parse's probability is
        P(parse) under the NER's local model, summing to at most 1 (what the beam pruned is
        missing). Parses differing only in other labels stay separate.
        """
        wanted = set(self.labels)
        if normalized:
            beams = normalized_beams(self.ner, list(docs), beam_width=self.beam_width,
                                     beam_density=self.beam_density)
        else:
            beams = self.ner.beam_parse(list(docs), beam_width=self.beam_width,
                                        beam_density=self.beam_density)
        return [_parses(self.ner, beam, wanted, normalized) for beam in beams]

    def predicted(self, docs: Sequence[Doc]) -> list[list[EntKey]]:
        """Per doc, the entities of the wanted labels the NER predicts on its own (greedy).

        Sets doc.ents, so call it after `entity_probs`: preset entities would constrain the beam.
        """
        wanted = set(self.labels)
        docs = list(self.ner.pipe(docs, batch_size=max(1, len(docs))))
        return [[(ent.start, ent.end, ent.label_) for ent in doc.ents if ent.label_ in wanted]
                for doc in docs]


def _parses(ner: EntityRecognizer, beam: object, wanted: set[str], absolute: bool) -> list[Parse]:
    found = ner.moves.get_beam_parses(beam)
    probs = [math.exp(score) for score in beam.scores] if absolute else [p for p, _ in found]  # type: ignore[attr-defined]
    return [(float(p), tuple(ent for ent in ents if ent[2] in wanted))
            for p, (_share, ents) in zip(probs, found)]


def renormalized(parses: Sequence[Parse]) -> list[Parse]:
    """The parses with probabilities scaled to sum to 1 (unchanged when they sum to 0)."""
    total = sum(p for p, _ in parses)
    return [(p / total, ents) for p, ents in parses] if total > 0 else list(parses)


def entity_probs(parses: Sequence[Parse]) -> EntProbs:
    """Each entity's probability: the summed probability of the parses that contain it."""
    probs: EntProbs = {}
    for p, ents in parses:
        for ent in ents:
            probs[ent] = probs.get(ent, 0.0) + p
    return probs


def check_beam(beam_width: int, beam_density: float) -> None:
    """Raise a ConfigError unless the beam settings are in range."""
    if not isinstance(beam_width, int) or beam_width < 1:
        raise ConfigError(f"'beam_width' must be an integer >= 1, got {beam_width!r}")
    if not 0.0 <= beam_density < 1.0:
        raise ConfigError(f"'beam_density' must be in [0, 1), got {beam_density!r}")


def check_decoding(decoding: str) -> str:
    """`decoding` if al-ner has it, else a ConfigError listing the choices."""
    if decoding not in DECODINGS:
        raise ConfigError(f"unknown decoding {decoding!r}; choose one of: {', '.join(DECODINGS)}")
    return decoding


def check_batch_size(batch_size: int) -> int:
    """`batch_size` if it is a positive integer, else a ConfigError."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigError(f"'batch_size' must be an integer >= 1, got {batch_size!r}")
    return batch_size


def upstream_components(nlp: Language, ner_name: str) -> list[tuple[str, PipeFn]]:
    """The components before the NER that it listens to (tok2vec, transformer), in order.

    A NER with its own embedding (en_core_web_sm/md) needs none of them; tagger, parser,
    lemmatizer and the rest never affect the entity scores and are skipped for speed.
    """
    needed = []
    for name, proc in nlp.pipeline:
        if name == ner_name:
            break
        if ner_name in getattr(proc, "listening_components", ()):
            needed.append((name, _pipe_fn(proc)))
    return needed


def _pipe_fn(proc: object) -> PipeFn:
    pipe = getattr(proc, "pipe", None)
    if pipe is not None:
        return lambda docs: pipe(docs, batch_size=1000)
    return lambda docs: (proc(doc) for doc in docs)  # type: ignore[operator]
