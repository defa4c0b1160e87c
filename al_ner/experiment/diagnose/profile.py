"""What a set of sentences looks like under the base model, and how an arm's differs from its reference.

Selection bias: sentence length, entities per sentence and the share without any (the base
model's predictions, so arms of different answer kinds compare alike), the label mix, the base
model's uncertainty, and how much of the test set's vocabulary the sentences cover; each measure
a difference of means with a bootstrap interval (scipy.stats.bootstrap, each side resampled).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as scipy_stats
from spacy.language import Language
from spacy.tokens import Doc

from ...constants import INPUT_HASH, TEXT, TOKENS
from ...models import get_ner
from ...scoring import SentenceScorer
from ...training.base_model import ner_pipes, predict_entities
from ...training.convert import input_doc
from ...types import Task

N_BOOT = 1000
N_OVERLAP = 200  # resamples for the vocabulary overlap
# the selection-bias measures, by name
LENGTH = "tokens per sentence"
DENSITY = "entities per sentence (base model, compared labels)"
DENSITY_ALL = "entities per sentence (base model, all labels)"
EMPTY = "share of sentences without an entity of the labels"
UNCERTAIN = "base-model uncertainty (its most uncertain span: 1 at p = 0.5, 0 at p = 0 or 1)"
OVERLAP = "share of test tokens whose word the sentences contain (equal tokens read)"


@dataclass(frozen=True)
class SentenceSet:
    """The distinct sentences of an arm (or a reference), in the order they were first shown."""

    name: str
    tasks: tuple[Task, ...]

    @classmethod
    def of_answers(cls, name: str, answers: Sequence[Task]) -> SentenceSet:
        seen: dict[Any, Task] = {}
        for task in answers:
            seen.setdefault(task.get(INPUT_HASH, task.get(TEXT)), task)
        return cls(name, tuple({TEXT: t[TEXT], **({TOKENS: t[TOKENS]} if t.get(TOKENS) else {})}
                               for t in seen.values()))

    @classmethod
    def of_texts(cls, name: str, texts: Sequence[str]) -> SentenceSet:
        return cls(name, tuple({TEXT: text} for text in dict.fromkeys(texts)))

    def sample(self, n: int, seed: int) -> SentenceSet:
        """A random sample of `n` sentences (all of them when there are no more)."""
        if n >= len(self.tasks):
            return self
        rng = np.random.default_rng(seed)
        keep = sorted(rng.choice(len(self.tasks), size=n, replace=False))
        return SentenceSet(self.name, tuple(self.tasks[i] for i in keep))


@dataclass(frozen=True)
class Measure:
    """A per-sentence quantity: the arm's mean, the reference's, and their difference with an interval."""

    name: str
    arm: float
    reference: float
    diff: float
    low: float
    high: float

    @property
    def significant(self) -> bool:
        return not self.low <= 0.0 <= self.high

    @property
    def relative(self) -> float:
        """The difference as a share of the reference (capped at 1), for ranking."""
        return min(1.0, abs(self.diff) / max(abs(self.reference), 1e-9))


def mean_difference(name: str, arm: Sequence[float], reference: Sequence[float], *, seed: int,
                    n_boot: int = N_BOOT) -> Measure:
    """Difference of means with a 95 % percentile bootstrap interval (each side resampled)."""
    a, r = np.asarray(arm, dtype=float), np.asarray(reference, dtype=float)
    # one value resamples to itself, as two copies of it do (scipy wants two observations)
    interval = scipy_stats.bootstrap(
        tuple(np.repeat(x, 2) if len(x) == 1 else x for x in (a, r)), _difference_of_means, n_resamples=n_boot,
        method="percentile", random_state=np.random.default_rng(seed)).confidence_interval
    return Measure(name, float(a.mean()), float(r.mean()), float(a.mean() - r.mean()), float(interval.low),
                   float(interval.high))


def _difference_of_means(a: np.ndarray, r: np.ndarray, axis: int = -1) -> np.ndarray:
    return a.mean(axis=axis) - r.mean(axis=axis)


@dataclass
class Profile:
    """Per-sentence numbers of one sentence set under the base model."""

    lengths: list[int]
    entities: list[int]  # the base model's entities of the compared labels
    any_entities: list[int]  # of every label
    label_counts: Counter[str]
    uncertainty: list[float] | None  # the most uncertain candidate span; None: the base lacks the labels
    words: list[list[str]]  # per sentence, its alphabetic tokens lower-cased
    embeddings: np.ndarray
    texts: list[str]


def profile(base: Language, sentences: SentenceSet, *, labels: Sequence[str]) -> Profile:
    docs = [input_doc(base, [task]) for task in sentences.tasks]
    predicted = predict_entities(base, docs)
    wanted = set(labels)
    return Profile(lengths=[len(d) for d in docs],
                   entities=[sum(1 for *_, label in p if label in wanted) for p in predicted],
                   any_entities=[len(p) for p in predicted],
                   label_counts=Counter(label for p in predicted for *_, label in p),
                   uncertainty=_uncertainty(base, sentences, labels),
                   words=[[t.lower_ for t in d if t.is_alpha] for d in docs],
                   embeddings=ner_embeddings(base, docs), texts=[t[TEXT] for t in sentences.tasks])


def _uncertainty(base: Language, sentences: SentenceSet, labels: Sequence[str]) -> list[float] | None:
    known = set(get_ner(base).labels)
    if not labels or not set(labels) <= known:
        return None
    return [score for score, _ in SentenceScorer(base, labels)(iter(sentences.tasks))]


def ner_embeddings(nlp: Language, docs: Sequence[Doc]) -> np.ndarray:
    """Each doc's mean token vector in the NER's own input representation (sentences x width)."""
    ner = get_ner(nlp)
    upstream = [name for name in ner_pipes(nlp) if name != "ner"]
    with nlp.select_pipes(enable=upstream):
        prepared = list(nlp.pipe(d.copy() for d in docs)) if upstream else list(docs)
    vectors = np.asarray(ner.model.get_ref("tok2vec").predict(prepared))
    parts = np.split(vectors, np.cumsum([len(d) for d in prepared])[:-1])
    return np.stack([p.mean(axis=0) if len(p) else np.zeros(vectors.shape[1]) for p in parts])


def vocabulary_overlap(vocabulary: set[str], test_tokens: Sequence[str]) -> float:
    """Share of the test set's (alphabetic, lower-cased) tokens whose form the vocabulary holds."""
    return sum(t in vocabulary for t in test_tokens) / len(test_tokens) if test_tokens else 0.0


