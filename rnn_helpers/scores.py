"""How good a model's answers are: the scores the lessons report.

- `r2_score` (notebook 03's memory tasks), `evaluate_forecast` (the sine forecasts of notebooks 04-06),
- `confusion_matrix` (notebook 07's digits), `top_k_accuracy` (notebook 08's keyboard).

Plain numpy: a score never trains anything.
"""

import numpy as np

from . import text
from ._validation import Array, Int, check_int, validate


@validate(y_true=Array(), y_pred=Array())
def r2_score(y_true, y_pred):
    """The coefficient of determination `1 - MSE / Var(y_true)`.

    Introduced in notebook 03: 1 is perfect, 0 is no better than always answering the mean of `y_true`, and
    below 0 is worse than that.

    Args:
        y_true: true values, any shape with at least two different values.
        y_pred: predictions of the same shape.

    Returns:
        float.
    """
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}.")
    variance = float(np.var(y_true))
    if variance == 0.0:
        raise ValueError("y_true must hold at least two different values; R² divides by their variance.")
    return 1.0 - float(np.mean((y_pred - y_true) ** 2)) / variance


@validate(generated=Array(ndim=1), expected=Array(ndim=1))
def evaluate_forecast(generated, expected):
    """Compare a generated continuation with the truth.

    Introduced in notebook 06; notebooks 04-05 score their sine forecasters with it.

    Args:
        generated: 1-D array of forecasts. expected: 1-D array of true values, same length.

    Returns:
        dict with `mse` (mean squared error), `max_abs_err`, and `abs_err_by_horizon` (1-D array).
    """
    if generated.shape != expected.shape:
        raise ValueError(
            f"generated and expected must have the same length, got {generated.size} and {expected.size}."
        )
    error = np.abs(generated - expected)
    return {"mse": float(np.mean(error**2)), "max_abs_err": float(error.max()), "abs_err_by_horizon": error}


@validate(y_true=Array(ndim=1), y_pred=Array(ndim=1), classes=Int(minimum=2))
def confusion_matrix(y_true, y_pred, classes):
    """Count how often each true class (row) received each predicted class (column).

    Introduced in notebook 07.

    Returns:
        int array `(classes, classes)`; the diagonal holds the correct answers.
    """
    y_true, y_pred = y_true.astype(int), y_pred.astype(int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {len(y_true)} and {len(y_pred)}.")
    if min(y_true.min(), y_pred.min()) < 0 or max(y_true.max(), y_pred.max()) >= classes:
        raise ValueError(f"labels must lie in 0..{classes - 1}.")
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


@validate(P=Array(ndim=3), Y=Array(ndim=2), checked_in_body=("k",))
def top_k_accuracy(P, Y, k):
    """Share of real (non-padding) steps whose true next symbol is among the `k` most probable.

    Introduced in notebook 08.

    Args:
        P: probabilities `(batch, time, vocabulary)`. Y: int targets `(batch, time)`, `text.PAD` where unused.
        k: an int >= 1.

    Returns:
        A float in [0, 1].
    """
    Y = Y.astype(int)
    k = check_int("k", k, minimum=1, maximum=P.shape[-1])
    if P.shape[:2] != Y.shape:
        raise ValueError(f"P must have shape (batch, time, vocabulary) matching Y {Y.shape}, got {P.shape}.")
    p_true = np.take_along_axis(P, Y[..., None], axis=-1)
    ahead = (P > p_true) | ((P == p_true) & (np.arange(P.shape[-1]) < Y[..., None]))  # ties: lower id first
    rank = np.sum(ahead, axis=-1)   # how many symbols come before the true one in the ranking
    real = Y != text.PAD
    return float(np.mean(rank[real] < k))
