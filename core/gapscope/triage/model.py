"""The relevance model: a logistic regression over precomputed features, with "balanced" class weights
times 10 for the relevant class (so the relevant class weighs 10x more than balanced would give it).

Class weighting matters: a review has a few relevant papers among hundreds of irrelevant ones, and an
unweighted model would rank by "looks like the excluded ones" only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import fit_cache

# Strong regularisation and a relevant class weighted 10x over "balanced": few labelled relevant
# papers must pull the ranking (ASReview's elas_u4 uses a similar 9.8 ratio with a linear SVM).
DEFAULT_C = 0.1
DEFAULT_POS_WEIGHT = 10.0


@dataclass
class Fitted:
    scores: np.ndarray        # decision value for every row (higher = more likely relevant)
    prob: np.ndarray          # prevalence-corrected probability of relevance for every row


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_and_score(X, labelled: np.ndarray, y: np.ndarray, *, C: float = DEFAULT_C,
                  rows: Optional[np.ndarray] = None, pos_weight: float = DEFAULT_POS_WEIGHT,
                  features_key: str = "") -> Fitted:
    """Fit on rows ``labelled`` (labels ``y`` in {0,1}) and score ``rows`` (default: all rows).

    With only one class labelled there is nothing to learn yet: every row scores by its mean
    cosine similarity to the labelled relevant papers (or 0 when there are none).
    ``features_key``: what ``X`` is made of (its feature cache key): a fit of the same rows and labels is
    then read from the disk (fit_cache.py) instead of made again.
    """
    labelled = np.asarray(labelled, dtype=np.int64)
    y = np.asarray(y, dtype=np.int64)
    Xs = X if rows is None else X[rows]
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if n_pos == 0 or n_neg == 0:
        if n_pos:
            centroid = np.asarray(X[labelled[y == 1]].mean(axis=0)).ravel()
            scores = np.asarray(Xs @ centroid).ravel()
        else:
            scores = np.zeros(Xs.shape[0])
        return Fitted(scores, np.full(Xs.shape[0], 0.5 if n_pos else 0.0))
    key = fit_cache.fit_key(X, features_key, labelled, y, (C, pos_weight, fit_cache.code_stamp(_fit))) \
        if features_key else None
    kept = fit_cache.load(key, X.shape[1], X.dtype) if key else None
    if kept is not None:
        coef, intercept = kept
    else:
        coef, intercept = _fit(X, labelled, y, C, pos_weight, n_pos, n_neg)
        if key:
            fit_cache.save(key, coef, intercept)
    scores = np.asarray(Xs @ coef).ravel().astype(np.float64) + intercept
    # Balanced weights shift the log-odds by about log(n_neg / n_pos); undo that so the
    # probabilities reflect the labelled prevalence (still an over-estimate of the unseen pool's
    # prevalence, since screening picks likely-relevant papers first: a conservative estimate).
    prob = _sigmoid(scores + np.log(n_pos / (n_neg * pos_weight)))
    return Fitted(scores, prob)


def _fit(X, labelled: np.ndarray, y: np.ndarray, C: float, pos_weight: float, n_pos: int,
         n_neg: int) -> tuple[np.ndarray, float]:
    """(weights in the float type of ``X``, intercept) of the logistic regression."""
    from sklearn.linear_model import LogisticRegression      # a second to import: only when it is used

    # dual liblinear: fast when papers labelled << features (milliseconds, vs ~0.3 s for the primal)
    # class weights: "balanced", times pos_weight for the relevant class
    cw = {0: len(y) / (2.0 * n_neg), 1: pos_weight * len(y) / (2.0 * n_pos)}
    # random_state: liblinear shuffles its coordinate order; a fixed seed makes a replay reproducible
    # (without one it draws from numpy's global generator, so the same run could differ between processes)
    clf = LogisticRegression(C=C, class_weight=cw, solver="liblinear", dual=True, max_iter=1000, random_state=0)
    clf.fit(X[labelled], y)
    # Score with a float32 copy of the weights: a float64 vector would make scipy upcast (copy) the
    # whole float32 feature matrix on every call, which dominates the latency on 10k papers.
    return clf.coef_.ravel().astype(X.dtype, copy=False), float(clf.intercept_[0])


def blank_records_due(prob_with_text: np.ndarray, n_found: int, n_total: int) -> bool:
    """Whether records with no text to judge should be screened now.

    Their chance of relevance is the review's base rate, estimated as (relevant found + the model's
    expected relevant among the unscreened) / all records; they are due once no record with text is
    more likely relevant than that (ordering by probability of relevance, blanks included)."""
    if len(prob_with_text) == 0:
        return True
    base_rate = (n_found + float(prob_with_text.sum())) / max(n_total, 1)
    return float(prob_with_text.max()) < base_rate