def compare_profiles(arm: Profile, ref: Profile, *, test_tokens: Sequence[str], seed: int) -> list[Measure]:
    """The selection-bias measures of an arm against its reference."""
    measures = [mean_difference(LENGTH, arm.lengths, ref.lengths, seed=seed),
                mean_difference(DENSITY, arm.entities, ref.entities,
                                seed=seed + 1),
                mean_difference(DENSITY_ALL, arm.any_entities,
                                ref.any_entities, seed=seed + 2),
                mean_difference(EMPTY,
                                [float(n == 0) for n in arm.entities], [float(n == 0) for n in ref.entities],
                                seed=seed + 3)]
    if arm.uncertainty is not None and ref.uncertainty is not None:
        measures.append(mean_difference(UNCERTAIN,
                                        arm.uncertainty, ref.uncertainty, seed=seed + 4))
    if test_tokens:
        measures.append(_overlap(arm, ref, test_tokens, seed=seed + 5))
    return measures


def _overlap(arm: Profile, ref: Profile, test_tokens: Sequence[str], *, seed: int) -> Measure:
    """Test-vocabulary coverage at equal tokens read: each side's sentences resampled (bootstrap)
    until the smaller side's number of tokens, so a bigger set doesn't win by size alone."""
    rng = np.random.default_rng(seed)
    budget = min(sum(arm.lengths), sum(ref.lengths))
    test = list(test_tokens)
    a_draws = np.array([_coverage(arm, budget, test, rng) for _ in range(N_OVERLAP)])
    r_draws = np.array([_coverage(ref, budget, test, rng) for _ in range(N_OVERLAP)])
    low, high = np.quantile(a_draws - r_draws, [0.025, 0.975])
    return Measure(OVERLAP,
                   float(a_draws.mean()), float(r_draws.mean()), float(a_draws.mean() - r_draws.mean()),
                   float(low), float(high))


def _coverage(p: Profile, budget: int, test: list[str], rng: np.random.Generator) -> float:
    kept: set[str] = set()
    total = 0
    while total < budget:
        i = int(rng.integers(0, len(p.words)))
        kept.update(p.words[i])
        total += max(p.lengths[i], 1)
    return vocabulary_overlap(kept, test)


def label_mix(arm: Profile, ref: Profile) -> dict[str, tuple[float, float]]:
    a_total, r_total = max(sum(arm.label_counts.values()), 1), max(sum(ref.label_counts.values()), 1)
    labels = sorted(set(arm.label_counts) | set(ref.label_counts), key=lambda x: -(arm.label_counts[x] + ref.label_counts[x]))
    return {label: (arm.label_counts[label] / a_total, ref.label_counts[label] / r_total) for label in labels}
