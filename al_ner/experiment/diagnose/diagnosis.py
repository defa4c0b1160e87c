"""Why did an arm hurt? Numbers for every usual suspect, as plain data (rendered by diagnose_report).

Each arm's selected sentences are compared with a reference drawn at random from the same source
(the random arm, the held-out test set, or a random sample of the pool):

- selection bias: sentence length, entities per sentence and the share without any (the base
  model's predictions, so arms of different answer kinds compare alike), the label mix, the base
  model's uncertainty, and how much of the test set's vocabulary the sentences cover;
- a classifier two-sample test in the NER's own token representation (mean over each sentence's
  tokens): the cross-validated AUC of telling arm from reference, a bootstrap interval and a
  permutation p-value, so "the embeddings look nicely distributed" becomes a number;
- what the answers can teach: accept/reject rates, the share of tokens any answer says something
  about, negative evidence per sentence, and how many training tokens are pseudo-labels (the
  conversion of data-to-spacy, run on the arm's answers);
- with a compare analysis: the arm's dev split against the held-out test, and forgetting.

`likely_causes` turns these into causes ranked by their evidence, each with its number and what
to try. Every random choice takes a seed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from scipy import stats as scipy_stats
from spacy.language import Language
from spacy.tokens import Doc

from ...constants import ACCEPT, ANSWER, INPUT_HASH, IGNORE, REJECT, TEXT, TOKENS
from ...models import get_ner
from ...scoring import SentenceScorer
from ...training.base_model import ner_pipes, predict_entities
from ...training.convert import ANSWERS_ONLY, collect_answers, input_doc, token_annotation
from ...training.merge import ConversionStats, merge_answers
from ...types import Task
from ..data.cost import answer_mode

N_BOOT = 1000
N_PERMUTATIONS = 100
FOLDS = 5
N_OVERLAP = 200  # resamples for the vocabulary overlap
MIN_SENTENCES = 10  # per side, for the two-sample test
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


# ---------------------------------------------------------------- measures


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
    rng = np.random.default_rng(seed)
    boot = (a[rng.integers(0, len(a), (n_boot, len(a)))].mean(axis=1)
            - r[rng.integers(0, len(r), (n_boot, len(r)))].mean(axis=1))
    low, high = np.quantile(boot, [0.025, 0.975])
    return Measure(name, float(a.mean()), float(r.mean()), float(a.mean() - r.mean()), float(low), float(high))


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


# ---------------------------------------------------------------- the two-sample test


@dataclass(frozen=True)
class ShiftTest:
    """Cross-validated AUC of a logistic regression telling arm sentences from reference sentences.

    0.5: indistinguishable; 1.0: perfectly separable. Interval: bootstrap of the out-of-fold
    scores; p: share of label permutations whose AUC reaches the observed one.
    """

    auc: float
    low: float
    high: float
    p: float
    n_arm: int
    n_reference: int
    permutations: int
    space: str

    @property
    def significant(self) -> bool:
        return self.p < 0.05 and self.low > 0.5


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 25) -> np.ndarray:
    """Weights (bias last) of an L2-regularized logistic regression, by Newton's method.

    The bias is not penalized. A few dozen features converge in well under `steps` steps.
    """
    design = np.hstack([x, np.ones((len(x), 1))])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    w = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        grad = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return w


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve from ranks (Mann-Whitney U), ties counted half."""
    ranks = scipy_stats.rankdata(scores)
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def out_of_fold(x: np.ndarray, y: np.ndarray, *, folds: int, rng: np.random.Generator) -> np.ndarray:
    """Each sentence's score from a model fitted without its fold (folds stratified by side)."""
    fold = np.empty(len(y), dtype=int)
    for side in (0, 1):
        where = np.flatnonzero(y == side)
        fold[rng.permutation(where)] = np.arange(len(where)) % folds
    scores = np.empty(len(y))
    for k in range(folds):
        train = fold != k
        mean, sd = x[train].mean(axis=0), x[train].std(axis=0) + 1e-9
        w = fit_logistic((x[train] - mean) / sd, y[train])
        scores[~train] = np.hstack([(x[~train] - mean) / sd, np.ones((int((~train).sum()), 1))]) @ w
    return scores


