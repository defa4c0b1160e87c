"""A classifier two-sample test: can a model tell an arm's sentences from its reference's?

In the NER's own token representation (mean over each sentence's tokens), a standardized
L2-regularized logistic regression scores each sentence out of fold (scikit-learn's
`cross_val_predict`, folds stratified by side); the statistic is their ROC AUC, with a bootstrap
interval (`scipy.stats.bootstrap`, each side resampled) and a permutation p-value
(`scipy.stats.permutation_test` over the side labels, refitting every time). So "the embeddings
look nicely distributed" becomes a number.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

N_BOOT = 1000
N_PERMUTATIONS = 100
FOLDS = 5
MIN_SENTENCES = 10  # per side, for the two-sample test


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


def classifier(*, l2: float = 1.0) -> Pipeline:
    """Standardized features into an L2-regularized logistic regression (the bias unpenalized)."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0 / l2))


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0) -> np.ndarray:
    """Weights (bias last) of the logistic regression `classifier` uses, fitted on unscaled `x`."""
    model = LogisticRegression(C=1.0 / l2).fit(x, y)
    return np.r_[model.coef_[0], model.intercept_]


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve of `scores` for labels `y` (1: arm), ties counted half."""
    return float(roc_auc_score(y, scores))


def out_of_fold(x: np.ndarray, y: np.ndarray, *, folds: int, seed: int) -> np.ndarray:
    """Each sentence's score from a model fitted without its fold (folds stratified by side)."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(classifier(), x, y, cv=cv, method="decision_function")


def shift_test(arm: np.ndarray, reference: np.ndarray, *, seed: int, space: str,
               permutations: int = N_PERMUTATIONS, folds: int = FOLDS) -> ShiftTest | None:
    """The classifier two-sample test; None with fewer than MIN_SENTENCES on a side."""
    if min(len(arm), len(reference)) < MIN_SENTENCES:
        return None
    x = np.vstack([arm, reference])
    y = np.concatenate([np.ones(len(arm)), np.zeros(len(reference))])
    scores = out_of_fold(x, y, folds=folds, seed=seed)
    interval = scipy_stats.bootstrap(
        (scores[y == 1], scores[y == 0]), _side_auc, vectorized=False, n_resamples=N_BOOT,
        method="percentile", random_state=np.random.default_rng(seed)).confidence_interval
    # the observed labels get the folds of `scores`, every permutation folds of its own: the null
    # holds the fold split's own variation, as the observed AUC does
    fold_seeds = itertools.count(seed)
    null = scipy_stats.permutation_test(
        (y,), lambda labels: auc(out_of_fold(x, labels, folds=folds, seed=next(fold_seeds)), labels),
        permutation_type="pairings", vectorized=False, n_resamples=permutations, alternative="greater",
        random_state=np.random.default_rng(seed + 1))
    return ShiftTest(auc(scores, y), float(interval.low), float(interval.high), float(null.pvalue),
                     len(arm), len(reference), permutations, space)


def _side_auc(arm_scores: np.ndarray, reference_scores: np.ndarray) -> float:
    """AUC of the arm's scores against the reference's (each side resampled on its own: stratified)."""
    return auc(np.r_[arm_scores, reference_scores], np.r_[np.ones(len(arm_scores)), np.zeros(len(reference_scores))])
