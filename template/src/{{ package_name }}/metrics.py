"""Classification metrics computed with NumPy only, so every framework reports them the same way."""

from __future__ import annotations

import numpy as np


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """Accuracy and macro-averaged F1 (classes absent from both arrays are ignored)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"need two non-empty arrays of the same shape, got {y_true.shape} and {y_pred.shape}")
    f1_scores = []
    for label in np.union1d(y_true, y_pred):
        true_positive = np.sum((y_pred == label) & (y_true == label))
        predicted = np.sum(y_pred == label)
        actual = np.sum(y_true == label)
        f1_scores.append(2 * true_positive / (predicted + actual) if predicted + actual else 0.0)
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "macro_f1": float(np.mean(f1_scores)),
    }
