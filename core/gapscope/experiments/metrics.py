"""Evaluation metrics in plain numpy (deterministic, no sklearn import on the hot path)."""

from __future__ import annotations

import numpy as np


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(y_true == y_pred)) if len(y_true) else float("nan")


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean of per-class F1 over the classes present in y_true or y_pred (as sklearn's 'macro')."""
    labels = np.union1d(y_true, y_pred)
    f1s = []
    for c in labels:
        tp = float(np.sum((y_pred == c) & (y_true == c)))
        fp = float(np.sum((y_pred == c) & (y_true != c)))
        fn = float(np.sum((y_pred != c) & (y_true == c)))
        denom = 2 * tp + fp + fn
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1s)) if f1s else float("nan")


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.abs(y_true.astype(np.float64) - y_pred)))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((y_true.astype(np.float64) - y_pred) ** 2)))


METRICS = {"accuracy": accuracy, "macro_f1": macro_f1, "mae": mae, "rmse": rmse}
HIGHER_IS_BETTER = {"accuracy": True, "macro_f1": True, "mae": False, "rmse": False}
DEFAULT_METRICS = {"classification": ["accuracy", "macro_f1"], "regression": ["mae", "rmse"]}


def compute(names: list[str], y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    return {n: METRICS[n](y_true, y_pred) for n in names}