def shift_test(arm: np.ndarray, reference: np.ndarray, *, seed: int, space: str,
               permutations: int = N_PERMUTATIONS, folds: int = FOLDS) -> ShiftTest | None:
    """The classifier two-sample test; None with fewer than MIN_SENTENCES on a side."""
    if min(len(arm), len(reference)) < MIN_SENTENCES:
        return None
    x = np.vstack([arm, reference])
    y = np.concatenate([np.ones(len(arm)), np.zeros(len(reference))])
    rng = np.random.default_rng(seed)
    scores = out_of_fold(x, y, folds=folds, rng=rng)
    observed = auc(scores, y)
    boot = [auc(scores[i], y[i]) for i in (_stratified(y, rng) for _ in range(N_BOOT))]
    null = [auc(out_of_fold(x, yp, folds=folds, rng=rng), yp) for yp in (rng.permutation(y) for _ in range(permutations))]
    p = (1 + sum(v >= observed for v in null)) / (1 + permutations)
    low, high = np.quantile(boot, [0.025, 0.975])
    return ShiftTest(observed, float(low), float(high), float(p), len(arm), len(reference), permutations, space)


def _stratified(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.concatenate([rng.choice(np.flatnonzero(y == side), size=int((y == side).sum())) for side in (0, 1)])


# ---------------------------------------------------------------- what the answers can teach


@dataclass(frozen=True)
class Evidence:
    """What an arm's answers say, token by token, and what training adds to it (fill)."""

    answers: int
    kinds: dict[str, int]
    accept_rate: float
    reject_rate: float
    ignore_rate: float
    accepted_per_sentence: float
    rejected_per_sentence: float
    answer_o_per_sentence: float  # tokens a complete answer says are no entity of the labels
    evidence_share: float  # tokens any answer says something about
    pseudo_share: float  # training tokens whose gold the fill set (not an answer)
    pseudo_o_share: float  # of them: "no entity", which nobody checked
    missing_share: float  # training tokens without any gold (no loss)
    fill: str


def answer_evidence(base: Language, answers: Sequence[Task], *, labels: Sequence[str], fill: str) -> Evidence:
    """Token-level evidence of `answers`, by the conversion data-to-spacy uses."""
    kinds = Counter(f"{answer_mode(t)} {t[ANSWER]}" for t in answers)
    stats = ConversionStats()
    groups = merge_answers(answers, stats=stats)
    docs = [input_doc(base, group) for group in groups]
    predicted = predict_entities(base, docs) if fill == "model" and "ner" in base.pipe_names else [[]] * len(docs)
    tally: Counter[str] = Counter()
    for doc, group, pred in zip(docs, groups, predicted):
        _count_tokens(tally, doc, group, list(labels), fill, pred)
    n, tokens = max(len(groups), 1), max(tally["tokens"], 1)
    share = {a: sum(c for k, c in kinds.items() if k.endswith(a)) / max(len(answers), 1) for a in (ACCEPT, REJECT, IGNORE)}
    return Evidence(len(answers), dict(sorted(kinds.items())), share[ACCEPT], share[REJECT], share[IGNORE],
                    tally["accepted"] / n, tally["rejected"] / n, tally["answer_o"] / n,
                    tally["evidence"] / tokens, tally["pseudo"] / tokens, tally["pseudo_o"] / tokens,
                    tally["missing"] / tokens, fill)


def _count_tokens(tally: Counter[str], doc: Doc, group: Sequence[Task], labels: list[str], fill: str,
                  predicted: Sequence[tuple[int, int, str]]) -> None:
    answers = collect_answers(doc, group, labels, ConversionStats())
    ents, outside, incorrect = token_annotation(len(doc), answers, labels=labels, fill=ANSWERS_ONLY)
    said = {i for s, e, _ in [*ents, *incorrect] for i in range(s, e)} | set(outside)
    f_ents, f_outside, _ = token_annotation(len(doc), answers, labels=labels, fill=fill, predicted=predicted)
    trained = {i for s, e, _ in f_ents for i in range(s, e)} | set(f_outside)
    tally.update(tokens=len(doc), evidence=len(said), accepted=len(ents), rejected=len(incorrect),
                 answer_o=len(outside), pseudo=len(trained - said), pseudo_o=len(set(f_outside) - said),
                 missing=len(doc) - len(trained | said))


# ---------------------------------------------------------------- one arm against its reference


@dataclass
class ArmDiagnosis:
    arm: str
    reference: str
    n_sentences: int
    n_reference: int
    bias: list[Measure]
    label_mix: dict[str, tuple[float, float]]  # label -> (arm share, reference share) of predicted entities
    shift: ShiftTest | None
    evidence: Evidence


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


# ---------------------------------------------------------------- the whole diagnosis


@dataclass(frozen=True)
class Cause:
    """A likely cause: what, its number, how strong the evidence is, and what to try."""

    arm: str
    title: str
    number: str
    strength: float  # 0..1, see diagnose_report for how each is scaled
    significant: bool
    advice: str
    kind: str = ""  # RECALL or PRECISION: the held-out error this cause would produce; "" either
    fit: str = ""  # "fits" / "argues against": what the arm's held-out errors say of it ("" unknown)


RECALL, PRECISION = "recall", "precision"


@dataclass(frozen=True)
class Errors:
    """Held-out precision and recall of one strategy at its largest checkpoint (mean over seeds)."""

    strategy: str
    label: str
    budget: float
    p: float
    r: float
    base_p: float
    base_r: float


@dataclass
class Diagnosis:
    setup: dict[str, Any]
    arms: list[ArmDiagnosis]
    reference_evidence: Evidence | None
    dev_vs_test: list[dict[str, Any]] = field(default_factory=list)
    forgetting: list[dict[str, Any]] = field(default_factory=list)
    base_recall: dict[str, float] = field(default_factory=dict)
    errors: list[Errors] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def diagnose_arm(base: Language, name: str, answers: Sequence[Task], ref_name: str, ref: Profile,
                 ref_size: int, *, labels: Sequence[str], fill: str, test_tokens: Sequence[str],
                 seed: int) -> ArmDiagnosis:
    """Everything about one arm against the reference's profile."""
    sentences = SentenceSet.of_answers(name, answers)
    arm = profile(base, sentences, labels=labels)
    space = f"the NER's token representation of {base.meta.get('lang', '?')}_{base.meta.get('name', '?')}"
    # a sentence in both sets would sit on both sides of the classifier: test against the others
    others = np.array([text not in set(arm.texts) for text in ref.texts], dtype=bool)
    return ArmDiagnosis(name, ref_name, len(sentences.tasks), ref_size,
                        compare_profiles(arm, ref, test_tokens=test_tokens, seed=seed), label_mix(arm, ref),
                        shift_test(arm.embeddings, ref.embeddings[others], seed=seed, space=space),
                        answer_evidence(base, answers, labels=labels, fill=fill))


def diagnose(base: Language, arms: Sequence[tuple[str, Sequence[Task]]], reference: SentenceSet, *,
             labels: Sequence[str], fill: str, test_texts: Sequence[str],
             reference_answers: Sequence[Task] | None = None, analysis: Any = None,
             base_recall: dict[str, float] | None = None, base_name: str = "",
             errors: Sequence[Errors] = (), seed: int = 0) -> Diagnosis:
    """Diagnose every arm against `reference` (a random sample of the same source).

    arms: (name, effective answers) of the arms to diagnose; reference_answers: the reference's own
    answers when it is an arm (its evidence is shown beside theirs); analysis: a compare Analysis
    for the dev-split and forgetting sections; base_recall: the base model's recall per compared
    (gold) label on the held-out test; errors: each strategy's held-out precision and recall
    (`held_out_errors`), which decide which causes the outcome fits.
    """
    ref = profile(base, reference, labels=labels)
    test_tokens = [t.lower_ for text in test_texts for t in base.make_doc(text) if t.is_alpha]
    results = [diagnose_arm(base, name, answers, reference.name, ref, len(reference.tasks), labels=labels,
                            fill=fill, test_tokens=test_tokens, seed=seed + 7 * i)
               for i, (name, answers) in enumerate(arms)]
    ref_evidence = (answer_evidence(base, reference_answers, labels=labels, fill=fill)
                    if reference_answers else None)
    out = Diagnosis({"reference": reference.name, "labels": list(labels), "fill": fill, "seed": seed,
                     "test_sentences": len(test_texts),
                     "base_model": base_name or f"{base.meta.get('lang', '?')}_{base.meta.get('name', '?')}"},
                    results, ref_evidence, base_recall=dict(base_recall or {}), errors=list(errors))
    if analysis is not None:
        out.dev_vs_test, out.forgetting = dev_rows(analysis), forgetting_rows(analysis)
        out.setup["headline"] = [asdict(c) for c in analysis.headline]
    out.causes = likely_causes(out)
    return out


def held_out_errors(rows: Sequence[Any], labels: Sequence[str], *, upto: float | None = None) -> list[Errors]:
    """Per strategy and label, mean held-out precision and recall at its largest checkpoint.

    rows: results rows (`results.Row`) of a compare or an experiment, base rows included.
    upto: only checkpoints up to this cost (compare's equal-cost end), so arms compare at equal cost.
    """
    base = {r.label: r for r in rows if r.strategy == "base" and r.eval_set == "test"}
    groups: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        if (r.strategy != "base" and r.eval_set == "test" and r.label in labels and r.label in base
                and (upto is None or r.budget <= upto)):
            groups.setdefault((r.strategy, r.label), []).append(r)
    out = []
    for (strategy, label), found in groups.items():
        last = max(r.budget for r in found)
        at = [r for r in found if r.budget == last]
        out.append(Errors(strategy, label, last, float(np.mean([r.p for r in at])),
                          float(np.mean([r.r for r in at])), base[label].p, base[label].r))
    return out


def _last(items: Sequence[Any], key: Any) -> list[Any]:
    """The item at each group's largest budget (a strategy's own full set)."""
    best: dict[Any, Any] = {}
    for item in items:
        k = key(item)
        if k not in best or item.budget > best[k].budget:
            best[k] = item
    return list(best.values())


def _interval(e: Any) -> dict[str, Any]:
    return {"mean": e.mean, "low": e.low, "high": e.high, "verdict": e.verdict, "n_docs": e.n_docs}


def dev_rows(analysis: Any) -> list[dict[str, Any]]:
    """Per strategy and label, at its last checkpoint: dev-split change, held-out change, gap, story."""
    return [{"strategy": c.strategy, "label": c.label, "budget": c.budget, "dev": _interval(c.dev),
             "test": _interval(c.test), "gap": _interval(c.gap), "story": c.story}
            for c in _last(analysis.dev_checks, lambda c: (c.strategy, c.label))]


def forgetting_rows(analysis: Any) -> list[dict[str, Any]]:
    """Per strategy and label nobody annotated, at its last checkpoint: F1 change from the base model."""
    return [{"strategy": c.strategy, "label": c.label, "budget": c.budget, "change": _interval(c.estimate),
             "direction": c.estimate.direction}
            for c in _last(analysis.forgetting, lambda c: (c.strategy, c.label))]


# ---------------------------------------------------------------- likely causes

PSEUDO_SHARE = 0.5  # pseudo-labels on at least this share of training tokens: a suspect
REJECT_RATE = 0.6  # at least this share of rejects: a suspect
EVIDENCE_RATIO = 0.5  # evidence on at most this share of the reference's: a suspect

MEASURE_ADVICE = {
    LENGTH: "compare at equal tokens (this report does) and mix random sentences into the "
                           "selection, so the model also sees sentences of ordinary length",
    DENSITY: "mix random sentences into the selection (1 in 3, "
                           "say): a model trained on entity-dense text over-predicts on ordinary text; check "
                           "its precision on the held-out test",
    DENSITY_ALL: "mix random sentences into the selection: the arm reads "
                           "unusually entity-dense (or sparse) text",
    EMPTY: "keep sentences without entities in the training "
                           "data (a random share): without them the model learns that every sentence has one",
    UNCERTAIN: "expected of uncertainty sampling; it hurts "
                           "when the uncertain sentences are atypical (see the two-sample test): prefer a "
                           "sorter that keeps some confident questions (--sorter probability) or mix in random ones",
    OVERLAP: "the selection covers less of "
                           "the test set's vocabulary than random sentences: add random sentences, or select "
                           "for diversity as well as uncertainty",
}


FIT_ORDER = {"fits": 0, "": 1, "argues against": 2}
MIN_STRENGTH = 0.05  # a suspect without evidence and smaller than this stays out of the list


def likely_causes(diagnosis: Diagnosis) -> list[Cause]:
    """Every suspect with its number, strongest evidence first.

    Order: causes with evidence before the rest; among them, those the arm's held-out errors fit
    (a cause that would cost recall, when recall is what fell) before the unknown and the
    contradicted ones; then by strength.
    """
    causes: list[Cause] = []
    for arm in diagnosis.arms:
        causes += _shift_cause(arm) + _pseudo_cause(arm, diagnosis) + _evidence_causes(arm, diagnosis)
        causes += [_measure_cause(arm.arm, m) for m in arm.bias]
        causes += _error_causes(arm.arm, diagnosis)
    causes += _dev_causes(diagnosis) + _forgetting_causes(diagnosis)
    causes = [_judge(c, failure_mode(c.arm, diagnosis)) for c in causes
              if c.significant or c.strength >= MIN_STRENGTH]  # the tables hold the rest
    return sorted(causes, key=lambda c: (not c.significant, FIT_ORDER[c.fit], -c.strength))


def failure_mode(arm: str, diagnosis: Diagnosis) -> str:
    """RECALL or PRECISION: what the arm lost most against the baseline on the held-out test ("" unknown)."""
    baseline = diagnosis.setup.get("reference")
    ours = [e for e in diagnosis.errors if e.strategy == arm]
    theirs = {e.label: e for e in diagnosis.errors if e.strategy == baseline}
    pairs = [(e, theirs[e.label]) for e in ours if e.label in theirs]
    if not pairs:
        return ""
    d_p = sum(a.p - b.p for a, b in pairs) / len(pairs)
    d_r = sum(a.r - b.r for a, b in pairs) / len(pairs)
    if min(d_p, d_r) > -0.02:
        return ""
    return RECALL if d_r < d_p else PRECISION


def _judge(cause: Cause, mode: str) -> Cause:
    if not mode or not cause.kind:
        return cause
    return replace(cause, fit="fits" if cause.kind == mode else "argues against")


def _error_causes(arm: str, diagnosis: Diagnosis) -> list[Cause]:
    """The held-out errors themselves: what fell, recall or precision (context for the rest)."""
    mode = failure_mode(arm, diagnosis)
    theirs = {e.label: e for e in diagnosis.errors if e.strategy == diagnosis.setup.get("reference")}
    out = []
    for e in (e for e in diagnosis.errors if e.strategy == arm and e.label in theirs and mode):
        b = theirs[e.label]
        lost = b.r - e.r if mode == RECALL else b.p - e.p
        out.append(Cause(arm, f"it loses held-out {mode} ({e.label})",
                         f"held-out {e.label} precision {e.p:.3f} and recall {e.r:.3f} against {b.p:.3f} and "
                         f"{b.r:.3f} for {b.strategy} {_at(e.budget, b.budget)} (base model {e.base_p:.3f} / "
                         f"{e.base_r:.3f}; means over seeds)", min(1.0, lost / 0.2), True,
                         ERROR_ADVICE[mode], kind=mode))
    return out


def _at(ours: float, theirs: float) -> str:
    return f"at checkpoint {ours:,g} (both)" if ours == theirs else f"at checkpoints {ours:,g} and {theirs:,g}"


ERROR_ADVICE = {
    RECALL: "the model keeps missing what the base model missed: look first at the causes that teach it "
            "'no entity' (rejects, pseudo-labels, little evidence)",
    PRECISION: "the model over-predicts: look first at what the selection showed it too much of "
               "(entity-dense sentences, few without entities)",
}


def _shift_cause(arm: ArmDiagnosis) -> list[Cause]:
    t = arm.shift
    if t is None:
        return []
    number = (f"AUC {t.auc:.2f} [{t.low:.2f}, {t.high:.2f}] for telling its {t.n_arm} sentences from "
              f"{t.n_reference} of {arm.reference} (permutation p = {t.p:.3f}; 0.5 = indistinguishable)")
    return [Cause(arm.arm, "its sentences differ from a random sample (distribution shift)", number,
                  max(0.0, 2 * (t.auc - 0.5)), t.significant,
                  "the model learns from an unusual slice of the data: mix random sentences into each "
                  "batch, or annotate the selected sentences fully (ner.correct) so at least their gold is complete")]


def _pseudo_cause(arm: ArmDiagnosis, diagnosis: Diagnosis) -> list[Cause]:
    e = arm.evidence
    if e.fill != "model" or e.pseudo_share <= 0:
        return []
    recall = min(diagnosis.base_recall.values()) if diagnosis.base_recall else None
    miss = f"; the base model finds only {recall:.0%} of the held-out entities of the labels, so about " \
           f"{1 - recall:.0%} of the mentions nobody answered are trained as 'no entity'" if recall is not None else ""
    number = (f"{e.pseudo_share:.0%} of its training tokens carry pseudo-labels nobody checked "
              f"({e.pseudo_o_share:.0%} 'no entity' from the base model){miss}")
    strength = e.pseudo_o_share * (1 - recall if recall is not None else 0.5)
    return [Cause(arm.arm, "training treats the base model's misses as facts (fill=model on partial answers)",
                  number, min(1.0, 2 * strength), e.pseudo_share >= PSEUDO_SHARE and (recall or 0) < 0.9,
                  "complete the answers of the selected sentences (ner.correct on them, or Prodigy's "
                  "ner.silver-to-gold) so every mention the base model missed gets its gold; --fill missing "
                  "is no fix (on binary answers it measured worse, docs/training.md)", kind=RECALL)]


def _evidence_causes(arm: ArmDiagnosis, diagnosis: Diagnosis) -> list[Cause]:
    e, ref = arm.evidence, diagnosis.reference_evidence
    out = []
    if e.reject_rate >= REJECT_RATE or e.reject_rate > 0 and e.accept_rate < 0.5:
        out.append(Cause(arm.arm, "most answers are rejects: it learns what the label is not",
                         f"accept {e.accept_rate:.0%}, reject {e.reject_rate:.0%}, ignore {e.ignore_rate:.0%} "
                         f"of {e.answers} answers; {e.rejected_per_sentence:.2f} rejected spans per sentence",
                         e.reject_rate, e.reject_rate >= REJECT_RATE,
                         "shift the questions toward likelier entities (ner.teach --bias, or "
                         "prefer_high_scores), or answer whole sentences (ner.manual / ner.correct)", kind=RECALL))
    if ref is not None and ref.evidence_share > e.evidence_share:
        ratio = e.evidence_share / ref.evidence_share
        out.append(Cause(arm.arm, "its answers say little per token read",
                         f"{e.evidence_share:.0%} of its tokens have any answer about them, against "
                         f"{ref.evidence_share:.0%} for {diagnosis.setup['reference']}",
                         max(0.0, 1 - ratio), ratio <= EVIDENCE_RATIO,
                         "each binary answer speaks about one span: for the same reading time complete "
                         "answers give far more evidence; compare the arms at equal minutes", kind=RECALL))
    return out


def _measure_cause(arm: str, m: Measure) -> Cause:
    direction = "more" if m.diff > 0 else "less"
    number = (f"{m.name}: {m.arm:.3g} vs {m.reference:.3g} in the reference ({m.diff:+.3g} "
              f"[{m.low:+.3g}, {m.high:+.3g}], {direction})")
    # uncertainty sampling selects uncertain sentences by design: evidence of selection, a cause only
    # through what comes with it, so it ranks at half its size
    weight = 0.5 if m.name == UNCERTAIN else 1.0
    title = ("it asked about sentences the base model is unsure of (by design)" if weight < 1
             else f"selection bias in {m.name}")
    kind = PRECISION if m.name in (DENSITY, DENSITY_ALL, EMPTY) and (m.diff > 0) == (m.name != EMPTY) else ""
    return Cause(arm, title, number, weight * m.relative, m.significant,
                 MEASURE_ADVICE.get(m.name, "mix random sentences into the selection"), kind=kind)


def _dev_causes(diagnosis: Diagnosis) -> list[Cause]:
    out = []
    for row in diagnosis.dev_vs_test:
        if row["story"] not in ("overstates the gain", "claims what the held-out test can't confirm", "reverses"):
            continue
        dev, test, gap = row["dev"], row["test"], row["gap"]
        out.append(Cause(row["strategy"], f"its own dev split {row['story']} ({row['label']})",
                         f"dev split {dev['mean']:+.3f} [{dev['low']:+.3f}, {dev['high']:+.3f}] vs held-out "
                         f"{test['mean']:+.3f} [{test['low']:+.3f}, {test['high']:+.3f}] from the base model "
                         f"(gap {gap['mean']:+.3f})", min(1.0, abs(gap["mean"]) / 0.1), True,
                         "a dev split of the arm's own answers shares its selection bias: judge by a test "
                         "set annotated in random order on sentences no arm saw"))
    return out


def _forgetting_causes(diagnosis: Diagnosis) -> list[Cause]:
    out = []
    for row in diagnosis.forgetting:
        change = row["change"]
        if change["mean"] >= 0:
            continue
        out.append(Cause(row["strategy"], f"it forgot {row['label']}, which nobody annotated",
                         f"{row['label']} F1 {change['mean']:+.3f} [{change['low']:+.3f}, {change['high']:+.3f}] "
                         "from the base model on the held-out test", min(1.0, abs(change["mean"]) / 0.1),
                         row["direction"] == "worse",
                         "keep fill=model (pseudo-rehearsal) and check its base model is the one the "
                         "pseudo-labels came from; annotate the forgotten labels too if they matter"))
    return out
